"""The ``tcp.*`` and ``tls.*`` routes: their handlers and the table :func:`register` adds to the
host. The contract with the page's ``net`` and ``tls`` is the route table in ``docs/tls.md``."""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, Final

from anyio.abc import SocketAttribute

from oro_framework import InvalidArgumentError, NotSupportedError, Request, RouteGroup
from oro_tls.addresses import (
    check_listen_address,
    listen_address,
    parse_family,
    parse_port,
    resolve,
    socket_endpoints,
)
from oro_tls.connections import Connection, Kind
from oro_tls.contexts import (
    TLS_VERSIONS,
    TlsMaterial,
    reusable_client_context,
    server_context,
)
from oro_tls.dial import dial
from oro_tls.errors import no_socket
from oro_tls.handshakes import PROVIDER, client_handshake
from oro_tls.pins import PinSet, parse_pins_param, pin_of_certificate, pin_of_pem
from oro_tls.servers import Server
from oro_tls.service import TcpSockets
from oro_tls.state import STATE

__all__ = ["TCP_ROUTES", "TLS_ROUTES"]

_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
# A write may wait as long as the peer does not read (that is the page's backpressure); the
# page gives up by closing the socket, not by a timeout of the request. Connecting has its own
# timeouts (tcp.connect_timeout_ms, tls.handshake_timeout_ms).
_WAIT_FOR_PEER: Final = 24 * 3600.0

Reply = dict[str, Any]
Handler = Callable[[Request], Awaitable[Reply]]


def _sockets(request: Request) -> TcpSockets:
    return request.host.stash[STATE]


def _id(request: Request, name: str = "id") -> str:
    value = request.params.require_str(name)
    if not _ID.fullmatch(value):
        raise InvalidArgumentError.invalid(name, "1-64 characters of [A-Za-z0-9_-]")
    return value


def _connection(request: Request, kind: Kind) -> Connection:
    return _sockets(request).connection(request.window, _id(request), kind)


# --------------------------------------------------------------------------------------------
# Connecting out
# --------------------------------------------------------------------------------------------


async def _dial(request: Request, host: str, port: int) -> Any:
    params = request.params
    sockets = _sockets(request)
    timeout = params.get_int("timeout", sockets.tcp.connect_timeout_ms, minimum=1)
    local_port = params.get("localPort")
    return await dial(
        host,
        port,
        family=parse_family(params.get("family")),
        local_address=params.get_str("localAddress"),
        local_port=0 if local_port is None else parse_port(local_port, name="localPort"),
        timeout_ms=timeout,
    )


def _apply_options(request: Request, connection: Connection) -> None:
    params = request.params
    if params.get("noDelay") is not None:
        _set_no_delay(connection.raw, params.get_bool("noDelay"))
    if params.get_bool("keepAlive"):
        _set_keep_alive(connection.raw, True, params.get_int("keepAliveInitialDelay", 0, minimum=0))


def _new(request: Request) -> str:
    socket_id = _id(request)
    sockets = _sockets(request)
    sockets.require_running()
    sockets.check_new(request.window, socket_id)
    return socket_id


async def tcp_connect(request: Request) -> Reply:
    """Connect socket `id` to `address` (default localhost) and `port`; both ends."""
    socket_id = _new(request)
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
        read_window=_sockets(request).tcp.read_window_bytes,
    )
    _sockets(request).register(connection)
    _apply_options(request, connection)
    return connection.endpoints()


async def tls_connect(request: Request) -> Reply:
    """Connect socket `id` to `host`:`port` over TLS (Node's options, Oro's pins); both ends
    and the TLS facts (authorized, protocol, cipher, ALPN, peer certificate and pin)."""
    socket_id = _new(request)
    params = request.params
    sockets = _sockets(request)
    host = params.get_str("host") or params.get_str("address") or "localhost"
    port = parse_port(params.require("port"), allow_zero=False)
    material = _material(request)
    reject = params.get_bool("rejectUnauthorized", True)
    servername = params.get_str("servername")
    if servername == "":
        raise InvalidArgumentError("servername must not be empty", code="TLS_SERVERNAME_INVALID")
    pins = _pins_for(request, host, port)
    context = reusable_client_context(
        material,
        reject_unauthorized=reject,
        alpn=_alpn(request),
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
    configured = _sockets(request).pins.for_host(host, port)
    return configured + tuple(pin for pin in given if pin not in configured)


def _material(request: Request) -> TlsMaterial:
    """PEM material and passphrase from the JSON body (how the page sends them: keys stay out
    of URLs and logs) or, as Oro takes them, from the parameters."""
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


def _alpn(request: Request) -> tuple[str, ...]:
    value = request.params.get("ALPNProtocols", request.params.get("alpn"))
    if value is None:
        return ()
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise InvalidArgumentError.invalid("ALPNProtocols", "a list of protocol names")
    return tuple(name.strip() for name in names if name.strip())


# --------------------------------------------------------------------------------------------
# Data and state of a connection
# --------------------------------------------------------------------------------------------


def _write(kind: Kind) -> Handler:
    async def write(request: Request) -> Reply:
        """Write the body after the socket's writes before `order`; answers once the bytes are
        in the OS socket."""
        connection = _connection(request, kind)
        order = request.params.require_int("order", minimum=0)
        written = await connection.write(order, request.body)
        return {"id": connection.id, "bytes": written}

    return write


def _shutdown(kind: Kind) -> Handler:
    async def shutdown(request: Request) -> Reply:
        """End the socket's writing side (FIN; TLS close_notify) after the writes before `order`."""
        connection = _connection(request, kind)
        await connection.shutdown(request.params.require_int("order", minimum=0))
        return {"id": connection.id}

    return shutdown


def _ack(kind: Kind) -> Handler:
    async def ack(request: Request) -> Reply:
        """The page emitted `bytes` more of what the socket received: reading may go on."""
        connection = _connection(request, kind)
        connection.acknowledge(request.params.require_int("bytes", minimum=0))
        return {"id": connection.id}

    return ack


def _read_start(kind: Kind) -> Handler:
    async def read_start(request: Request) -> Reply:
        """Send what socket `id` receives to its Conduit from now on (from `offset` on: what
        a Conduit that went away lost is sent again)."""
        connection = _connection(request, kind)
        offset = request.params.get("offset")
        await _sockets(request).start_reading(
            connection,
            None if offset is None else request.params.require_int("offset", minimum=0),
        )
        return {"id": connection.id}

    return read_start


def _read_stop(kind: Kind) -> Handler:
    async def read_stop(request: Request) -> Reply:
        """Stop reading socket `id`: no frame follows this answer until readStart."""
        connection = _connection(request, kind)
        await connection.stop_reading()
        return {"id": connection.id}

    return read_stop


def _set_no_delay(raw: socket.socket, on: bool) -> None:
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, int(on))


_MAX_KEEP_ALIVE_IDLE_SECONDS = 32767
"""The longest first-probe delay the systems accept (Linux's MAX_TCP_KEEPIDLE); a longer one
is capped, as Node's setKeepAlive goes on silently when the system refuses it."""


def _set_keep_alive(raw: socket.socket, on: bool, delay_ms: int) -> None:
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, int(on))
    idle = getattr(socket, "TCP_KEEPIDLE", getattr(socket, "TCP_KEEPALIVE", None))
    if on and delay_ms > 0 and idle is not None:
        seconds = min(max(1, delay_ms // 1000), _MAX_KEEP_ALIVE_IDLE_SECONDS)
        raw.setsockopt(socket.IPPROTO_TCP, idle, seconds)


def _no_delay(kind: Kind) -> Handler:
    async def set_no_delay(request: Request) -> Reply:
        """Turn Nagle's algorithm off (`on`, default true) or on for socket `id`."""
        connection = _connection(request, kind)
        _set_no_delay(connection.raw, request.params.get_bool("on", True))
        return {"id": connection.id}

    return set_no_delay


def _keep_alive(kind: Kind) -> Handler:
    async def set_keep_alive(request: Request) -> Reply:
        """Turn TCP keep-alive on or off (`on`), first probe after `delay` ms."""
        connection = _connection(request, kind)
        params = request.params
        _set_keep_alive(
            connection.raw, params.get_bool("on"), params.get_int("delay", 0, minimum=0)
        )
        return {"id": connection.id}

    return set_keep_alive


def _name(kind: Kind, *, peer: bool) -> Handler:
    async def name(request: Request) -> Reply:
        """The address, port and family of one end of socket (or server) `id`."""
        sockets = _sockets(request)
        item = sockets.find(request.window, _id(request))
        if isinstance(item, Server) and not peer and item.local is not None:
            return item.address()
        connection = _connection(request, kind)
        address, port, family = connection.remote if peer else connection.local
        return {"id": connection.id, "address": address, "port": port, "family": family}

    name.__doc__ = (
        "The peer's address, port and family of socket `id`."
        if peer
        else "The local address, port and family of socket or server `id`."
    )
    return name


def _close(kind: Kind) -> Handler:
    async def close(request: Request) -> Reply:
        """Close socket or server `id` at once (Node's destroy); a socket's byte counts."""
        sockets = _sockets(request)
        item_id = _id(request)
        item = sockets.find(request.window, item_id)
        if item is None or item.kind != kind:
            raise no_socket(item_id, f"{kind} socket")
        sockets.close(item)
        if isinstance(item, Server):
            return {"id": item_id}
        return {"id": item_id, "bytesRead": item.bytes_read, "bytesWritten": item.bytes_written}

    return close


# --------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------


async def _bind(request: Request, server: Server) -> Reply:
    params = request.params
    sockets = _sockets(request)
    allow_any = sockets.tcp.allow_any_address
    port = parse_port(params.get("port", 0))
    asked = params.get_str("address") or params.get_str("host")
    address = listen_address(asked, allow_any=allow_any)
    check_listen_address(address, port, allow_any=allow_any)
    family, ip = (await resolve(address))[0]
    if not allow_any:
        check_listen_address(ip, port, allow_any=allow_any)
    server.bind(family, ip, port, ipv6_only=params.get_bool("ipv6Only"))
    return server.address()


async def _listen(request: Request, server: Server) -> Reply:
    if server.listener is not None:
        raise InvalidArgumentError(
            "Listen method has been called more than once without closing.",
            code="ERR_SERVER_ALREADY_LISTEN",
        )
    if server.raw is None:
        await _bind(request, server)
    await server.listen(request.params.get_int("backlog", 511, minimum=0, maximum=65535))
    _sockets(request).start_accepting(server)
    return server.address()


async def tcp_bind(request: Request) -> Reply:
    """Make server `id` bound to `address` (default loopback) and `port`, not listening yet."""
    server = Server(_new(request), request.window, "tcp")
    reply = await _bind(request, server)
    _sockets(request).register(server)
    return reply


async def tcp_listen(request: Request) -> Reply:
    """Listen on server `id` (bound first when `tcp.bind` was not called); its address."""
    sockets = _sockets(request)
    server_id = _id(request)
    item = sockets.find(request.window, server_id)
    if item is None:
        server = Server(_new(request), request.window, "tcp")
        await _bind(request, server)
        sockets.register(server)
    else:
        server = sockets.server(request.window, server_id, "tcp")
    return await _listen(request, server)


async def tls_server_create(request: Request) -> Reply:
    """Make TLS server `id` with its certificate, key and client-certificate policy."""
    server_id = _new(request)
    params = request.params
    request_cert = params.get_bool("requestCert")
    context = server_context(
        _material(request),
        request_cert=request_cert,
        reject_unauthorized=params.get_bool("rejectUnauthorized", True),
        alpn=_alpn(request),
        min_version=params.get_str("minVersion"),
        max_version=params.get_str("maxVersion"),
        ciphers=params.get_str("ciphers"),
    )
    sockets = _sockets(request)
    timeout = params.get_int("handshakeTimeout", sockets.tls.handshake_timeout_ms, minimum=1)
    server = Server(
        server_id,
        request.window,
        "tls",
        context=context,
        request_cert=request_cert,
        handshake_timeout_ms=timeout,
    )
    sockets.register(server)
    return {"id": server_id}


def _tls_server(request: Request) -> Server:
    return _sockets(request).server(request.window, _id(request), "tls")


async def tls_server_bind(request: Request) -> Reply:
    """Bind TLS server `id` to `address` (default loopback) and `port`."""
    return await _bind(request, _tls_server(request))


async def tls_server_listen(request: Request) -> Reply:
    """Listen on TLS server `id` (bound first when not bound); its address."""
    return await _listen(request, _tls_server(request))


async def accept(request: Request) -> Reply:
    """Oro's accept: not needed, the host accepts and names connections by itself."""
    raise NotSupportedError(
        "the host accepts connections by itself and names each in the server's 'connection' "
        "frame (docs/tls.md)"
    )


async def create(request: Request) -> Reply:
    """Oro's create: checks the id; `connect` needs no `create` first."""
    return {"id": _id(request)}


# --------------------------------------------------------------------------------------------
# TLS facts and pins
# --------------------------------------------------------------------------------------------


async def get_provider(request: Request) -> Reply:
    """The TLS provider: `openssl` and its version."""
    return {
        "provider": PROVIDER,
        "version": ssl.OPENSSL_VERSION,
        "versionNumber": ssl.OPENSSL_VERSION_NUMBER,
        "versions": list(TLS_VERSIONS),
    }


def _pins_reply(pins: PinSet) -> Reply:
    return {"value": pins.format(), "entries": pins.to_json()}


async def get_pins(request: Request) -> Reply:
    """The host's certificate pins (Oro's line format and as entries); only `host`'s if given."""
    pins = _sockets(request).pins
    host = request.params.get_str("host")
    if host is not None:
        port = request.params.get("port")
        pins = pins.for_host_entries(host, None if port is None else parse_port(port))
    return _pins_reply(pins)


async def set_pins(request: Request) -> Reply:
    """Replace, append to or remove from the host's pins (`value` or body, `mode`)."""
    sockets = _sockets(request)
    value = request.params.get_str("value")
    if value is None:
        value = request.body.decode("utf-8", errors="replace")
    mode = request.params.get_str("mode", "replace")
    if mode not in ("replace", "append", "remove"):
        raise InvalidArgumentError.invalid("mode", "'replace', 'append' or 'remove'")
    # Removing names hosts (and ports) only; the other modes need their pins.
    given = PinSet.parse(value, allow_empty=mode == "remove")
    sockets.pins = sockets.pins.merged(given, mode)
    return _pins_reply(sockets.pins)


async def create_pin(request: Request) -> Reply:
    """The pin of a certificate: `pem`, or a DER certificate as the body."""
    pem = request.params.get_str("pem")
    if pem is not None:
        return {"pin": pin_of_pem(pem)}
    if not request.body:
        raise InvalidArgumentError("expecting 'pem' or a DER certificate as the body")
    try:
        return {"pin": pin_of_certificate(request.body)}
    except ValueError:
        raise InvalidArgumentError(
            "the body is not a DER certificate", code="ERR_TLS_INVALID_CERT"
        ) from None


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


def _connection_routes(kind: Kind, prefix: str) -> dict[str, Handler]:
    return {
        f"{prefix}.write": _write(kind),
        f"{prefix}.shutdown": _shutdown(kind),
        f"{prefix}.ack": _ack(kind),
        f"{prefix}.readStart": _read_start(kind),
        f"{prefix}.readStop": _read_stop(kind),
        f"{prefix}.close": _close(kind),
    }


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
    "tcp.setNoDelay": _no_delay("tcp"),
    "tcp.setKeepAlive": _keep_alive("tcp"),
    "tcp.getSockName": _name("tcp", peer=False),
    "tcp.getPeerName": _name("tcp", peer=True),
    **_connection_routes("tcp", "tcp"),
}
_TLS_HANDLERS: Final[dict[str, Handler]] = {
    "tls.connect": tls_connect,
    "tls.getProvider": get_provider,
    "tls.getPins": get_pins,
    "tls.setPins": set_pins,
    "tls.createPin": create_pin,
    "tls.setNoDelay": _no_delay("tls"),
    "tls.setKeepAlive": _keep_alive("tls"),
    "tls.getSockName": _name("tls", peer=False),
    "tls.getPeerName": _name("tls", peer=True),
    "tls.server.create": tls_server_create,
    "tls.server.bind": tls_server_bind,
    "tls.server.listen": tls_server_listen,
    "tls.server.accept": accept,
    **_connection_routes("tls", "tls"),
    **_connection_routes("tls", "tls.server"),
}

TCP_ROUTES: Final = RouteGroup(
    permission="tcp",
    doc="Open TCP connections and listen for them (oro:net, node:net).",
    handlers=_TCP_HANDLERS,
    timeouts=_waiting_for_the_peer(_TCP_HANDLERS),
)
"""Every ``tcp.*`` route, guarded by ``tcp`` (``[permissions] allow_tcp``)."""
TLS_ROUTES: Final = RouteGroup(
    permission="tls",
    doc="Open TLS connections and serve TLS, with certificate pins (oro:tls, node:tls).",
    handlers=_TLS_HANDLERS,
    timeouts=_waiting_for_the_peer(_TLS_HANDLERS),
)
"""Every ``tls.*`` route, guarded by ``tls`` (``[permissions] allow_tls``)."""
