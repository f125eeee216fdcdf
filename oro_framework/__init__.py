"""oro-framework: a Python runtime for desktop apps with an HTML/JS user interface.

Plugins import what they need from here and nothing else of the host::

    from oro_framework import hookimpl, Request, RouteGroup, NotFoundError, setting, validators
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oro_framework.kernel.app import AppPaths, Host
    from oro_framework.kernel.builtin import find_js_api
    from oro_framework.kernel.checks import DoctorCheck
    from oro_framework.kernel.config import (
        Config,
        ConfigKey,
        ConfigRegistry,
        is_secret_name,
        setting,
        setting_from,
        validators,
    )
    from oro_framework.kernel.envelope import ByteStream, EventStream, Reply, ServerSentEvent
    from oro_framework.kernel.errors import (
        AbortError,
        ConfigError,
        ConfigWarning,
        ErrnoError,
        HostError,
        InternalError,
        InvalidArgumentError,
        InvalidJSONError,
        InvalidStateError,
        IPCError,
        LifecycleError,
        NotAllowedError,
        NotFoundError,
        NotSupportedError,
        OroError,
        OutOfMemoryError,
        OutOfRangeError,
        PluginLoadError,
        RegistrationConflict,
        RegistrationError,
        RouteTimeoutError,
        SecurityError,
        ServiceError,
        ServiceUnavailableError,
        ShuttingDownError,
        TooManyConnectionsError,
        ipc_error_for_status,
    )
    from oro_framework.kernel.events import Event
    from oro_framework.kernel.extensions import Extension, Extensions
    from oro_framework.kernel.file_grants import FileGrant, FileGrants
    from oro_framework.kernel.hookspecs import PLUGIN_API_VERSION, hookimpl
    from oro_framework.kernel.lifecycle import LifecycleEvent, LifecycleState
    from oro_framework.kernel.memory import MemoryBudget, MemoryReservation
    from oro_framework.kernel.modules import JSModule, JSModuleTable
    from oro_framework.kernel.mounts import ASGIApp, Mount, MountTable
    from oro_framework.kernel.owned import OwnedDescriptor
    from oro_framework.kernel.permissions import Permission, PermissionRegistry
    from oro_framework.kernel.plugins import PluginInfo
    from oro_framework.kernel.protocols import (
        ProtocolHandler,
        ProtocolHandlers,
        application_url_event,
        check_scheme,
        check_script_path,
        scheme_of,
    )
    from oro_framework.kernel.request import Params, Request, decode_query
    from oro_framework.kernel.router import (
        Handler,
        Route,
        RouteCall,
        RouteCallWrapper,
        RouteGroup,
        RouteTable,
        answered,
        wrap_result,
    )
    from oro_framework.kernel.sandbox import (
        Sandbox,
        SandboxRoot,
        SandboxTarget,
        SandboxWalk,
        real_path,
    )
    from oro_framework.kernel.services import (
        Service,
        ServiceRegistry,
        ServiceState,
        ServiceStatus,
    )
    from oro_framework.kernel.stash import Stash, StashKey
    from oro_framework.kernel.windows.held import GuiHeld
    from oro_framework.kernel.windows.manager import WindowManager
    from oro_framework.kernel.windows.model import (
        HOST_EVENTS,
        Window,
        WindowColor,
        WindowOptions,
        WindowStatus,
    )
    from oro_framework.web.asgi import cancelled_on_disconnect
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
    "AbortError": "oro_framework.kernel.errors",
    "answered": "oro_framework.kernel.router",
    "application_url_event": "oro_framework.kernel.protocols",
    "AppPaths": "oro_framework.kernel.app",
    "ASGIApp": "oro_framework.kernel.mounts",
    "ByteStream": "oro_framework.kernel.envelope",
    "cancelled_on_disconnect": "oro_framework.web.asgi",
    "check_scheme": "oro_framework.kernel.protocols",
    "check_script_path": "oro_framework.kernel.protocols",
    "Config": "oro_framework.kernel.config",
    "ConfigError": "oro_framework.kernel.errors",
    "ConfigKey": "oro_framework.kernel.config",
    "ConfigRegistry": "oro_framework.kernel.config",
    "ConfigWarning": "oro_framework.kernel.errors",
    "decode_query": "oro_framework.kernel.request",
    "DoctorCheck": "oro_framework.kernel.checks",
    "ErrnoError": "oro_framework.kernel.errors",
    "Event": "oro_framework.kernel.events",
    "EventStream": "oro_framework.kernel.envelope",
    "Extension": "oro_framework.kernel.extensions",
    "Extensions": "oro_framework.kernel.extensions",
    "find_js_api": "oro_framework.kernel.builtin",
    "Handler": "oro_framework.kernel.router",
    "hookimpl": "oro_framework.kernel.hookspecs",
    "Host": "oro_framework.kernel.app",
    "HOST_EVENTS": "oro_framework.kernel.windows.model",
    "HostError": "oro_framework.kernel.errors",
    "InternalError": "oro_framework.kernel.errors",
    "InvalidArgumentError": "oro_framework.kernel.errors",
    "InvalidJSONError": "oro_framework.kernel.errors",
    "ipc_error_for_status": "oro_framework.kernel.errors",
    "IPCError": "oro_framework.kernel.errors",
    "is_secret_name": "oro_framework.kernel.config",
    "JSModule": "oro_framework.kernel.modules",
    "JSModuleTable": "oro_framework.kernel.modules",
    "LifecycleError": "oro_framework.kernel.errors",
    "LifecycleEvent": "oro_framework.kernel.lifecycle",
    "LifecycleState": "oro_framework.kernel.lifecycle",
    "Mount": "oro_framework.kernel.mounts",
    "FileGrant": "oro_framework.kernel.file_grants",
    "FileGrants": "oro_framework.kernel.file_grants",
    "NotAllowedError": "oro_framework.kernel.errors",
    "NotFoundError": "oro_framework.kernel.errors",
    "NotSupportedError": "oro_framework.kernel.errors",
    "InvalidStateError": "oro_framework.kernel.errors",
    "open_tcp_listeners": "oro_framework.web.wire",
    "OroError": "oro_framework.kernel.errors",
    "OutOfMemoryError": "oro_framework.kernel.errors",
    "OutOfRangeError": "oro_framework.kernel.errors",
    "OwnedDescriptor": "oro_framework.kernel.owned",
    "PLUGIN_API_VERSION": "oro_framework.kernel.hookspecs",
    "MemoryBudget": "oro_framework.kernel.memory",
    "MemoryReservation": "oro_framework.kernel.memory",
    "Params": "oro_framework.kernel.request",
    "Permission": "oro_framework.kernel.permissions",
    "PermissionRegistry": "oro_framework.kernel.permissions",
    "PluginInfo": "oro_framework.kernel.plugins",
    "PluginLoadError": "oro_framework.kernel.errors",
    "ProtocolHandler": "oro_framework.kernel.protocols",
    "ProtocolHandlers": "oro_framework.kernel.protocols",
    "RegistrationConflict": "oro_framework.kernel.errors",
    "RegistrationError": "oro_framework.kernel.errors",
    "Reply": "oro_framework.kernel.envelope",
    "Request": "oro_framework.kernel.request",
    "Route": "oro_framework.kernel.router",
    "RouteCall": "oro_framework.kernel.router",
    "RouteCallWrapper": "oro_framework.kernel.router",
    "RouteGroup": "oro_framework.kernel.router",
    "RouteTable": "oro_framework.kernel.router",
    "RouteTimeoutError": "oro_framework.kernel.errors",
    "real_path": "oro_framework.kernel.sandbox",
    "Sandbox": "oro_framework.kernel.sandbox",
    "SandboxRoot": "oro_framework.kernel.sandbox",
    "SandboxTarget": "oro_framework.kernel.sandbox",
    "SandboxWalk": "oro_framework.kernel.sandbox",
    "scheme_of": "oro_framework.kernel.protocols",
    "MountTable": "oro_framework.kernel.mounts",
    "SecurityError": "oro_framework.kernel.errors",
    "serve_websockets": "oro_framework.web.wire",
    "ServerSentEvent": "oro_framework.kernel.envelope",
    "Service": "oro_framework.kernel.services",
    "ServiceError": "oro_framework.kernel.errors",
    "ServiceRegistry": "oro_framework.kernel.services",
    "ServiceState": "oro_framework.kernel.services",
    "ServiceStatus": "oro_framework.kernel.services",
    "ServiceUnavailableError": "oro_framework.kernel.errors",
    "ShuttingDownError": "oro_framework.kernel.errors",
    "TooManyConnectionsError": "oro_framework.kernel.errors",
    "setting": "oro_framework.kernel.config",
    "setting_from": "oro_framework.kernel.config",
    "Stash": "oro_framework.kernel.stash",
    "StashKey": "oro_framework.kernel.stash",
    "validators": "oro_framework.kernel.config",
    "WebSocket": "oro_framework.web.wire",
    "WebSocketClosed": "oro_framework.web.wire",
    "WebSocketHandshake": "oro_framework.web.wire",
    "GuiHeld": "oro_framework.kernel.windows.held",
    "Window": "oro_framework.kernel.windows.model",
    "WindowColor": "oro_framework.kernel.windows.model",
    "WindowManager": "oro_framework.kernel.windows.manager",
    "WindowOptions": "oro_framework.kernel.windows.model",
    "WindowStatus": "oro_framework.kernel.windows.model",
    "WireLimits": "oro_framework.web.wire",
    "wrap_result": "oro_framework.kernel.router",
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
    "HOST_EVENTS",
    "PLUGIN_API_VERSION",
    "ASGIApp",
    "AbortError",
    "AppPaths",
    "ByteStream",
    "Config",
    "ConfigError",
    "ConfigKey",
    "ConfigRegistry",
    "ConfigWarning",
    "DoctorCheck",
    "ErrnoError",
    "Event",
    "EventStream",
    "Extension",
    "Extensions",
    "FileGrant",
    "FileGrants",
    "GuiHeld",
    "Handler",
    "Host",
    "HostError",
    "IPCError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidJSONError",
    "InvalidStateError",
    "JSModule",
    "JSModuleTable",
    "LifecycleError",
    "LifecycleEvent",
    "LifecycleState",
    "MemoryBudget",
    "MemoryReservation",
    "Mount",
    "MountTable",
    "NotAllowedError",
    "NotFoundError",
    "NotSupportedError",
    "OroError",
    "OutOfMemoryError",
    "OutOfRangeError",
    "OwnedDescriptor",
    "Params",
    "Permission",
    "PermissionRegistry",
    "PluginInfo",
    "PluginLoadError",
    "ProtocolHandler",
    "ProtocolHandlers",
    "RegistrationConflict",
    "RegistrationError",
    "Reply",
    "Request",
    "Route",
    "RouteCall",
    "RouteCallWrapper",
    "RouteGroup",
    "RouteTable",
    "RouteTimeoutError",
    "Sandbox",
    "SandboxRoot",
    "SandboxTarget",
    "SandboxWalk",
    "SecurityError",
    "ServerSentEvent",
    "Service",
    "ServiceError",
    "ServiceRegistry",
    "ServiceState",
    "ServiceStatus",
    "ServiceUnavailableError",
    "ShuttingDownError",
    "Stash",
    "StashKey",
    "TooManyConnectionsError",
    "WebSocket",
    "WebSocketClosed",
    "WebSocketHandshake",
    "Window",
    "WindowColor",
    "WindowManager",
    "WindowOptions",
    "WindowStatus",
    "WireLimits",
    "__version__",
    "answered",
    "application_url_event",
    "cancelled_on_disconnect",
    "check_scheme",
    "check_script_path",
    "decode_query",
    "find_js_api",
    "hookimpl",
    "ipc_error_for_status",
    "is_secret_name",
    "open_tcp_listeners",
    "real_path",
    "scheme_of",
    "serve_websockets",
    "setting",
    "setting_from",
    "validators",
    "wrap_result",
]
