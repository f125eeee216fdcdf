"""The oro-udp plugin, declared: each part is imported when a host first needs it
(:class:`oro_framework.Plugin`)."""

from __future__ import annotations

from oro_framework import Plugin, PluginService

plugin = Plugin(
    api=1,
    permissions=".permissions:UDP",
    settings={"udp": ".settings:UdpSettings"},
    state={".state:STATE": ".service:UdpSockets.from_host"},
    routes=".routes:ROUTES",
    js_modules="js",
    services=PluginService(
        ".service:SERVICE_NAME",
        ".state:STATE.run",
        doc="Moves the pages' UDP datagrams; its sockets close while the app is paused and "
        "are bound again on resume.",
        stop_on_pause=True,
    ),
    hooks={
        "oro_page_closed": ".state:STATE.close_window",
        "oro_diagnostics": ".state:STATE.diagnostics",
        "oro_unconfigure": ".state:STATE.close_all",
    },
)
