"""Compression and decompression with Python's :mod:`zlib`, pure and synchronous (the routes run
it in worker threads): the formats as ``wbits``, a deflater, and an inflater that never makes
more than its output limit (the zip-bomb guard) and turns zlib's failures into
:class:`~oro_zlib.errors.ZlibError`."""

from __future__ import annotations

import zlib
from typing import Final, Literal, NamedTuple, final

from oro_framework import MemoryReservation
from oro_zlib.errors import buffer_too_large, from_zlib_error, unexpected_end

__all__ = [
    "FORMATS",
    "Deflater",
    "Flush",
    "Format",
    "Inflater",
    "Options",
    "compress",
    "compress_bound",
    "decompress",
]

Format = Literal["zlib", "gzip", "raw", "auto"]
"""``auto`` (inflating only) reads a zlib or a gzip header, as Node's ``unzip``."""
Flush = Literal["none", "sync", "full", "finish"]

FORMATS: Final[tuple[Format, ...]] = ("zlib", "gzip", "raw", "auto")
_GZIP_MAGIC: Final = b"\x1f\x8b"
_FLUSH_MODES: Final = {"sync": zlib.Z_SYNC_FLUSH, "full": zlib.Z_FULL_FLUSH}
_STEP: Final = 1 << 20
"""Most bytes one inflate step makes: each is reserved from the host's memory budget before
zlib writes it, so a refusal comes before the memory is taken."""
_STATE_OVERHEAD: Final = 8 * 1024
"""zlib's own structures besides its window and hash tables (z_stream, deflate_state...)."""


@final
class Options(NamedTuple):
    """Node's zlib options, checked by the routes (``window_bits`` 0: from the header)."""

    format: Format = "zlib"
    level: int = zlib.Z_DEFAULT_COMPRESSION
    window_bits: int = zlib.MAX_WBITS
    mem_level: int = 8
    strategy: int = zlib.Z_DEFAULT_STRATEGY

    def state_bytes(self, mode: Literal["deflate", "inflate"]) -> int:
        """What zlib allocates for one stream with these options (zlib's own formulas in
        ``zconf.h``): a deflater's window and hash chains, an inflater's window."""
        bits = self.window_bits or zlib.MAX_WBITS
        if mode == "deflate":
            return (1 << (bits + 2)) + (1 << (self.mem_level + 9)) + _STATE_OVERHEAD
        return (1 << bits) + _STATE_OVERHEAD

    def wbits(self) -> int:
        """``wbits`` as :mod:`zlib` takes it: negative for raw, +16 for gzip, +32 to detect."""
        bits = self.window_bits
        if self.format == "raw":
            # zlib refuses an 8-bit raw window for deflate; Node (and zlib itself for the other
            # formats) silently use 9, which inflates every 8-bit stream as well.
            return -max(bits, 9)
        if self.format == "gzip":
            return 16 + (bits or zlib.MAX_WBITS)
        if self.format == "auto":
            return 32 + (bits or zlib.MAX_WBITS)
        return bits


@final
class Deflater:
    """One deflate stream: each :meth:`write` returns what zlib has output so far."""

    def __init__(self, options: Options) -> None:
        self._compressor = zlib.compressobj(
            options.level, zlib.DEFLATED, options.wbits(), options.mem_level, options.strategy
        )
        self.finished = False

    def write(self, data: bytes, flush: Flush = "none") -> bytes:
        """Compress ``data``; ``flush`` ``sync``/``full`` ends the output on a byte boundary,
        ``finish`` ends the stream (no write after it)."""
        out = self._compressor.compress(data)
        if flush == "finish":
            self.finished = True
            return out + self._compressor.flush(zlib.Z_FINISH)
        if flush in _FLUSH_MODES:
            return out + self._compressor.flush(_FLUSH_MODES[flush])
        return out


@final
class Inflater:
    """One inflate stream that refuses to produce more than ``limit`` bytes per :meth:`write`.

    Concatenated gzip members are inflated one after another, as Node's ``gunzip`` does; bytes
    after the end of a zlib or raw stream are ignored, as Node ignores them.
    """

    def __init__(self, options: Options) -> None:
        self._options = options
        self._decompressor = zlib.decompressobj(options.wbits())
        self._multi_member = options.format in ("gzip", "auto")
        self.finished = False

    def write(
        self,
        data: bytes,
        limit: int,
        flush: Flush = "none",
        held: MemoryReservation | None = None,
    ) -> bytes:
        """Inflate ``data``; ``finish`` checks the stream is complete.

        :param held: grown by the output before zlib makes it (in steps of at most 1 MiB),
            and by the joined copy; the caller releases it once the output is handed on.
        :raises ZlibError: corrupt input, or a stream cut short at ``finish``.
        :raises OutOfRangeError: the output would pass ``limit`` bytes (``ERR_BUFFER_TOO_LARGE``).
        :raises OutOfMemoryError: ``held`` could not grow: the host's memory budget is spent.
        """
        chunks: list[bytes] = []
        try:
            return self._write(data, limit, flush, held, chunks)
        except BaseException:
            # The traceback keeps the frames alive after the caller released the reservation:
            # the output made so far must go now, not when the error is finally dropped.
            chunks.clear()
            raise

    def _write(
        self,
        data: bytes,
        limit: int,
        flush: Flush,
        held: MemoryReservation | None,
        chunks: list[bytes],
    ) -> bytes:
        produced = 0
        while data and not self.finished:
            # One byte over the limit tells a stream that reaches it exactly from one that
            # goes past it, without ever holding more than limit + 1 bytes.
            step = min(limit - produced + 1, _STEP)
            if held is not None:
                held.grow(step)
            try:
                out = self._decompressor.decompress(data, step)
            except zlib.error as error:
                raise from_zlib_error(error) from None
            if held is not None:
                held.shrink(step - len(out))  # keeps what was made
            produced += len(out)
            if produced > limit:
                raise buffer_too_large(limit)
            chunks.append(out)
            data = self._decompressor.unconsumed_tail
            if self._decompressor.eof:
                data = self._next_member()
        if flush == "finish" and not self.finished:
            raise unexpected_end()
        if len(chunks) == 1:
            return chunks[0]
        if held is not None:
            held.grow(produced)  # the joined copy, while the chunks still exist
        joined = b"".join(chunks)
        if held is not None:
            held.shrink(produced)
        return joined

    def _next_member(self) -> bytes:
        """After the end of a stream: the input of the next gzip member, else nothing."""
        rest = self._decompressor.unused_data
        if self._multi_member and rest.startswith(_GZIP_MAGIC):
            self._decompressor = zlib.decompressobj(self._options.wbits())
            return rest
        self.finished = True
        return b""


def compress_bound(size: int) -> int:
    """The most bytes deflating ``size`` bytes can make (zlib's ``deflateBound``, with room
    for a gzip header and trailer and what a stream held back from earlier writes)."""
    return size + (size >> 12) + (size >> 14) + (size >> 25) + 13 + 18


def compress(data: bytes, options: Options) -> bytes:
    """``data`` compressed in one piece."""
    return Deflater(options).write(data, "finish")


def decompress(
    data: bytes,
    options: Options,
    limit: int,
    *,
    partial: bool = False,
    held: MemoryReservation | None = None,
) -> bytes:
    """``data`` decompressed in one piece, at most ``limit`` bytes of it.

    :param partial: accept a stream cut short (Node's ``finishFlush: Z_SYNC_FLUSH``).
    :param held: as :meth:`Inflater.write`'s.
    """
    return Inflater(options).write(data, limit, "none" if partial else "finish", held)
