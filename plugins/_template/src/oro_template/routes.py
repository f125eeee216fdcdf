"""The plugin's routes: their handlers and the table :func:`register` adds to the host."""

from __future__ import annotations

import hashlib
from typing import Any, Final

from oro_framework import Request, RouteTable

from oro_template.state import STATE

__all__ = ["PERMISSION", "register"]

PERMISSION: Final = "template"
"""The permission every route of the plugin declares; ``allow_<it> = false`` in the app's
``[permissions]`` turns them off."""


async def echo(request: Request) -> dict[str, Any]:
    """Answer `value` back, with the configured greeting."""
    value = request.params.require("value")
    state = request.host.stash[STATE]
    state.echoes += 1
    return {"value": value, "greeting": state.settings.greeting}


def digest(request: Request) -> dict[str, Any]:
    """SHA-256 of the request body (a plain def: it runs in a worker thread)."""
    # Blocking or CPU-heavy work goes in a plain `def`: the host runs it in a worker thread, so
    # the event loop keeps serving everyone else meanwhile.
    return {"sha256": hashlib.sha256(request.body).hexdigest(), "size": len(request.body)}


def register(routes: RouteTable) -> None:
    """Add every route of the plugin; ``oro routes`` shows each with its docstring's first
    line as its doc."""
    routes.add("template.echo", echo, permission=PERMISSION)
    routes.add("template.digest", digest, permission=PERMISSION)
