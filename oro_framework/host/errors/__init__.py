"""Every exception oro-framework raises, in one hierarchy, one module per family:
:mod:`.ipc` (what pages see), :mod:`.os_errors` (the operating system's, as Node words them) and
:mod:`.host` (what stops the host or a command), below :mod:`.root`.

Two families share the root :class:`OroError`:

* **IPC errors** travel to the page. Each has the ``type``/``code``/HTTP status of the table in
  ``docs/design.md`` and becomes the ``err`` object of a result envelope; the page rehydrates it
  into a JavaScript ``Error`` with the same ``name`` and ``code``.
* **Host errors** stop the host (or a CLI command) and are shown to the app author or plugin author.
  They never reach a page.

::

    OroError
    ├── IPCError                       sent to the page as {"err": {...}}
    │   ├── NotFoundError              404 NOT_FOUND_ERR      unknown route, id or handle
    │   ├── InvalidArgumentError       400 ERR_INVALID_ARG_TYPE / ERR_MISSING_ARGS  ("TypeError")
    │   ├── InvalidJSONError           400 ERR_INVALID_JSON   malformed JSON body  ("SyntaxError")
    │   ├── SecurityError              403 SECURITY_ERR/EPERM sandbox, session, Host/Origin denial
    │   ├── NotAllowedError            403 NOT_ALLOWED_ERR    permission disabled or refused
    │   ├── OutOfRangeError            413 ERR_OUT_OF_RANGE   body/prompt over a cap ("RangeError")
    │   │   ├── OutOfMemoryError       507 ERR_OUT_OF_MEMORY  the host's memory budget is spent
    │   │   └── TooManyConnectionsError  429 ERR_TOO_MANY_CONNECTIONS  a page's held connections
    │   ├── RouteTimeoutError          408 TIMEOUT_ERR        handler exceeded its timeout
    │   ├── AbortError                 499 ABORT_ERR          request cancelled by the client
    │   ├── NotSupportedError          501 NOT_SUPPORTED_ERR  not available on this platform/build
    │   ├── InvalidStateError          409 INVALID_STATE_ERR  the handle's state does not allow it
    │   ├── ServiceUnavailableError    503 SERVICE_UNAVAILABLE_ERR  the plugin's service is down
    │   │   ├── PluginUnavailableError 503 ERR_PLUGIN_NOT_LOADED  a route of a skipped broken plugin
    │   │   ├── PluginCrashedError     503 ERR_PLUGIN_CRASHED  an isolated plugin's process died
    │   │   └── ShuttingDownError      503 ERR_SHUTTING_DOWN  the host is stopping
    │   ├── InternalError              500 INTERNAL_ERR       unexpected exception (details logged)
    │   │   └── RouteWrapperError      500 ERR_ROUTE_WRAPPER  a plugin's route wrapper failed
    │   ├── BackendError               500 ERR_BACKEND_EXCEPTION  an app's backend command raised
    │   ├── BackendImportError         503 ERR_BACKEND_IMPORT  the app's backend does not import
    │   └── ErrnoError                 4xx ENOENT, EEXIST...  an OS error, with errno/syscall/path
    └── HostError                      never sent to a page
        ├── PluginLoadError            a plugin could not be imported or validated, or a hook raised
        ├── RegistrationError          a plugin called a registry's add() wrongly
        │   └── RegistrationConflict   two plugins claim one route/mount/permission/key/specifier
        ├── ConfigError                oro.toml or an override holds an invalid value
        ├── ServiceError               a service failed to start or crashed
        ├── LifecycleError             an impossible lifecycle transition was requested
        ├── BuildError                 ``oro build`` cannot build or package the app
        ├── EngineUnavailableError     the web engine asked for cannot run here
        ├── DisplayError               DISPLAY is malformed (``::5``) and no Wayland answers
        ├── SingleInstanceError        the single-instance socket is unsafe or does not answer
        ├── InstallError               ``oro plugins install``: the installer failed, or no plugin
        ├── NoTestFilesError           ``oro test`` has no test file to run
        ├── BackendTypesUnavailable    ``oro types``: the app has no backend that imports
        └── SscUsageError              ``ssc``'s command line is not one Socket's ssc accepts

:class:`ConfigWarning` (a :class:`UserWarning`) reports unknown config keys without failing.
"""

from __future__ import annotations

from oro_framework.host.errors.host import (
    BackendTypesUnavailable,
    BuildError,
    ConfigError,
    ConfigWarning,
    DisplayError,
    EngineUnavailableError,
    HostError,
    InstallError,
    LifecycleError,
    NoTestFilesError,
    PluginLoadError,
    RegistrationConflict,
    RegistrationError,
    ServiceError,
    SingleInstanceError,
    SscUsageError,
)
from oro_framework.host.errors.ipc import (
    AbortError,
    BackendError,
    BackendImportError,
    InternalError,
    InvalidArgumentError,
    InvalidJSONError,
    InvalidStateError,
    IPCError,
    NotAllowedError,
    NotFoundError,
    NotSupportedError,
    OutOfMemoryError,
    OutOfRangeError,
    PluginCrashedError,
    PluginUnavailableError,
    RouteTimeoutError,
    RouteWrapperError,
    SecurityError,
    ServiceUnavailableError,
    ShuttingDownError,
    TooManyConnectionsError,
    ipc_error_for_status,
)
from oro_framework.host.errors.os_errors import ErrnoError
from oro_framework.host.errors.root import OroError

__all__ = [
    "AbortError",
    "BackendError",
    "BackendImportError",
    "BackendTypesUnavailable",
    "BuildError",
    "ConfigError",
    "ConfigWarning",
    "DisplayError",
    "EngineUnavailableError",
    "ErrnoError",
    "HostError",
    "IPCError",
    "InstallError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidJSONError",
    "InvalidStateError",
    "LifecycleError",
    "NoTestFilesError",
    "NotAllowedError",
    "NotFoundError",
    "NotSupportedError",
    "OroError",
    "OutOfMemoryError",
    "OutOfRangeError",
    "PluginCrashedError",
    "PluginLoadError",
    "PluginUnavailableError",
    "RegistrationConflict",
    "RegistrationError",
    "RouteTimeoutError",
    "RouteWrapperError",
    "SecurityError",
    "ServiceError",
    "ServiceUnavailableError",
    "ShuttingDownError",
    "SingleInstanceError",
    "SscUsageError",
    "TooManyConnectionsError",
    "ipc_error_for_status",
]
