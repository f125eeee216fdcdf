"""The frames the host and an isolated plugin's process exchange over their socket pair.

A frame is a fixed prefix, ``>II`` (the header's length, the body's length), then the header,
a JSON object whose ``"t"`` names the message, then the body's bytes as they are: a request
body, a ``bytes`` answer or a stream's chunk is never JSON-encoded, so it costs one copy into
the socket and one out. :class:`FrameReader` is sans-IO (bytes in, messages out), so the
async channel of the running host and the blocking handshake before it read frames one way,
and a property test can feed it any split of any frames.

A peer that writes something else (a header over :data:`MAX_HEADER`, a body over
:data:`MAX_BODY`, a header that is no JSON object with a string ``"t"``) breaks the channel:
:class:`ChannelError`, and the host drops that process, naming its plugin.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator, Mapping
from typing import Any, Final, final

__all__ = [
    "MAX_BODY",
    "MAX_HEADER",
    "ChannelError",
    "FrameReader",
    "Message",
    "encode",
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


def encode(message: Mapping[str, Any], body: bytes | bytearray | memoryview = b"") -> bytes:
    """One frame: ``message`` as its JSON header, then ``body``.

    :raises ValueError: a part is too big.
    :raises TypeError: the message holds something that is not JSON.
    """
    header = _ENCODER.encode(message).encode("utf-8", "surrogatepass")
    if len(header) > MAX_HEADER or len(body) > MAX_BODY:
        raise ValueError(
            f"a frame of {len(header)} header and {len(body)} body bytes is over the channel's "
            f"limits ({MAX_HEADER} and {MAX_BODY})"
        )
    return b"".join((PREFIX.pack(len(header), len(body)), header, body))


@final
class FrameReader:
    """Split the bytes a peer sent into ``(message, body)`` pairs, whatever their chunking."""

    __slots__ = ("_buffer", "_need")

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._need: tuple[int, int] | None = None

    @property
    def pending(self) -> int:
        """Bytes received that do not make a whole frame yet."""
        return len(self._buffer)

    def feed(self, data: bytes) -> Iterator[tuple[Message, bytes]]:
        """Take ``data`` and yield every frame it completes.

        :raises ChannelError: a prefix or header that no frame of this channel has.
        """
        self._buffer += data
        while True:
            if self._need is None:
                if len(self._buffer) < PREFIX.size:
                    return
                header_size, body_size = PREFIX.unpack_from(self._buffer)
                if header_size > MAX_HEADER or body_size > MAX_BODY or header_size < 2:
                    raise ChannelError(
                        f"a frame announcing {header_size} header and {body_size} body bytes"
                    )
                self._need = (header_size, body_size)
            header_size, body_size = self._need
            end = PREFIX.size + header_size + body_size
            if len(self._buffer) < end:
                return
            header = bytes(self._buffer[PREFIX.size : PREFIX.size + header_size])
            body = bytes(self._buffer[PREFIX.size + header_size : end])
            del self._buffer[:end]
            self._need = None
            yield _decode(header), body


def _decode(header: bytes) -> Message:
    try:
        message = _DECODER.decode(header.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ChannelError(f"a header that is no JSON: {type(error).__name__}") from None
    if not isinstance(message, dict) or not isinstance(message.get("t"), str):
        raise ChannelError("a header that is no message (a JSON object with a string 't')")
    return message
