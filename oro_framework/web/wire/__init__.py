"""The one HTTP/1.1 + WebSocket core of the bridge's server and of the Conduit.

Sans-IO protocol code on h11 and wsproto, and a thin driver around it on anyio socket streams:

* :mod:`.limits`: :class:`WireLimits`, every limit a client meets, defined once;
* :mod:`.http`: HTTP/1.1 of one connection (parsing, response framing, refusals, the
  WebSocket upgrade's checks and ``101``), no I/O;
* :mod:`.websocket`: a WebSocket after the upgrade (messages whole and capped, pings, the close
  handshake), no I/O;
* :mod:`.connection`: one socket's HTTP side driven (:class:`Connection`), and the handshake
  to accept or reject (:class:`WebSocketHandshake`);
* :mod:`.session`: an accepted :class:`WebSocket` driven, read by the handler's own task;
* :mod:`.serve`: listeners served one task per connection (:func:`serve_connections`,
  :func:`serve_websockets`).
"""

from __future__ import annotations

from oro_framework.web.wire.connection import Connection, WebSocketHandshake
from oro_framework.web.wire.http import ClientGoneError, FileSpan, is_websocket_upgrade
from oro_framework.web.wire.limits import WireLimits
from oro_framework.web.wire.serve import (
    ConnectionHandler,
    HandshakeHandler,
    open_tcp_listeners,
    serve_connections,
    serve_websockets,
)
from oro_framework.web.wire.session import WebSocket
from oro_framework.web.wire.websocket import WebSocketClosed

__all__ = [
    "ClientGoneError",
    "Connection",
    "ConnectionHandler",
    "FileSpan",
    "HandshakeHandler",
    "WebSocket",
    "WebSocketClosed",
    "WebSocketHandshake",
    "WireLimits",
    "is_websocket_upgrade",
    "open_tcp_listeners",
    "serve_connections",
    "serve_websockets",
]
