"""The permissions oro-sqlite declares (``[permissions] allow_<name>`` in an app), written once:
``plugin.py`` declares them without importing the routes they guard, which name them with
``RouteGroup.guarded``."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["SQLITE"]

SQLITE: Final = PermissionSpec(
    "sqlite",
    "Open SQLite databases in the app's sandbox and run SQL on them (oro:sqlite).",
)
