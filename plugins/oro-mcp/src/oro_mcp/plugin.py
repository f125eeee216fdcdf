"""The oro-mcp plugin, declared: each part is imported when a host first needs it
(:class:`oro_framework.Plugin`)."""

from __future__ import annotations

from oro_framework import Plugin, PluginService

plugin = Plugin(
    api=1,
    permissions=".permissions:MCP",
    settings={"mcp": ".settings:McpSettings"},
    state={".state:STATE": ".state:McpState.from_host"},
    routes=".routes:ROUTES",
    js_modules="js",
    # Only this plugin asks a page to run a tool, read a resource or authorize a request: no
    # page may send these to another window's page (window.send refuses them).
    events=[".state:TOOL_EVENT", ".state:RESOURCE_EVENT", ".state:AUTHORIZE_EVENT"],
    services=PluginService(
        ".state:SERVICE",
        ".state:STATE.run",
        doc="Runs the MCP endpoint a page started with oro:mcp's startServer().",
    ),
    hooks={
        "oro_page_closed": ".state:STATE.close_window",
        "oro_diagnostics": ".state:STATE.diagnostics",
    },
)
