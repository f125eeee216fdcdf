"""Permissions that routes declare and ``[permissions] allow_<name>`` switches off."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Final, final

from oro_framework.host.registry import Registry
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.router import Handler

__all__ = ["PERMISSION_KINDS", "Permission", "PermissionRegistry", "PermissionSpec", "RouteGroup"]

PERMISSION_KINDS: Final[Mapping[str, str]] = {
    "camera": "use your camera",
    "microphone": "use your microphone",
    "screen": "record your screen",
    "geolocation": "know your location",
    "notifications": "show notifications",
}
"""The kinds of web platform permission a page may be asked about (the permission broker's), each
with what the prompt says it lets the page do."""

_PERMISSION_NAME: Final = re.compile(r"^[a-z][a-z0-9_]*$")


@final
@record
class Permission:
    """A named capability. ``default`` is what ``permissions.allow_<name>`` is when unset."""

    name: str
    doc: str
    default: bool = True
    plugin: str = "oro"


@final
@record
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
@record
class RouteGroup:
    """A plugin's routes that one permission guards, declared together in its ``routes.py``::

        ROUTES: Final = RouteGroup(
            permission="dns",
            doc="Resolve host names and query DNS records (oro:dns, node:dns).",
            handlers={"dns.lookup": lookup, "dns.resolve": resolve},
        )

    :ivar permission: the permission's name; ``permissions.allow_<it> = false`` in the app's
        ``oro.toml`` turns every route of the group off.
    :ivar doc: what the permission allows, for ``oro config list --describe`` and the docs.
    :ivar handlers: route name → handler (see :meth:`~oro_framework.RouteTable.add`); each
        route's doc is the first line of its handler's docstring.
    :ivar timeouts: seconds for the routes that may take longer (or must take less) than
        ``ipc.timeout_ms``, by route name.
    :ivar default: whether the permission is allowed when the app's config does not say.
    :ivar shared: the routes whose answers are the same for every window's page and for a
        request without a window (``per_window=False``, see
        :attr:`~oro_framework.Route.per_window`); the others are per window.
    """

    permission: str
    doc: str
    handlers: Mapping[str, Handler]
    timeouts: Mapping[str, float] = field(default_factory=dict)
    default: bool = True
    shared: frozenset[str] = frozenset()

    @classmethod
    def guarded(
        cls,
        permission: PermissionSpec,
        *,
        handlers: Mapping[str, Handler],
        timeouts: Mapping[str, float] | None = None,
        shared: frozenset[str] = frozenset(),
    ) -> RouteGroup:
        """The group of ``handlers`` guarded by ``permission``, whose name, doc and default it
        takes: the permission is written once, in a module the plugin's
        ``oro_register_permissions`` imports without importing the routes
        (:class:`~oro_framework.PermissionSpec`)."""
        return cls(
            permission=permission.name,
            doc=permission.doc,
            handlers=handlers,
            timeouts=timeouts or {},
            default=permission.default,
            shared=shared,
        )

    def __post_init__(self) -> None:
        unknown = sorted(set(self.timeouts) - set(self.handlers))
        if unknown:
            raise ValueError(f"timeouts name routes the group does not have: {unknown}")
        unknown = sorted(set(self.shared) - set(self.handlers))
        if unknown:
            raise ValueError(f"shared names routes the group does not have: {unknown}")


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
