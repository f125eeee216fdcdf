"""The permissions oro-zlib declares (``[permissions] allow_<name>`` in an app), written once:
``plugin.py`` declares them without importing the routes they guard, which name them with
``RouteGroup.guarded``."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["ZLIB"]

ZLIB: Final = PermissionSpec(
    "zlib",
    "Compress and decompress with zlib (oro-zlib).",
)
