"""The core ``app-backend`` plugin: the app's ``backend.py`` commands as routes.

The host imports the backend and registers its module as the plugin ``backend``
(:mod:`oro_framework.kernel.app_backend`); this plugin declares what every app has (the
``[backend]`` config section, the ``backend`` permission) and registers each ``@command`` as the
route ``backend.<name>``, attributed to the plugin ``backend``, so that ``oro routes`` names the
app and a backend whose hooks break takes its routes with it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final

from oro_framework import (
    ConfigRegistry,
    Host,
    PermissionRegistry,
    RouteTable,
    StashKey,
    hookimpl,
    setting,
    validators,
)

if TYPE_CHECKING:
    from oro_framework.backend import CommandSpec

PERMISSION: Final = "backend"
COMMANDS: Final[StashKey[list[CommandSpec]]] = StashKey("app-backend")


@dataclasses.dataclass(frozen=True)
class BackendSettings:
    """``[backend]``: the app's own Python backend (docs/backend.md)."""

    module: str = setting(
        "",
        doc="The backend: a file relative to the app (src/backend.py) or a dotted module name; "
        "default backend.py beside oro.toml when there is one",
    )
    requirements: list[str] = setting(
        [],
        doc="Python requirements of the backend (pillow>=10, or -r requirements.txt), shipped "
        "by oro build from where it runs and checked by oro doctor",
    )
    max_result_bytes: int = setting(
        64 * 1024 * 1024,
        doc="The largest result a command may return (bytes or encoded JSON); stream more",
        validator=validators.positive,
    )


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(PERMISSION, "Call the commands of the app's own backend (backend.py).")


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(BackendSettings, section="backend")


@hookimpl
def oro_configure(host: Host) -> None:
    backend = host.backend
    if backend is None or backend.module is None:
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
            where=backend.source,
        )
        host.backend = dataclasses.replace(backend, error=failure)


@hookimpl
def oro_register_routes(routes: RouteTable, host: Host) -> None:
    commands = host.stash.get(COMMANDS)
    if not commands:
        return
    from oro_framework.backend import BACKEND_PLUGIN
    from oro_framework.backend.routes import handler_for

    limit = host.settings(BackendSettings).max_result_bytes
    with routes.registering(BACKEND_PLUGIN):
        for spec in commands:
            routes.add(
                f"{BACKEND_PLUGIN}.{spec.name}",
                handler_for(spec, limit),
                permission=PERMISSION,
                doc=spec.doc,
                timeout=spec.timeout,
            )


@hookimpl
def oro_unconfigure(host: Host) -> None:
    host.stash.pop(COMMANDS)
