"""Where a host keeps oro-udp's sockets: ``host.stash[STATE]``."""

from __future__ import annotations

from typing import Final

from oro_framework import StashKey
from oro_udp.service import UdpSockets

__all__ = ["STATE"]

STATE: Final = StashKey[UdpSockets]("udp")
"""The host's :class:`~oro_udp.service.UdpSockets`, made by ``oro_configure`` and closed by
``oro_unconfigure``."""
