"""``/oro/scheme/<name>/...``: the URL schemes plugins serve (``oro_register_schemes``), over
HTTP. The preload maps a page's ``fetch('clip:hello')`` here (and the import map and the module
rewriter its ``import 'clip://lib/x.js'``), in every engine and headless; native windows also
reach the same handler through their engine (``gui/gtk/uri_schemes.py``,
``gui/qt/plugin_schemes.py``). Admission is the bridge's (session, Host, Origin,
``Sec-Fetch-Site``); the window is what the request's credential proves, never what it says."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable
from typing import Final
from urllib.parse import quote

from oro_framework.host.errors import AbortError, IPCError, NotFoundError
from oro_framework.host.exchange import (
    WINDOW_CREDENTIAL_HEADER,
    check_body_size,
    check_declared_size,
)
from oro_framework.host.schemes import (
    SCHEME_PREFIX,
    SchemeRequest,
    SchemeResponse,
    answer,
    error_body,
    response_headers,
    url_of_path,
)
from oro_framework.web.asgi import (
    ClientGoneError,
    HeaderList,
    Send,
    cancelled_on_disconnect,
    receive_body,
    send_not_allowed,
    send_response,
)
from oro_framework.web.bridge.call import Call
from oro_framework.web.security import BRIDGE_KEY_HEADER

__all__ = ["serve"]

METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

# Credentials stay with the bridge: a handler judges the request, not the page's keys.
_HIDDEN_HEADERS: Final = frozenset(
    {"cookie", "authorization", BRIDGE_KEY_HEADER, WINDOW_CREDENTIAL_HEADER}
)


async def serve(call: Call) -> None:
    if call.worker_script:
        await _send_error(call.send, NotFoundError("Not a worker script"), call.base)
        return
    if call.method not in METHODS:
        await send_not_allowed(call.send, call.base, ", ".join(METHODS))
        return
    try:
        request = await _request(call)
    except IPCError as error:
        await _send_error(call.send, error, call.base)
        return
    host = call.bridge.host

    async def reply(send: Send) -> None:
        try:
            response = await answer(host, request)
        except IPCError as error:
            await _send_error(send, error, call.base)
            return
        await _send(send, response, call.base, include_body=call.method != "HEAD")

    # A page that aborts its fetch leaves: the handler (or its streamed body) is cancelled.
    async with cancelled_on_disconnect(call.receive, call.send) as send:
        await reply(send)


async def _request(call: Call) -> SchemeRequest:
    raw = call.scope.get("raw_path")
    # The path as the page encoded it: the decoded one would turn %2F into a separator.
    path = raw.decode("latin-1") if isinstance(raw, bytes) else quote(call.path)
    url = url_of_path(path[len(SCHEME_PREFIX) :])
    query = call.scope.get("query_string", b"")
    if query:
        url += "?" + query.decode("latin-1")
    body = b""
    if call.method not in ("GET", "HEAD"):
        limit = call.bridge.max_body_bytes
        check_declared_size(call.headers.get("content-length"), limit)
        try:
            body = await receive_body(call.receive, lambda size: check_body_size(size, limit))
        except ClientGoneError:
            raise AbortError("The page left before sending the whole body") from None
    headers = call.headers
    return SchemeRequest(
        url,
        method=call.method,
        headers={name: value for name, value in headers.items() if name not in _HIDDEN_HEADERS},
        body=body,
        window=call.bridge.gatekeeper.window_of(headers),
        origin=headers.get("origin") or f"http://{headers.get('host', '')}",
        transport="http",
    )


async def _send(
    send: Send, response: SchemeResponse, base: HeaderList, *, include_body: bool
) -> None:
    headers = [
        *base,
        *((name.encode(), value.encode("latin-1")) for name, value in response_headers(response)),
    ]
    body = response.body
    if isinstance(body, bytes | bytearray | memoryview):
        await send_response(send, response.status, bytes(body), headers, include_body=include_body)
        return
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if include_body:
        await _stream(send, body)
    await send({"type": "http.response.body", "body": b""})


async def _stream(send: Send, body: AsyncIterable[bytes]) -> None:
    """Send ``body``'s chunks as they come; closing it however this ends (the page aborting
    cancels the send) runs its ``finally`` blocks."""
    iterator = aiter(body)
    closing = getattr(iterator, "aclose", None)
    async with contextlib.AsyncExitStack() as stack:
        if closing is not None:
            stack.push_async_callback(closing)
        async for chunk in iterator:
            if chunk:
                await send({"type": "http.response.body", "body": bytes(chunk), "more_body": True})


async def _send_error(send: Send, error: IPCError, base: HeaderList) -> None:
    """The error as the page's ``response``: its status and the envelope's ``err`` object."""
    headers = [*base, (b"cache-control", b"no-store")]
    await send_response(
        send, error.status, error_body(error), headers, media_type="application/json"
    )
