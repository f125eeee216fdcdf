"""oro-hostile, declared."""

from __future__ import annotations

from oro_framework import Plugin

plugin = Plugin(
    api=1,
    permissions=".routes:HOSTILE",
    settings={"hostile": ".state:HostileSettings"},
    state={".state:STATE": ".state:HostileState.from_host"},
    hooks={"oro_unconfigure": ".state:STATE.close"},
    routes=".routes:ROUTES",
    events=".routes:TICK",
)
