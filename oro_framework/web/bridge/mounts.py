"""Mount prefixes: the ASGI apps plugins mounted with ``oro_register_schemes``, over HTTP and
WebSocket, behind their permission."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from oro_framework.kernel.errors import NotAllowedError
from oro_framework.kernel.exchange import reserved_prefix
from oro_framework.web.asgi import Receive, Scope, Send, read_headers
from oro_framework.web.bridge.answers import refuse_page
from oro_framework.web.bridge.call import Call
from oro_framework.web.security import Admitted

if TYPE_CHECKING:
    from oro_framework.web.bridge.app import Bridge

__all__ = ["serve", "serve_websocket", "server_port"]


async def serve(call: Call) -> None:
    mount = call.mount
    assert mount is not None  # the path family claims mounted paths only
    host = call.bridge.host
    if mount.permission is not None and not host.is_permission_allowed(mount.permission):
        refusal = NotAllowedError(
            f"Runtime permission is disabled for '{mount.permission}'",
            permission=mount.permission,
        )
        await refuse_page(call.send, refusal, call.base)
        return
    await mount.app(_mounted_scope(call.scope, mount.prefix), call.receive, call.send)


async def serve_websocket(bridge: Bridge, scope: Scope, receive: Receive, send: Send) -> None:
    """WebSockets reach mounted apps only, after the same admission as HTTP."""
    host = bridge.host
    headers = read_headers(scope)
    path: str = scope["path"]
    mount = host.schemes.resolve(path) if reserved_prefix(path) is None else None
    if mount is not None:
        admission = bridge.gatekeeper.admit(
            headers, port=server_port(scope), authenticate=mount.authenticate
        )
        if not isinstance(admission, Admitted) or (
            mount.permission is not None and not host.is_permission_allowed(mount.permission)
        ):
            mount = None
    if mount is None:
        await receive()
        # Closing before accepting makes the server answer the handshake with 403.
        await send({"type": "websocket.close", "code": 1008})
        return
    await mount.app(_mounted_scope(scope, mount.prefix), receive, send)


def _mounted_scope(scope: Scope, prefix: str) -> Scope:
    """The scope a mounted app sees: ``path`` below the prefix, ``root_path`` ending with it."""
    child = dict(scope)
    child["path"] = scope["path"][len(prefix) :] or "/"
    child["root_path"] = scope.get("root_path", "") + prefix
    raw_path = scope.get("raw_path")
    encoded_prefix = quote(prefix).encode()
    if isinstance(raw_path, bytes) and raw_path.startswith(encoded_prefix):
        child["raw_path"] = raw_path[len(encoded_prefix) :] or b"/"
    return child


def server_port(scope: Scope) -> int | None:
    """The port the connection arrived on; ``None`` without a server address (a Unix socket)."""
    server = scope.get("server")
    return int(server[1]) if server else None
