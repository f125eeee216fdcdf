"""``window.send`` with Socket's ``message`` event: the target page gets a ``MessageEvent``
(Socket's ``window.postMessage`` to another window), carried as the host event
``windowmessage`` with the sender's window as its credential proved it. A page cannot name
another sender, send the carrier itself, or send a message without a window."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

import oro_framework.core.application
from oro_framework import (
    InvalidArgumentError,
    IPCError,
    NotFoundError,
    OutOfMemoryError,
    SecurityError,
)
from oro_framework.testing import MemoryClient, make_host, raise_for_error

APPLICATION = oro_framework.core.application

pytestmark = pytest.mark.anyio

MIB = 1024 * 1024


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


async def test_a_message_waits_for_the_target_page_to_connect_and_ends_with_its_window() -> None:
    # A page adds its 'message' listener before its event channel connects (and has none
    # between two documents): a message sent meanwhile reaches it once it connects.
    async with make_host(plugins=[APPLICATION]) as host:
        raise_for_error(await MemoryClient(host, window=0).call("window.create"))
        raise_for_error(await MemoryClient(host, window=0).call("window.create"))
        for target in (1, 2):
            raise_for_error(
                await _send(host, 0, event="message", value=target, targetWindowIndex=target)
            )
        raise_for_error(await MemoryClient(host, window=2).call("window.close"))
        # Window 2 closed before its page connected: what was held for it went with it, and
        # the next window given index 2 starts with nothing of its predecessor's.
        reopened = raise_for_error(await MemoryClient(host, window=0).call("window.create"))
        assert reopened["index"] == 2
        async with (
            host.events.subscribe(window=1) as first,
            host.events.subscribe(window=2) as second,
        ):
            received = first.receive_nowait()
            with pytest.raises(anyio.WouldBlock):
                second.receive_nowait()
    assert (received.name, received.window) == ("windowmessage", 1)
    assert received.data == {"data": 1, "from": 0}


async def test_messages_held_for_a_page_that_never_connects_stay_within_the_budget() -> None:
    # A hostile page floods a window whose page never connects (headless, nobody loads it):
    # the host holds the last 64 in its memory budget, refuses past it with a typed error, and
    # gives it all back when the window closes, serving everyone meanwhile.
    config = {"ipc.memory_budget_bytes": 4 * MIB}
    async with make_host(plugins=[APPLICATION], config=config) as host:
        sender = MemoryClient(host, window=0)
        raise_for_error(await sender.call("window.create"))
        large = "x" * (256 * 1024)
        replies = [
            await _send(host, 0, event="message", value=large, targetWindowIndex=1)
            for _ in range(40)
        ]
        refused = [reply.error for reply in replies if reply.error is not None]
        assert refused, "a budget of 4 MiB held 40 messages of 256 KiB"
        assert all(isinstance(error, OutOfMemoryError) for error in refused), refused
        assert 0 < host.memory.used <= host.memory.limit
        raise_for_error(await sender.call("application.getWindows"))
        raise_for_error(await MemoryClient(host, window=1).call("window.close"))
        assert host.memory.used == 0
        # Past 64, the oldest are dropped; what is held is delivered in order once it connects.
        raise_for_error(await sender.call("window.create"))
        for number in range(100):
            raise_for_error(await _send(host, 0, event="note", value=number, targetWindowIndex=1))
        async with host.events.subscribe(window=1) as page:
            held = [page.receive_nowait().data for _ in range(64)]
            with pytest.raises(anyio.WouldBlock):
                page.receive_nowait()
            assert host.memory.used == 0
    assert held == list(range(36, 100))


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
