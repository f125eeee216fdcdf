"""The core ``app-backend`` plugin: the app's ``backend.py`` commands as routes.

The host imports the backend and registers its module as the plugin ``backend``
(:mod:`oro_framework.host.app_backend`); this plugin declares what every app has (the
``[backend]`` config section, the ``backend`` permission) and registers each ``@command`` as the
route ``backend.<name>``, attributed to the plugin ``backend``, so that ``oro routes`` names the
app and a backend whose hooks break takes its routes with it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import BackendSettings, StashKey, hookimpl

if TYPE_CHECKING:
    from oro_framework import ConfigRegistry, Host, PermissionRegistry, RouteTable
    from oro_framework.backend import CommandSpec
    from oro_framework.backend.routes import WindowThreads

PERMISSION: Final = "backend"
COMMANDS: Final[StashKey[list[CommandSpec]]] = StashKey("app-backend")
THREADS: Final[StashKey[WindowThreads]] = StashKey("app-backend-threads")
DEV_PLUGIN: Final = "oro-dev"
"""The plugin ``oro dev`` adds to the host it runs: its pages are the developer's own, so they
read a failure's details (as ``[backend] error_details = true`` does)."""


def error_details(host: Host) -> bool:
    """Whether pages read the text of what failed in the backend (``[backend] error_details``,
    or the host is ``oro dev``'s)."""
    if host.settings(BackendSettings).error_details:
        return True
    return any(plugin.name == DEV_PLUGIN for plugin in host.plugins)


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(PERMISSION, "Call the commands of the app's own backend (backend.py).")


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(BackendSettings, section="backend")


@hookimpl
def oro_configure(host: Host) -> None:
    backend = host.backend
    if backend is None:
        return
    if backend.module is None:
        if backend.error is not None and not error_details(host):
            host.backend = dataclasses.replace(backend, page_error=backend.error.brief())
        return
    # Imported here: every app loads this plugin, few have a backend.py (a few ms of start-up).
    from oro_framework.backend import BackendImportError, commands_of
    from oro_framework.backend.events import use_host

    use_host(host)
    try:
        host.stash[COMMANDS] = commands_of(vars(backend.module))
    except TypeError as error:
        # A signature no page can call: answered like a backend that does not import.
        failure = BackendImportError(
            f"The app's backend has a command pages cannot call: {error}",
            exception="TypeError",
            where=_shown(Path(backend.source), host.app_dir),
        )
        host.backend = dataclasses.replace(backend, error=failure)


def _shown(source: Path, app_dir: Path) -> str:
    """The backend's file as pages see it: relative to the app's folder, never where the host
    keeps it (a dotted module name stays as written)."""
    if not source.is_absolute():
        return str(source)
    return source.relative_to(app_dir).as_posix() if source.is_relative_to(app_dir) else source.name


@hookimpl
def oro_register_routes(routes: RouteTable, host: Host) -> None:
    commands = host.stash.get(COMMANDS)
    if not commands:
        return
    from oro_framework.backend import BACKEND_PLUGIN
    from oro_framework.backend.routes import CommandOptions, WindowThreads, handler_for

    settings = host.settings(BackendSettings)
    options = CommandOptions(settings.max_result_bytes, error_details(host))
    # One bound per window across every command: a page cannot take more by calling several.
    threads = host.stash[THREADS] = WindowThreads(settings.threads_per_window)
    with routes.registering(BACKEND_PLUGIN):
        for spec in commands:
            routes.add(
                f"{BACKEND_PLUGIN}.{spec.name}",
                handler_for(spec, options, threads),
                permission=PERMISSION,
                doc=spec.doc,
                timeout=spec.timeout,
            )


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    threads = host.stash.get(THREADS)
    if threads is not None:
        threads.forget(window)


@hookimpl
def oro_diagnostics(host: Host, window: int | None) -> dict[str, Any] | None:
    """The blocking commands' threads: busy ones per window (a page sees its own window's)."""
    threads = host.stash.get(THREADS)
    if threads is None:
        return None
    usage = threads.usage()
    if window is not None:
        usage = {window: usage.get(window, 0)}
    busy = {str(index): count for index, count in sorted(usage.items())}
    return {"threads": {"perWindow": threads.per_window, "busy": busy}}


@hookimpl
def oro_unconfigure(host: Host) -> None:
    host.stash.pop(COMMANDS)
    host.stash.pop(THREADS)
