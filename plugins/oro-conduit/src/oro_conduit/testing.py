"""Test helpers for plugins that send frames to a page's Conduit client (``oro_conduit.send``):
the page's side of it, as a real trio-websocket client::

    from oro_conduit.testing import next_frame, page_conduit

    async with page_conduit(host, "socket-1") as conduit:
        ...  # make the plugin send to client "socket-1"
        options, payload = await next_frame(conduit)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import trio_websocket

from oro_conduit.codec import decode_frame
from oro_conduit.state import STATE
from oro_framework import Host

__all__ = ["next_frame", "page_conduit"]


@asynccontextmanager
async def page_conduit(
    host: Host, client_id: str, window: int = 0
) -> AsyncIterator[trio_websocket.WebSocketConnection]:
    """The Conduit client ``client_id`` of page ``window``, connected with the host's key and
    that window's credential, as a page's ``new Conduit({id})`` connects."""
    server = host.stash[STATE]
    credential = host.windows.credentials.issue(window)
    url = f"ws://127.0.0.1:{server.port}/{client_id}/{window}?key={server.key}"
    url += f"&oro_window={credential}"
    async with trio_websocket.open_websocket_url(url) as conduit:
        yield conduit


async def next_frame(
    conduit: trio_websocket.WebSocketConnection, seconds: float = 10
) -> tuple[dict[str, Any], bytes]:
    """The next frame's options and payload; fails after ``seconds``."""
    with anyio.fail_after(seconds):
        message = await conduit.get_message()
    assert isinstance(message, bytes), "Conduit frames are binary messages"
    frame = decode_frame(message)
    return dict(frame.options), frame.payload
