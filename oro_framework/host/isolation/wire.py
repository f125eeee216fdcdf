"""The frames the host and an isolated plugin's process exchange over their socket pair.

A frame is a fixed prefix, ``>II`` (the header's length, the body's length), then the header,
a JSON object whose ``"t"`` names the message, then the body's bytes as they are: a request
body, a ``bytes`` answer or a stream's chunk is never JSON-encoded, so it costs one copy into
the socket (the prefix and header go with it in one ``sendmsg``, never joined to it) and one
out (:class:`FrameReader` slices it from what the socket handed over). A ``chunk`` frame's
body is one or more of the stream's chunks back to back (the chunks ready together, up to
256 KiB): a chunk boundary carries no meaning, the bytes and their order do. :class:`FrameReader`
is sans-IO (bytes in, messages out), so the async channel of the running host and the blocking
handshake before it read frames one way, and a property test
(``tests/isolation/test_wire_properties.py``) feeds it any split of any frames.

A peer that writes something else (a header over :data:`MAX_HEADER`, a body over
:data:`MAX_BODY`, a header that is no JSON object with a string ``"t"``) breaks the channel:
:class:`ChannelError`, and the host drops that process, naming its plugin.
"""

from __future__ import annotations

import json
import struct
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any, Final, final

__all__ = [
    "MAX_BODY",
    "MAX_HEADER",
    "ChannelError",
    "FrameReader",
    "Message",
    "encode",
    "encode_head",
]

PREFIX: Final = struct.Struct(">II")

MAX_HEADER: Final = 64 << 20
"""The largest JSON header a peer may send: a JSON answer within the host's memory budget
(``ipc.memory_budget_bytes`` is 512 MiB, but one answer's JSON is bounded by the route's own
caps, far below)."""

MAX_BODY: Final = 256 << 20
"""The largest body of one frame: a ``bytes`` answer or request body. Streams travel in chunks
far below it."""

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=True, separators=(",", ":"))
"""NaN and infinities cross as Python's JSON writes them (``Infinity``), which the decoder
reads back: a call's params (a Python caller's, or a binary transport's floats) and a reply
reach the other side as they are, for the host and the plugin to judge as in process."""
_DECODER: Final = json.JSONDecoder()

Message = dict[str, Any]
"""A decoded header: ``{"t": "call", "id": 3, ...}``."""


class ChannelError(Exception):
    """The peer broke the framing: what it sent is no frame of this channel."""


def encode_head(message: Mapping[str, Any], body_size: int) -> bytes:
    """A frame's prefix and header, for a body of ``body_size`` bytes sent after them as it is
    (:meth:`~.channel.Channel.send` hands both to one ``sendmsg``, no joined copy).

    :raises ValueError: a part is too big.
    :raises TypeError: the message holds something that is not JSON.
    """
    header = _ENCODER.encode(message).encode("utf-8", "surrogatepass")
    if len(header) > MAX_HEADER or body_size > MAX_BODY:
        raise ValueError(
            f"a frame of {len(header)} header and {body_size} body bytes is over the channel's "
            f"limits ({MAX_HEADER} and {MAX_BODY})"
        )
    return PREFIX.pack(len(header), body_size) + header


def encode(message: Mapping[str, Any], body: bytes | bytearray | memoryview = b"") -> bytes:
    """One frame: ``message`` as its JSON header, then ``body``.

    :raises ValueError: a part is too big.
    :raises TypeError: the message holds something that is not JSON.
    """
    return encode_head(message, len(body)) + body


@final
class FrameReader:
    """Split the bytes a peer sent into ``(message, body)`` pairs, whatever their chunking.

    The pieces received are kept as they came, not appended to one buffer: a body is sliced
    out of the piece that holds it (one copy; none when it is that whole piece) or joined from
    the pieces it spans (one copy), where a growing buffer copied each byte three or four
    times (in, sliced, made ``bytes``, and moved down when the frame before it left)."""

    __slots__ = ("_have", "_need", "_offset", "_pieces")

    def __init__(self) -> None:
        self._pieces: deque[bytes] = deque()
        self._offset = 0
        """Where the first piece's bytes not taken yet begin."""
        self._have = 0
        self._need: tuple[int, int] | None = None

    @property
    def pending(self) -> int:
        """Bytes received that do not make a whole frame yet."""
        return self._have if self._need is None else self._have + PREFIX.size

    def feed(self, data: bytes) -> Iterator[tuple[Message, bytes]]:
        """Take ``data`` and yield every frame it completes.

        :raises ChannelError: a prefix or header that no frame of this channel has.
        """
        if data:
            self._pieces.append(data)
            self._have += len(data)
        while True:
            if self._need is None:
                if self._have < PREFIX.size:
                    return
                header_size, body_size = PREFIX.unpack(self._take(PREFIX.size))
                if header_size > MAX_HEADER or body_size > MAX_BODY or header_size < 2:
                    raise ChannelError(
                        f"a frame announcing {header_size} header and {body_size} body bytes"
                    )
                self._need = (header_size, body_size)
            header_size, body_size = self._need
            if self._have < header_size + body_size:
                return
            self._need = None
            message = _decode(self._take(header_size))
            yield message, self._take(body_size)

    def _take(self, size: int) -> bytes:
        """The next ``size`` bytes (there are that many), which are no longer pending."""
        if size == 0:
            return b""
        self._have -= size
        pieces = self._pieces
        first, start = pieces[0], self._offset
        end = start + size
        if end <= len(first):
            if end == len(first):
                pieces.popleft()
                self._offset = 0
                if start == 0:
                    return first
            else:
                self._offset = end
            return first[start:end]
        parts = [memoryview(first)[start:]]
        pieces.popleft()
        left = size - len(parts[0])
        while left and left >= len(pieces[0]):
            piece = pieces.popleft()
            parts.append(memoryview(piece))
            left -= len(piece)
        if left:
            parts.append(memoryview(pieces[0])[:left])
        self._offset = left
        return b"".join(parts)


def _decode(header: bytes) -> Message:
    try:
        message = _DECODER.decode(header.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ChannelError(f"a header that is no JSON: {type(error).__name__}") from None
    if not isinstance(message, dict) or not isinstance(message.get("t"), str):
        raise ChannelError("a header that is no message (a JSON object with a string 't')")
    return message
