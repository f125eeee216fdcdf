"""The routes that serve: TCP servers (``tcp.bind``, ``tcp.listen``) and TLS servers
(``tls.server.*``) with their certificates; Oro's ``create`` and ``accept``."""

from __future__ import annotations

from oro_framework import InvalidArgumentError, NotSupportedError, Request
from oro_tls.addresses import (
    check_listen_address,
    listen_address,
    parse_port,
    resolve,
)
from oro_tls.routes_common import (
    Reply,
    new_socket_id,
    read_alpn,
    read_id,
    read_material,
    sockets_of,
)
from oro_tls.servers import Server

__all__ = [
    "accept",
    "create",
    "tcp_bind",
    "tcp_listen",
    "tls_server_bind",
    "tls_server_create",
    "tls_server_listen",
]


async def _bind(request: Request, server: Server) -> Reply:
    params = request.params
    sockets = sockets_of(request)
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
    sockets_of(request).start_accepting(server)
    return server.address()


async def tcp_bind(request: Request) -> Reply:
    """Make server `id` bound to `address` (default loopback) and `port`, not listening yet."""
    server = Server(new_socket_id(request), request.window, "tcp")
    reply = await _bind(request, server)
    sockets_of(request).register(server)
    return reply


async def tcp_listen(request: Request) -> Reply:
    """Listen on server `id` (bound first when `tcp.bind` was not called); its address."""
    sockets = sockets_of(request)
    server_id = read_id(request)
    item = sockets.find(request.window, server_id)
    if item is None:
        server = Server(new_socket_id(request), request.window, "tcp")
        await _bind(request, server)
        sockets.register(server)
    else:
        server = sockets.server(request.window, server_id, "tcp")
    return await _listen(request, server)


async def tls_server_create(request: Request) -> Reply:
    """Make TLS server `id` with its certificate, key and client-certificate policy."""
    from oro_tls.contexts import server_context

    server_id = new_socket_id(request)
    params = request.params
    request_cert = params.get_bool("requestCert")
    context = server_context(
        read_material(request),
        request_cert=request_cert,
        reject_unauthorized=params.get_bool("rejectUnauthorized", True),
        alpn=read_alpn(request),
        min_version=params.get_str("minVersion"),
        max_version=params.get_str("maxVersion"),
        ciphers=params.get_str("ciphers"),
    )
    sockets = sockets_of(request)
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
    return sockets_of(request).server(request.window, read_id(request), "tls")


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
    return {"id": read_id(request)}
