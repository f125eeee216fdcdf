"""The oro-sqlite plugin, declared: each part is imported when a host first needs it
(:class:`oro_framework.Plugin`)."""

from __future__ import annotations

from oro_framework import Plugin, PluginService

plugin = Plugin(
    api=1,
    permissions=".permissions:SQLITE",
    settings={"sqlite": ".settings:SQLiteSettings"},
    # The service closes every database when it stops, before the state is dropped.
    state={".state:STATE": ".state:Databases.from_host"},
    routes=".routes:ROUTES",
    js_modules="js",
    services=PluginService(
        ".state:SERVICE_NAME",
        ".state:STATE.run",
        doc="Closes the databases of a page that went away, and every database when the app stops.",
    ),
    hooks={
        "oro_page_closed": ".state:STATE.close_window",
        "oro_diagnostics": ".state:STATE.diagnostics",
    },
)
