"""The oro-conduit plugin, declared: each part is imported when a host first needs it
(:class:`oro_framework.Plugin`)."""

from __future__ import annotations

from oro_framework import Plugin, PluginService

plugin = Plugin(
    api=1,
    permissions=".permissions:CONDUIT",
    settings={"conduit": ".settings:ConduitSettings"},
    # The server holds nothing outside its service, which has stopped when the state is dropped.
    state={".state:STATE": ".state:server_for"},
    routes=".routes:ROUTES",
    js_modules="js",
    # oro:conduit installs itself as oro:ipc's transport in every page.
    preload="oro:conduit",
    events=".server:FALLBACK_EVENT",
    services=PluginService(
        "conduit",
        ".state:STATE.run",
        doc="The Conduit WebSocket server on 127.0.0.1 (oro-conduit).",
        stop_on_pause=True,
    ),
    hooks={
        "oro_page_args": ".state:STATE.page_args",
        "oro_diagnostics": ".state:STATE.diagnostics",
    },
)
