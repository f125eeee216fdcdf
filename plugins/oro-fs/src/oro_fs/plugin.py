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
from oro_fs import routes as fs_routes
from oro_fs import settings
from oro_fs.state import STATE, FsState

JS_DIRECTORY: Final = Path(__file__).parent / "js"
ORO_SUBPATHS: Final = ("dir", "fds", "flags", "handle", "stats", "stream", "watcher", "web")


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        fs_routes.PERMISSION,
        "Read and write files in the app's sandbox: its resources (read-only), data and temp "
        "directories and configured mounts (oro:fs, node:fs).",
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = FsState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    fs_routes.register(routes)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    for name, stem in (("fs", "index"), ("fs/promises", "promises"), ("fs/constants", "constants")):
        modules.add(
            f"oro:{name}",
            JS_DIRECTORY / f"{stem}.js",
            aliases=(f"node:{name}",),
            declarations=JS_DIRECTORY / f"{stem}.d.ts",
        )
    # Oro's own subpaths (Node has none of them): each file's URL (/oro/fs/<sub>.js) is also
    # where oro:fs's relative imports would look, so the internals live in fs/internal/.
    for sub in ORO_SUBPATHS:
        modules.add(
            f"oro:fs/{sub}",
            JS_DIRECTORY / "fs" / f"{sub}.js",
            declarations=JS_DIRECTORY / "fs" / f"{sub}.d.ts",
        )


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        "fs.watchers",
        host.stash[STATE].watchers.serve,
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
