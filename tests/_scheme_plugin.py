"""A plugin serving the ``clip:`` scheme, as a third party would (``oro_register_schemes``), for
the scheme tests of every transport: HTTP, headless Chromium and real windows of both engines.

``clip:hello`` describes the request it got; ``clip:echo`` answers the body it was sent;
``clip:stream`` sends one chunk, then the next only once :attr:`ClipPlugin.more` is set;
``clip:hang`` sends one chunk and waits for ever, noting in :attr:`ClipPlugin.cancelled` that
it was cancelled; ``clip://lib/hello.js`` is a JS module; ``clip:boom`` raises; ``slowclip:``
never answers (a time limit of its own).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio

from oro_framework import SchemeRequest, SchemeResponse, SchemeTable, hookimpl

MODULE = "export const greeting = 'hello from clip'\n"


class ClipPlugin:
    name = "clipboard-kit"

    def __init__(self) -> None:
        self.cancelled: list[str] = []
        self.more: anyio.Event | None = None
        self.cancel_seen: anyio.Event | None = None

    def release(self) -> None:
        """Let ``clip:stream`` send its last chunk (on the host's loop)."""
        self._more().set()

    async def release_async(self) -> None:
        self.release()

    def _more(self) -> anyio.Event:
        if self.more is None:
            self.more = anyio.Event()
        return self.more

    async def cancellations(self) -> list[str]:
        return list(self.cancelled)

    async def wait_cancelled(self) -> None:
        """Return once ``clip:hang`` was cancelled (on the host's loop)."""
        if not self.cancelled:
            await self._cancel_seen().wait()

    def _cancel_seen(self) -> anyio.Event:
        if self.cancel_seen is None:
            self.cancel_seen = anyio.Event()
        return self.cancel_seen

    @hookimpl
    def oro_register_schemes(self, schemes: SchemeTable) -> None:
        schemes.add("clip", self.serve, doc="The clipboard kit's clips.")
        schemes.add("slowclip", self.never, doc="Never answers.", timeout=0.5)

    async def serve(self, request: SchemeRequest) -> SchemeResponse:
        path = request.path
        if request.host == "lib" and path == "/hello.js":
            return SchemeResponse(MODULE.encode(), content_type="text/javascript")
        if path == "/echo":
            # A cookie would land on the app's origin: every transport drops it.
            headers = {"x-clip": "1", "set-cookie": "planted=1"}
            return SchemeResponse(request.body, content_type="text/plain", headers=headers)
        if path == "/stream":
            return SchemeResponse(self._stream(), content_type="text/plain")
        if path == "/hang":
            return SchemeResponse(self._hang(request.url), content_type="text/plain")
        if path == "/boom":
            raise ValueError("the clip is torn")
        return SchemeResponse(
            json.dumps(describe(request)).encode(), content_type="application/json"
        )

    async def _stream(self) -> AsyncIterator[bytes]:
        yield b"first;"
        await self._more().wait()
        yield b"last"

    async def _hang(self, url: str) -> AsyncIterator[bytes]:
        yield b"started;"
        try:
            await anyio.sleep_forever()
        finally:
            self.cancelled.append(url)
            self._cancel_seen().set()
        yield b"never"  # pragma: no cover - the page aborted before

    async def never(self, request: SchemeRequest) -> SchemeResponse:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")  # pragma: no cover


def describe(request: SchemeRequest) -> dict[str, Any]:
    return {
        "url": request.url,
        "host": request.host,
        "path": request.path,
        "query": request.query,
        "method": request.method,
        "window": request.window,
        "transport": request.transport,
        "body": request.body.decode("utf-8", "replace"),
        "headers": sorted(request.headers),
    }
