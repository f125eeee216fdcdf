"""A gzip stream compressed on every core, as ``pigz`` makes one: the input is cut into blocks,
each block is deflated on a thread of its own (zlib lets go of the GIL while it deflates) with
the 32 KiB before it as its dictionary, and the blocks are joined, in order, into one raw
deflate stream under one gzip header and trailer.

The result is an ordinary single-member ``.gz`` that any gunzip reads, within a few bytes per
block of what one thread makes at the same level (each block but the last ends on a byte
boundary with an empty stored block): a built app's ``.tar.gz`` of 450 MiB took 21 s on one
core of two.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO, Final, final

__all__ = ["BLOCK", "ParallelGzip"]

BLOCK: Final = 4 << 20
"""Bytes per block: large enough that a block's flush and its thread hand-off cost nothing."""
WINDOW: Final = 32 << 10
"""Deflate's window: what a block may refer back to, so what it is primed with."""
_HEADER: Final = bytes((0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3))
"""Magic, deflate, no flags, no modification time (the output is the same for the same input),
no extra flags, Unix."""


def _deflate(block: bytes, dictionary: bytes, level: int, last: bool) -> bytes:
    deflater = (
        zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=dictionary)
        if dictionary
        else zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    )
    # A sync flush ends the block on a byte boundary, so the next block's bytes follow it as
    # the rest of one deflate stream; only the last block finishes the stream.
    return deflater.compress(block) + deflater.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


@final
class ParallelGzip:
    """A write-only binary file whose bytes reach ``target`` gzipped, ``block`` bytes to a
    thread; :meth:`close` writes the last block and the trailer (``target`` stays open). At most
    two blocks per thread are held at once."""

    def __init__(
        self, target: BinaryIO, *, level: int = 6, threads: int | None = None, block: int = BLOCK
    ) -> None:
        self._target = target
        self._block = block
        self._level = level
        self._threads = threads or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="oro-gzip")
        self._pending: deque[Future[bytes]] = deque()
        self._buffer = bytearray()
        self._dictionary = b""
        self._crc = 0
        self._size = 0
        self._closed = False
        target.write(_HEADER)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("write to a closed ParallelGzip")
        self._buffer += data
        while len(self._buffer) > self._block:
            self._submit(bytes(self._buffer[: self._block]), last=False)
            del self._buffer[: self._block]
        return len(data)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._submit(bytes(self._buffer), last=True)
            self._buffer.clear()
            while self._pending:
                self._target.write(self._pending.popleft().result())
            self._target.write(struct.pack("<II", self._crc, self._size & 0xFFFFFFFF))
        finally:
            self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> ParallelGzip:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _submit(self, block: bytes, *, last: bool) -> None:
        self._crc = zlib.crc32(block, self._crc)
        self._size += len(block)
        self._pending.append(
            self._pool.submit(_deflate, block, self._dictionary, self._level, last)
        )
        self._dictionary = block[-WINDOW:]
        while len(self._pending) > 2 * self._threads:
            self._target.write(self._pending.popleft().result())
