"""The plugin's permission, ``[permissions] allow_mcp`` in an app."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["MCP"]

MCP: Final = PermissionSpec(
    "mcp",
    "Serve the page's tools and resources to MCP clients on a loopback port (oro-mcp).",
    # Off unless the app asks: it opens a port other programs of the user can reach.
    default=False,
)
