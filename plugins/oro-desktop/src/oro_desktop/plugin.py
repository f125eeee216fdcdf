"""The oro-desktop plugin: hook implementations only.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, their D-Bus clients or the settings.
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
        LifecycleEvent,
        PageEventTable,
        PermissionRegistry,
        RouteTable,
        ServiceRegistry,
        Window,
    )

JS_DIRECTORY: Final = Path(__file__).parent / "js"
STOP_GRACE_SECONDS: Final = 3.0
"""How long the parts may take to save and clean up as the app stops (window state, tray)."""


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_desktop.permissions import CLIPBOARD, DIALOGS, MENUS, NETWORK_STATUS, NOTIFICATIONS

    for permission in (MENUS, DIALOGS, NOTIFICATIONS, CLIPBOARD, NETWORK_STATUS):
        permissions.declare(permission)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_desktop.settings import DesktopSettings, WindowStateSettings

    config.add_settings(DesktopSettings, section="desktop")
    config.add_settings(WindowStateSettings, section="window")


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_desktop.geolocation import GEOLOCATION, GeoClue
    from oro_desktop.network_status import NETWORK_STATUS, NetworkStatus
    from oro_desktop.state import STATE, DesktopState

    host.stash[STATE] = DesktopState(host)
    host.stash[GEOLOCATION] = GeoClue(host)
    host.stash[NETWORK_STATUS] = NetworkStatus(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_desktop.geolocation import ROUTES as GEOLOCATION_ROUTES
    from oro_desktop.network_status import ROUTES as NETWORK_STATUS_ROUTES
    from oro_desktop.routes import ROUTE_GROUPS

    for group in ROUTE_GROUPS:
        routes.add_group(group)
    # Its permission, geolocation, is the host's (the permission broker's kinds).
    routes.add_group(GEOLOCATION_ROUTES)
    routes.add_group(NETWORK_STATUS_ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable, host: Host) -> None:
    # With Oro's page globals on, loaded into every page: its class is the page's Notification,
    # as Oro's pages have it.
    oro_globals = host.config["webview.oro_globals"]
    # oro:network-status in every page: navigator.onLine and the online/offline events follow
    # the host's network status service.
    globals_ = ("oro:notification",) if oro_globals else ()
    # oro:geolocation in every page: navigator.geolocation is answered by the host's GeoClue
    # client on every engine.
    modules.add_directory(
        JS_DIRECTORY, preload=("oro:geolocation", "oro:network-status", *globals_)
    )


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    from oro_desktop.geolocation import EVENT as GEOLOCATION_EVENT
    from oro_desktop.menus import EVENTS as MENU_EVENTS
    from oro_desktop.network_status import OFFLINE_EVENT, ONLINE_EVENT
    from oro_desktop.notifications import EVENTS as NOTIFICATION_EVENTS

    # online/offline set navigator.onLine, a position answers navigator.geolocation.
    events.add(ONLINE_EVENT, OFFLINE_EVENT, GEOLOCATION_EVENT, *MENU_EVENTS, *NOTIFICATION_EVENTS)


@hookimpl
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    from oro_desktop.geolocation import GEOLOCATION
    from oro_desktop.geolocation import SERVICE_NAME as GEOLOCATION_SERVICE
    from oro_desktop.network_status import NETWORK_STATUS
    from oro_desktop.network_status import SERVICE_NAME as NETWORK_STATUS_SERVICE
    from oro_desktop.state import SERVICE_NAME, STATE

    services.add(
        SERVICE_NAME,
        host.stash[STATE].tasks.run,
        doc="Runs the desktop parts' background work: menus and dialogs on the GUI thread, "
        "the notification service's D-Bus connection, saving window state.",
    )
    services.add(
        GEOLOCATION_SERVICE,
        host.stash[GEOLOCATION].run,
        doc="Asks GeoClue (system bus) for the device's location while a page waits or watches.",
    )
    services.add(
        NETWORK_STATUS_SERVICE,
        host.stash[NETWORK_STATUS].run,
        doc="Watches the routes (netlink) and tells pages when the machine goes online/offline.",
    )


@hookimpl
def oro_page_args(host: Host) -> dict[str, Any] | None:
    from oro_desktop.network_status import NETWORK_STATUS

    return host.stash[NETWORK_STATUS].page_args()


@hookimpl
def oro_window_created(host: Host, window: Window) -> None:
    from oro_desktop.state import STATE

    host.stash[STATE].window_created(window)


@hookimpl
def oro_page_closed(host: Host, window: int) -> None:
    from oro_desktop.geolocation import GEOLOCATION
    from oro_desktop.state import STATE

    host.stash[STATE].page_closed(window)
    host.stash[GEOLOCATION].page_closed(window)


@hookimpl
def oro_lifecycle_event(host: Host, event: LifecycleEvent) -> None:
    import anyio

    from oro_desktop.state import STATE
    from oro_framework import LifecycleEvent

    if event is LifecycleEvent.STOPPING:
        state = host.stash[STATE]

        async def stop_parts() -> None:
            # The service is cancelled right after this hook; the windows are still open.
            with anyio.CancelScope(shield=True), anyio.move_on_after(STOP_GRACE_SECONDS):
                await state.stop()

        state.tasks.spawn(stop_parts)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_desktop.geolocation import GEOLOCATION
    from oro_desktop.network_status import NETWORK_STATUS
    from oro_desktop.state import STATE

    return {
        **host.stash[STATE].diagnostics(),
        "network": host.stash[NETWORK_STATUS].diagnostics(),
        "geolocation": host.stash[GEOLOCATION].diagnostics(),
    }


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_desktop.geolocation import GEOLOCATION
    from oro_desktop.network_status import NETWORK_STATUS
    from oro_desktop.state import STATE

    host.stash.pop(STATE)
    host.stash.pop(GEOLOCATION)
    host.stash.pop(NETWORK_STATUS)
