"""The oro-sw plugin: hook implementations only.

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
    from oro_sw.permissions import SERVICE_WORKER

    permissions.declare(SERVICE_WORKER)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_sw.settings import TABLE_KEY, SwSettings

    # Oro spells the keys flattened (webview_service-workers...); both reach the same key.
    config.add_settings(SwSettings, section="webview")
    config.add(
        TABLE_KEY,
        str,
        "",
        'Oro\'s table form, one worker per scope: [webview.service-workers] "/" = '
        '"/service-worker.js" (scope and script are paths inside the app).',
    )


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_sw.state import STATE, SwState

    host.stash[STATE] = SwState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_sw.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # worker.js is imported by URL (/oro/service-worker/worker.js) from module workers, where
    # import maps do not apply; it imports its own siblings by URL too.
    modules.add_directory(JS_DIRECTORY)
    # Not a module pages import (it has no declarations): a script every page runs.
    modules.add("oro:service-worker/preload", JS_DIRECTORY / "preload.js", preload=True)


@hookimpl
def oro_page_args(host: Host, window: int, origin: str) -> dict[str, Any] | None:
    from oro_sw.routes import ROUTES
    from oro_sw.state import STATE

    if not host.is_permission_allowed(ROUTES.permission):
        return None
    state = host.stash[STATE]
    return {
        "serviceWorker": {
            "scripts": state.settings.scripts,
            "workers": [worker.to_json() for worker in state.workers],
            "autoRegister": state.settings.auto_register,
        }
    }


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_sw.state import STATE

    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_sw.state import STATE

    # Every change was written when it was made; nothing is open.
    host.stash.pop(STATE)
