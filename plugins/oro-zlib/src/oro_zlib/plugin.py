"""The oro-zlib plugin (``zlib``): hook implementations only."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from oro_framework import (
    ConfigRegistry,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    hookimpl,
)
from oro_zlib.routes import ROUTES
from oro_zlib.settings import ZlibSettings
from oro_zlib.state import STATE, ZlibState

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(ROUTES)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(ZlibSettings, section="zlib")


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = ZlibState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    state = host.stash.pop(STATE)
    if state is not None:
        state.close_all()
