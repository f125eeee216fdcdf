"""oro-framework: a Python runtime for desktop apps with an HTML/JS user interface.

Plugins import what they need from here and nothing else of the host::

    from oro_framework import hookimpl, Request, RouteTable, NotFoundError
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oro_framework.config import Config, ConfigKey, ConfigRegistry
    from oro_framework.envelope import ByteStream, EventStream, Reply, ServerSentEvent
    from oro_framework.errors import (
        AbortError,
        ConfigError,
        ConfigWarning,
        ErrnoError,
        HostError,
        InternalError,
        InvalidArgumentError,
        InvalidJSONError,
        IPCError,
        LifecycleError,
        NotAllowedError,
        NotFoundError,
        NotSupportedError,
        OroError,
        OutOfRangeError,
        PluginLoadError,
        RegistrationConflict,
        RegistrationError,
        RouteTimeoutError,
        SecurityError,
        ServiceError,
        ServiceUnavailableError,
        ipc_error_for_status,
    )
    from oro_framework.hookspecs import hookimpl
    from oro_framework.host.app import AppPaths, Host
    from oro_framework.host.asgi import cancelled_on_disconnect
    from oro_framework.host.events import Event
    from oro_framework.host.lifecycle import LifecycleEvent, LifecycleState
    from oro_framework.host.modules import JSModule, JSModuleTable
    from oro_framework.host.permissions import Permission, PermissionRegistry
    from oro_framework.host.plugins import PluginInfo
    from oro_framework.host.router import Handler, Route, RouteTable
    from oro_framework.host.schemes import ASGIApp, Mount, SchemeTable
    from oro_framework.host.services import (
        Service,
        ServiceRegistry,
        ServiceState,
        ServiceStatus,
    )
    from oro_framework.request import Params, Request, decode_query
    from oro_framework.stash import Stash, StashKey
    from oro_framework.web.wire import (
        WebSocket,
        WebSocketClosed,
        WebSocketHandshake,
        WireLimits,
        open_tcp_listeners,
        serve_websockets,
    )

    __version__: str

# The public names are imported on first use (PEP 562), so that importing one small module of the
# package (the pytest plugin of oro_framework.testing, loaded by every pytest run in an environment
# where oro-framework is installed) does not import trio, click, tomlkit and the whole host.
_EXPORTS: dict[str, str] = {
    "AbortError": "oro_framework.errors",
    "AppPaths": "oro_framework.host.app",
    "ASGIApp": "oro_framework.host.schemes",
    "ByteStream": "oro_framework.envelope",
    "cancelled_on_disconnect": "oro_framework.host.asgi",
    "Config": "oro_framework.config",
    "ConfigError": "oro_framework.errors",
    "ConfigKey": "oro_framework.config",
    "ConfigRegistry": "oro_framework.config",
    "ConfigWarning": "oro_framework.errors",
    "decode_query": "oro_framework.request",
    "ErrnoError": "oro_framework.errors",
    "Event": "oro_framework.host.events",
    "EventStream": "oro_framework.envelope",
    "Handler": "oro_framework.host.router",
    "hookimpl": "oro_framework.hookspecs",
    "ipc_error_for_status": "oro_framework.errors",
    "Host": "oro_framework.host.app",
    "HostError": "oro_framework.errors",
    "InternalError": "oro_framework.errors",
    "InvalidArgumentError": "oro_framework.errors",
    "InvalidJSONError": "oro_framework.errors",
    "IPCError": "oro_framework.errors",
    "JSModule": "oro_framework.host.modules",
    "JSModuleTable": "oro_framework.host.modules",
    "LifecycleError": "oro_framework.errors",
    "LifecycleEvent": "oro_framework.host.lifecycle",
    "LifecycleState": "oro_framework.host.lifecycle",
    "Mount": "oro_framework.host.schemes",
    "NotAllowedError": "oro_framework.errors",
    "NotFoundError": "oro_framework.errors",
    "NotSupportedError": "oro_framework.errors",
    "OroError": "oro_framework.errors",
    "OutOfRangeError": "oro_framework.errors",
    "Params": "oro_framework.request",
    "Permission": "oro_framework.host.permissions",
    "PermissionRegistry": "oro_framework.host.permissions",
    "PluginInfo": "oro_framework.host.plugins",
    "PluginLoadError": "oro_framework.errors",
    "RegistrationConflict": "oro_framework.errors",
    "RegistrationError": "oro_framework.errors",
    "Reply": "oro_framework.envelope",
    "Request": "oro_framework.request",
    "Route": "oro_framework.host.router",
    "RouteTable": "oro_framework.host.router",
    "RouteTimeoutError": "oro_framework.errors",
    "SchemeTable": "oro_framework.host.schemes",
    "SecurityError": "oro_framework.errors",
    "ServerSentEvent": "oro_framework.envelope",
    "Service": "oro_framework.host.services",
    "ServiceError": "oro_framework.errors",
    "ServiceRegistry": "oro_framework.host.services",
    "ServiceState": "oro_framework.host.services",
    "ServiceStatus": "oro_framework.host.services",
    "ServiceUnavailableError": "oro_framework.errors",
    "Stash": "oro_framework.stash",
    "StashKey": "oro_framework.stash",
    "WebSocket": "oro_framework.web.wire",
    "WebSocketClosed": "oro_framework.web.wire",
    "WebSocketHandshake": "oro_framework.web.wire",
    "WireLimits": "oro_framework.web.wire",
    "open_tcp_listeners": "oro_framework.web.wire",
    "serve_websockets": "oro_framework.web.wire",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("oro-framework")
        except PackageNotFoundError:  # running from a source tree without install
            found = "0.0.0"
        globals()["__version__"] = found
        return found
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'oro_framework' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


__all__ = [
    "ASGIApp",
    "AbortError",
    "AppPaths",
    "ByteStream",
    "Config",
    "ConfigError",
    "ConfigKey",
    "ConfigRegistry",
    "ConfigWarning",
    "ErrnoError",
    "Event",
    "EventStream",
    "Handler",
    "Host",
    "HostError",
    "IPCError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidJSONError",
    "JSModule",
    "JSModuleTable",
    "LifecycleError",
    "LifecycleEvent",
    "LifecycleState",
    "Mount",
    "NotAllowedError",
    "NotFoundError",
    "NotSupportedError",
    "OroError",
    "OutOfRangeError",
    "Params",
    "Permission",
    "PermissionRegistry",
    "PluginInfo",
    "PluginLoadError",
    "RegistrationConflict",
    "RegistrationError",
    "Reply",
    "Request",
    "Route",
    "RouteTable",
    "RouteTimeoutError",
    "SchemeTable",
    "SecurityError",
    "ServerSentEvent",
    "Service",
    "ServiceError",
    "ServiceRegistry",
    "ServiceState",
    "ServiceStatus",
    "ServiceUnavailableError",
    "Stash",
    "StashKey",
    "WebSocket",
    "WebSocketClosed",
    "WebSocketHandshake",
    "WireLimits",
    "__version__",
    "cancelled_on_disconnect",
    "decode_query",
    "hookimpl",
    "ipc_error_for_status",
    "open_tcp_listeners",
    "serve_websockets",
]
