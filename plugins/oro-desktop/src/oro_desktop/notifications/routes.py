"""The notifications routes of oro-desktop (stub: being written)."""

from __future__ import annotations

from typing import Final

from oro_framework import RouteGroup

ROUTES: Final = RouteGroup(
    permission="notifications",
    doc="Desktop notifications through the session's org.freedesktop.Notifications service (oro:notification).",
    handlers={},
)
