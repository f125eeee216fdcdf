"""oro-zlib's permission (``allow_zlib``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["ZLIB"]

ZLIB: Final = PermissionSpec(
    "zlib",
    "Compress and decompress with zlib (oro-zlib).",
)
