"""Host → page events: per-window delivery, broadcasts, and slow subscribers."""

from __future__ import annotations

import anyio
import pytest

from oro_framework import Event
from oro_framework.host.events import EventBus
from oro_framework.testing import make_host

pytestmark = pytest.mark.anyio


async def test_window_event_reaches_that_windows_subscriber() -> None:
    bus = EventBus()
    async with bus.subscribe(window=1) as window_one:
        bus.emit("saved", {"path": "a.txt"}, window=1)

        assert window_one.receive_nowait() == Event("saved", {"path": "a.txt"}, 1, id=1)


async def test_window_event_does_not_reach_other_windows() -> None:
    bus = EventBus()
    async with bus.subscribe(window=1) as window_one, bus.subscribe(window=2) as window_two:
        bus.emit("saved", window=1)
        bus.emit("marker", window=2)

        assert window_two.receive_nowait().name == "marker"
        assert window_one.receive_nowait().name == "saved"
        with pytest.raises(anyio.WouldBlock):
            window_one.receive_nowait()


async def test_an_event_held_for_a_window_reaches_its_first_subscriber() -> None:
    bus = EventBus()
    bus.emit_when_subscribed("applicationurl", {"url": "web+a://x"}, window=0)
    async with bus.subscribe(window=1) as other, bus.subscribe(window=0) as main:
        assert main.receive_nowait() == Event("applicationurl", {"url": "web+a://x"}, 0, id=1)
        with pytest.raises(anyio.WouldBlock):
            other.receive_nowait()
    async with bus.subscribe(window=0) as later:
        with pytest.raises(anyio.WouldBlock):
            later.receive_nowait()  # delivered once


async def test_an_event_for_a_subscribed_window_is_not_held() -> None:
    bus = EventBus()
    async with bus.subscribe(window=0) as main:
        bus.emit_when_subscribed("applicationurl", "x", window=0)
        assert main.receive_nowait().data == "x"


async def test_a_window_holds_its_last_events_until_it_subscribes_or_is_forgotten() -> None:
    bus = EventBus(held=3)
    for number in range(5):
        bus.emit_when_subscribed("message", number, window=0)
        bus.emit_when_subscribed("message", number, window=1)
    bus.forget(1)
    async with bus.subscribe(window=0) as main, bus.subscribe(window=1) as closed:
        # A page that never connects cannot make the host hold more than its last three.
        assert [main.receive_nowait().data for _ in range(3)] == [2, 3, 4]
        with pytest.raises(anyio.WouldBlock):
            main.receive_nowait()
        with pytest.raises(anyio.WouldBlock):
            closed.receive_nowait()


async def test_broadcast_reaches_every_window() -> None:
    bus = EventBus()
    async with bus.subscribe(window=1) as window_one, bus.subscribe(window=2) as window_two:
        bus.emit("theme", "dark")

        assert window_one.receive_nowait() == Event("theme", "dark", None, id=1)
        assert window_two.receive_nowait() == Event("theme", "dark", None, id=1)


async def test_subscriber_without_a_window_receives_every_window_event() -> None:
    bus = EventBus()
    async with bus.subscribe() as everything:
        bus.emit("saved", window=3)

        assert everything.receive_nowait().window == 3


async def test_subscriber_falling_buffer_behind_is_disconnected_and_others_still_receive() -> None:
    bus = EventBus(buffer=2)
    async with bus.subscribe(window=1) as slow, bus.subscribe(window=1) as fast:
        received = []
        for number in range(3):
            bus.emit("tick", number)
            received.append((await fast.receive()).data)

        assert received == [0, 1, 2]
        assert bus.subscriber_count == 1
        assert [event.data async for event in slow] == [0, 1]

        bus.emit("tick", 3)
        assert (await fast.receive()).data == 3


async def test_event_ids_count_up_per_bus_so_pages_can_drop_duplicates() -> None:
    bus = EventBus()
    async with bus.subscribe(window=1) as window_one:
        bus.emit("a", window=1)
        bus.emit("b", window=2)
        bus.emit("c")

        assert [window_one.receive_nowait().id for _ in range(2)] == [1, 3]


async def test_leaving_subscribe_unsubscribes() -> None:
    bus = EventBus()
    async with bus.subscribe(window=1):
        assert bus.subscriber_count == 1

    assert bus.subscriber_count == 0
    bus.emit("nobody-listens")


async def test_subscribed_windows_leave_out_pages_that_prove_no_window() -> None:
    bus = EventBus()
    async with (
        bus.subscribe(window=2, page=True),
        bus.subscribe(window=None, page=True),
        bus.subscribe(window=0),
    ):
        assert bus.subscribed_windows() == {0, 2}

    assert bus.subscribed_windows() == set()


async def test_host_emit_goes_through_its_event_bus() -> None:
    async with make_host() as host, host.events.subscribe(window=0) as events:
        host.emit("hello", [1, 2], window=0)

        assert await events.receive() == Event("hello", [1, 2], 0, id=1)
