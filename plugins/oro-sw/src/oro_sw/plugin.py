"""The oro-sw plugin: hook implementations only."""

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
from oro_sw import routes as sw_routes
from oro_sw import settings
from oro_sw.state import STATE, SwState

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        sw_routes.PERMISSION,
        "Register Service Workers and keep their storage (oro:service-worker).",
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = SwState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    sw_routes.register(routes)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add(
        "oro:service-worker",
        JS_DIRECTORY / "index.js",
        declarations=JS_DIRECTORY / "index.d.ts",
    )
    # Imported by URL (/oro/service-worker/worker.js) from module workers, where import maps do
    # not apply; it imports its own siblings by URL too.
    modules.add(
        "oro:service-worker/worker",
        JS_DIRECTORY / "worker.js",
        declarations=JS_DIRECTORY / "worker.d.ts",
    )
    modules.add(
        "oro:service-worker/environment",
        JS_DIRECTORY / "environment.js",
        declarations=JS_DIRECTORY / "environment.d.ts",
    )
    modules.add("oro:service-worker/preload", JS_DIRECTORY / "preload.js", preload=True)


@hookimpl
def oro_page_args(host: Host, window: int, origin: str) -> dict[str, Any] | None:
    if not host.is_permission_allowed(sw_routes.PERMISSION):
        return None
    state = host.stash[STATE]
    return {
        "serviceWorker": {
            "scripts": state.settings.scripts,
            "autoRegister": state.settings.auto_register,
        }
    }


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    return host.stash[STATE].diagnostics()


@hookimpl
def oro_unconfigure(host: Host) -> None:
    # Every change was written when it was made; nothing is open.
    host.stash.pop(STATE, None)
