"""oro-sqlite's permission (``allow_sqlite``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["SQLITE"]

SQLITE: Final = PermissionSpec(
    "sqlite",
    "Open SQLite databases in the app's sandbox and run SQL on them (oro:sqlite).",
)
