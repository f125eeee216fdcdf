"""The permissions oro-fs declares (``[permissions] allow_<name>`` in an app), written once:
``plugin.py`` declares them without importing the routes they guard, which name them with
``RouteGroup.guarded``."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["FILESYSTEM"]

FILESYSTEM: Final = PermissionSpec(
    "filesystem",
    "Read and write files in the app's sandbox: its resources (read-only), data and temp "
    "directories and configured mounts (oro:fs, node:fs).",
)
