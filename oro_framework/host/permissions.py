"""Permissions that routes declare and ``[permissions] allow_<name>`` switches off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, final

from oro_framework.host.registry import Registry

if TYPE_CHECKING:
    from oro_framework.host.router import RouteGroup

__all__ = ["Permission", "PermissionRegistry", "PermissionSpec"]

_PERMISSION_NAME: Final = re.compile(r"^[a-z][a-z0-9_]*$")


@final
@dataclass(frozen=True)
class Permission:
    """A named capability. ``default`` is what ``permissions.allow_<name>`` is when unset."""

    name: str
    doc: str
    default: bool = True
    plugin: str = "oro"


@final
@dataclass(frozen=True)
class PermissionSpec:
    """A permission as a plugin writes it once, in a module that imports nothing heavy
    (its ``permissions.py``): ``oro_register_permissions`` declares it with
    :meth:`PermissionRegistry.declare` and the routes it guards name it with
    :meth:`RouteGroup.guarded <oro_framework.RouteGroup.guarded>`. So commands that only
    declare (``oro config get``, ``oro config set``) never import the plugin's routes, nor the
    state and libraries the routes import.

    :ivar name: ``permissions.allow_<name>`` in the app's ``oro.toml`` turns it off.
    :ivar doc: what the permission allows, for ``oro config list --describe`` and the docs.
    :ivar default: whether it is allowed when the app's config does not say.
    """

    name: str
    doc: str
    default: bool = True


@final
class PermissionRegistry(Registry[Permission]):
    """Passed to ``oro_register_permissions``; each name becomes config key
    ``permissions.allow_<name>``."""

    kind = "permission"

    def add(self, name: str, doc: str, *, default: bool = True) -> Permission:
        """Declare permission ``name`` (lowercase letters, digits, ``_``).

        :raises RegistrationError: the name is not a valid identifier.
        :raises RegistrationConflict: another plugin declared the same name.
        """
        if not _PERMISSION_NAME.match(name):
            raise self._refuse(f"permission name {name!r} must match {_PERMISSION_NAME.pattern}")
        permission = Permission(name, doc, default, self.current_plugin)
        self._claim(name, permission)
        return permission

    def declare(self, spec: PermissionSpec) -> Permission:
        """Declare the permission ``spec`` describes (see :class:`PermissionSpec`).

        :raises RegistrationError: the name is not a valid identifier.
        :raises RegistrationConflict: another plugin declared the same name.
        """
        return self.add(spec.name, spec.doc, default=spec.default)

    def add_group(self, group: RouteGroup) -> Permission:
        """Declare the permission that guards ``group``, with its doc and default, where the
        group writes it (a plugin whose routes are cheap to import; otherwise
        :meth:`declare` its :class:`PermissionSpec`).

        :raises RegistrationError: the name is not a valid identifier.
        :raises RegistrationConflict: another plugin declared the same name.
        """
        return self.add(group.permission, group.doc, default=group.default)
