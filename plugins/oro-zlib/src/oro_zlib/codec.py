"""Compression and decompression with Python's :mod:`zlib`, pure and synchronous (the routes run
it in worker threads): the formats as ``wbits``, a deflater, and an inflater that never makes
more than its output limit (the zip-bomb guard) and turns zlib's failures into
:class:`~oro_zlib.errors.ZlibError`."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Final, Literal, final

from oro_zlib.errors import buffer_too_large, from_zlib_error, unexpected_end

__all__ = [
    "FORMATS",
    "Deflater",
    "Flush",
    "Format",
    "Inflater",
    "Options",
    "compress",
    "decompress",
]

Format = Literal["zlib", "gzip", "raw", "auto"]
"""``auto`` (inflating only) reads a zlib or a gzip header, as Node's ``unzip``."""
Flush = Literal["none", "sync", "full", "finish"]

FORMATS: Final[tuple[Format, ...]] = ("zlib", "gzip", "raw", "auto")
_GZIP_MAGIC: Final = b"\x1f\x8b"
_FLUSH_MODES: Final = {"sync": zlib.Z_SYNC_FLUSH, "full": zlib.Z_FULL_FLUSH}


@final
@dataclass(frozen=True)
class Options:
    """Node's zlib options, checked by the routes (``window_bits`` 0: from the header)."""

    format: Format = "zlib"
    level: int = zlib.Z_DEFAULT_COMPRESSION
    window_bits: int = zlib.MAX_WBITS
    mem_level: int = 8
    strategy: int = zlib.Z_DEFAULT_STRATEGY

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

    def write(self, data: bytes, limit: int, flush: Flush = "none") -> bytes:
        """Inflate ``data``; ``finish`` checks the stream is complete.

        :raises ZlibError: corrupt input, or a stream cut short at ``finish``.
        :raises OutOfRangeError: the output would pass ``limit`` bytes (``ERR_BUFFER_TOO_LARGE``).
        """
        chunks: list[bytes] = []
        produced = 0
        while data and not self.finished:
            try:
                # One byte over the limit tells a stream that reaches it exactly from one that
                # goes past it, without ever holding more than limit + 1 bytes.
                out = self._decompressor.decompress(data, limit - produced + 1)
            except zlib.error as error:
                raise from_zlib_error(error) from None
            produced += len(out)
            if produced > limit:
                raise buffer_too_large(limit)
            chunks.append(out)
            data = self._decompressor.unconsumed_tail
            if self._decompressor.eof:
                data = self._next_member()
        if flush == "finish" and not self.finished:
            raise unexpected_end()
        return b"".join(chunks)

    def _next_member(self) -> bytes:
        """After the end of a stream: the input of the next gzip member, else nothing."""
        rest = self._decompressor.unused_data
        if self._multi_member and rest.startswith(_GZIP_MAGIC):
            self._decompressor = zlib.decompressobj(self._options.wbits())
            return rest
        self.finished = True
        return b""


def compress(data: bytes, options: Options) -> bytes:
    """``data`` compressed in one piece."""
    return Deflater(options).write(data, "finish")


def decompress(data: bytes, options: Options, limit: int, *, partial: bool = False) -> bytes:
    """``data`` decompressed in one piece, at most ``limit`` bytes of it.

    :param partial: accept a stream cut short (Node's ``finishFlush: Z_SYNC_FLUSH``).
    """
    return Inflater(options).write(data, limit, "none" if partial else "finish")
