"""One page's zlib stream: a :class:`~oro_zlib.codec.Deflater` or
:class:`~oro_zlib.codec.Inflater` with the lock that keeps its writes in order."""

from __future__ import annotations

from dataclasses import field
from typing import Literal, final

import anyio

from oro_framework import MemoryReservation
from oro_framework.records import record
from oro_zlib.codec import Deflater, Flush, Inflater, Options

__all__ = ["Mode", "Stream"]

Mode = Literal["deflate", "inflate"]


@final
@record(frozen=False, eq=False)
class Stream:
    """An open stream, owned by the page of ``window``; ``state`` holds zlib's own memory
    for it from the host's budget until :meth:`close`."""

    id: str
    window: int
    mode: Mode
    options: Options
    state: MemoryReservation
    coder: Deflater | Inflater = field(init=False)
    lock: anyio.Lock = field(init=False, default_factory=anyio.Lock)
    """Held for each write: zlib's state must see the chunks in the order the page sent them."""
    bytes_in: int = 0
    bytes_out: int = 0
    closed: bool = False

    def __post_init__(self) -> None:
        self.coder = Deflater(self.options) if self.mode == "deflate" else Inflater(self.options)

    def write(self, data: bytes, flush: Flush, limit: int, held: MemoryReservation) -> bytes:
        """Feed ``data`` to zlib (blocking: run it in a worker thread); ``held`` grows by the
        output as :meth:`Inflater.write <oro_zlib.codec.Inflater.write>` says (a deflater's
        bound was reserved by the caller)."""
        if isinstance(self.coder, Deflater):
            out = self.coder.write(data, flush)
        else:
            out = self.coder.write(data, limit, flush, held)
        self.bytes_in += len(data)
        self.bytes_out += len(out)
        return out

    def close(self) -> None:
        """Mark it ended and give zlib's memory back (the coder goes with the last write that
        still holds it)."""
        self.closed = True
        self.state.release()
