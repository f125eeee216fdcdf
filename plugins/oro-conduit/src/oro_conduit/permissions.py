"""oro-conduit's permission (``allow_conduit``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["CONDUIT"]

CONDUIT: Final = PermissionSpec(
    "conduit",
    "The Conduit WebSocket channel: status, start/stop, shared key (oro-conduit).",
)
