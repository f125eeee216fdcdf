"""The oro-fs plugin: hook implementations only."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from oro_framework import (
    ConfigRegistry,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    ServiceRegistry,
    hookimpl,
)
from oro_fs.routes import ROUTES
from oro_fs.settings import FsSettings
from oro_fs.state import STATE, FsState

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(ROUTES)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(FsSettings, section="filesystem")


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = FsState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # Oro's own subpaths (oro:fs/dir...) live in js/fs/: each file's URL (/oro/fs/<sub>.js) is
    # also where oro:fs's relative imports look, so the internals live in js/fs/internal/.
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        "fs.watchers",
        host.stash[STATE].run,
        doc="Runs the fs.watch watchers; stopped while the app is paused.",
        stop_on_pause=True,
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    # Closing a watcher's descriptor stops the watcher too.
    host.stash[STATE].descriptors.close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    state = host.stash.pop(STATE)
    if state is not None:
        state.close()
