"""Mount prefixes: the ASGI apps plugins mounted with ``oro_register_mounts``, over HTTP and
WebSocket, behind their permission: the config switch and ``oro_permission_check``, as a route."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

from oro_framework.host.errors import IPCError, NotAllowedError
from oro_framework.host.exchange import WINDOW_CREDENTIAL_HEADER, reserved_prefix
from oro_framework.host.mounts import Mount
from oro_framework.host.request import Request
from oro_framework.web.asgi import Receive, Scope, Send, read_headers
from oro_framework.web.bridge.answers import refuse_page
from oro_framework.web.bridge.call import Call
from oro_framework.web.security import BRIDGE_KEY_HEADER, Admitted

if TYPE_CHECKING:
    from oro_framework.web.bridge.app import Bridge

__all__ = ["serve", "serve_websocket", "server_port"]

# Credentials stay with the bridge: a permission hook judges the request, not its keys.
_HOOK_HIDDEN_HEADERS: Final = frozenset(
    {"cookie", "authorization", BRIDGE_KEY_HEADER, WINDOW_CREDENTIAL_HEADER}
)


async def serve(call: Call) -> None:
    mount = call.mount
    assert mount is not None  # the path family claims mounted paths only
    refusal = _refusal(call.bridge, mount, call.path, call.headers)
    if refusal is not None:
        await refuse_page(call.send, refusal, call.base)
        return
    await mount.app(_mounted_scope(call.scope, mount.prefix), call.receive, call.send)


def _refusal(
    bridge: Bridge, mount: Mount, path: str, headers: Mapping[str, str]
) -> IPCError | None:
    """Why the request for ``path`` may not reach ``mount``, checked as a route's permission
    is: ``permissions.allow_<permission>``, then ``oro_permission_check`` with a
    :class:`Request` whose ``route`` is the path (``/ai/llama/v1/chat/completions``) and whose
    ``transport`` is ``"http"``. ``None``: it may."""
    permission = mount.permission
    if permission is None:
        return None
    host = bridge.host
    if not host.is_permission_allowed(permission):
        return NotAllowedError(
            f"Runtime permission is disabled for '{permission}'", permission=permission
        )
    request = Request(
        path,
        host=host,
        headers={
            name: value for name, value in headers.items() if name not in _HOOK_HIDDEN_HEADERS
        },
        transport="http",
        window=bridge.gatekeeper.window_of(headers),
    )
    try:
        decision = host.hooks.permission_check(request=request, permission=permission)
    except IPCError as error:
        return error
    if decision is False:
        return NotAllowedError(
            f"Permission '{permission}' was refused for '{path}'", permission=permission
        )
    return None


async def serve_websocket(bridge: Bridge, scope: Scope, receive: Receive, send: Send) -> None:
    """WebSockets reach mounted apps only, after the same admission as HTTP."""
    host = bridge.host
    headers = read_headers(scope)
    path: str = scope["path"]
    mount = host.mounts.resolve(path) if reserved_prefix(path) is None else None
    if mount is not None:
        admission = bridge.gatekeeper.admit(
            headers, port=server_port(scope), authenticate=mount.authenticate
        )
        if (
            not isinstance(admission, Admitted)
            or _refusal(bridge, mount, path, headers) is not None
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
