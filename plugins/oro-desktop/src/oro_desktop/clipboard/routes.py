"""The clipboard routes of oro-desktop (stub: being written)."""

from __future__ import annotations

from typing import Final

from oro_framework import RouteGroup

ROUTES: Final = RouteGroup(
    permission="clipboard",
    doc="Read and write the clipboard and the primary selection: text, HTML, PNG images (oro:clipboard).",
    handlers={},
)
