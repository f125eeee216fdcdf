"""Credit for streamed replies (``ipc.stream_window_bytes``, ``web/bridge/flow.py``): a page's
``oro:ipc`` asks for it, so that what its app reads paces the host on WebKit too, which reads a
fetch body's socket whether the page reads it or not. Proven with a real host over real sockets:
the sender waits at the window; acknowledgements are proven to the stream's window and checked
(a hostile page's are typed errors that change nothing); clients that do not ask are served as
before; in real headless WebKit a page that stops reading 256 MiB holds the host back and
the web process stays small, then reads every byte in order; and acknowledgements that fail on
their way are sent again (Chromium, whose requests a test can fail)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import Browser, Route

from oro_framework import ByteStream, Request
from oro_framework.host.errors import InvalidArgumentError, NotFoundError, OutOfRangeError
from oro_framework.testing import (
    RoutePlugin,
    ServedApp,
    WebKitBrowser,
    app_page,
    live_server,
    make_host,
    served_app,
)
from oro_framework.web.bridge.flow import StreamCredits, parse_ack

MIB = 1024 * 1024
CHUNK = 64 * 1024
# Byte i of a flood is i % 251: a chunk lost, repeated or reordered shows at once.
PATTERN = bytes(i % 251 for i in range(CHUNK + 251))


class Produced:
    """What a flood's handler has handed to the bridge, which pulls a chunk only once it sent
    the last: the host's sent bytes, give or take one chunk."""

    def __init__(self) -> None:
        self.count = 0
        self._moved: anyio.Event | None = None

    def add(self, count: int) -> None:
        self.count = count
        if self._moved is not None:
            self._moved.set()
            self._moved = None

    async def at_least(self, count: int) -> None:
        """On the host's loop: wait until ``count`` bytes were produced."""
        while self.count < count:
            self._moved = self._moved or anyio.Event()
            await self._moved.wait()

    async def reaches(self, count: int, within: float) -> bool:
        """On the host's loop: whether ``count`` bytes are produced within ``within`` s."""
        with anyio.move_on_after(within):
            await self.at_least(count)
            return True
        return False


def flood_route(total: int, produced: Produced) -> Any:
    """``test.flood``: ``total`` patterned bytes (or its ``bytes`` parameter) in 64 KiB chunks,
    counted in ``produced``."""

    async def flood(request: Request) -> ByteStream:
        length = int(request.params.get("bytes", total))

        async def chunks() -> AsyncIterator[bytes]:
            offset = 0
            while offset < length:
                size = min(CHUNK, length - offset)
                start = offset % 251
                produced.add(offset + size)
                yield PATTERN[start : start + size]
                offset += size

        return ByteStream(chunks())

    return flood


def patterned(data: bytes, offset: int = 0) -> bool:
    start = offset % 251
    return all(
        data[i : i + CHUNK]
        == PATTERN[(start + i) % 251 : (start + i) % 251 + len(data[i : i + CHUNK])]
        for i in range(0, len(data), CHUNK)
    )


@pytest.mark.anyio
async def test_the_sender_waits_at_the_window_and_hostile_acks_change_nothing() -> None:
    window = 256 * 1024
    produced = Produced()
    config = {"ipc.stream_window_bytes": window}
    route = RoutePlugin({"test.flood": flood_route(64 * MIB, produced)})
    async with (
        make_host([route], config=config) as host,
        live_server(host) as server,
        server.client(timeout=30) as client,
    ):
        one = {"x-oro-window": server.window_credential(1)}
        two = {"x-oro-window": server.window_credential(2)}
        credited = {**one, "x-oro-stream-credit": "1"}
        async with client.stream("GET", "/ipc/test.flood", headers=credited) as response:
            stream_id = response.headers["x-oro-stream-id"]
            assert int(response.headers["x-oro-stream-window"]) == window
            # Not read at all: the handler stops within the window (plus the chunk it holds).
            # The loopback buffers would take megabytes, so this is the credit holding it.
            with anyio.fail_after(20):
                await produced.at_least(window // 2)

            async def ack(headers: dict[str, str], query: str) -> tuple[int, dict[str, Any]]:
                answer = await client.get(f"/ipc/ipc.stream.ack?{query}", headers=headers)
                return answer.status_code, answer.json()

            hostile = [
                (two, f"id={stream_id}&consumed=1", 404, "NotFoundError"),  # another window
                (two, f"id={stream_id}&consumed=all", 404, "NotFoundError"),  # its release
                ({}, f"id={stream_id}&consumed=all", 404, "NotFoundError"),
                ({}, f"id={stream_id}&consumed=1", 404, "NotFoundError"),  # no window
                (one, "id=not-a-stream&consumed=1", 404, "NotFoundError"),
                (one, f"id={stream_id}&consumed={window * 4}", 413, "RangeError"),  # unsent
                (one, f"id={stream_id}&consumed=-1", 413, "RangeError"),
                (one, f"id={stream_id}&consumed={10**40}", 413, "RangeError"),
                (one, f"id={stream_id}&consumed=1e9", 400, "TypeError"),
                (one, f"id={stream_id}&consumed=%00", 400, "TypeError"),
                (one, "id=%2F..&consumed=1", 400, "TypeError"),
                (one, f"id={stream_id}", 400, "TypeError"),
            ]
            for headers, query, status, kind in hostile:
                code, body = await ack(headers, query)
                assert (code, body["err"]["type"]) == (status, kind), query
            assert produced.count <= window + CHUNK
            # Nothing was taken from those: the stream's acknowledged count is still 0.
            assert await ack(one, f"id={stream_id}&consumed=0") == (
                200,
                {"source": "ipc.stream.ack", "id": "0", "data": {"acked": 0}},
            )
            received, acked = bytearray(), 0
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) - acked >= window // 4:
                    acked = len(received)
                    assert (await ack(one, f"id={stream_id}&consumed={acked}"))[0] == 200
                if len(received) >= 8 * MIB:
                    break
            assert patterned(bytes(received))
            # The host kept within the window of what was acknowledged all along.
            assert produced.count <= len(received) + window + CHUNK

        # A page that reads a reply whole (a file's bytes) releases it: the host sends on
        # unpaced, as far as the loopback buffers take it, without one acknowledgement.
        produced.add(0)
        async with client.stream("GET", "/ipc/test.flood", headers=credited) as response:
            released = response.headers["x-oro-stream-id"]
            with anyio.fail_after(20):
                await produced.at_least(window // 2)
            assert (await ack(one, f"id={released}&consumed=all"))[0] == 200
            with anyio.fail_after(20):
                await produced.at_least(4 * window)

        # A client that does not ask (curl, httpx, a page's own fetch) is served as before.
        produced.add(0)
        async with client.stream("GET", "/ipc/test.flood", headers=one) as response:
            assert "x-oro-stream-id" not in response.headers
            with anyio.fail_after(20):
                await produced.at_least(4 * window)
        # A finished stream is forgotten: its id acknowledges nothing any more.
        code, body = await ack(one, f"id={stream_id}&consumed=0")
        assert (code, body["err"]["type"]) == (404, "NotFoundError")


def _webkit_processes() -> list[int]:
    """The WebKit processes this test process started (driver, MiniBrowser, web, network)."""
    found: list[int] = []
    pending = [os.getpid()]
    while pending:
        pid = pending.pop()
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            with _missing_ok():
                pending += [int(child) for child in task.read_text().split()]
        if pid != os.getpid():
            with _missing_ok():
                if "WebKit" in Path(f"/proc/{pid}/comm").read_text() or "WebKit" in Path(
                    f"/proc/{pid}/cmdline"
                ).read_bytes().decode(errors="replace"):
                    found.append(pid)
    return found


def _resident_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with _missing_ok():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


class _missing_ok:
    """A process may end between listing and reading it."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], (FileNotFoundError, ProcessLookupError))  # type: ignore[arg-type]


FLOOD = 256 * MIB


@pytest.fixture(scope="module")
def flood_app() -> Iterator[tuple[ServedApp, Produced]]:
    produced = Produced()
    with served_app([RoutePlugin({"test.flood": flood_route(FLOOD, produced)})]) as served:
        yield served, produced


def test_webkit_page_that_stops_reading_holds_the_host_back_then_reads_every_byte(
    webkit_browser: WebKitBrowser, flood_app: tuple[ServedApp, Produced]
) -> None:
    app, produced = flood_app
    with app_page(webkit_browser, app) as page:
        processes = _webkit_processes()
        assert processes, "no WebKit process under this test"
        before = _resident_bytes(processes)
        page.evaluate(
            """async () => {
                const ipc = await import('oro:ipc')
                const options = { responseType: 'stream', timeout: 0 }
                globalThis.flood = await ipc.request('test.flood', {}, options)
            }"""
        )
        # Unread, the page holds the host at the window (1 MiB). Without credit WebKit reads the
        # whole 256 MiB into its web process within a few seconds; given as long, the handler
        # has produced no more than the window, the chunk it holds and the loopback buffers.
        assert app.call(produced.reaches, 512 * 1024, 30), "the host started the stream"
        assert not app.call(produced.reaches, 64 * MIB, 5), "a flood past the credit"
        assert produced.count < 32 * MIB
        assert _resident_bytes(_webkit_processes()) - before < 200 * MIB
        # Then the page reads it all: every byte arrives, in order.
        answer = page.evaluate(
            """async () => {
                let offset = 0, wrong = -1
                for await (const chunk of globalThis.flood) {
                    for (let i = 0; i < chunk.length; i++) {
                        if (wrong < 0 && chunk[i] !== (offset + i) % 251) wrong = offset + i
                    }
                    offset += chunk.length
                }
                return [offset, wrong]
            }"""
        )
        assert answer == [FLOOD, -1]
        # A stream reply read whole (bytes, not a stream) is acknowledged as it is read too.
        whole = page.evaluate(
            """async (length) => {
                const ipc = await import('oro:ipc')
                const bytes = await ipc.request('test.flood', { bytes: length })
                return [bytes.length, bytes.every((value, i) => value === i % 251)]
            }""",
            3 * MIB + 5,
        )
        assert whole == [3 * MIB + 5, True]


def test_acknowledgements_that_fail_on_their_way_are_sent_again(
    chromium_browser: Browser, flood_app: tuple[ServedApp, Produced]
) -> None:
    """A failed acknowledgement (a dropped request, a host answering 503) is sent again: dropped,
    its bytes stayed unacknowledged and the host waited at the window for good once the page had
    read it (the page stopped acknowledging after one failure)."""
    app, _ = flood_app
    failures = {"abort": 0, "503": 0}

    def flaky(route: Route) -> None:
        # The first acknowledgements fail, half on their way, half answered 503: more of them
        # than the window holds (1 MiB, acknowledged each 256 KiB).
        if failures["abort"] < 6:
            failures["abort"] += 1
            route.abort()
        elif failures["503"] < 6:
            failures["503"] += 1
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    with app_page(chromium_browser, app) as page:
        page.route("**/ipc/ipc.stream.ack*", flaky)
        answer = page.evaluate(
            """async (length) => {
                const ipc = await import('oro:ipc')
                const stream = await ipc.request('test.flood', { bytes: length },
                    { responseType: 'stream', timeout: 0 })
                let offset = 0, wrong = -1
                const read = (async () => {
                    for await (const chunk of stream) {
                        for (let i = 0; i < chunk.length; i++) {
                            if (wrong < 0 && chunk[i] !== (offset + i) % 251) wrong = offset + i
                        }
                        offset += chunk.length
                    }
                    return 'done'
                })()
                const stalled = new Promise((resolve) => setTimeout(resolve, 20000, 'stalled'))
                return [await Promise.race([read, stalled]), offset, wrong]
            }""",
            8 * MIB,
        )
    assert failures == {"abort": 6, "503": 6}
    assert answer == ["done", 8 * MIB, -1]


@given(st.one_of(st.none(), st.text(max_size=80)), st.one_of(st.none(), st.text(max_size=80)))
def test_any_ack_query_is_an_id_and_count_or_a_typed_error(
    stream_id: str | None, consumed: str | None
) -> None:
    try:
        parsed = parse_ack(stream_id, consumed)
    except (InvalidArgumentError, OutOfRangeError):
        return  # a typed error: TypeError (400) or RangeError (413), never anything else
    assert parsed == (stream_id, None if consumed == "all" else int(consumed or ""))


@given(st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=30))
def test_acks_only_ever_move_forward_within_what_was_sent(counts: list[int]) -> None:
    credits = StreamCredits(1000)
    with credits.opened(3) as (stream_id, credit):
        credit.sent = 5000
        expected = 0
        for count in counts:
            if 0 <= count <= credit.sent:
                expected = max(expected, count)
                assert credits.ack(stream_id, 3, count) == expected
            else:
                with pytest.raises(OutOfRangeError):
                    credits.ack(stream_id, 3, count)
            assert credit.acked == expected
        with pytest.raises(NotFoundError):
            credits.ack(stream_id, 4, 0)
    assert len(credits) == 0
