"""The routes that open a connection: ``tcp.connect`` and ``tls.connect`` (dialing, the
handshake with its context, pins and ALPN, the first socket options)."""

from __future__ import annotations

from typing import Any

from anyio.abc import SocketAttribute

from oro_framework import InvalidArgumentError, Request
from oro_tls.addresses import (
    parse_family,
    parse_port,
    socket_endpoints,
)
from oro_tls.connections import Connection
from oro_tls.dial import dial
from oro_tls.pins import parse_pins_param
from oro_tls.routes_common import Reply, new_socket_id, read_alpn, read_material, sockets_of
from oro_tls.routes_connections import apply_keep_alive, apply_no_delay

__all__ = ["tcp_connect", "tls_connect"]


async def _dial(request: Request, host: str, port: int) -> Any:
    params = request.params
    sockets = sockets_of(request)
    timeout = params.get_int("timeout", sockets.tcp.connect_timeout_ms, minimum=1)
    local_port = params.get("localPort")

    def permit(address: str) -> None:
        sockets.check_reachable(request.window, address, port, name=host)

    return await dial(
        host,
        port,
        family=parse_family(params.get("family")),
        local_address=params.get_str("localAddress"),
        local_port=0 if local_port is None else parse_port(local_port, name="localPort"),
        timeout_ms=timeout,
        permit=permit,
    )


def _apply_options(request: Request, connection: Connection) -> None:
    params = request.params
    if params.get("noDelay") is not None:
        apply_no_delay(connection.raw, params.get_bool("noDelay"))
    if params.get_bool("keepAlive"):
        apply_keep_alive(
            connection.raw, True, params.get_int("keepAliveInitialDelay", 0, minimum=0)
        )


async def tcp_connect(request: Request) -> Reply:
    """Connect socket `id` to `address` (default localhost) and `port`; both ends."""
    socket_id = new_socket_id(request)
    host = request.params.get_str("address") or request.params.get_str("host") or "localhost"
    port = parse_port(request.params.require("port"), allow_zero=False)
    stream = await _dial(request, host, port)
    raw = stream.extra(SocketAttribute.raw_socket)
    connection = Connection(
        socket_id,
        request.window,
        "tcp",
        stream,
        raw,
        endpoints=socket_endpoints(raw),
        read_window=sockets_of(request).tcp.read_window_bytes,
    )
    sockets_of(request).register(connection)
    _apply_options(request, connection)
    return connection.endpoints()


async def tls_connect(request: Request) -> Reply:
    """Connect socket `id` to `host`:`port` over TLS (Node's options, Oro's pins); both ends
    and the TLS facts (authorized, protocol, cipher, ALPN, peer certificate and pin)."""
    from oro_tls.contexts import reusable_client_context
    from oro_tls.handshakes import client_handshake

    socket_id = new_socket_id(request)
    params = request.params
    sockets = sockets_of(request)
    host = params.get_str("host") or params.get_str("address") or "localhost"
    port = parse_port(params.require("port"), allow_zero=False)
    material = read_material(request)
    reject = params.get_bool("rejectUnauthorized", True)
    servername = params.get_str("servername")
    if servername == "":
        raise InvalidArgumentError("servername must not be empty", code="TLS_SERVERNAME_INVALID")
    pins = _pins_for(request, host, port)
    context = reusable_client_context(
        material,
        reject_unauthorized=reject,
        alpn=read_alpn(request),
        min_version=params.get_str("minVersion"),
        max_version=params.get_str("maxVersion"),
        ciphers=params.get_str("ciphers"),
    )
    stream = await _dial(request, host, port)
    raw = stream.extra(SocketAttribute.raw_socket)
    endpoints = socket_endpoints(raw)
    timeout = params.get_int("timeout", sockets.tls.handshake_timeout_ms, minimum=1)
    tls, facts = await client_handshake(
        stream,
        context,
        host=host,
        port=port,
        servername=servername,
        reject_unauthorized=reject,
        ca=material.ca,
        pins=pins,
        timeout_ms=timeout,
    )
    connection = Connection(
        socket_id,
        request.window,
        "tls",
        tls,
        raw,
        endpoints=endpoints,
        read_window=sockets.tcp.read_window_bytes,
    )
    connection.tls = facts
    sockets.register(connection)
    _apply_options(request, connection)
    return {**connection.endpoints(), **facts}


def _pins_for(request: Request, host: str, port: int) -> tuple[str, ...]:
    """The pins ``host``:``port`` must match: the host's configured ones and the request's
    (``pinsMode: append``, the default), or only the request's (``replace``)."""
    params = request.params
    given = parse_pins_param(params.get("pins")) if params.get("pins") is not None else ()
    mode = params.get_str("pinsMode", "append")
    if mode not in ("append", "replace"):
        raise InvalidArgumentError.invalid("pinsMode", "'append' or 'replace'")
    if mode == "replace":
        return given
    configured = sockets_of(request).pins.for_host(host, port)
    return configured + tuple(pin for pin in given if pin not in configured)
