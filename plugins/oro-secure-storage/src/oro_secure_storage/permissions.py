"""The permissions oro-secure-storage declares (``[permissions] allow_<name>``), written once:
``plugin.py`` declares them without importing the routes they guard, which name them with
``RouteGroup.guarded``."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["SECURE_STORAGE"]

SECURE_STORAGE: Final = PermissionSpec(
    "secure_storage",
    "Keep secrets in the desktop's Secret Service (GNOME Keyring, KeePassXC), per app and "
    "scope (oro:secure-storage).",
)
