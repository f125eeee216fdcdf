"""The oro-fs plugin: hook implementations only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

JS_DIRECTORY = Path(__file__).parent / "js"
PERMISSION = "filesystem"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        PERMISSION,
        "Read and write files in the app's sandbox: its resources (read-only), data and temp "
        "directories and configured mounts (oro:fs, node:fs).",
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    settings.configure(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    fs_routes.register(routes, PERMISSION)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    for name, stem in (("fs", "index"), ("fs/promises", "promises"), ("fs/constants", "constants")):
        modules.add(
            f"oro:{name}",
            JS_DIRECTORY / f"{stem}.js",
            aliases=(f"node:{name}",),
            declarations=JS_DIRECTORY / f"{stem}.d.ts",
        )


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        "fs.watchers",
        settings.state(host).watchers.serve,
        doc="Runs the fs.watch watchers; stopped while the app is paused.",
        stop_on_pause=True,
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    # Closing a watcher's descriptor stops the watcher too.
    settings.state(host).descriptors.close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    fs = settings.state(host)
    descriptors = fs.descriptors.all()
    return {
        "handles": {"count": len(descriptors), "ids": [d.id for d in descriptors]},
        "watchers": len(fs.watchers.running()),
        "streams": len(fs.streams),
    }


@hookimpl
def oro_unconfigure(host: Host) -> None:
    fs = host.state.pop(settings.PLUGIN, None)
    if fs is not None:
        fs.descriptors.close_all()
        for stream in list(fs.streams):
            stream.close()
