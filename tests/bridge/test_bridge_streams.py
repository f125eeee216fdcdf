"""Streams over HTTP: delivered item by item as produced, and torn down when the client leaves."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing

import anyio
import pytest

from oro_framework import ByteStream, EventStream, NotFoundError, Request, ServerSentEvent
from oro_framework.testing import RoutePlugin, live_server, make_host, read_sse

pytestmark = pytest.mark.anyio


async def test_sse_events_arrive_as_they_are_produced() -> None:
    release = anyio.Event()

    async def ticks(request: Request) -> EventStream:
        async def events() -> AsyncIterator[object]:
            yield ServerSentEvent({"n": 1}, event="tick")
            await release.wait()
            yield {"n": 2}

        return EventStream(events())

    async with (
        make_host([RoutePlugin({"test.ticks": ticks})]) as host,
        live_server(host) as server,
        server.client() as client,
        client.stream("GET", "/ipc/test.ticks") as response,
        aclosing(read_sse(response)) as events,
    ):
        first = await anext(events)
        release.set()
        second = await anext(events)

    assert response.headers["content-type"] == "text/event-stream"
    assert (first.event, json.loads(first.data)) == ("tick", {"n": 1})
    assert (second.event, json.loads(second.data)) == (None, {"n": 2})


async def test_chunks_arrive_as_they_are_produced() -> None:
    release = anyio.Event()

    async def blocks(request: Request) -> ByteStream:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"first"
            await release.wait()
            yield b"second"

        return ByteStream(chunks(), media_type="application/x-test")

    async with (
        make_host([RoutePlugin({"test.blocks": blocks})]) as host,
        live_server(host) as server,
        server.client() as client,
        client.stream("GET", "/ipc/test.blocks") as response,
    ):
        received = b""
        async for chunk in response.aiter_raw():
            received += chunk
            if received == b"first":
                release.set()

    assert response.headers["content-type"] == "application/x-test"
    assert received == b"firstsecond"


async def test_client_disconnect_closes_the_handler_stream() -> None:
    closed = anyio.Event()

    async def endless(request: Request) -> EventStream:
        async def events() -> AsyncIterator[int]:
            try:
                yield 1
                await anyio.sleep_forever()
            finally:
                closed.set()

        return EventStream(events())

    async with (
        make_host([RoutePlugin({"test.endless": endless})]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        async with (
            client.stream("GET", "/ipc/test.endless") as response,
            aclosing(read_sse(response)) as events,
        ):
            await anext(events)
        await closed.wait()

        assert host.router.open_streams["test.endless"] == 0


async def test_client_disconnect_cancels_a_pending_handler() -> None:
    started = anyio.Event()
    cancelled = anyio.Event()
    requests: list[Request] = []

    async def wait_forever(request: Request) -> None:
        requests.append(request)
        started.set()
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.set()

    async with (
        make_host([RoutePlugin({"test.wait": wait_forever})]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(client.get, "/ipc/test.wait")
            await started.wait()
            task_group.cancel_scope.cancel()
        await cancelled.wait()

    assert requests[0].is_aborted


async def test_error_in_the_middle_of_sse_is_sent_as_an_error_event() -> None:
    async def failing(request: Request) -> EventStream:
        async def events() -> AsyncIterator[int]:
            yield 1
            raise NotFoundError("handle 7 is gone")

        return EventStream(events())

    async with (
        make_host([RoutePlugin({"test.failing": failing})]) as host,
        live_server(host) as server,
        server.client() as client,
        client.stream("GET", "/ipc/test.failing") as response,
    ):
        received = [event async for event in read_sse(response)]

    assert [event.event for event in received] == [None, "error"]
    assert json.loads(received[1].data)["type"] == "NotFoundError"


async def test_page_events_deliver_host_emit_for_the_window() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        server.client() as client,
        client.stream(
            "GET", "/oro/events", params={"oro_window": server.window_credential(0)}
        ) as response,
        aclosing(read_sse(response)) as events,
    ):
        # The bridge subscribes before it answers, so the headers mean "listening".
        host.emit("other-window", {"n": 1}, window=1)
        host.emit("greeting", {"text": "hello"}, window=0)
        event = await anext(events)

    assert response.headers["content-type"] == "text/event-stream"
    assert (event.event, json.loads(event.data)) == ("greeting", {"text": "hello"})


async def test_lifecycle_pause_and_resume_reach_the_page() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        server.client() as client,
        client.stream("GET", "/oro/events?window=0") as response,
        aclosing(read_sse(response)) as events,
    ):
        await host.pause()
        paused = await anext(events)
        await host.resume()
        resumed = await anext(events)

    assert paused.event == "applicationpause"
    assert resumed.event == "applicationresume"
    assert json.loads(resumed.data) == {"state": "running"}


async def test_page_events_answer_get_only() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.post("/oro/events")

    assert response.status_code == 405


async def test_host_stop_reaches_the_page_as_applicationstop() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        server.client() as client,
        client.stream("GET", "/oro/events?window=0") as response,
        aclosing(read_sse(response)) as events,
    ):
        host.stop()
        stopped = await anext(events)

    assert stopped.event == "applicationstop"
