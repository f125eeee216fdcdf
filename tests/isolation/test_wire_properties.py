"""The frames of an isolated plugin's channel (oro_framework/host/isolation/wire.py and
channel.py): whatever the chunking of what the socket hands over, the same messages and bodies
come out; whatever a broken peer writes, the reader raises ChannelError and nothing else."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework import IPCError
from oro_framework.host.isolation.channel import COALESCE, Channel, Inbox
from oro_framework.host.isolation.wire import (
    MAX_BODY,
    PREFIX,
    ChannelError,
    FrameReader,
    Message,
    encode,
    encode_head,
)

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
_MESSAGES = st.builds(
    lambda kind, fields: {**fields, "t": kind},
    st.text(min_size=1, max_size=8),
    st.dictionaries(st.text(max_size=6), _JSON, max_size=3),
)
_FRAMES = st.lists(st.tuples(_MESSAGES, st.binary(max_size=3000)), max_size=6)


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    return [data[start:end] for start, end in zip([0, *points], [*points, len(data)], strict=True)]


def _read(pieces: list[bytes]) -> tuple[list[tuple[Message, bytes]], FrameReader]:
    reader = FrameReader()
    frames = [frame for piece in pieces for frame in reader.feed(piece)]
    return frames, reader


@settings(max_examples=200, deadline=None)
@given(_FRAMES, st.lists(st.integers(min_value=0), max_size=12))
def test_any_split_of_frames_reads_the_same_messages_and_bodies(
    frames: list[tuple[Message, bytes]], cuts: list[int]
) -> None:
    data = b"".join(encode(message, body) for message, body in frames)
    read, reader = _read(_split(data, cuts))
    assert read == frames
    assert all(type(body) is bytes for _, body in read)
    assert reader.pending == 0


@settings(max_examples=100, deadline=None)
@given(_FRAMES.filter(bool), st.data())
def test_a_truncated_frame_waits_for_the_rest(
    frames: list[tuple[Message, bytes]], data: st.DataObject
) -> None:
    whole = b"".join(encode(message, body) for message, body in frames)
    last = len(encode(*frames[-1]))
    cut = data.draw(st.integers(min_value=1, max_value=last - 1), label="cut")
    read, reader = _read([whole[:-cut]])
    assert read == frames[:-1]
    assert reader.pending == last - cut
    assert list(reader.feed(whole[-cut:])) == frames[-1:]


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200), st.lists(st.integers(min_value=0), max_size=6))
def test_garbage_raises_channel_error_and_nothing_else(garbage: bytes, cuts: list[int]) -> None:
    reader = FrameReader()
    try:
        for piece in _split(garbage, cuts):
            for message, body in reader.feed(piece):
                assert isinstance(message["t"], str)
                assert type(body) is bytes
    except ChannelError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=64), _FRAMES)
def test_a_garbage_header_before_good_frames_breaks_the_channel(
    header: bytes, frames: list[tuple[Message, bytes]]
) -> None:
    """A header that is no JSON object with a string "t" is never skipped over."""
    bad = PREFIX.pack(len(header) + 2, 0) + b"[]" + header
    good = b"".join(encode(message, body) for message, body in frames)
    with pytest.raises(ChannelError):
        _read([bad + good])


@pytest.mark.parametrize(
    "prefix",
    [PREFIX.pack(1, 0), PREFIX.pack(64 << 20 | 1, 0), PREFIX.pack(2, MAX_BODY + 1)],
    ids=["header too short", "header too long", "body too long"],
)
def test_an_announced_size_out_of_bounds_breaks_the_channel(prefix: bytes) -> None:
    with pytest.raises(ChannelError, match="a frame announcing"):
        _read([prefix])


def test_a_frame_over_the_limits_is_never_sent() -> None:
    with pytest.raises(ValueError, match="over the channel's limits"):
        encode_head({"t": "reply"}, MAX_BODY + 1)


@pytest.mark.anyio
async def test_frames_larger_than_the_socket_buffer_cross_whole() -> None:
    """A body the socket takes in several writes (the sender waits until it is writable again)
    arrives whole and in order, frames of concurrent senders never interleaved."""
    ours, theirs = socket.socketpair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 << 10)
    sender, receiver = await Channel.over(ours), await Channel.over(theirs)
    bodies = [bytes([n]) * (3 << 20 | n) for n in range(4)]
    received: list[tuple[Message, bytes]] = []

    async def send(n: int) -> None:
        await sender.send({"t": "chunk", "id": n}, memoryview(bodies[n]))

    async with anyio.create_task_group() as tasks:
        for n in range(len(bodies)):
            tasks.start_soon(send, n)
        for _ in bodies:
            received.append(await receiver.receive())
    assert sorted((message["id"], body) for message, body in received) == list(enumerate(bodies))
    await sender.aclose()
    await receiver.aclose()


@pytest.mark.anyio
async def test_an_inbox_gives_what_was_put_then_ends_when_closed() -> None:
    inbox = Inbox(2)
    items: list[Any] = []

    async def take() -> None:
        while True:
            try:
                items.append(await inbox.receive())
            except anyio.EndOfStream:
                return

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(take)
        await anyio.sleep(0.01)  # the taker waits
        inbox.send_nowait(({"t": "reply"}, b"1"))
        inbox.send_nowait(({"t": "chunk"}, b"2"))
        with pytest.raises(anyio.WouldBlock):
            inbox.send_nowait(({"t": "chunk"}, b"3"))
        inbox.close()
    assert items == [({"t": "reply"}, b"1"), ({"t": "chunk"}, b"2")]
    with pytest.raises(anyio.ClosedResourceError):
        inbox.send_nowait(({"t": "chunk"}, b"4"))


async def _chunk_frames(source: AsyncIterator[bytes]) -> tuple[list[bytes], BaseException | None]:
    """The bodies of the ``chunk`` frames :meth:`Channel.send_chunks` sends for ``source``
    over a real socket pair, and what it raised."""
    ours, theirs = socket.socketpair()
    sender, receiver = await Channel.over(ours), await Channel.over(theirs)
    bodies: list[bytes] = []
    raised: list[BaseException] = []

    async def credit() -> None:
        pass

    async def send() -> None:
        try:
            await sender.send_chunks({"t": "chunk", "id": 1}, source, credit)
        except Exception as error:
            raised.append(error)
        await sender.send({"t": "end", "id": 1})

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(send)
        while (frame := await receiver.receive())[0]["t"] == "chunk":
            bodies.append(frame[1])
    await sender.aclose()
    await receiver.aclose()
    return bodies, raised[0] if raised else None


@pytest.mark.anyio
async def test_chunks_ready_together_cross_in_frames_of_at_most_256_kib() -> None:
    chunks = [bytes([n % 251]) * (64 << 10) for n in range(40)] + [b"x" * (1 << 20), b"tail"]

    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    bodies, raised = await _chunk_frames(source())
    assert raised is None
    assert b"".join(bodies) == b"".join(chunks)
    assert len(bodies) < len(chunks)  # coalesced: what was ready went together
    assert all(len(body) <= COALESCE for body in bodies if body != chunks[-2])


@pytest.mark.anyio
async def test_a_chunk_the_stream_yields_alone_is_sent_without_waiting_for_more() -> None:
    """A stream that yields its next chunk only once the page has the previous one (a
    conversation) still flows: nothing waits for a frame to fill."""
    received = anyio.Event()

    async def source() -> AsyncIterator[bytes]:
        yield b"question"
        with anyio.fail_after(10):
            await received.wait()
        yield b"answer"

    ours, theirs = socket.socketpair()
    sender, receiver = await Channel.over(ours), await Channel.over(theirs)

    async def credit() -> None:
        pass

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(sender.send_chunks, {"t": "chunk", "id": 1}, source(), credit)
        assert (await receiver.receive())[1] == b"question"
        received.set()
        assert (await receiver.receive())[1] == b"answer"
    await sender.aclose()
    await receiver.aclose()


@pytest.mark.anyio
async def test_a_streams_error_is_raised_after_the_chunks_before_it() -> None:
    async def source() -> AsyncIterator[bytes]:
        yield b"a" * 1000
        yield b"b" * 1000
        raise IPCError("the file went away", code="ERR_BROKEN")

    bodies, raised = await _chunk_frames(source())
    assert b"".join(bodies) == b"a" * 1000 + b"b" * 1000
    assert isinstance(raised, IPCError)
    assert raised.code == "ERR_BROKEN"
