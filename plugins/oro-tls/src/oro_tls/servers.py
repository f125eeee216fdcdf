"""One listening server of a page: a socket bound (``bind``), then listening (``listen``)."""

from __future__ import annotations

import socket
import ssl
import sys
from typing import Any, final

import anyio
from anyio.abc import SocketListener

from oro_framework import ErrnoError
from oro_tls.addresses import Endpoint, endpoint_of
from oro_tls.connections import Kind

__all__ = ["Server"]


@final
class Server:
    """A TCP or TLS server of page ``window``; a TLS one has its ``context`` from
    ``tls.server.create`` and knows whether it asks clients for certificates."""

    def __init__(
        self,
        server_id: str,
        window: int | None,
        kind: Kind,
        *,
        context: ssl.SSLContext | None = None,
        request_cert: bool = False,
        handshake_timeout_ms: int = 0,
    ) -> None:
        self.id = server_id
        self.window = window
        self.kind = kind
        self.context = context
        self.request_cert = request_cert
        self.handshake_timeout_ms = handshake_timeout_ms
        self.raw: socket.socket | None = None
        self.local: Endpoint | None = None
        self.listener: SocketListener | None = None
        self.acceptor: anyio.CancelScope | None = None
        self.closed = False
        self.accepted = 0
        self.refused = 0

    def bind(self, family: int, address: str, port: int, *, ipv6_only: bool) -> Endpoint:
        """Bind a new socket (SO_REUSEADDR on Unix, as Node's listening sockets).

        :raises ErrnoError: ``EADDRINUSE``, ``EADDRNOTAVAIL``...
        """
        raw = socket.socket(family, socket.SOCK_STREAM)
        try:
            # Not on Windows, where SO_REUSEADDR lets a socket bind a port another program
            # listens on (libuv does not set it there either): a page could take over a local
            # service's port, and connecting to "its own" server would reach that service.
            if sys.platform != "win32":
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                raw.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(ipv6_only))
            raw.bind((address, port))
        except OSError as error:
            raw.close()
            raise ErrnoError.for_socket_error(error, "bind", address, port) from None
        self.raw = raw
        self.local = endpoint_of(raw.getsockname(), family)
        return self.local

    async def listen(self, backlog: int) -> Endpoint:
        """Start listening on the bound socket."""
        assert self.raw is not None
        assert self.local is not None
        try:
            self.raw.listen(backlog)
        except OSError as error:
            raise ErrnoError.for_socket_error(error, "listen", *self.local[:2]) from None
        self.listener = await SocketListener.from_socket(self.raw)
        return self.local

    def close(self) -> None:
        """Stop accepting and close the listening socket (connections stay)."""
        if self.closed:
            return
        self.closed = True
        if self.acceptor is not None:
            self.acceptor.cancel()
        if self.raw is not None:
            anyio.notify_closing(self.raw)
            self.raw.close()

    def address(self) -> dict[str, Any]:
        assert self.local is not None
        address, port, family = self.local
        return {"id": self.id, "address": address, "port": port, "family": family}

    def diagnostics(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "window": self.window,
            "listening": self.listener is not None and not self.closed,
            "address": None if self.local is None else f"{self.local[0]}:{self.local[1]}",
            "accepted": self.accepted,
            "refused": self.refused,
        }
