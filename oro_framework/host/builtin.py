"""The host's own plugin: the config keys and the permission of the host itself, the ``env:``
secret references, the core JS modules of ``js-api/``, the page events the host sends, and the
lifecycle events pages receive.

Registered first in every plugin manager under the name ``oro``; it cannot be disabled. Like
every plugin's entry module it imports what a hook hands over only when the host calls that
hook: ``oro --help`` registers it to find the plugins' commands and needs none of the host. Its
settings are in :mod:`oro_framework.host.builtin_settings`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final

from oro_framework.hookspecs import hookimpl

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.bridge_settings import HttpIpcSettings
    from oro_framework.host.config import ConfigRegistry
    from oro_framework.host.lifecycle import LifecycleEvent
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.page_events import PageEventTable
    from oro_framework.host.permissions import PermissionRegistry

logger = logging.getLogger("oro_framework.host")

ORO_GLOBALS_MODULE: Final = "oro:bootstrap/globals"
"""The module defining Oro's page globals, preloaded in every page while the key is on."""
_PACKAGE: Final = Path(__file__).resolve().parent.parent
JS_API_DIRECTORIES: Final = (_PACKAGE / "js-api", _PACKAGE.parent / "js-api")
"""Where the core JS modules are looked for: inside the installed package (wheels ship them
there), then beside it (a source checkout or an editable install)."""
RUNTIME_EVENTS: Final = ("drag", "drop", "hotkey", "filedidchange")
"""Names oro:bootstrap (js-api/bootstrap.js) gives the runtime's meaning when they come over the
event channel, which the host sends under other names or not at all: Oro's ``drag`` and ``drop``
(dispatched as ``platformdrag``, and ``platformdrop`` with files granted to the page, as
``dropin`` is), ``hotkey`` (a ``HotKeyEvent``, which the page's hotkey module dispatches from its
own key presses) and ``filedidchange`` (Oro's dev reload, subscribed from the start)."""


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        "runtime", "Basic runtime information: ping, platform, MIME types, permissions."
    )
    # What pages ask of the web platform, decided by the permission broker: true lets a page
    # ask (the user, or the app's oro_permission_request, answers), false denies, as Oro's.
    permissions.add("camera", "Let pages ask for the camera (getUserMedia video).")
    permissions.add("microphone", "Let pages ask for the microphone (getUserMedia audio).")
    permissions.add(
        "user_media",
        "Socket's switch for the camera and the microphone together: false denies both.",
    )
    permissions.add("screen", "Let pages ask to record the screen (getDisplayMedia).")
    permissions.add("geolocation", "Let pages ask for the device's location.")


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_framework.host.bridge_settings import WebviewCorsSettings
    from oro_framework.host.builtin_settings import (
        ApplicationSettings,
        BuildSettings,
        ExtensionSettings,
        HttpIpcSettings,
        IpcSettings,
        MetaSettings,
        PluginSettings,
        RestartPolicy,
        TestSettings,
        WebviewSettings,
    )
    from oro_framework.host.windows.settings import LifecycleSettings, WindowSettings

    config.add_settings(MetaSettings, section="meta")
    config.add_settings(WebviewSettings, section="webview")
    config.add_settings(WebviewCorsSettings, section="webview")
    config.add_settings(ApplicationSettings, section="application")
    config.add_settings(BuildSettings, section="build")
    config.add_settings(WindowSettings, section="window")
    config.add_settings(IpcSettings, section="ipc")
    config.add_settings(HttpIpcSettings, section="http.ipc")
    config.add_settings(LifecycleSettings, section="lifecycle")
    config.add_settings(RestartPolicy, section="services")
    config.add_settings(TestSettings, section="test")
    config.add_settings(PluginSettings, section="plugins")
    config.add_settings(ExtensionSettings, section="extensions")


@hookimpl
def oro_resolve_secret(host: Host, scheme: str, name: str) -> str | None:
    from oro_framework.host.config.references import resolve_env_reference

    # ``env:OPENAI_API_KEY``: from the host's environment, which a test host has of its own.
    return resolve_env_reference(host.environ, scheme, name)


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_framework.host.builtin_settings import HttpIpcSettings
    from oro_framework.host.config import MIN_SECRET_LENGTH
    from oro_framework.host.errors import ConfigError

    http_ipc = host.settings(HttpIpcSettings)
    if not http_ipc.enable:
        return
    key = http_ipc.shared_key
    if len(key) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"key 'http.ipc.shared_key' must be at least {MIN_SECRET_LENGTH} characters "
            f"when http.ipc.enable is true, got {len(key)}",
            key="http.ipc.shared_key",
            source=host.config.source("http.ipc.shared_key"),
        )
    _warn_of_http_ipc_reach(http_ipc)


def _warn_of_http_ipc_reach(http_ipc: HttpIpcSettings) -> None:
    """Oro lets ``http.ipc.host`` be any address; only the shared key then guards the bridge
    from the network, which the user should know. A path without a port names no server."""
    from oro_framework.host.bridge_settings import DEFAULT_IPC_PATH, is_loopback

    if http_ipc.port and not is_loopback(http_ipc.host):
        logger.warning(
            "http.ipc.host %s is not a loopback address: other machines can reach the HTTP "
            "IPC bridge on port %d, guarded by http.ipc.shared_key alone",
            http_ipc.host,
            http_ipc.port,
        )
    if not http_ipc.port and http_ipc.path != DEFAULT_IPC_PATH:
        logger.warning(
            "http.ipc.path %s is served on the bridge's own server only: set http.ipc.port "
            "(the app's port keeps /ipc)",
            http_ipc.path,
        )


def find_js_api() -> Path | None:
    """The directory of the core JS modules, or ``None`` when this installation has none."""
    for directory in JS_API_DIRECTORIES:
        if directory.is_dir():
            return directory
    return None


@hookimpl
def oro_register_js_modules(modules: JSModuleTable, host: Host) -> None:
    from oro_framework.host.builtin_settings import WebviewSettings

    directory = find_js_api()
    if directory is None:
        logger.warning("core JS modules not found in %s", " or ".join(map(str, JS_API_DIRECTORIES)))
        return
    modules.add_directory(
        directory,
        preload=(ORO_GLOBALS_MODULE,) if host.settings(WebviewSettings).oro_globals else (),
    )


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    # Each name is a constant of the module that emits it (or, for the names the host never
    # sends, of the module that knows what a page makes of them).
    from oro_framework.host.app_backend import EVENT_PREFIX
    from oro_framework.host.events import CHANNEL_EVENTS
    from oro_framework.host.lifecycle import PAGE_EVENTS, SIGNAL_EVENT
    from oro_framework.host.permission_broker import CHANGE_EVENT
    from oro_framework.host.protocols import APPLICATION_URL_EVENT
    from oro_framework.host.services import SERVICE_STATE_EVENT
    from oro_framework.host.windows.drops import DROP_EVENT
    from oro_framework.host.windows.model import (
        CRASH_EVENT,
        LAUNCH_EVENT,
        ORO_WINDOW_EVENTS,
        WINDOW_EVENTS,
    )

    events.add(*CHANNEL_EVENTS, *PAGE_EVENTS.values(), SERVICE_STATE_EVENT, SIGNAL_EVENT)
    events.add(*WINDOW_EVENTS.values(), LAUNCH_EVENT, CRASH_EVENT, *ORO_WINDOW_EVENTS)
    events.add(DROP_EVENT, APPLICATION_URL_EVENT, CHANGE_EVENT, *RUNTIME_EVENTS)
    events.add_prefix(EVENT_PREFIX)


@hookimpl
def oro_lifecycle_event(host: Host, event: LifecycleEvent) -> None:
    from oro_framework.host.lifecycle import LifecycleEvent, emit_to_pages

    emit_to_pages(host, event, host.lifecycle)
    if event is LifecycleEvent.STARTED:
        # GUI events reach the loop through its token.
        host.windows.bind_loop()
