"""The oro-template plugin: hook implementations only.

The host finds this module through the plugin's entry point and calls the functions below by
name, in phases: permissions, config keys, ``oro_configure`` (once the config is loaded), routes,
JS modules, services; ``oro_unconfigure`` when the host closes. Each calls into the module that
does the work.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from oro_framework import (
    ConfigRegistry,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    ServiceRegistry,
    hookimpl,
)

from oro_template import routes as template_routes
from oro_template import service, settings
from oro_template.state import STATE, TemplateState

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        template_routes.PERMISSION,
        "Echo values and digest bytes (oro-template).",
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    settings.declare(config)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = TemplateState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    template_routes.register(routes)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add(
        "oro:template",
        JS_DIRECTORY / "template.js",
        declarations=JS_DIRECTORY / "template.d.ts",
    )


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    services.add(
        service.NAME,
        functools.partial(service.run, host),
        doc="Sends an event to every window now and then; stopped while the app is paused.",
        stop_on_pause=True,
    )


@hookimpl
def oro_unconfigure(host: Host) -> None:
    # Every service has stopped by now. Close here what the state holds (files, sockets,
    # threads); this one holds only settings and counters.
    host.stash.pop(STATE)
