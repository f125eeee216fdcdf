"""Properties, with hypothesis: any bytes round-trip through every format, level and chunking
(one-shot and streamed, both ways); the bomb limit holds exactly; corrupt or cut input is a
typed error, never anything else, and over the routes never a 500 (the host keeps serving)."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator
from typing import Any, get_args

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oro_zlib import plugin
from oro_zlib.codec import Deflater, Flush, Format, Inflater, Options, compress, decompress
from oro_zlib.errors import ZlibError
from oro_zlib.state import STATE

from oro_framework import IPCError, OutOfRangeError
from oro_framework.testing import MemoryClient, make_host

WRITE_FORMATS: list[Format] = ["zlib", "gzip", "raw"]
FLUSHES: list[Flush] = [flush for flush in get_args(Flush) if flush != "finish"]
LIMIT = 1 << 20
FIXTURES = [HealthCheck.function_scoped_fixture]

data_st = st.binary(max_size=4096) | st.builds(
    lambda unit, count: unit * count, st.binary(min_size=1, max_size=8), st.integers(1, 3000)
)
options_st = st.builds(
    Options,
    format=st.sampled_from(WRITE_FORMATS),
    level=st.integers(-1, 9),
    window_bits=st.integers(9, 15),
    mem_level=st.integers(1, 9),
    strategy=st.integers(0, 4),
)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    edges = [0, *points, len(data)]
    return [data[start:end] for start, end in itertools.pairwise(edges)]


@given(data=data_st, options=options_st)
def test_any_bytes_round_trip_in_one_piece(data: bytes, options: Options) -> None:
    assert decompress(compress(data, options), options, LIMIT) == data
    # What Python's zlib makes, any zlib reads: the standard library's own decoder agrees.
    assert zlib.decompress(compress(data, options), options.wbits()) == data


@given(
    data=data_st,
    options=options_st,
    cuts=st.lists(st.integers(0, 10**6), max_size=6),
    flushes=st.lists(st.sampled_from(FLUSHES), min_size=7, max_size=7),
    read_cuts=st.lists(st.integers(0, 10**6), max_size=12),
)
def test_any_bytes_round_trip_through_streams_in_any_chunks(
    data: bytes,
    options: Options,
    cuts: list[int],
    flushes: list[Flush],
    read_cuts: list[int],
) -> None:
    deflater = Deflater(options)
    chunks = split(data, cuts)
    packed = b"".join(
        deflater.write(chunk, flush) for chunk, flush in zip(chunks, flushes, strict=False)
    )
    packed += deflater.write(b"", "finish")
    assert zlib.decompress(packed, options.wbits()) == data
    inflater = Inflater(options)
    plain = b"".join(inflater.write(piece, LIMIT) for piece in split(packed, read_cuts))
    plain += inflater.write(b"", LIMIT, "finish")
    assert plain == data


@given(data=data_st, limit=st.integers(1, 20_000))
def test_the_output_limit_holds_exactly(data: bytes, limit: int) -> None:
    options = Options(format="gzip")
    packed = compress(data, options)
    if len(data) <= limit:
        assert decompress(packed, options, limit) == data
    else:
        with pytest.raises(OutOfRangeError) as refused:
            decompress(packed, options, limit)
        assert refused.value.code == "ERR_BUFFER_TOO_LARGE"


def damaged(packed: bytes, where: int, value: int, cut: int) -> bytes:
    if not packed:
        return bytes([value])
    index = where % len(packed)
    flipped = packed[:index] + bytes([packed[index] ^ (value or 1)]) + packed[index + 1 :]
    return flipped[: len(flipped) - cut % (len(flipped) + 1)]


@given(
    data=data_st,
    fmt=st.sampled_from([*WRITE_FORMATS, "auto"]),
    where=st.integers(0, 10**6),
    value=st.integers(0, 255),
    cut=st.integers(0, 64),
    noise=st.binary(max_size=256),
)
def test_corrupt_or_cut_input_is_a_typed_error_or_bytes(
    data: bytes, fmt: Format, where: int, value: int, cut: int, noise: bytes
) -> None:
    options = Options(format=fmt)
    source = Options(format="gzip" if fmt == "auto" else fmt)
    for bad in (damaged(compress(data, source), where, value, cut), noise):
        assert outcome(bad, options) in (
            "bytes",
            "Z_DATA_ERROR",
            "Z_BUF_ERROR",
            # A zlib header whose FDICT bit is set (b"\x08\xf6..." as noise): the stream needs
            # a preset dictionary nobody gave, which zlib and Node answer this way.
            "Z_NEED_DICT",
            "ERR_BUFFER_TOO_LARGE",
        )


def outcome(bad: bytes, options: Options) -> str:
    """``bytes``, or the code of the typed error decompressing ``bad`` raised."""
    try:
        decompress(bad, options, LIMIT)
    except (ZlibError, OutOfRangeError) as error:
        return error.code
    return "bytes"


# --------------------------------------------------------------------------------------------
# Over the routes: one host for every example
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal(backend="trio") as running:
        yield running


@pytest.fixture(scope="module")
def client(portal: BlockingPortal) -> Iterator[MemoryClient]:
    config = {"zlib.max_output_bytes": 50_000, "zlib.max_streams": 1000}
    with portal.wrap_async_context_manager(make_host([plugin], config=config)) as host:
        yield MemoryClient(host)


PARAMS = st.dictionaries(
    st.sampled_from(
        ["format", "level", "windowBits", "memLevel", "strategy", "maxOutputLength", "partial"]
    ),
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["zlib", "gzip", "raw", "auto", "0", "15", "9"]),
    max_size=4,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(["zlib.deflate", "zlib.inflate"]),
    params=PARAMS,
    body=st.binary(max_size=512) | st.sampled_from([zlib.compress(b"\0" * 200_000)]),
)
def test_any_call_gets_bytes_or_a_typed_error_never_a_500(
    portal: BlockingPortal, client: MemoryClient, route: str, params: dict[str, Any], body: bytes
) -> None:
    reply = portal.call(lambda: client.call(route, body, **params))
    if reply.error is not None:
        assert isinstance(reply.error, IPCError)
        assert reply.status < 500, reply.error.to_dict()
    else:
        assert isinstance(reply.body, bytes)
        assert route != "zlib.inflate" or len(reply.body) <= 50_000


@pytest.mark.in_process(reason="it reads the plugin's streams in the host's process (host.stash)")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mode=st.sampled_from(["deflate", "inflate"]),
    params=PARAMS,
    writes=st.lists(
        st.tuples(st.binary(max_size=256), st.sampled_from([*get_args(Flush), "bogus"])),
        max_size=4,
    ),
)
def test_any_stream_session_gets_typed_answers_and_leaves_nothing_open(
    portal: BlockingPortal,
    client: MemoryClient,
    mode: str,
    params: dict[str, Any],
    writes: list[tuple[bytes, str]],
) -> None:
    async def session() -> None:
        opened = await client.call("zlib.stream.open", mode=mode, **params)
        if opened.error is not None:
            assert opened.status < 500
            return
        stream_id = opened.data["id"]
        for chunk, flush in writes:
            reply = await client.call("zlib.stream.write", chunk, id=stream_id, flush=flush)
            if reply.error is not None:
                assert reply.status < 500, reply.error.to_dict()
        await client.call("zlib.stream.close", id=stream_id)
        assert all(key[1] != stream_id for key in client.host.stash[STATE].streams)

    portal.call(session)
    assert portal.call(lambda: client.call("zlib.capabilities")).ok
