"""The oro-desktop plugin: its parts declared (each imported when a host first needs it,
:class:`oro_framework.Plugin`); the JS modules every page loads (which depend on the config), the
stop of its parts and its diagnostics as hooks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import Plugin, PluginService, hookimpl

if TYPE_CHECKING:
    from oro_framework import Host, JSModuleTable, LifecycleEvent

JS_DIRECTORY: Final = Path(__file__).parent / "js"
STOP_GRACE_SECONDS: Final = 3.0

plugin = Plugin(
    api=1,
    permissions=[
        ".permissions:MENUS",
        ".permissions:DIALOGS",
        ".permissions:NOTIFICATIONS",
        ".permissions:CLIPBOARD",
        ".permissions:COOKIES",
        ".permissions:NETWORK_STATUS",
    ],
    settings={"desktop": ".settings:DesktopSettings", "window": ".settings:WindowStateSettings"},
    state={
        ".state:STATE": ".state:DesktopState",
        ".geolocation:GEOLOCATION": ".geoclue:GeoClue",
        ".network_status:NETWORK_STATUS": ".network_status:NetworkStatus",
    },
    # Geolocation's permission is the host's (the permission broker's kinds).
    routes=[".routes:ROUTE_GROUPS", ".geolocation:ROUTES", ".network_status:ROUTES"],
    # online/offline set navigator.onLine, a position answers navigator.geolocation.
    events=[
        ".network_status:ONLINE_EVENT",
        ".network_status:OFFLINE_EVENT",
        ".geolocation:EVENT",
        ".menus:EVENTS",
        ".notifications:EVENTS",
    ],
    services=[
        PluginService(
            ".state:SERVICE_NAME",
            ".state:STATE.tasks.run",
            doc="Runs the desktop parts' background work: menus and dialogs on the GUI thread, "
            "the notification service's D-Bus connection, saving window state.",
        ),
        PluginService(
            ".geolocation:SERVICE_NAME",
            ".geolocation:GEOLOCATION.run",
            doc="Asks GeoClue (system bus) for the device's location while a page waits or "
            "watches.",
        ),
        PluginService(
            ".network_status:SERVICE_NAME",
            ".network_status:NETWORK_STATUS.run",
            doc="Watches the routes (netlink) and tells pages when the machine goes "
            "online/offline.",
        ),
    ],
    hooks={
        "oro_page_args": ".network_status:NETWORK_STATUS.page_args",
        "oro_window_created": ".state:STATE.window_created",
        "oro_page_closed": [".state:STATE.page_closed", ".geolocation:GEOLOCATION.page_closed"],
    },
)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable, host: Host) -> None:
    # With Oro's page globals on, loaded into every page: its class is the page's Notification,
    # as Oro's pages have it.
    from oro_desktop.settings import DesktopSettings

    oro_globals = host.settings(DesktopSettings).oro_globals
    # oro:network-status in every page: navigator.onLine and the online/offline events follow
    # the host's network status service.
    globals_ = ("oro:notification",) if oro_globals else ()
    # oro:geolocation in every page: navigator.geolocation is answered by the host's GeoClue
    # client on every engine.
    modules.add_directory(
        JS_DIRECTORY, preload=("oro:geolocation", "oro:network-status", *globals_)
    )


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
