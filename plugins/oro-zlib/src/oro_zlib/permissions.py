"""oro-zlib's permissions (``allow_zlib``, ``allow_tar``), declared without importing the
routes they guard (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["TAR", "ZLIB"]

ZLIB: Final = PermissionSpec(
    "zlib",
    "Compress and decompress with zlib (oro-zlib).",
)

TAR: Final = PermissionSpec(
    "tar",
    "Read, write and extract tar archives in the app's folders (oro-zlib's oro:tar).",
)
