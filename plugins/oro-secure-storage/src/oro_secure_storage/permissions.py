"""oro-secure-storage's permission (``allow_secure_storage``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["SECURE_STORAGE"]

SECURE_STORAGE: Final = PermissionSpec(
    "secure_storage",
    "Keep secrets in the desktop's Secret Service (GNOME Keyring, KeePassXC), per app and "
    "scope (oro:secure-storage).",
)
