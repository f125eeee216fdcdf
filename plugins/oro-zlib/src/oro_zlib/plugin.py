"""The oro-zlib plugin (``zlib``): hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, their state or the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import hookimpl

if TYPE_CHECKING:
    from oro_framework import ConfigRegistry, Host, JSModuleTable, PermissionRegistry, RouteTable

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_zlib.permissions import ZLIB

    permissions.declare(ZLIB)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_zlib.settings import ZlibSettings

    config.add_settings(ZlibSettings, section="zlib")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_zlib.state import STATE, ZlibState

    host.stash[STATE] = ZlibState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_zlib.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    from oro_zlib.state import STATE

    host.stash[STATE].close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_zlib.state import STATE

    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_zlib.state import STATE

    state = host.stash.pop(STATE)
    if state is not None:
        state.close_all()
