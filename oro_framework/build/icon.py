"""The app's icon: the PNG named by ``[build] icon``, or one drawn here for apps without one."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path
from typing import Final

__all__ = ["DEFAULT_ICON_SIZE", "default_icon", "png_size"]

DEFAULT_ICON_SIZE: Final = 256
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of the PNG at ``path``, read from its header.

    :raises ValueError: the file is not a PNG (desktops take PNG and SVG icons; a build takes
        PNG, whose size names the icon theme directory it goes to).
    """
    with path.open("rb") as file:
        header = file.read(24)
    if len(header) < 24 or header[:8] != _PNG_SIGNATURE or header[12:16] != b"IHDR":
        raise ValueError(f"[build] icon {str(path)!r} is not a PNG file")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def default_icon(seed: str, size: int = DEFAULT_ICON_SIZE) -> bytes:
    """A PNG of a rounded square in a colour taken from ``seed`` (the bundle identifier), so
    that two apps without icons still look different in a launcher."""
    digest = hashlib.sha256(seed.encode()).digest()
    red, green, blue = (64 + byte % 128 for byte in digest[:3])
    radius = size // 5
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(size):
            corner_x = min(x, size - 1 - x)
            corner_y = min(y, size - 1 - y)
            outside = (
                corner_x < radius
                and corner_y < radius
                and (radius - corner_x) ** 2 + (radius - corner_y) ** 2 > radius**2
            )
            row += b"\x00\x00\x00\x00" if outside else bytes((red, green, blue, 255))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        _PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
