"""oro-framework: a Python runtime for desktop apps with an HTML/JS user interface.

Plugins import what they need from here and nothing else of the host::

    from oro_framework import hookimpl, Request, RouteTable, NotFoundError
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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
from oro_framework.host.services import Service, ServiceRegistry, ServiceState, ServiceStatus
from oro_framework.request import Params, Request, decode_query
from oro_framework.stash import Stash, StashKey

try:
    __version__ = version("oro-framework")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

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
    "__version__",
    "cancelled_on_disconnect",
    "decode_query",
    "hookimpl",
]
