"""The ``internal.conduit.*`` routes (HTTP IPC only: Conduit refuses ``internal.*``)."""

from __future__ import annotations

from typing import Any

from oro_conduit.state import server_of
from oro_framework import Request

__all__ = ["get_shared_key", "set_shared_key", "start", "status", "stop"]


async def status(request: Request) -> dict[str, Any]:
    """The Conduit's port, whether it is active, and its key."""
    return server_of(request.host).status()


async def start(request: Request) -> dict[str, Any]:
    """Open the Conduit listener if it was stopped; answers the status once it listens."""
    server = server_of(request.host)
    server.enable()
    while not server.is_active:
        await server.wait_changed()
    return server.status()


async def stop(request: Request) -> dict[str, Any]:
    """Close every Conduit client and the listener."""
    server = server_of(request.host)
    await server.disable()
    return server.status()


async def get_shared_key(request: Request) -> dict[str, Any]:
    """The key connections must present."""
    return {"sharedKey": server_of(request.host).key}


async def set_shared_key(request: Request) -> dict[str, Any]:
    """Use ``sharedKey`` (at least 16 characters; empty: a new random key) from now on."""
    server = server_of(request.host)
    value = request.params.get_str("sharedKey")
    if value is None:
        value = request.params.get_str("value", "")
    server.set_key(value)
    return {"sharedKey": server.key}
