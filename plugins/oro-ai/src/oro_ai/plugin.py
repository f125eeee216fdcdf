"""The oro-ai plugin: hook implementations only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oro_ai import routes as ai_routes
from oro_ai import settings
from oro_framework import (
    ConfigRegistry,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    SchemeTable,
    ServiceRegistry,
    hookimpl,
)

JS_DIRECTORY = Path(__file__).parent / "js"
PERMISSION = "ai"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(PERMISSION, "Run local language models (ai.llm.* routes and /ai/llama).")


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.register_keys(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.state[settings.STATE_KEY] = settings.build_state(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    for name, handler in ai_routes.ROUTES.items():
        routes.add(name, handler, permission=PERMISSION)


@hookimpl
def oro_register_schemes(schemes: SchemeTable, host: Host) -> None:
    state = settings.state_of(host)
    schemes.mount(
        "/ai/llama",
        state.api,
        doc="OpenAI-compatible API of the local models (/v1/chat/completions...)",
        permission=PERMISSION,
        authenticate=state.authenticate,
    )


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    script = JS_DIRECTORY / "ai.js"
    if script.is_file():
        declarations = JS_DIRECTORY / "ai.d.ts"
        modules.add("oro:ai", script, declarations=declarations if declarations.is_file() else None)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        "ai.llm",
        settings.state_of(host).manager.run,
        doc="Resident language models and their decoding workers",
    )


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    manager = settings.state_of(host).manager
    names = sorted(manager.loaded)
    return {"handles": {"count": len(names), "ids": names}, "pool": manager.stats()}


@hookimpl
def oro_unconfigure(host: Host) -> None:
    host.state.pop(settings.STATE_KEY, None)
