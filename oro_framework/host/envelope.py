"""The IPC result envelope (Oro-compatible) and the reply and stream types handlers produce.

Pure functions, no I/O: the bridge, the Conduit plugin and the in-memory test client all encode and
decode through here, so every transport answers byte-for-byte the same envelope::

    {"source": "fs.stat", "id": "R7", "data": {...}}
    {"source": "fs.stat", "id": "R7", "err": {"type": "NotFoundError", "code": "...", ...}}
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, final

import anyio

from oro_framework.host.errors import IPCError
from oro_framework.host.memory import MemoryReservation
from oro_framework.records import record

__all__ = [
    "ByteStream",
    "EventStream",
    "Reply",
    "ServerSentEvent",
    "decode_envelope",
    "encode_error",
    "encode_event_frame",
    "encode_json",
    "encode_result",
    "encode_sse",
    "stream_chunks",
]

logger = logging.getLogger("oro_framework.host.envelope")

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
# Lone surrogates (a page can send "\ud800" in JSON) have no UTF-8 form: such an envelope is
# written with \u escapes instead, which JSON.parse turns back into the same string.
_ASCII_ENCODER: Final = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))
_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")


def _envelope(source: str, request_id: str, token: str | None) -> dict[str, Any]:
    envelope: dict[str, Any] = {"source": source, "id": request_id}
    if token is not None:
        envelope["token"] = token
    return envelope


def encode_result(
    source: str,
    request_id: str,
    data: Any,
    *,
    token: str | None = None,
    held: MemoryReservation | None = None,
) -> bytes:
    """Encode a success envelope as UTF-8 JSON.

    :param held: where the encoding is held in the host's memory budget, as it is made: a
        large list or object (a command that returns its input) is encoded in slices, each
        reserved before the next is made, so that the budget refuses an answer before the host
        holds it; the envelope's bytes stay reserved (the caller releases them once sent).
    :raises ValueError: ``data`` holds NaN/Infinity, which JSON cannot carry.
    :raises TypeError: ``data`` holds something that is not JSON (bytes, objects...).
    :raises RecursionError: ``data`` is nested past the interpreter's recursion limit.
    :raises OutOfMemoryError: ``held``'s budget cannot hold the encoding.
    """
    envelope = _envelope(source, request_id, token)
    if held is None or not _is_large(data):
        envelope["data"] = data
        payload = encode_json(envelope)
        if held is not None:
            held.grow(len(payload))
        return payload
    # The envelope's own fields, then the data: the same bytes encode_json would make.
    head = encode_json(envelope)[:-1] + b',"data":'
    return _encode_within(head, data, held)


# A list or object of more items than this is encoded in slices (about _PIECE_BYTES each), so
# that what the encoding holds is reserved as it grows rather than after the fact.
_SLICE_ITEMS: Final = 256
_PIECE_BYTES: Final = 256 * 1024
_MAX_SLICE_ITEMS: Final = 65536
# Containers this small are walked into (a few keys around a large list), this many levels deep.
_FANOUT: Final = 16
_WALK_DEPTH: Final = 3


def _is_large(data: Any, depth: int = 0) -> bool:
    """Whether ``data`` holds a list or object of more than :data:`_SLICE_ITEMS` items within
    :data:`_WALK_DEPTH` levels of small containers: a cheap look, no walk of large ones (it
    runs for every answer, so a plain loop over exact types)."""
    kind = type(data)
    if kind is not list and kind is not dict:
        return False
    if len(data) > _SLICE_ITEMS:
        return True
    if depth >= _WALK_DEPTH or len(data) > _FANOUT:
        return False
    for child in data.values() if kind is dict else data:
        kin = type(child)
        if (kin is list or kin is dict) and _is_large(child, depth + 1):
            return True
    return False


def _encode_within(head: bytes, data: Any, held: MemoryReservation) -> bytes:
    pieces: list[bytes] = []
    grown = 0
    try:
        for piece in itertools.chain((head,), _pieces(data, 0), (b"}",)):
            held.grow(len(piece))
            grown += len(piece)
            pieces.append(piece)
        size = grown
        # The joined envelope beside its pieces, for as long as both exist.
        held.grow(size)
        grown += size
        payload = b"".join(pieces)
    except BaseException:
        held.shrink(grown)
        raise
    pieces.clear()
    held.shrink(size)
    return payload


def _pieces(data: Any, depth: int) -> Iterator[bytes]:
    """``data``'s JSON in pieces whose concatenation is :func:`encode_json` of it: small
    containers (around a large one) walked into, large ones sliced, the rest whole."""
    if not isinstance(data, list | dict) or not _is_large(data):
        yield encode_json(data)
    elif len(data) <= _FANOUT and depth < _WALK_DEPTH:
        yield from _walked(data, depth)
    elif isinstance(data, list):
        yield from _sliced(data, b"[", b"]")
    else:
        yield from _sliced(data, b"{", b"}")


def _walked(data: list[Any] | dict[Any, Any], depth: int) -> Iterator[bytes]:
    if isinstance(data, list):
        yield b"["
        for index, item in enumerate(data):
            if index:
                yield b","
            yield from _pieces(item, depth + 1)
        yield b"]"
        return
    yield b"{"
    for index, (key, item) in enumerate(data.items()):
        # The key as json writes it (a number or a boolean key becomes its text).
        entry = encode_json({key: None})
        yield (b"," if index else b"") + entry[1:-5]
        yield from _pieces(item, depth + 1)
    yield b"}"


def _sliced(data: list[Any] | dict[Any, Any], opening: bytes, closing: bytes) -> Iterator[bytes]:
    """A large list or object a slice of items at a time, each slice one C encoding; the slice
    grows while its pieces stay small, so items of any size make pieces of about
    :data:`_PIECE_BYTES`."""
    yield opening
    count = _SLICE_ITEMS
    items = iter(data.items()) if isinstance(data, dict) else iter(data)
    first = True
    while True:
        chunk = list(itertools.islice(items, count))
        if not chunk:
            break
        sliced = dict(chunk) if isinstance(data, dict) else chunk
        piece = encode_json(sliced)[1:-1]
        yield piece if first else b"," + piece
        first = False
        if len(piece) < _PIECE_BYTES // 2:
            count = min(count * 2, _MAX_SLICE_ITEMS)
        elif len(piece) > _PIECE_BYTES and count > 1:
            count //= 2
    yield closing


def encode_error(
    source: str, request_id: str, error: IPCError, *, token: str | None = None
) -> bytes:
    """Encode an error envelope; ``err`` is :meth:`IPCError.to_dict`."""
    envelope = _envelope(source, request_id, token)
    envelope["err"] = error.to_dict()
    return encode_json(envelope)


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, the encoding of every envelope and of ``oro_framework.asgi``'s JSON
    responses. A lone surrogate (a JavaScript string cut in half) cannot be UTF-8, so such a value
    is written with ASCII escapes instead, which every JSON parser reads back.

    :raises ValueError: NaN or an infinity (not JSON). :raises TypeError: not JSON-serialisable.
    """
    text = _ENCODER.encode(value)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _ASCII_ENCODER.encode(value).encode()


def decode_envelope(payload: bytes | str) -> dict[str, Any]:
    """Decode an envelope produced by :func:`encode_result` or :func:`encode_error`.

    :raises ValueError: the payload is not JSON or not an envelope (no ``source``/``id``, or
        neither or both of ``data`` and ``err``).
    """
    decoded = json.loads(payload)
    if not isinstance(decoded, dict) or not {"source", "id"} <= decoded.keys():
        raise ValueError("not an IPC envelope: 'source' and 'id' are required")
    if ("data" in decoded) == ("err" in decoded):
        raise ValueError("not an IPC envelope: exactly one of 'data' and 'err' is required")
    return decoded


@final
@record
class ServerSentEvent:
    """One event of an :class:`EventStream`. ``data`` that is not a ``str`` is sent as JSON."""

    data: Any
    event: str | None = None
    id: str | None = None


def encode_sse(event: ServerSentEvent) -> bytes:
    """Encode one event in ``text/event-stream`` format, multi-line data split as the spec says.

    :raises ValueError: JSON cannot carry the data (NaN), or text (data, name, id) holds a lone
        surrogate, which has no UTF-8 form (``UnicodeEncodeError``).
    :raises TypeError: the data is neither text nor JSON.
    """
    try:
        return _sse_text(event, _ENCODER).encode()
    except UnicodeEncodeError:
        # Lone surrogates inside JSON data travel as \u escapes, as in envelopes.
        return _sse_text(event, _ASCII_ENCODER).encode()


def encode_event_frame(event: ServerSentEvent) -> str:
    """One event as a WebSocket text message, ``{"event": name, "id": id, "data": text}``, whose
    ``data`` is the text an event stream's ``data:`` lines carry (JSON for what is not a
    ``str``): the page reads both channels alike. ASCII, so that lone surrogates travel as
    ``\\u`` escapes in a message that must be UTF-8.

    :raises ValueError: JSON cannot carry the data (NaN).
    :raises TypeError: the data is neither text nor JSON.
    """
    data = event.data if isinstance(event.data, str) else _ASCII_ENCODER.encode(event.data)
    return _ASCII_ENCODER.encode({"event": event.event, "id": event.id, "data": data})


def _sse_text(event: ServerSentEvent, encoder: json.JSONEncoder) -> str:
    data = event.data if isinstance(event.data, str) else encoder.encode(event.data)
    lines: list[str] = []
    if event.event is not None:
        lines.append(f"event: {_single_line(event.event)}")
    if event.id is not None:
        lines.append(f"id: {_single_line(event.id)}")
    # CR, LF and CRLF all end a line for an SSE parser; splitting on fewer would let a lone CR
    # in the data end the event early and inject fields.
    lines.extend(f"data: {line}" for line in _LINE_BREAK.split(data))
    return "\n".join(lines) + "\n\n"


def _single_line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


@final
@record(frozen=False)
class EventStream:
    """Return this from a handler to answer with server-sent events.

    Items may be :class:`ServerSentEvent` or plain JSON data (sent as ``data:`` lines).
    """

    events: AsyncIterator[Any]


@final
@record(frozen=False)
class ByteStream:
    """Return this from a handler to answer with a chunked byte body.

    ``length``, when the handler knows it, is the exact number of bytes ``chunks`` yields: HTTP
    then sends it as ``Content-Length`` instead of chunked framing, which WebKit reads with far
    less work (a 64 MiB file: ~230 ms of its web process's CPU instead of ~350). The chunks must
    add up to it: yielding fewer or more breaks the connection instead of ending the body.

    ``file``, with ``length``, is an open file whose first ``length`` bytes are what ``chunks``
    would yield: the HTTP bridge then sends them from the page cache to the socket
    (``sendfile``, no copy through Python) and closes ``file`` (never ``chunks``, left unread);
    other transports iterate ``chunks``. A file that ends early breaks the connection.
    """

    chunks: AsyncIterator[bytes]
    media_type: str = "application/octet-stream"
    length: int | None = None
    file: OpenFile | None = None


class OpenFile(Protocol):
    """What :attr:`ByteStream.file` needs: a file descriptor to send from, and ``aclose``,
    which the transport that sent from it calls once (whatever ``chunks`` would have closed)."""

    def fileno(self) -> int: ...

    async def aclose(self) -> None: ...


@final
# A dataclass, not a record: one is made per request, and its compiled __init__ is 2 µs
# quicker than a record's (oro_framework/records.py).
@dataclass
class Reply:
    """What the router answers for one request, whatever the transport.

    Exactly one of ``data`` (with ``payload`` holding its encoded envelope), ``error``, ``body``
    or ``stream`` is meaningful; :attr:`kind` says which.
    """

    source: str
    id: str
    data: Any = None
    error: IPCError | None = None
    body: bytes | None = None
    stream: EventStream | ByteStream | None = None
    payload: bytes = field(default=b"", repr=False)

    @property
    def kind(self) -> str:
        """``"error"``, ``"bytes"``, ``"events"``, ``"chunks"`` or ``"data"``."""
        if self.error is not None:
            return "error"
        if self.body is not None:
            return "bytes"
        if isinstance(self.stream, EventStream):
            return "events"
        if isinstance(self.stream, ByteStream):
            return "chunks"
        return "data"

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        """The HTTP status of this reply (200 unless it is an error)."""
        return 200 if self.error is None else self.error.status


async def stream_chunks(stream: EventStream | ByteStream) -> AsyncGenerator[bytes, None]:
    """The bytes a streamed reply travels as, whatever the transport: each event encoded with
    :func:`encode_sse` (an :class:`IPCError` raised mid-stream becomes a last ``event: error``
    whose data is the error, since the status has gone out; an item that is not JSON ends the
    stream), or each non-empty chunk of a :class:`ByteStream`.

    The handler's iterator is closed however the stream ends; close this generator (``aclosing``)
    when you stop early.
    """
    if isinstance(stream, ByteStream):
        try:
            async for chunk in stream.chunks:
                if chunk:
                    yield bytes(chunk)
        finally:
            await _close(stream.chunks)
        return
    try:
        async for item in stream.events:
            event = item if isinstance(item, ServerSentEvent) else ServerSentEvent(item)
            try:
                encoded = encode_sse(event)
            except (TypeError, ValueError, RecursionError) as error:
                # One bounded line: the item may be large or deep, its traceback says no more.
                reason = " ".join(f"{type(error).__name__}: {error}".split())[:200]
                logger.error(  # noqa: TRY400
                    "a stream item cannot be sent as JSON (%s); stream ended", reason
                )
                break
            yield encoded
    except IPCError as error:
        yield encode_sse(ServerSentEvent(error.to_dict(), event="error"))
    finally:
        await _close(stream.events)


async def _close(items: AsyncIterator[object]) -> None:
    close = getattr(items, "aclose", None)
    if close is not None:
        # Shielded: the handler's cleanup must run even when the client's departure is what
        # cancelled the stream.
        with anyio.CancelScope(shield=True):
            await close()
