"""The bridge's short answers: refusals (an envelope for IPC, a plain page otherwise), CORS
preflights, the launch redirect, 405s, and IPC replies in their wire form."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from oro_framework.host.errors import IPCError
from oro_framework.host.exchange import IPC_URI_HEADER, WireReply, error_reply, http_identity
from oro_framework.host.launch import WINDOW_CREDENTIAL_PARAMETER
from oro_framework.web.asgi import HeaderList, Scope, Send, send_response, start_response
from oro_framework.web.bridge.call import TEXT
from oro_framework.web.bridge.coalesce import Put, send_coalesced
from oro_framework.web.bridge.files import send_file
from oro_framework.web.security import (
    LAUNCH_PARAMETER,
    CorsAnswers,
    Gatekeeper,
    LaunchRedirect,
    Refused,
)

__all__ = ["launch", "preflight", "refuse", "refuse_page", "send_wire"]


async def refuse(
    scope: Scope,
    send: Send,
    headers: Mapping[str, str],
    query: list[tuple[str, str]],
    refusal: Refused,
    base: HeaderList,
    is_ipc: bool,
) -> None:
    """Answer a refusal: an envelope for IPC (the page's ``oro:ipc`` rehydrates it), a short
    plain page otherwise."""
    if not is_ipc:
        await refuse_page(send, refusal.error, base)
        return
    source, request_id = http_identity(scope["path"], query, headers.get(IPC_URI_HEADER))
    wire = error_reply(refusal.error, source=source, request_id=request_id)
    await send_wire(send, base, wire)


async def refuse_page(send: Send, error: IPCError, base: HeaderList) -> None:
    body = f"{error.status} {error.error_type}: {error.message}\n".encode()
    await send_response(send, error.status, body, base, media_type=TEXT)


async def preflight(send: Send, base: HeaderList, cors: CorsAnswers) -> None:
    await send_response(send, 204, b"", [*base, *cors.preflight()])


async def launch(
    gatekeeper: Gatekeeper,
    scope: Scope,
    send: Send,
    query: list[tuple[str, str]],
    base: HeaderList,
    redirect_to: LaunchRedirect,
) -> None:
    """Set the session cookie the launch token was traded for (if the browser had none), and
    send the browser to the same URL without the token, so that it never sits in history or a
    reload. The window's credential rides in the fragment, which only that page sees: the
    preload moves it to the page's ``sessionStorage`` and takes it off the URL."""
    session = redirect_to.session
    raw_path = scope.get("raw_path") or quote(scope["path"]).encode()
    remaining = [(name, value) for name, value in query if name != LAUNCH_PARAMETER]
    location = raw_path.decode("latin-1") + (f"?{urlencode(remaining)}" if remaining else "")
    if redirect_to.window_credential is not None:
        location += f"#{WINDOW_CREDENTIAL_PARAMETER}={redirect_to.window_credential}"
    redirect = [
        *base,
        (b"location", location.encode("latin-1")),
        (b"cache-control", b"no-store"),
    ]
    if session is not None:
        redirect.append((b"set-cookie", gatekeeper.session_cookie(session).encode()))
    await send_response(send, 303, b"", redirect)


async def send_wire(
    send: Send, base: HeaderList, wire: WireReply, *, from_file: bool = False
) -> None:
    """Send ``wire``: its body, or its stream (``from_file``: from the stream's file, see
    ``bridge/files.py``)."""
    if wire.stream is None:
        await send_response(send, wire.status, wire.body, base, media_type=wire.media_type)
        return
    headers = [*base, (b"content-type", wire.media_type.encode())]
    if wire.length is not None:
        headers.append((b"content-length", str(wire.length).encode()))
    await start_response(send, wire.status, headers)
    if from_file:
        await send_file(send, wire)
        return

    async def produce(put: Put) -> None:
        async with contextlib.aclosing(wire.chunks()) as chunks:
            async for chunk in chunks:
                await put(chunk)

    # Small chunks a handler yields at once leave in one write (bridge/coalesce.py).
    await send_coalesced(send, produce)
    await send({"type": "http.response.body", "body": b""})
