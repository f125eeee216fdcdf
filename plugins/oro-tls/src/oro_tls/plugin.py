"""The oro-tls plugin (TCP and TLS), declared: each part is imported when a host first needs it
(:class:`oro_framework.Plugin`)."""

from __future__ import annotations

from oro_framework import Plugin, PluginService

plugin = Plugin(
    api=1,
    permissions=[".permissions:TCP", ".permissions:TLS"],
    settings={"tcp": ".settings:TcpSettings", "tls": ".settings:TlsSettings"},
    state={".state:STATE": ".service:TcpSockets.from_host"},
    routes=[".routes:TCP_ROUTES", ".routes:TLS_ROUTES"],
    js_modules="js",
    services=PluginService(
        ".service:SERVICE_NAME",
        ".state:STATE.run",
        doc="Moves the pages' TCP and TLS bytes and accepts their servers' connections.",
    ),
    hooks={
        "oro_page_closed": ".state:STATE.close_window",
        "oro_diagnostics": ".state:STATE.diagnostics",
        "oro_unconfigure": ".state:STATE.close_all",
    },
)
