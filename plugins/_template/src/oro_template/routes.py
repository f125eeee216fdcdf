"""The plugin's routes: their handlers and :data:`ROUTES`, the group ``plugin.py`` adds."""

from __future__ import annotations

import hashlib
from typing import Any, Final

from oro_framework import Request, RouteGroup

from oro_template.permissions import PERMISSION
from oro_template.state import STATE

__all__ = ["ROUTES"]


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


ROUTES: Final = RouteGroup.guarded(
    PERMISSION,
    handlers={
        "template.echo": echo,
        "template.digest": digest,
    },
)
"""Every route of the plugin and the permission that guards them:
``allow_template = false`` in the app's ``[permissions]`` turns them off.
``oro routes`` shows each route with its handler's first docstring line."""
