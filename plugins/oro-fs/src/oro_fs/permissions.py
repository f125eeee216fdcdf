"""oro-fs's permission (``allow_filesystem``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["FILESYSTEM"]

FILESYSTEM: Final = PermissionSpec(
    "filesystem",
    "Read and write files in the app's sandbox: its resources (read-only), data and temp "
    "directories and configured mounts (oro:fs, node:fs).",
)
