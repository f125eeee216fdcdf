"""oro-hostile, declared."""

from __future__ import annotations

from oro_framework import Plugin

plugin = Plugin(
    api=1,
    permissions=".routes:HOSTILE",
    routes=".routes:ROUTES",
    events=".routes:TICK",
)
