"""oro-framework: a Python runtime for desktop apps with an HTML/JS user interface.

Plugins import what they need from here and nothing else of the host::

    from oro_framework import hookimpl, Request, RouteGroup, NotFoundError, setting, validators
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oro_framework.hookspecs import PLUGIN_API_VERSION, hookimpl
    from oro_framework.host.app import Host
    from oro_framework.host.app_backend import BACKEND_FILE
    from oro_framework.host.app_paths import AppPaths
    from oro_framework.host.app_plugins import app_plugin_locations
    from oro_framework.host.builtin import find_js_api
    from oro_framework.host.builtin_settings import BackendSettings, BuildSettings, MetaSettings
    from oro_framework.host.checks import DoctorCheck
    from oro_framework.host.config import (
        REDACTED,
        Config,
        ConfigKey,
        ConfigRegistry,
        is_secret_name,
        is_variable_name,
        setting,
        setting_from,
        validators,
    )
    from oro_framework.host.config.files import CONFIG_FILE_NAMES, is_ini_file
    from oro_framework.host.declaration import Plugin, PluginService
    from oro_framework.host.envelope import ByteStream, EventStream, Reply, ServerSentEvent
    from oro_framework.host.errors import (
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
        PluginCrashedError,
        PluginLoadError,
        PluginUnavailableError,
        RegistrationConflict,
        RegistrationError,
        RouteTimeoutError,
        RouteWrapperError,
        SecurityError,
        ServiceError,
        ServiceUnavailableError,
        ShuttingDownError,
        TooManyConnectionsError,
        ipc_error_for_status,
    )
    from oro_framework.host.events import Event
    from oro_framework.host.extensions import Extension, Extensions
    from oro_framework.host.file_grants import FileGrant, FileGrants
    from oro_framework.host.lazy import LazyModule
    from oro_framework.host.lifecycle import LifecycleEvent, LifecycleState
    from oro_framework.host.memory import MemoryBudget, MemoryReservation
    from oro_framework.host.modules import JSModule, JSModuleTable
    from oro_framework.host.mounts import ASGIApp, Mount, MountTable
    from oro_framework.host.owned import OwnedDescriptor
    from oro_framework.host.page_events import PAGE_EVENT_NAME, PageEvent, PageEventTable
    from oro_framework.host.permission_broker import (
        PermissionAnswer,
        PermissionRequest,
        PermissionState,
    )
    from oro_framework.host.permissions import (
        PERMISSION_KINDS,
        Permission,
        PermissionRegistry,
        PermissionSpec,
        RouteGroup,
    )
    from oro_framework.host.plugins import PluginInfo
    from oro_framework.host.private_files import (
        adopt_private,
        is_private_path,
        load_private_json,
        read_private,
        write_private,
    )
    from oro_framework.host.protocols import (
        APPLICATION_URL_EVENT,
        DESKTOP_SCHEMES,
        ProtocolHandler,
        ProtocolHandlers,
        application_url_event,
        check_application_scheme,
        check_scheme,
        check_script_path,
        reserved_reason,
        scheme_of,
    )
    from oro_framework.host.request import Params, Request, decode_query
    from oro_framework.host.router import (
        Handler,
        Route,
        RouteCall,
        RouteCallWrapper,
        RouteTable,
        answered,
        wrap_result,
    )
    from oro_framework.host.sandbox import (
        Sandbox,
        SandboxRoot,
        SandboxTarget,
        SandboxWalk,
        real_path,
    )
    from oro_framework.host.schemes import Scheme, SchemeRequest, SchemeResponse, SchemeTable
    from oro_framework.host.services import (
        Service,
        ServiceRegistry,
        ServiceState,
        ServiceStatus,
    )
    from oro_framework.host.stash import Stash, StashKey
    from oro_framework.host.windows.held import GuiHeld
    from oro_framework.host.windows.manager import WindowManager
    from oro_framework.host.windows.model import (
        MAX_USER_SCRIPT,
        Window,
        WindowColor,
        WindowOptions,
        WindowStatus,
        parse_aspect_ratio,
    )
    from oro_framework.web.asgi import cancelled_on_disconnect
    from oro_framework.web.security import SESSION_COOKIE
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
    "AbortError": "oro_framework.host.errors",
    "answered": "oro_framework.host.router",
    "application_url_event": "oro_framework.host.protocols",
    "APPLICATION_URL_EVENT": "oro_framework.host.protocols",
    "AppPaths": "oro_framework.host.app_paths",
    "ASGIApp": "oro_framework.host.mounts",
    "ByteStream": "oro_framework.host.envelope",
    "cancelled_on_disconnect": "oro_framework.web.asgi",
    "check_application_scheme": "oro_framework.host.protocols",
    "check_scheme": "oro_framework.host.protocols",
    "DESKTOP_SCHEMES": "oro_framework.host.protocols",
    "reserved_reason": "oro_framework.host.protocols",
    "check_script_path": "oro_framework.host.protocols",
    "Config": "oro_framework.host.config",
    "ConfigError": "oro_framework.host.errors",
    "CONFIG_FILE_NAMES": "oro_framework.host.config.files",
    "BACKEND_FILE": "oro_framework.host.app_backend",
    "BackendSettings": "oro_framework.host.builtin_settings",
    "app_plugin_locations": "oro_framework.host.app_plugins",
    "BuildSettings": "oro_framework.host.builtin_settings",
    "MetaSettings": "oro_framework.host.builtin_settings",
    "is_ini_file": "oro_framework.host.config.files",
    "ConfigKey": "oro_framework.host.config",
    "ConfigRegistry": "oro_framework.host.config",
    "ConfigWarning": "oro_framework.host.errors",
    "decode_query": "oro_framework.host.request",
    "DoctorCheck": "oro_framework.host.checks",
    "ErrnoError": "oro_framework.host.errors",
    "Event": "oro_framework.host.events",
    "EventStream": "oro_framework.host.envelope",
    "Extension": "oro_framework.host.extensions",
    "Extensions": "oro_framework.host.extensions",
    "find_js_api": "oro_framework.host.builtin",
    "Handler": "oro_framework.host.router",
    "hookimpl": "oro_framework.hookspecs",
    "Host": "oro_framework.host.app",
    "HostError": "oro_framework.host.errors",
    "InternalError": "oro_framework.host.errors",
    "InvalidArgumentError": "oro_framework.host.errors",
    "InvalidJSONError": "oro_framework.host.errors",
    "ipc_error_for_status": "oro_framework.host.errors",
    "IPCError": "oro_framework.host.errors",
    "is_secret_name": "oro_framework.host.config",
    "REDACTED": "oro_framework.host.config",
    "is_variable_name": "oro_framework.host.config",
    "JSModule": "oro_framework.host.modules",
    "JSModuleTable": "oro_framework.host.modules",
    "LifecycleError": "oro_framework.host.errors",
    "LifecycleEvent": "oro_framework.host.lifecycle",
    "LifecycleState": "oro_framework.host.lifecycle",
    "Mount": "oro_framework.host.mounts",
    "FileGrant": "oro_framework.host.file_grants",
    "FileGrants": "oro_framework.host.file_grants",
    "NotAllowedError": "oro_framework.host.errors",
    "NotFoundError": "oro_framework.host.errors",
    "NotSupportedError": "oro_framework.host.errors",
    "InvalidStateError": "oro_framework.host.errors",
    "open_tcp_listeners": "oro_framework.web.wire",
    "OroError": "oro_framework.host.errors",
    "OutOfMemoryError": "oro_framework.host.errors",
    "OutOfRangeError": "oro_framework.host.errors",
    "OwnedDescriptor": "oro_framework.host.owned",
    "PAGE_EVENT_NAME": "oro_framework.host.page_events",
    "PageEvent": "oro_framework.host.page_events",
    "PageEventTable": "oro_framework.host.page_events",
    "adopt_private": "oro_framework.host.private_files",
    "is_private_path": "oro_framework.host.private_files",
    "load_private_json": "oro_framework.host.private_files",
    "read_private": "oro_framework.host.private_files",
    "write_private": "oro_framework.host.private_files",
    "PLUGIN_API_VERSION": "oro_framework.hookspecs",
    "MemoryBudget": "oro_framework.host.memory",
    "MemoryReservation": "oro_framework.host.memory",
    "Params": "oro_framework.host.request",
    "Permission": "oro_framework.host.permissions",
    "PermissionRegistry": "oro_framework.host.permissions",
    "PermissionSpec": "oro_framework.host.permissions",
    "PERMISSION_KINDS": "oro_framework.host.permissions",
    "PermissionAnswer": "oro_framework.host.permission_broker",
    "PermissionRequest": "oro_framework.host.permission_broker",
    "PermissionState": "oro_framework.host.permission_broker",
    "Plugin": "oro_framework.host.declaration",
    "PluginInfo": "oro_framework.host.plugins",
    "PluginService": "oro_framework.host.declaration",
    "PluginLoadError": "oro_framework.host.errors",
    "PluginCrashedError": "oro_framework.host.errors",
    "PluginUnavailableError": "oro_framework.host.errors",
    "ProtocolHandler": "oro_framework.host.protocols",
    "ProtocolHandlers": "oro_framework.host.protocols",
    "RegistrationConflict": "oro_framework.host.errors",
    "RegistrationError": "oro_framework.host.errors",
    "Reply": "oro_framework.host.envelope",
    "Request": "oro_framework.host.request",
    "Route": "oro_framework.host.router",
    "RouteCall": "oro_framework.host.router",
    "RouteCallWrapper": "oro_framework.host.router",
    "RouteGroup": "oro_framework.host.permissions",
    "RouteTable": "oro_framework.host.router",
    "RouteTimeoutError": "oro_framework.host.errors",
    "RouteWrapperError": "oro_framework.host.errors",
    "real_path": "oro_framework.host.sandbox",
    "Sandbox": "oro_framework.host.sandbox",
    "SandboxRoot": "oro_framework.host.sandbox",
    "SandboxTarget": "oro_framework.host.sandbox",
    "SandboxWalk": "oro_framework.host.sandbox",
    "Scheme": "oro_framework.host.schemes",
    "SchemeRequest": "oro_framework.host.schemes",
    "SchemeResponse": "oro_framework.host.schemes",
    "SchemeTable": "oro_framework.host.schemes",
    "scheme_of": "oro_framework.host.protocols",
    "MountTable": "oro_framework.host.mounts",
    "SecurityError": "oro_framework.host.errors",
    "serve_websockets": "oro_framework.web.wire",
    "SESSION_COOKIE": "oro_framework.web.security",
    "ServerSentEvent": "oro_framework.host.envelope",
    "Service": "oro_framework.host.services",
    "ServiceError": "oro_framework.host.errors",
    "ServiceRegistry": "oro_framework.host.services",
    "ServiceState": "oro_framework.host.services",
    "ServiceStatus": "oro_framework.host.services",
    "ServiceUnavailableError": "oro_framework.host.errors",
    "ShuttingDownError": "oro_framework.host.errors",
    "TooManyConnectionsError": "oro_framework.host.errors",
    "setting": "oro_framework.host.config",
    "setting_from": "oro_framework.host.config",
    "Stash": "oro_framework.host.stash",
    "StashKey": "oro_framework.host.stash",
    "validators": "oro_framework.host.config",
    "WebSocket": "oro_framework.web.wire",
    "WebSocketClosed": "oro_framework.web.wire",
    "WebSocketHandshake": "oro_framework.web.wire",
    "GuiHeld": "oro_framework.host.windows.held",
    "LazyModule": "oro_framework.host.lazy",
    "Window": "oro_framework.host.windows.model",
    "WindowColor": "oro_framework.host.windows.model",
    "WindowManager": "oro_framework.host.windows.manager",
    "WindowOptions": "oro_framework.host.windows.model",
    "parse_aspect_ratio": "oro_framework.host.windows.model",
    "MAX_USER_SCRIPT": "oro_framework.host.windows.model",
    "WindowStatus": "oro_framework.host.windows.model",
    "WireLimits": "oro_framework.web.wire",
    "wrap_result": "oro_framework.host.router",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from oro_framework.host.installed import framework_version

        found = framework_version()
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
    "APPLICATION_URL_EVENT",
    "BACKEND_FILE",
    "CONFIG_FILE_NAMES",
    "DESKTOP_SCHEMES",
    "MAX_USER_SCRIPT",
    "PAGE_EVENT_NAME",
    "PERMISSION_KINDS",
    "PLUGIN_API_VERSION",
    "REDACTED",
    "SESSION_COOKIE",
    "ASGIApp",
    "AbortError",
    "AppPaths",
    "BackendSettings",
    "BuildSettings",
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
    "LazyModule",
    "LifecycleError",
    "LifecycleEvent",
    "LifecycleState",
    "MemoryBudget",
    "MemoryReservation",
    "MetaSettings",
    "Mount",
    "MountTable",
    "NotAllowedError",
    "NotFoundError",
    "NotSupportedError",
    "OroError",
    "OutOfMemoryError",
    "OutOfRangeError",
    "OwnedDescriptor",
    "PageEvent",
    "PageEventTable",
    "Params",
    "Permission",
    "PermissionAnswer",
    "PermissionRegistry",
    "PermissionRequest",
    "PermissionSpec",
    "PermissionState",
    "Plugin",
    "PluginCrashedError",
    "PluginInfo",
    "PluginLoadError",
    "PluginService",
    "PluginUnavailableError",
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
    "RouteWrapperError",
    "Sandbox",
    "SandboxRoot",
    "SandboxTarget",
    "SandboxWalk",
    "Scheme",
    "SchemeRequest",
    "SchemeResponse",
    "SchemeTable",
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
    "adopt_private",
    "answered",
    "app_plugin_locations",
    "application_url_event",
    "cancelled_on_disconnect",
    "check_application_scheme",
    "check_scheme",
    "check_script_path",
    "decode_query",
    "find_js_api",
    "hookimpl",
    "ipc_error_for_status",
    "is_ini_file",
    "is_private_path",
    "is_secret_name",
    "is_variable_name",
    "load_private_json",
    "open_tcp_listeners",
    "parse_aspect_ratio",
    "read_private",
    "real_path",
    "reserved_reason",
    "scheme_of",
    "serve_websockets",
    "setting",
    "setting_from",
    "validators",
    "wrap_result",
    "write_private",
]
