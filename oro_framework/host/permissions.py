"""Permissions that routes declare and ``[permissions] allow_<name>`` switches off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, final

from oro_framework.host.registry import Registry

if TYPE_CHECKING:
    from oro_framework.host.router import RouteGroup

__all__ = ["Permission", "PermissionRegistry"]

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

    def add_group(self, group: RouteGroup) -> Permission:
        """Declare the permission that guards ``group``, with its doc and default: the one
        place a plugin's permission is written is its :class:`~oro_framework.RouteGroup`.

        :raises RegistrationError: the name is not a valid identifier.
        :raises RegistrationConflict: another plugin declared the same name.
        """
        return self.add(group.permission, group.doc, default=group.default)
