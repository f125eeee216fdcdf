"""The oro-template plugin: hook implementations only; the work is in :mod:`.handlers`."""

from __future__ import annotations

from pathlib import Path

from oro_framework import ConfigRegistry, JSModuleTable, PermissionRegistry, RouteTable, hookimpl
from oro_template import handlers

JS_DIRECTORY = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add("template", "What the template plugin does (oro-template).")


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add("template.greeting", str, "Hello", "Greeting template.echo answers with.")


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("template.echo", handlers.echo, permission="template")


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add("oro:template", JS_DIRECTORY / "template.js")
