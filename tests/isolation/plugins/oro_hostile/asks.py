"""oro-hostile declared as a plugin that asks to run in a process of its own."""

from __future__ import annotations

from oro_framework import Plugin

plugin = Plugin(
    api=1,
    permissions="oro_hostile.routes:HOSTILE",
    routes="oro_hostile.routes:ROUTES",
    events="oro_hostile.routes:TICK",
    isolate=True,
)
