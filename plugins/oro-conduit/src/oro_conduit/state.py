"""Where a host keeps its Conduit: ``host.state["conduit"]``."""

from __future__ import annotations

from typing import Final

from oro_conduit.server import ConduitServer
from oro_framework import Host, NotSupportedError

__all__ = ["STATE_KEY", "server_of"]

STATE_KEY: Final = "conduit"


def server_of(host: Host) -> ConduitServer:
    """The host's :class:`ConduitServer`.

    :raises NotSupportedError: the oro-conduit plugin is not loaded in this host.
    """
    server = host.state.get(STATE_KEY)
    if not isinstance(server, ConduitServer):
        raise NotSupportedError("the oro-conduit plugin is not loaded in this host")
    return server
