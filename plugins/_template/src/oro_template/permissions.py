"""The plugin's permission (``[permissions] allow_template`` in an app), written once:
``plugin.py`` declares it without importing the routes it guards, which name it with
``RouteGroup.guarded``, so that ``oro config`` never imports them."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["PERMISSION"]

PERMISSION: Final = PermissionSpec(
    "template",
    "Echo values and digest bytes (oro-template).",
)
