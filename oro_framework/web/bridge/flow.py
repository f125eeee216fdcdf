"""Credit for streamed replies (``ipc.stream_window_bytes``): the page's reading paces the host.

Chromium stops reading a fetch body's socket while the page does not read its
``ReadableStream``, so the host's ``send`` blocks: backpressure. WebKit does not: it reads the
socket as fast as the host writes and keeps everything in the web process, so a paused child's
stdout once grew it by 13 GB. A page's ``oro:ipc`` therefore asks for credit (request header
:data:`CREDIT_HEADER`): the host then sends at most :attr:`StreamCredits.size` bytes of the body
beyond what the page acknowledged having consumed, and the page acknowledges as its app pulls
(``GET /ipc/ipc.stream.ack?id=<stream>&consumed=<bytes>``, answered by the bridge itself, not a
route), or says once that it reads the whole body at once (``consumed=all``: a file's bytes).
Acknowledgements are cumulative, so that two of them crossing on the wire cannot undo
each other. A stream is acknowledged only by a request that proves the window it was opened for:
its id is unguessable as well, so a page can neither pace nor free another window's stream.

Clients that do not ask (curl, httpx, a page's own ``fetch``) get today's body, paced by TCP.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from typing import Final, final

import trio

from oro_framework.host.errors import InvalidArgumentError, NotFoundError, OutOfRangeError
from oro_framework.host.exchange import WireReply
from oro_framework.web.asgi import HeaderList, Send, start_response
from oro_framework.web.bridge.coalesce import Put, send_coalesced
from oro_framework.web.bridge.files import send_file

__all__ = [
    "ACK_ROUTE",
    "CREDIT_HEADER",
    "STREAM_ID_HEADER",
    "STREAM_WINDOW_HEADER",
    "StreamCredit",
    "StreamCredits",
    "parse_ack",
    "send_paced",
]

CREDIT_HEADER: Final = "x-oro-stream-credit"
"""Sent as ``1`` by ``oro:ipc``: "I acknowledge what my app consumes; pace me"."""
STREAM_ID_HEADER: Final = b"x-oro-stream-id"
"""The stream's id in a credited reply: what the page's acknowledgements name."""
STREAM_WINDOW_HEADER: Final = b"x-oro-stream-window"
"""The credit in bytes: the page acknowledges well before it runs out."""
ACK_ROUTE: Final = "ipc.stream.ack"
"""The bridge's own path for acknowledgements (``/ipc/ipc.stream.ack``)."""

_ID_BYTES: Final = 18
_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
_INTEGER: Final = re.compile(r"-?[0-9]{1,32}")


@final
class StreamCredit:
    """One credited stream: what went out and what the page took."""

    __slots__ = ("_moved", "acked", "released", "sent", "size", "window")

    def __init__(self, window: int | None, size: int) -> None:
        self.window = window
        self.size = size
        self.sent = 0
        self.acked = 0
        self.released = False
        """The page reads the whole body at once (``consumed=all``): no more pacing."""
        self._moved = trio.Event()

    def ack(self, consumed: int) -> None:
        """Take a cumulative acknowledgement; an older one (overtaken on the wire) is a no-op.

        :raises OutOfRangeError: ``consumed`` is negative or more than was sent.
        """
        if consumed < 0 or consumed > self.sent:
            raise OutOfRangeError(
                f"Acknowledged {consumed} bytes of a stream that sent {self.sent}",
                code="ERR_OUT_OF_RANGE",
            )
        if consumed > self.acked:
            self.acked = consumed
            self._moved.set()
            self._moved = trio.Event()

    def release(self) -> None:
        """The page reads the rest as fast as it comes (a reply read whole, such as a file's
        bytes): send without waiting, as to a client that asked for no credit. It costs the
        page one request instead of one per quarter window, and a read wrapped chunk by chunk
        in script, which made a 64 MiB readFile twice as slow."""
        self.released = True
        self._moved.set()
        self._moved = trio.Event()

    async def room_for(self, length: int) -> None:
        """Wait until ``length`` more bytes fit in the credit (``length <= size``)."""
        while not self.released and self.sent + length - self.acked > self.size:
            await self._moved.wait()


@final
class StreamCredits:
    """The credited streams of one bridge, by id; used on its event loop only.

    :param size: bytes a stream may send beyond what its page acknowledged
        (``ipc.stream_window_bytes``).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._open: dict[str, StreamCredit] = {}

    @contextlib.contextmanager
    def opened(self, window: int | None) -> Iterator[tuple[str, StreamCredit]]:
        """A new stream's id and credit, forgotten when the block ends."""
        stream_id = secrets.token_urlsafe(_ID_BYTES)
        credit = StreamCredit(window, self.size)
        self._open[stream_id] = credit
        try:
            yield stream_id, credit
        finally:
            del self._open[stream_id]

    def ack(self, stream_id: str | None, window: int | None, consumed: int | None) -> int:
        """Acknowledge ``consumed`` bytes of the stream ``stream_id`` of ``window`` (``None``:
        release it, :meth:`StreamCredit.release`); returns what the stream has been
        acknowledged in all.

        :raises NotFoundError: no open stream of that id was opened for that window (the same
            answer either way, so that a page learns nothing of other windows' streams).
        :raises OutOfRangeError: ``consumed`` is negative or past what was sent.
        """
        credit = self._open.get(stream_id) if stream_id is not None else None
        if credit is None or credit.window != window:
            raise NotFoundError("No open stream of this window has that id", code="ERR_NOT_FOUND")
        if consumed is None:
            credit.release()
        else:
            credit.ack(consumed)
        return credit.acked

    def __len__(self) -> int:
        return len(self._open)


def parse_ack(stream_id: str | None, consumed: str | None) -> tuple[str, int | None]:
    """The id and byte count of an acknowledgement's query; ``None`` for ``consumed=all``
    (release the stream).

    :raises InvalidArgumentError: one is missing, or is not an id / an integer.
    :raises OutOfRangeError: the count has more digits than any stream sends.
    """
    if stream_id is None:
        raise InvalidArgumentError.missing("id")
    if consumed is None:
        raise InvalidArgumentError.missing("consumed")
    if _ID.fullmatch(stream_id) is None:
        raise InvalidArgumentError.invalid("id", "a stream id")
    if consumed == "all":
        return stream_id, None
    if _INTEGER.fullmatch(consumed.strip()) is None:
        if re.fullmatch(r"\s*-?[0-9]+\s*", consumed):
            raise OutOfRangeError(f"'consumed' is out of range: {consumed[:40]}")
        raise InvalidArgumentError.invalid("consumed", "a byte count")
    return stream_id, int(consumed)


async def send_paced(
    send: Send,
    base: HeaderList,
    wire: WireReply,
    stream_id: str,
    credit: StreamCredit,
    *,
    from_file: bool = False,
) -> None:
    """Send a stream reply within ``credit``: each piece waits for room before it goes out.

    Pieces are at most half the credit. The page acknowledges once it consumed a quarter of it
    unacknowledged, so whenever the sender waits (more than size - piece >= size / 2 bytes out
    and unacknowledged) a page that reads everything it got always has one to send; with
    pieces as large as the credit the sender could wait on a few bytes the page keeps back."""
    headers = [
        *base,
        (b"content-type", wire.media_type.encode()),
        (STREAM_ID_HEADER, stream_id.encode()),
        (STREAM_WINDOW_HEADER, str(credit.size).encode()),
    ]
    if wire.length is not None:
        headers.append((b"content-length", str(wire.length).encode()))
    await start_response(send, wire.status, headers)
    piece_size = max(1, credit.size // 2)
    if from_file:
        # Straight from the file (bridge/files.py), each piece counted as the others are.
        async def room_for(count: int) -> None:
            await credit.room_for(count)
            credit.sent += count

        await send_file(send, wire, piece_size, room_for)
        return

    async def produce(put: Put) -> None:
        async with contextlib.aclosing(wire.chunks()) as chunks:
            async for chunk in chunks:
                for start in range(0, len(chunk), piece_size):
                    piece = chunk[start : start + piece_size]
                    await credit.room_for(len(piece))
                    # Counted as sent once handed to the writer: what waits there is the
                    # page's too, so the credit bounds it with what is on its way.
                    credit.sent += len(piece)
                    await put(piece)

    # Small pieces the handler yields at once leave in one write (bridge/coalesce.py), never
    # more than the credit allows: pieces are counted before they are handed over.
    await send_coalesced(send, produce)
    await send({"type": "http.response.body", "body": b""})
