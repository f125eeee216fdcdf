"""The built app's ``.tar.gz`` is gzipped on every core (``oro_framework.build.pgzip``): whatever
is written, in whatever pieces, gunzip gives back exactly, and so do the system's ``gzip`` and
``tar``; the stream is one gzip member, the same for the same input, and within a few bytes per
block of what one thread makes at the same level. The built app's ``.tar.gz`` itself is tried
whole in ``tests/shipping``."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import tarfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework.build import pgzip
from oro_framework.build.pgzip import ParallelGzip


def _gzipped(
    pieces: list[bytes], *, level: int = 6, threads: int = 3, block: int = pgzip.BLOCK
) -> bytes:
    out = io.BytesIO()
    with ParallelGzip(out, level=level, threads=threads, block=block) as gzipped:
        for piece in pieces:
            assert gzipped.write(piece) == len(piece)
    return out.getvalue()


# Bytes that repeat across block boundaries (the dictionary matters) and bytes that do not.
_PIECE = st.one_of(
    st.binary(max_size=3000),
    st.builds(
        lambda word, times: word * times, st.binary(min_size=1, max_size=40), st.integers(1, 200)
    ),
)


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(_PIECE, max_size=12), level=st.integers(0, 9))
def test_what_is_written_in_any_pieces_is_what_gunzip_gives_back(
    pieces: list[bytes], level: int
) -> None:
    """Blocks of 1 KiB, so that a few KiB of input cross many block boundaries (and the
    dictionary each block is primed with is shorter than the window as well as full)."""
    data = b"".join(pieces)
    stream = _gzipped(pieces, level=level, block=1024)
    assert gzip.decompress(stream) == data
    # One member: a reader that stops after the first member gets everything too.
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert reader.decompress(stream) == data
    assert reader.eof
    assert reader.unused_data == b""


def test_the_system_gzip_and_tar_read_a_multi_block_archive(tmp_path: Path) -> None:
    """Real blocks of 4 MiB: a folder of compressible and incompressible files larger than
    several blocks, read back by ``gzip -t`` and ``tar -xzf``."""
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "text.txt").write_bytes(b"oro framework " * 1_000_000)
    (folder / "noise.bin").write_bytes(bytes(range(256)) * 40_000 + os.urandom(3 << 20))
    target = tmp_path / "app.tar.gz"
    with (
        target.open("wb") as file,
        ParallelGzip(file) as gzipped,
        tarfile.open(fileobj=gzipped, mode="w|") as archive,  # type: ignore[call-overload]
    ):
        archive.add(folder, arcname="app")
    subprocess.run(["gzip", "-t", str(target)], check=True)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "-xzf", str(target), "-C", str(unpacked)], check=True)
    for name in ("text.txt", "noise.bin"):
        assert (unpacked / "app" / name).read_bytes() == (folder / name).read_bytes()


def test_the_same_input_gives_the_same_bytes_about_as_small_as_one_thread() -> None:
    data = b"".join(b"line %d of a log that repeats itself\n" % (n % 5000) for n in range(400_000))
    first, second = _gzipped([data]), _gzipped([data[:7], data[7:]], threads=1)
    assert first == second
    single = gzip.compress(data, compresslevel=6, mtime=0)
    blocks = len(data) // pgzip.BLOCK + 1
    # Each block boundary costs an empty stored block and the end of a Huffman block; a block
    # not primed with the one before it would cost kilobytes here.
    assert len(first) <= len(single) * 1.001 + 64 * blocks


def test_a_closed_stream_takes_no_more_bytes() -> None:
    out = io.BytesIO()
    gzipped = ParallelGzip(out)
    gzipped.write(b"abc")
    gzipped.close()
    gzipped.close()
    with pytest.raises(ValueError, match="closed"):
        gzipped.write(b"more")
    assert gzip.decompress(out.getvalue()) == b"abc"
