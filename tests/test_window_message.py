"""``window.send`` with Socket's ``message`` event: the target page gets a ``MessageEvent``
(Socket's ``window.postMessage`` to another window), carried as the host event
``windowmessage`` with the sender's window as its credential proved it. A page cannot name
another sender, send the carrier itself, or send a message without a window."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

import oro_framework.core.application
from oro_framework import InvalidArgumentError, IPCError, NotFoundError, SecurityError
from oro_framework.testing import MemoryClient, make_host, raise_for_error

APPLICATION = oro_framework.core.application

pytestmark = pytest.mark.anyio


async def _send(host: Any, window: int | None, **params: Any) -> Any:
    return await MemoryClient(host, window=window).call("window.send", **params)


async def test_a_message_reaches_the_target_window_only_with_the_senders_window() -> None:
    async with make_host(plugins=[APPLICATION]) as host:
        raise_for_error(await MemoryClient(host, window=0).call("window.create"))
        raise_for_error(await MemoryClient(host, window=0).call("window.create"))
        async with (
            host.events.subscribe(window=1) as first,
            host.events.subscribe(window=2) as second,
        ):
            # The page names another sender in every way it could: they are data, not identity.
            sent = raise_for_error(
                await _send(
                    host,
                    1,
                    event="message",
                    value={"text": "hi", "from": 0},
                    targetWindowIndex=2,
                    sourceWindowIndex=0,
                    index=0,
                    **{"from": 0},
                )
            )
            received = await second.receive()
            with pytest.raises(anyio.WouldBlock):
                first.receive_nowait()

    assert sent == {"index": 2, "event": "message"}
    assert (received.name, received.window) == ("windowmessage", 2)
    assert received.data == {"data": {"text": "hi", "from": 0}, "from": 1}


async def test_a_worker_without_a_window_credential_cannot_send_a_message() -> None:
    async with make_host(plugins=[APPLICATION]) as host, host.events.subscribe(window=0) as events:
        client = MemoryClient(host, window=None)
        reply = await client.call("window.send", event="message", value="x", targetWindowIndex=0)
        assert isinstance(reply.error, SecurityError), reply
        assert reply.error.code == "ERR_NO_WINDOW"
        with pytest.raises(anyio.WouldBlock):
            events.receive_nowait()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"event": "windowmessage", "value": {"data": 1, "from": 0}}, InvalidArgumentError),
        ({"event": "message", "targetWindowIndex": "one"}, InvalidArgumentError),
        ({"event": "message", "targetWindowIndex": 9}, NotFoundError),
    ],
)
async def test_a_page_cannot_send_the_carrier_or_a_malformed_message(
    params: dict[str, Any], expected: type[IPCError]
) -> None:
    async with make_host(plugins=[APPLICATION]) as host, host.events.subscribe(window=0) as events:
        reply = await _send(host, 0, **params)
        assert isinstance(reply.error, expected), reply
        with pytest.raises(anyio.WouldBlock):
            events.receive_nowait()
