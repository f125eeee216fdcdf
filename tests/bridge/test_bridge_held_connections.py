"""Issue 50, per-page caps on the connections the bridge holds open, over raw sockets: a page
(a window's credential, or the session for requests without one) holds at most
``ipc.max_held_connections_per_page`` event streams, streams and calls that have not answered;
beyond that it is answered at once (an event stream's ``retry:``, or 429
``ERR_TOO_MANY_CONNECTIONS``) instead of parking one of the 6 connections the browser shares
between all of the app's windows."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final

import anyio
import anyio.abc
import h11
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework import ByteStream, EventStream, Request
from oro_framework.testing import LiveServer, RoutePlugin, live_server, make_host
from oro_framework.web.bridge.held import HeldConnections, PageKey

pytestmark = pytest.mark.anyio

WINDOW_PLACES: Final = 3
"""``ipc.max_held_connections_per_page`` by default; ``..._without_window`` is 1."""
TRANSFER_CHUNKS: Final = 30
DEADLINE: Final = 20.0
"""Seconds any one step may take before the test fails (never reached when it passes)."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Raw:
    """One raw HTTP/1.1 connection with the session cookie (and a window's credential)."""

    stream: anyio.abc.SocketStream
    headers: list[tuple[str, str]]
    connection: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))

    @classmethod
    async def open(cls, server: LiveServer, window: int | None) -> Raw:
        headers = [
            ("host", f"127.0.0.1:{server.port}"),
            ("cookie", f"{server.cookie_name}={await server.session_cookie()}"),
        ]
        if window is not None:
            headers.append(("x-oro-window", server.window_credential(window)))
        return cls(await anyio.connect_tcp("127.0.0.1", server.port), headers)

    async def __aenter__(self) -> Raw:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stream.aclose()

    async def send(self, target: str) -> None:
        request = h11.Request(method="GET", target=target, headers=self.headers)
        await self.stream.send(
            self.connection.send(request) + self.connection.send(h11.EndOfMessage())
        )

    async def _event(self) -> Any:
        while True:
            event = self.connection.next_event()
            if event is not h11.NEED_DATA:
                return event
            try:
                data = await self.stream.receive()
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                data = b""
            self.connection.receive_data(data)

    async def head(self) -> Answer:
        """The status and headers of the response to the request sent."""
        event = await self._event()
        assert isinstance(event, h11.Response), event
        return Answer(event.status_code, {k.decode(): v.decode() for k, v in event.headers})

    async def until(self, text: bytes) -> bytes:
        """Body bytes up to and including ``text`` (a stream's first event)."""
        received = b""
        while text not in received:
            event = await self._event()
            assert isinstance(event, h11.Data), event
            received += bytes(event.data)
        return received

    async def rest(self) -> bytes:
        """The body to its end; the connection is then ready for another request."""
        chunks: list[bytes] = []
        while not isinstance(event := await self._event(), h11.EndOfMessage):
            assert isinstance(event, h11.Data), event
            chunks.append(bytes(event.data))
        self.connection.start_next_cycle()
        return b"".join(chunks)

    async def get(self, target: str) -> Answer:
        await self.send(target)
        answer = await self.head()
        answer.body = await self.rest()
        return answer


class Slow:
    """``test.slow`` never answers by itself (until its route's timeout); ``test.ticking``
    streams an event now and then forever; ``test.quick`` answers at once."""

    def __init__(self) -> None:
        self.running = 0
        self.cancelled = 0
        self.changed = anyio.Event()

    def _note(self, change: int) -> None:
        self.running += change
        self.changed.set()
        self.changed = anyio.Event()

    async def slow(self, request: Request) -> str:
        self._note(1)
        try:
            await anyio.sleep_forever()
        finally:
            self.cancelled += 1
            self._note(-1)
        return "never"

    async def ticking(self, request: Request) -> EventStream:
        async def ticks() -> AsyncIterator[Any]:
            self._note(1)
            try:
                while True:
                    yield {"tick": True}
                    await anyio.sleep(3600)
            finally:
                self.cancelled += 1
                self._note(-1)

        return EventStream(ticks())

    async def wait_running(self, count: int) -> None:
        with anyio.fail_after(DEADLINE):
            while self.running != count:
                await self.changed.wait()

    def plugin(self) -> RoutePlugin:
        async def quick(request: Request) -> Any:
            return request.window

        async def transfer(request: Request) -> ByteStream:
            """A transfer that takes several graces in all but never pauses for one."""

            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(TRANSFER_CHUNKS):
                    yield b"x" * 1024
                    await anyio.sleep(0.1)

            return ByteStream(chunks())

        return RoutePlugin(
            {
                "test.slow": self.slow,
                "test.ticking": self.ticking,
                "test.quick": quick,
                "test.transfer": transfer,
            },
            timeout=3600,
        )


async def open_channel(server: LiveServer, window: int | None) -> Raw:
    raw = await Raw.open(server, window)
    await raw.send("/oro/events")
    head = await raw.head()
    assert head.status == 200
    assert head.headers["content-type"] == "text/event-stream"
    return raw


def assert_too_many(answer: Answer) -> None:
    assert answer.status == 429
    error = json.loads(answer.body)["err"]
    assert error["code"] == "ERR_TOO_MANY_CONNECTIONS"
    assert error["type"] == "RangeError"
    assert error["limit"] == WINDOW_PLACES


async def test_a_page_holds_at_most_its_limit_and_the_rest_is_answered_at_once() -> None:
    slow = Slow()
    async with make_host([slow.plugin()]) as host, live_server(host) as server:
        # Window 0 holds its places with event channels.
        first, *held = [await open_channel(server, 0) for _ in range(WINDOW_PLACES)]
        for channel in (first, *held):
            assert b": connected" in await channel.until(b"\n\n")

        with anyio.fail_after(DEADLINE):
            # One more channel is not held: an empty stream telling the EventSource to come back.
            async with await Raw.open(server, 0) as third:
                refused = await third.get("/oro/events")
                assert refused.status == 200
                assert b"retry: 5000\n" in refused.body
                assert b"ERR_TOO_MANY_CONNECTIONS" in refused.body
                assert refused.headers["retry-after"] == "5"
                # The same connection serves the page's next request: nothing was parked.
                quick = await third.get("/ipc/test.quick")
                assert (quick.status, json.loads(quick.body)["data"]) == (200, 0)

            # A transfer that keeps sending is not parked: it runs to its end beyond the limit.
            async with await Raw.open(server, 0) as reader:
                transferred = await reader.get("/ipc/test.transfer")
                assert transferred.status == 200
                assert transferred.body == b"x" * 1024 * TRANSFER_CHUNKS

            # A call that does not answer is ended: 429, its handler cancelled.
            async with await Raw.open(server, 0) as caller:
                assert_too_many(await caller.get("/ipc/test.slow"))
                assert slow.cancelled == 1
                # So is a stream that goes on: its last event is the error.
                await caller.send("/ipc/test.ticking")
                assert (await caller.head()).status == 200
                events = await caller.rest()
                assert b'"tick"' in events
                assert b"event: error\n" in events
                assert b"ERR_TOO_MANY_CONNECTIONS" in events
                assert slow.cancelled == 2

        # Every other page keeps its own places: window 1, and requests without a window (one
        # place for them all, which a second channel does not get).
        others = [await open_channel(server, 1), await open_channel(server, None)]
        slow_calls = [await Raw.open(server, 1)]
        for call in slow_calls:
            await call.send("/ipc/test.slow")
        await slow.wait_running(1)
        with anyio.fail_after(DEADLINE):
            async with await Raw.open(server, None) as no_window:
                assert b"retry: 5000\n" in (await no_window.get("/oro/events")).body
                # Cookies a page adds (one of the session's name with a path of its own) buy it
                # no count of its own.
                session = dict(no_window.headers)["cookie"]
                no_window.headers = [
                    *(header for header in no_window.headers if header[0] != "cookie"),
                    ("cookie", f"{server.cookie_name}=made-up; {session}"),
                ]
                assert b"retry: 5000\n" in (await no_window.get("/oro/events")).body

        # A place freed is taken again: window 0 closes a channel and opens one.
        await first.stream.aclose()
        with anyio.fail_after(DEADLINE):
            async with await open_channel(server, 0) as again:
                assert b": connected" in await again.until(b"\n\n")
        for raw in (*held, *others, *slow_calls):
            await raw.stream.aclose()
        await slow.wait_running(0)


async def test_six_slow_calls_of_one_page_leave_other_pages_their_connections() -> None:
    """The shape of the issue: one page sends 6 calls that never answer (what a browser would
    run on all 6 of its connections). Three hold the page's places; the other three are
    answered 429 after the grace, freeing their connections, while the three keep running."""
    slow = Slow()
    async with make_host([slow.plugin()]) as host, live_server(host) as server:
        connections = [await Raw.open(server, 0) for _ in range(6)]
        for raw in connections:
            await raw.send("/ipc/test.slow")
        answers: list[Answer] = []
        rest_answered = anyio.Event()

        async def read(raw: Raw) -> None:
            head = await raw.head()
            head.body = await raw.rest()
            answers.append(head)
            if len(answers) == 6 - WINDOW_PLACES:
                rest_answered.set()

        with anyio.fail_after(DEADLINE):
            async with anyio.create_task_group() as task_group:
                for raw in connections:
                    task_group.start_soon(read, raw)
                await rest_answered.wait()
                task_group.cancel_scope.cancel()
        for answer in answers:
            assert_too_many(answer)
        assert slow.running == WINDOW_PLACES
        # Window 1 is served at once, on a connection of its own, as if window 0 were idle.
        async with await Raw.open(server, 1) as other:
            quick = await other.get("/ipc/test.quick")
            assert (quick.status, json.loads(quick.body)["data"]) == (200, 1)
        for raw in connections:
            await raw.stream.aclose()
        await slow.wait_running(0)


async def test_the_limit_is_the_apps_to_set() -> None:
    config = {
        "ipc.max_held_connections_per_page": 1,
        "ipc.max_held_connections_without_window": 2,
    }
    async with (
        make_host([], config=config) as host,
        live_server(host) as server,
        await open_channel(server, 0) as first,
    ):
        assert b": connected" in await first.until(b"\n\n")
        with anyio.fail_after(DEADLINE):
            async with await Raw.open(server, 0) as second:
                refused = await second.get("/oro/events")
        assert b"retry: 5000\n" in refused.body
        # Window 1 has its own place, and requests without a window two.
        async with (
            await open_channel(server, 1) as other,
            await open_channel(server, None) as no_window,
            await open_channel(server, None) as no_window_again,
        ):
            for channel in (other, no_window, no_window_again):
                assert b": connected" in await channel.until(b"\n\n")


PAGES: Final = [("window", 0), ("window", 1), ("session", 0)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["call", "channel"]), st.sampled_from(PAGES)), max_size=40),
    st.randoms(use_true_random=False),
)
def test_no_sequence_of_places_taken_and_given_back_passes_a_limit(
    opened: list[tuple[str, PageKey]], order: random.Random
) -> None:
    """Calls and channels of three pages, opened then closed in any order: no page ever holds
    more than its limit, every refusal was for a full page, and all places come back."""
    held = HeldConnections(3, session_limit=1, grace=1.0)
    taken: list[tuple[str, PageKey]] = []
    for kind, page in opened:
        before = held.held(page)
        got = held.take(page) if kind == "call" else held.open_channel(page) is None
        assert got == (before < held.limit_of(page))
        assert held.held(page) <= held.limit_of(page)
        if got:
            taken.append((kind, page))
    order.shuffle(taken)
    for kind, page in taken:
        (held.give_back if kind == "call" else held.close_channel)(page)
    assert all(held.held(page) == 0 for page in PAGES)


def test_every_request_without_a_window_shares_one_count_whatever_its_cookies() -> None:
    held = HeldConnections(3, session_limit=1, grace=1.0)
    assert held.page_of(4) == ("window", 4)
    assert held.page_of(4, by_bridge_key=True) == ("window", 4)
    assert held.page_of(None) == held.page_of(None)
    assert held.limit_of(held.page_of(None)) == 1
    assert held.page_of(None, by_bridge_key=True) is None
