"""The ``internal.conduit.*`` routes (HTTP IPC only: Conduit refuses ``internal.*``) and
:data:`ROUTES`, the group the plugin adds to the host."""

from __future__ import annotations

from typing import Any, Final

from oro_conduit.permissions import CONDUIT
from oro_conduit.state import STATE
from oro_framework import ByteStream, NotFoundError, Request, RouteGroup

__all__ = ["ROUTES"]


async def status(request: Request) -> dict[str, Any]:
    """The Conduit's port, whether it is active, and its key."""
    return request.host.stash[STATE].status()


async def start(request: Request) -> dict[str, Any]:
    """Open the Conduit listener if it was stopped; answers the status once it listens."""
    server = request.host.stash[STATE]
    server.enable()
    while not server.is_active:
        await server.wait_changed()
    return server.status()


async def stop(request: Request) -> dict[str, Any]:
    """Close every Conduit client and the listener."""
    server = request.host.stash[STATE]
    await server.disable()
    return server.status()


async def get_shared_key(request: Request) -> dict[str, Any]:
    """The key connections must present."""
    return {"sharedKey": request.host.stash[STATE].key}


async def set_shared_key(request: Request) -> dict[str, Any]:
    """Use ``sharedKey`` (at least 16 characters; empty: a new random key) from now on."""
    server = request.host.stash[STATE]
    value = request.params.get_str("sharedKey")
    if value is None:
        value = request.params.get_str("value", "")
    server.set_key(value)
    return {"sharedKey": server.key}


async def take(request: Request) -> bytes | ByteStream:
    """The reply body a Conduit reply handed over to fetch (``fetch=<ticket>``), once."""
    ticket = request.params.require_str("ticket")
    parked = request.host.stash[STATE].bulk.take(ticket)
    if parked is None:
        raise NotFoundError("No Conduit reply body for this ticket (taken, or expired)")
    if isinstance(parked.body, bytes | ByteStream):
        return parked.body
    return ByteStream(parked.body, parked.media_type)


ROUTES: Final = RouteGroup.guarded(
    CONDUIT,
    handlers={
        "internal.conduit.status": status,
        "internal.conduit.start": start,
        "internal.conduit.stop": stop,
        "internal.conduit.getSharedKey": get_shared_key,
        "internal.conduit.setSharedKey": set_shared_key,
        "internal.conduit.take": take,
    },
)
"""Every ``internal.conduit.*`` route, guarded by ``conduit`` (``[permissions] allow_conduit``)."""
