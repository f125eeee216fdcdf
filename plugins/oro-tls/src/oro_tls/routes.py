"""The ``tcp.*`` and ``tls.*`` route tables. The handlers live in :mod:`.routes_connecting`,
:mod:`.routes_connections` (an open connection), :mod:`.routes_servers` and :mod:`.routes_pins`;
the contract with the page's ``net`` and ``tls`` is the route table in ``docs/tls.md``."""

from __future__ import annotations

from typing import Final

from oro_framework import RouteGroup
from oro_tls.permissions import TCP, TLS
from oro_tls.routes_common import Handler
from oro_tls.routes_connecting import tcp_connect, tls_connect
from oro_tls.routes_connections import (
    connection_routes,
    keep_alive_route,
    name_route,
    no_delay_route,
)
from oro_tls.routes_pins import create_pin, get_pins, get_provider, set_pins
from oro_tls.routes_servers import (
    accept,
    create,
    tcp_bind,
    tcp_listen,
    tls_server_bind,
    tls_server_create,
    tls_server_listen,
)

__all__ = ["TCP_ROUTES", "TLS_ROUTES"]

# A write may wait as long as the peer does not read (that is the page's backpressure); the
# page gives up by closing the socket, not by a timeout of the request. Connecting has its own
# timeouts (tcp.connect_timeout_ms, tls.handshake_timeout_ms).
_WAIT_FOR_PEER: Final = 24 * 3600.0


def _waiting_for_the_peer(handlers: dict[str, Handler]) -> dict[str, float]:
    """The routes that may wait as long as the peer makes them (writes, shutdowns, connects)."""
    return {
        name: _WAIT_FOR_PEER
        for name in handlers
        if name.endswith((".write", ".shutdown", ".connect"))
    }


_TCP_HANDLERS: Final[dict[str, Handler]] = {
    "tcp.create": create,
    "tcp.connect": tcp_connect,
    "tcp.bind": tcp_bind,
    "tcp.listen": tcp_listen,
    "tcp.accept": accept,
    "tcp.setNoDelay": no_delay_route("tcp"),
    "tcp.setKeepAlive": keep_alive_route("tcp"),
    "tcp.getSockName": name_route("tcp", peer=False),
    "tcp.getPeerName": name_route("tcp", peer=True),
    **connection_routes("tcp", "tcp"),
}
_TLS_HANDLERS: Final[dict[str, Handler]] = {
    "tls.connect": tls_connect,
    "tls.getProvider": get_provider,
    "tls.getPins": get_pins,
    "tls.setPins": set_pins,
    "tls.createPin": create_pin,
    "tls.setNoDelay": no_delay_route("tls"),
    "tls.setKeepAlive": keep_alive_route("tls"),
    "tls.getSockName": name_route("tls", peer=False),
    "tls.getPeerName": name_route("tls", peer=True),
    "tls.server.create": tls_server_create,
    "tls.server.bind": tls_server_bind,
    "tls.server.listen": tls_server_listen,
    "tls.server.accept": accept,
    **connection_routes("tls", "tls"),
    **connection_routes("tls", "tls.server"),
}

TCP_ROUTES: Final = RouteGroup.guarded(
    TCP,
    handlers=_TCP_HANDLERS,
    timeouts=_waiting_for_the_peer(_TCP_HANDLERS),
)
"""Every ``tcp.*`` route, guarded by ``tcp`` (``[permissions] allow_tcp``)."""
TLS_ROUTES: Final = RouteGroup.guarded(
    TLS,
    handlers=_TLS_HANDLERS,
    timeouts=_waiting_for_the_peer(_TLS_HANDLERS),
)
"""Every ``tls.*`` route, guarded by ``tls`` (``[permissions] allow_tls``)."""
