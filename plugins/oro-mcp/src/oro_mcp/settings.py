"""The ``[mcp]`` config keys, declared once as the fields of :class:`McpSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from oro_framework import setting, validators

__all__ = ["McpSettings"]


@final
@dataclass(frozen=True)
class McpSettings:
    """The ``[mcp]`` keys of one host."""

    allow_any_address: bool = setting(
        False,
        "Let startServer() bind an address other than loopback (127.0.0.1, ::1, localhost): "
        "the page's tools would answer the network.",
    )
    call_timeout_ms: int = setting(
        30_000,
        "Milliseconds the page has to answer a tools/call, resources/read or authorization "
        "before the MCP client gets an error.",
        validator=validators.positive,
    )
    max_request_bytes: int = setting(
        16 * 1024 * 1024,
        "Largest MCP request body (Oro's default, 16 MiB); startServer() may lower it, never "
        "raise it.",
        validator=validators.positive,
    )
    max_sessions: int = setting(
        1024,
        "Most MCP sessions open at once (Oro's default); startServer() may lower it.",
        validator=validators.positive,
    )
