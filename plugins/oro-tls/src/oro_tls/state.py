"""Where a host keeps oro-tls's sockets: ``host.stash[STATE]``."""

from __future__ import annotations

from typing import Final

from oro_framework import StashKey
from oro_tls.service import TcpSockets

__all__ = ["STATE"]

STATE: Final = StashKey[TcpSockets]("tls")
"""The host's :class:`~oro_tls.service.TcpSockets` (made by ``oro_configure``)."""
