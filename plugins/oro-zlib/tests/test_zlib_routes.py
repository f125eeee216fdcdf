"""The ``zlib.*`` routes over the in-memory client: Oro's route names and parameters
(``zlib.capabilities|deflate|inflate|stream.open|stream.write`` of Oro's ``api/zlib.js``), plus
Node's options, the limits, and the typed errors."""

from __future__ import annotations

import gzip as gzip_module
import os
import zlib
from functools import partial
from typing import Any

import anyio
import pytest
from oro_zlib import plugin
from oro_zlib.codec import Flush
from oro_zlib.errors import InvalidStateError, ZlibError
from oro_zlib.state import STATE
from oro_zlib.streams import Stream

from oro_framework import (
    Host,
    InvalidArgumentError,
    MemoryReservation,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
)
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

TEXT = b"".join(b"line %d of a text that repeats itself\n" % n for n in range(2000))


async def body(client: MemoryClient, route: str, data: bytes = b"", **params: Any) -> bytes:
    reply = await client.call(route, data, **params)
    if reply.error is not None:
        raise reply.error
    assert reply.body is not None, reply
    return reply.body


async def test_capabilities_say_available_with_the_limits(client: MemoryClient) -> None:
    answer = raise_for_error(await client.call("zlib.capabilities"))
    assert answer["available"] is True
    assert answer["version"] == zlib.ZLIB_RUNTIME_VERSION
    assert answer["formats"] == ["zlib", "gzip", "raw"]
    assert answer["maxOutputBytes"] == 64 * 1024 * 1024


@pytest.mark.parametrize(("fmt", "wbits"), [("zlib", 15), ("gzip", 31), ("raw", -15)])
async def test_deflate_is_pythons_zlib_in_each_format(
    client: MemoryClient, fmt: str, wbits: int
) -> None:
    for level in (-1, 0, 1, 6, 9):
        packed = await body(client, "zlib.deflate", TEXT, format=fmt, level=level)
        compressor = zlib.compressobj(level, zlib.DEFLATED, wbits)
        assert packed == compressor.compress(TEXT) + compressor.flush()
        assert zlib.decompress(packed, wbits) == TEXT
        assert await body(client, "zlib.inflate", packed, format=fmt) == TEXT


async def test_oro_sends_levels_and_flags_as_strings(client: MemoryClient) -> None:
    # Oro's JS sends every parameter as query text.
    packed = await body(client, "zlib.deflate", TEXT, format="gzip", level="9")
    assert gzip_module.decompress(packed) == TEXT
    stream = raise_for_error(await client.call("zlib.stream.open", mode="deflate", level="1"))
    out = await body(client, "zlib.stream.write", TEXT, id=stream["id"], finish="true")
    assert zlib.decompress(out) == TEXT


async def test_auto_format_inflates_gzip_and_zlib(client: MemoryClient) -> None:
    assert await body(client, "zlib.inflate", gzip_module.compress(TEXT), format="auto") == TEXT
    assert await body(client, "zlib.inflate", zlib.compress(TEXT), format="auto") == TEXT


async def test_gunzip_reads_concatenated_members_and_ignores_trailing_bytes(
    client: MemoryClient,
) -> None:
    members = gzip_module.compress(b"one ") + gzip_module.compress(b"two")
    assert await body(client, "zlib.inflate", members, format="gzip") == b"one two"
    assert await body(client, "zlib.inflate", zlib.compress(b"x") + b"junk") == b"x"


async def test_corrupt_input_is_nodes_data_error(client: MemoryClient) -> None:
    reply = await client.call("zlib.inflate", b"not zlib at all")
    assert isinstance(reply.error, ZlibError)
    assert reply.status == 400
    assert reply.error.to_dict() == {
        "type": "Error",
        "code": "Z_DATA_ERROR",
        "errno": -3,
        "message": "incorrect header check",
    }


async def test_a_stream_cut_short_is_unexpected_end_unless_partial(client: MemoryClient) -> None:
    cut = zlib.compress(TEXT)[:-40]
    reply = await client.call("zlib.inflate", cut)
    assert isinstance(reply.error, ZlibError)
    assert (reply.error.code, reply.error.message) == ("Z_BUF_ERROR", "unexpected end of file")
    assert reply.error.extra["errno"] == -5
    partial = await body(client, "zlib.inflate", cut, partial=True)
    assert TEXT.startswith(partial)
    assert len(partial) > len(TEXT) // 2


@pytest.mark.parametrize("oro_config", [{"zlib.max_output_bytes": 100_000}])
async def test_the_bomb_limit_refuses_one_byte_more(client: MemoryClient) -> None:
    exact = zlib.compress(b"\0" * 100_000)
    assert await body(client, "zlib.inflate", exact) == b"\0" * 100_000
    bomb = zlib.compress(b"\0" * 100_001)
    reply = await client.call("zlib.inflate", bomb)
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_BUFFER_TOO_LARGE"
    assert reply.error.message == "Cannot create a Buffer larger than 100000 bytes"
    # The page's maxOutputLength lowers the limit, and cannot raise it.
    small = await client.call("zlib.inflate", exact, maxOutputLength=10)
    assert isinstance(small.error, OutOfRangeError)
    assert small.error.message == "Cannot create a Buffer larger than 10 bytes"
    bigger = await client.call("zlib.inflate", bomb, maxOutputLength=10**9)
    assert isinstance(bigger.error, OutOfRangeError)


@pytest.mark.parametrize("oro_config", [{"zlib.max_output_bytes": 1 << 20}])
async def test_a_real_bomb_stops_at_the_limit_in_a_stream_too(client: MemoryClient) -> None:
    compressor = zlib.compressobj(9)
    bomb = compressor.compress(b"\0" * (64 << 20)) + compressor.flush()  # 64 MiB in ~64 KiB
    assert len(bomb) < 100_000
    stream = raise_for_error(await client.call("zlib.stream.open", mode="inflate"))
    reply = await client.call("zlib.stream.write", bomb, id=stream["id"])
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_BUFFER_TOO_LARGE"
    # A failed stream is over, as Node's.
    gone = await client.call("zlib.stream.write", b"", id=stream["id"])
    assert isinstance(gone.error, NotFoundError)


@pytest.mark.parametrize("oro_config", [{"zlib.max_input_bytes": 1000}])
async def test_input_over_the_limit_is_a_range_error(client: MemoryClient) -> None:
    assert len(await body(client, "zlib.deflate", b"a" * 1000)) > 0
    for route in ("zlib.deflate", "zlib.inflate"):
        reply = await client.call(route, b"a" * 1001)
        assert isinstance(reply.error, OutOfRangeError)
        assert reply.error.code == "ERR_ZLIB_INPUT_TOO_LARGE"
        assert reply.status == 413


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"format": "brotli"}, "ERR_INVALID_ARG_VALUE"),
        ({"level": 10}, "ERR_OUT_OF_RANGE"),
        ({"level": "high"}, "ERR_INVALID_ARG_TYPE"),
        ({"windowBits": 7}, "ERR_OUT_OF_RANGE"),
        ({"windowBits": 8, "format": "gzip"}, "ERR_OUT_OF_RANGE"),
        ({"memLevel": 0}, "ERR_OUT_OF_RANGE"),
        ({"strategy": 5}, "ERR_OUT_OF_RANGE"),
        ({"format": "auto"}, "ERR_INVALID_ARG_VALUE"),
    ],
)
async def test_bad_deflate_options_are_typed_errors(
    client: MemoryClient, params: dict[str, Any], code: str
) -> None:
    reply = await client.call("zlib.deflate", b"data", **params)
    assert isinstance(reply.error, InvalidArgumentError | OutOfRangeError)
    assert reply.error.code == code
    assert reply.status in (400, 413)


async def test_node_options_reach_zlib(client: MemoryClient) -> None:
    params = {"level": 9, "windowBits": 10, "memLevel": 4, "strategy": zlib.Z_FILTERED}
    packed = await body(client, "zlib.deflate", TEXT, **params)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 10, 4, zlib.Z_FILTERED)
    assert packed == compressor.compress(TEXT) + compressor.flush()
    # windowBits 0 inflates with the header's size; 8 raw deflate is zlib's 9, as in Node.
    assert await body(client, "zlib.inflate", packed, windowBits=0) == TEXT
    raw = await body(client, "zlib.deflate", TEXT, format="raw", windowBits=8)
    assert zlib.decompress(raw, -9) == TEXT


async def test_a_stream_in_chunks_gives_what_one_shot_gives(client: MemoryClient) -> None:
    for fmt in ("zlib", "gzip", "raw"):
        deflater = raw_id(await client.call("zlib.stream.open", mode="deflate", format=fmt))
        packed = b""
        for start in range(0, len(TEXT), 7000):
            piece = TEXT[start : start + 7000]
            packed += await body(client, "zlib.stream.write", piece, id=deflater)
        packed += await body(client, "zlib.stream.write", b"", id=deflater, finish=True)
        assert packed == await body(client, "zlib.deflate", TEXT, format=fmt)
        inflater = raw_id(await client.call("zlib.stream.open", mode="inflate", format=fmt))
        plain = b""
        for start in range(0, len(packed), 333):
            piece = packed[start : start + 333]
            plain += await body(client, "zlib.stream.write", piece, id=inflater)
        plain += await body(client, "zlib.stream.write", b"", id=inflater, flush="finish")
        assert plain == TEXT


async def test_sync_flush_lets_the_other_side_read_everything_so_far(
    client: MemoryClient,
) -> None:
    deflater = raw_id(await client.call("zlib.stream.open", mode="deflate"))
    inflater = zlib.decompressobj()
    first = await body(client, "zlib.stream.write", b"hello ", id=deflater, flush="sync")
    assert inflater.decompress(first) == b"hello "
    second = await body(client, "zlib.stream.write", b"world", id=deflater, flush="full")
    assert inflater.decompress(second) == b"world"


@pytest.mark.in_process(reason="it reads the plugin's streams in the host's process (host.stash)")
async def test_a_finished_stream_is_gone_and_writes_to_it_are_refused(
    client: MemoryClient, host: Host
) -> None:
    stream_id = raw_id(await client.call("zlib.stream.open"))
    await body(client, "zlib.stream.write", b"x", id=stream_id, finish=True)
    assert host.stash[STATE].streams == {}
    reply = await client.call("zlib.stream.write", b"x", id=stream_id)
    assert isinstance(reply.error, NotFoundError)
    assert reply.error.code == "ERR_ZLIB_UNKNOWN_STREAM"


async def test_a_truncated_stream_at_finish_is_unexpected_end(client: MemoryClient) -> None:
    inflater = raw_id(await client.call("zlib.stream.open", mode="inflate", format="gzip"))
    cut = gzip_module.compress(TEXT)[:-8]
    assert TEXT.startswith(await body(client, "zlib.stream.write", cut, id=inflater))
    reply = await client.call("zlib.stream.write", b"", id=inflater, finish=True)
    assert isinstance(reply.error, ZlibError)
    assert reply.error.code == "Z_BUF_ERROR"


@pytest.mark.in_process(reason="it reads the plugin's streams in the host's process (host.stash)")
async def test_close_lets_go_of_the_stream(client: MemoryClient, host: Host) -> None:
    stream_id = raw_id(await client.call("zlib.stream.open"))
    for closed in (True, False):
        reply = await client.call("zlib.stream.close", id=stream_id)
        assert raise_for_error(reply) == {"closed": closed}
    assert host.stash[STATE].streams == {}


@pytest.mark.parametrize("oro_config", [{"zlib.max_streams": 3}])
async def test_a_page_may_hold_max_streams(host: Host) -> None:
    first, second = MemoryClient(host, window=1), MemoryClient(host, window=2)
    ids = [raw_id(await first.call("zlib.stream.open")) for _ in range(3)]
    reply = await first.call("zlib.stream.open")
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_ZLIB_TOO_MANY_STREAMS"
    # Another page has its own allowance, and cannot use the first page's streams.
    raw_id(await second.call("zlib.stream.open"))
    stolen = await second.call("zlib.stream.write", b"x", id=ids[0])
    assert isinstance(stolen.error, NotFoundError)
    await first.call("zlib.stream.close", id=ids[0])
    raw_id(await first.call("zlib.stream.open"))


@pytest.mark.in_process(reason="it reads the plugin's streams in the host's process (host.stash)")
async def test_streams_are_dropped_when_their_page_goes_away(host: Host) -> None:
    page, other = MemoryClient(host, window=1), MemoryClient(host, window=2)
    for _ in range(3):
        raw_id(await page.call("zlib.stream.open", mode="inflate"))
    kept = raw_id(await other.call("zlib.stream.open"))
    host.hooks.page_closed(host, 1)
    state = host.stash[STATE]
    assert list(state.streams) == [(2, kept)]
    assert state.dropped == 3
    assert state.diagnostics()["handles"] == {"count": 1, "ids": [kept]}


async def test_the_routes_are_refused_when_the_permission_is_off() -> None:
    config = {"permissions.allow_zlib": False}
    async with make_host([plugin], config=config) as host:
        reply = await MemoryClient(host).call("zlib.deflate", b"x")
        assert isinstance(reply.error, NotAllowedError)


@pytest.mark.in_process(reason="it reads the plugin's streams in the host's process (host.stash)")
async def test_every_stream_is_released_when_the_host_closes() -> None:
    async with make_host([plugin]) as host:
        state = host.stash[STATE]
        stream_id = raw_id(await MemoryClient(host).call("zlib.stream.open"))
        stream = state.get(0, stream_id)
    assert STATE not in host.stash
    assert stream.closed
    assert state.streams == {}


@pytest.mark.in_process(reason="it patches the plugin's code in the host's process (monkeypatch)")
async def test_concurrent_writes_to_one_stream_never_mix_zlib_state(
    client: MemoryClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[bytes, bytes]] = []
    write = Stream.write

    def recording(
        stream: Stream, data: bytes, flush: Flush, limit: int, held: MemoryReservation
    ) -> bytes:
        out = write(stream, data, flush, limit, held)
        seen.append((data, out))
        return out

    monkeypatch.setattr(Stream, "write", recording)
    deflater = raw_id(await client.call("zlib.stream.open", mode="deflate"))
    chunks = [os.urandom(50_000) for _ in range(8)]
    # The page's module sends one write at a time; a page that does not still gets one valid
    # stream: each write holds the stream's lock while zlib runs in a worker thread.
    async with anyio.create_task_group() as group:
        for chunk in chunks:
            group.start_soon(partial(body, client, "zlib.stream.write", chunk, id=deflater))
    await body(client, "zlib.stream.write", b"", id=deflater, finish=True)
    assert sorted(data for data, _ in seen[:-1]) == sorted(chunks)
    packed = b"".join(out for _, out in seen)
    assert zlib.decompress(packed) == b"".join(data for data, _ in seen)


def raw_id(reply: Any) -> str:
    answer = raise_for_error(reply)
    assert isinstance(answer["id"], str)
    return answer["id"]


def test_errors_are_ipc_errors_with_node_codes() -> None:
    assert InvalidStateError("x").to_dict()["type"] == "InvalidStateError"
