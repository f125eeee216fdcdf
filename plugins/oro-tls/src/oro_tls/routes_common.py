"""What the ``tcp.*`` and ``tls.*`` handlers share: the types of a handler and its answer, and
what they read from a request (socket ids, TLS material, ALPN names)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from oro_framework import InvalidArgumentError, Request
from oro_tls.connections import Connection, Kind
from oro_tls.service import TcpSockets
from oro_tls.state import STATE

if TYPE_CHECKING:
    # The TLS modules (contexts, handshakes, verification) import with a page's first TLS
    # call, not at every launch.
    from oro_tls.contexts import TlsMaterial

__all__ = [
    "Handler",
    "Reply",
    "connection_of",
    "new_socket_id",
    "read_alpn",
    "read_id",
    "read_material",
    "sockets_of",
]

_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")

Reply = dict[str, Any]
Handler = Callable[[Request], Awaitable[Reply]]


def sockets_of(request: Request) -> TcpSockets:
    return request.host.stash[STATE]


def read_id(request: Request, name: str = "id") -> str:
    value = request.params.require_str(name)
    if not _ID.fullmatch(value):
        raise InvalidArgumentError.invalid(name, "1-64 characters of [A-Za-z0-9_-]")
    return value


def connection_of(request: Request, kind: Kind) -> Connection:
    return sockets_of(request).connection(request.window, read_id(request), kind)


def new_socket_id(request: Request) -> str:
    socket_id = read_id(request)
    sockets = sockets_of(request)
    sockets.require_running()
    sockets.check_new(request.require_window(), socket_id)
    return socket_id


def read_material(request: Request) -> TlsMaterial:
    """PEM material and passphrase from the JSON body (how the page sends them: keys stay out
    of URLs and logs) or, as Oro takes them, from the parameters."""
    from oro_tls.contexts import TlsMaterial

    values: dict[str, Any] = dict(request.params)
    if request.body:
        body = request.json()
        if not isinstance(body, dict):
            raise InvalidArgumentError("the body of a TLS request must be a JSON object")
        values.update(body)
    ca = values.get("ca")
    if isinstance(ca, str):
        ca_list: tuple[str, ...] = (ca,)
    elif isinstance(ca, list) and all(isinstance(item, str) for item in ca):
        ca_list = tuple(ca)
    elif ca is None:
        ca_list = ()
    else:
        raise InvalidArgumentError.invalid("ca", "a PEM string or a list of them")
    passphrase = values.get("passphrase", values.get("keyPassphrase"))
    for name, value in (
        ("cert", values.get("cert")),
        ("key", values.get("key")),
        ("passphrase", passphrase),
    ):
        if value is not None and not isinstance(value, str):
            raise InvalidArgumentError.invalid(name, "a string")
    return TlsMaterial(
        ca=ca_list, cert=values.get("cert"), key=values.get("key"), passphrase=passphrase
    )


def read_alpn(request: Request) -> tuple[str, ...]:
    """The ALPN protocol names offered, from ``ALPNProtocols`` (or ``alpn``), in order."""
    value = request.params.get("ALPNProtocols", request.params.get("alpn"))
    if value is None:
        return ()
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise InvalidArgumentError.invalid("ALPNProtocols", "a list of protocol names")
    return tuple(name.strip() for name in names if name.strip())
