"""What crosses between the host and an isolated plugin, as JSON: the errors a route raises,
what the plugin declares (permissions, config keys) and registers (routes, JS modules, page
events), and the events it streams. Each ``*_out`` runs in the process that has the object, its
``*_in`` in the one that rebuilds it; ``tests/test_isolation_wire.py`` checks that a round trip
keeps what the other side uses."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from oro_framework.host.config.keys import ConfigKey, ConfigRegistry
from oro_framework.host.config.values import TYPE_NAMES
from oro_framework.host.envelope import ServerSentEvent
from oro_framework.host.errors import InternalError, IPCError, ipc_error_for_status
from oro_framework.host.modules import JSModule, JSModuleTable
from oro_framework.host.page_events import PageEventTable
from oro_framework.host.permissions import Permission, PermissionRegistry, PermissionSpec
from oro_framework.host.router import Route

__all__ = [
    "config_keys_in",
    "config_keys_out",
    "error_in",
    "error_out",
    "event_in",
    "event_out",
    "js_modules_in",
    "js_modules_out",
    "permissions_in",
    "permissions_out",
    "route_out",
]

_TYPE_BY_NAME: Final = {kind.__name__: kind for kind in TYPE_NAMES}


def error_out(error: IPCError) -> dict[str, Any]:
    """``error`` as the page would see it, with its HTTP status and class name."""
    return {"err": error.to_dict(), "status": error.status, "class": type(error).__name__}


def _subclasses(kind: type[IPCError]) -> Iterable[type[IPCError]]:
    for sub in kind.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def error_in(wire: Mapping[str, Any]) -> IPCError:
    """The error ``wire`` (:func:`error_out`) describes, of the same class where the host has
    one of that name, type and status (``NotFoundError``, ``ErrnoError``...), else a stand-in
    of the plugin's type based on the class its status stands for; its code and extra fields
    as the plugin set them."""
    try:
        err = dict(wire["err"])
        status = int(wire["status"])
        message = str(err.pop("message"))
        code = str(err.pop("code"))
        error_type = err.pop("type")
    except (KeyError, TypeError, ValueError):
        return InternalError("An isolated plugin answered an error the host cannot read")
    for kind in _subclasses(IPCError):
        if (
            kind.__name__ == wire.get("class")
            and kind.error_type == error_type
            and kind.http_status == status
        ):
            try:
                return kind(message, code=code, **err)
            except TypeError:
                break
    if not isinstance(error_type, str):
        return ipc_error_for_status(status, message, code=code, **err)
    return _plugin_error(str(wire.get("class")), error_type, status)(message, code=code, **err)


@functools.lru_cache(maxsize=256)
def _plugin_error(name: str, error_type: str, status: int) -> type[IPCError]:
    """A stand-in for an error class of the plugin's own (``SQLiteError``), which the host
    never imports: the page gets its ``type`` and an error status as the plugin answered them;
    its base is the class the status stands for. Bounded: a plugin that makes up names gets
    no more memory."""
    base = type(ipc_error_for_status(status, ""))
    http_status = status if 400 <= status < 600 else base.http_status
    return type(name, (base,), {"error_type": error_type, "http_status": http_status})


def permissions_out(permissions: Iterable[Permission]) -> list[dict[str, Any]]:
    return [
        {"name": permission.name, "doc": permission.doc, "default": permission.default}
        for permission in permissions
    ]


def permissions_in(registry: PermissionRegistry, wire: Iterable[Mapping[str, Any]]) -> None:
    for entry in wire:
        registry.declare(
            PermissionSpec(str(entry["name"]), str(entry["doc"]), bool(entry["default"]))
        )


def config_keys_out(keys: Iterable[ConfigKey]) -> list[dict[str, Any]]:
    """The keys as the host needs them to read and list the app's config. A validator or an
    Oro-entry function stays in the plugin's process: it checks the value there."""
    return [
        {
            "name": key.name,
            "type": key.type.__name__,
            "default": key.default,
            "doc": key.doc,
            "env": list(key.env),
            "secret": key.secret,
            "private": key.private,
            "oro_names": list(key.oro_names),
        }
        for key in keys
    ]


def config_keys_in(registry: ConfigRegistry, wire: Iterable[Mapping[str, Any]]) -> None:
    for entry in wire:
        registry.add(
            str(entry["name"]),
            _TYPE_BY_NAME[entry["type"]],
            entry["default"],
            str(entry["doc"]),
            env=tuple(map(str, entry["env"])),
            secret=bool(entry["secret"]),
            private=bool(entry["private"]),
            oro_names=tuple(map(str, entry["oro_names"])),
        )


def route_out(route: Route) -> dict[str, Any]:
    return {
        "name": route.name,
        "permission": route.permission,
        "doc": route.doc,
        "timeout": route.timeout,
        "per_window": route.per_window,
    }


def js_modules_out(table: JSModuleTable, plugin: str) -> list[dict[str, Any]]:
    """Each module of ``plugin`` once, with the other names it was registered under."""
    names: dict[int, list[str]] = {}
    modules: dict[int, JSModule] = {}
    for name, module in table.specifiers().items():
        if module.plugin == plugin:
            names.setdefault(id(module), []).append(name)
            modules[id(module)] = module
    return [
        {
            "specifier": module.specifier,
            "aliases": [name for name in names[key] if name != module.specifier],
            "path": str(module.path),
            "declarations": None if module.declarations is None else str(module.declarations),
            "preload": module.preload,
        }
        for key, module in modules.items()
    ]


def js_modules_in(table: JSModuleTable, wire: Iterable[Mapping[str, Any]]) -> None:
    for entry in wire:
        declarations = entry["declarations"]
        table.add(
            str(entry["specifier"]),
            Path(entry["path"]),
            aliases=tuple(map(str, entry["aliases"])),
            declarations=None if declarations is None else Path(declarations),
            preload=bool(entry["preload"]),
        )


def page_events_out(table: PageEventTable, plugin: str) -> dict[str, list[str]]:
    mine = [entry for entry in table if entry.plugin == plugin]
    return {
        "names": [entry.name for entry in mine if not entry.prefix],
        "prefixes": [entry.name for entry in mine if entry.prefix],
    }


def event_out(item: Any) -> dict[str, Any]:
    """One item of an event stream: a :class:`ServerSentEvent` or plain JSON data."""
    if isinstance(item, ServerSentEvent):
        return {"data": item.data, "event": item.event, "id": item.id, "sse": True}
    return {"data": item}


def event_in(wire: Mapping[str, Any]) -> Any:
    if wire.get("sse"):
        return ServerSentEvent(wire.get("data"), event=wire.get("event"), id=wire.get("id"))
    return wire.get("data")
