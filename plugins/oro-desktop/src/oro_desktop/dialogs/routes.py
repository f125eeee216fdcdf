"""The dialogs routes of oro-desktop (stub: being written)."""

from __future__ import annotations

from typing import Final

from oro_framework import RouteGroup

ROUTES: Final = RouteGroup(
    permission="dialogs",
    doc="Native file dialogs (window.showFileSystemPicker): a picked path becomes usable through oro:fs for the page.",
    handlers={},
)
