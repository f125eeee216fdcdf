"""oro-mcp: Oro's ``oro:mcp``, a page's tools and resources served to MCP clients."""
