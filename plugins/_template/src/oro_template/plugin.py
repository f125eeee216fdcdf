"""The oro-template plugin: hook implementations only.

The host finds this module through the plugin's entry point and calls the functions below by
name, in phases: permissions, config keys, ``oro_configure`` (once the config is loaded), routes,
JS modules, services, the page events the plugin sends; ``oro_unconfigure`` when the host
closes. Each hands the host what the
plugin declares elsewhere: the permission in ``permissions.py``, the route group it guards in
``routes.py``, the settings dataclass in ``settings.py``, the state in ``state.py``, the ES
modules in ``js/`` (named by the ``@module``/``@alias`` headers of their ``.d.ts`` files).

Every ``oro`` command imports this module (``oro --help`` too), so it imports only ``hookimpl``:
each hook imports what it hands over when the host calls it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

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
    from oro_template.permissions import PERMISSION

    permissions.declare(PERMISSION)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_template.settings import TemplateSettings

    config.add_settings(TemplateSettings, section="template")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_template.state import STATE, TemplateState

    host.stash[STATE] = TemplateState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_template.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_template import service
    from oro_template.state import STATE

    services.add(
        service.NAME,
        host.stash[STATE].run,
        doc="Sends an event to every window now and then; stopped while the app is paused.",
        stop_on_pause=True,
    )


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    from oro_template.service import TICK_EVENT

    # Every event name the plugin emits, from the constant it emits it by: window.send refuses
    # them, so no page makes another window's page believe this plugin said something.
    events.add(TICK_EVENT)


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_template.state import STATE

    # Every service has stopped by now. Close here what the state holds (files, sockets,
    # threads); this one holds only settings and counters.
    host.stash.pop(STATE)
