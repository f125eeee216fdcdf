"""Where a host keeps its Conduit: ``host.stash[STATE]`` is its :class:`.ConduitServer`."""

from __future__ import annotations

from typing import Final

from oro_conduit.server import ConduitServer
from oro_framework import StashKey

__all__ = ["STATE"]

STATE: Final = StashKey[ConduitServer]("conduit")
"""The host's :class:`ConduitServer`, stored by ``oro_configure``; other plugins may read it
(``host.stash.get(oro_conduit.STATE)`` is ``None`` when oro-conduit is not loaded)."""
