"""The oro-fs plugin: hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, their state or the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import hookimpl

if TYPE_CHECKING:
    from oro_framework import (
        ConfigRegistry,
        Host,
        JSModuleTable,
        PageEventTable,
        PermissionRegistry,
        RouteTable,
        ServiceRegistry,
    )

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_fs.permissions import FILESYSTEM

    permissions.declare(FILESYSTEM)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_fs.settings import FsSettings

    config.add_settings(FsSettings, section="filesystem")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_fs.state import STATE, FsState

    host.stash[STATE] = FsState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_fs.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # Oro's own subpaths (oro:fs/dir...) live in js/fs/: each file's URL (/oro/fs/<sub>.js) is
    # also where oro:fs's relative imports look, so the internals live in js/fs/internal/.
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    from oro_fs.watch import EVENT_NAME

    events.add(EVENT_NAME)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_fs.state import STATE

    services.add(
        "fs.watchers",
        host.stash[STATE].run,
        doc="Runs the fs.watch watchers; stopped while the app is paused.",
        stop_on_pause=True,
    )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    from oro_fs.state import STATE

    # Closing a watcher's descriptor stops the watcher too.
    host.stash[STATE].descriptors.close_window(window)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_fs.state import STATE

    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_fs.state import STATE

    state = host.stash.pop(STATE)
    if state is not None:
        state.close()
