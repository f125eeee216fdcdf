"""Where a host keeps its Conduit: ``host.stash[STATE]`` is its :class:`.ConduitServer`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from oro_framework import StashKey

if TYPE_CHECKING:
    # The key's type only: the routes import this module, and the server (trio, wsproto) waits
    # until a host is configured, so declaring the plugin's permission (`oro config`) skips it.
    from oro_conduit.server import ConduitServer
    from oro_framework import Host

__all__ = ["STATE", "server_for"]

STATE: Final[StashKey[ConduitServer]] = StashKey("conduit")
"""The host's :class:`ConduitServer`, stored by ``oro_configure``; other plugins may read it
(``host.stash.get(oro_conduit.STATE)`` is ``None`` when oro-conduit is not loaded)."""


def server_for(host: Host) -> ConduitServer:
    """The Conduit of ``host``, whose config is loaded."""
    from oro_conduit.server import ConduitServer
    from oro_conduit.settings import ConduitSettings

    return ConduitServer(host, host.settings(ConduitSettings))
