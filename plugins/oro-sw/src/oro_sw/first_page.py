"""The configured workers before the app's first page, as under Socket, whose runtime starts
them before the window navigates (src/runtime/window/manager.cc: the service worker container
is made before the window's first navigation).

A worker needs a document of the app's origin to be registered from, and it controls only the
pages loaded after it activated. So an app with configured workers (and auto-registration on)
has its native main window open :data:`FIRST_PAGE` first (``host.windows.open_first``): a page
with no content that registers each worker exactly as every page does (the same script URL,
scope and options, so the app's page does not install it again), waits until each is activated
or has failed, and only then goes on to the app's page, which the workers now answer from its
very first request. A worker that fails to install, or does not activate within
:data:`ACTIVATION_SECONDS`, is one warning on the terminal naming it, and the page loads
without it. Apps with no configured worker open their page directly.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl

from oro_framework.asgi import Receive, Scope, Send, send_response

if TYPE_CHECKING:
    from oro_framework import Host
    from oro_sw.settings import ConfiguredWorker

__all__ = ["ACTIVATION_SECONDS", "FIRST_PAGE", "MOUNT", "FirstPage"]

logger = logging.getLogger("oro_sw")

MOUNT: Final = "/oro-sw"
FIRST_PAGE: Final = f"{MOUNT}/first-page"
ACTIVATION_SECONDS: Final = 10
"""How long the first page waits for a worker before the app's page loads without it."""
_FAILED: Final = "/failed"
_MAX_REASON: Final = 200
_PAGE: Final = Path(__file__).with_name("first_page.html").read_text("utf-8")


class FirstPage:
    """The ASGI app under :data:`MOUNT`: the first page, and its report of a worker that
    failed (logged once per configured script)."""

    def __init__(self, host: Host, workers: list[ConfiguredWorker]) -> None:
        self._host = host
        self._scripts = {worker.script for worker in workers}
        self._workers = [worker.to_json() for worker in workers]
        self._reported: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == _FAILED and scope["method"] == "POST":
            self._report(scope)
            await send_response(send, 204, b"")
        elif path == FIRST_PAGE.removeprefix(MOUNT):
            await self._page(scope, send)
        else:
            await send_response(send, 404, b"Not found\n", media_type="text/plain")

    async def _page(self, scope: Scope, send: Send) -> None:
        headers = {name.decode("latin-1"): value for name, value in scope["headers"]}
        origin = f"http://{headers.get('host', b'').decode('latin-1')}"
        # The page's own environment, as every page's __args has it: the workers' script URLs
        # carry it (oro:protocol-handlers' shellURL), and they must be the page's own.
        env = self._host.hooks.page_args(self._host, window=0, origin=origin).get("env") or {}
        settings = {
            "workers": self._workers,
            "env": env,
            "seconds": ACTIVATION_SECONDS,
            "failed": MOUNT + _FAILED,
        }
        # The script element's text is JSON; "</" cannot end it early once escaped.
        data = json.dumps(settings).replace("</", "<\\/")
        nonce = secrets.token_urlsafe(18)
        page = _PAGE.replace("@nonce", nonce).replace("@settings", data).encode()
        policy = f"default-src 'none'; script-src 'nonce-{nonce}'; connect-src 'self'; "
        policy += "worker-src 'self'"
        await send_response(
            send,
            200,
            page,
            media_type="text/html; charset=utf-8",
            headers=[(b"content-security-policy", policy.encode())],
        )

    def _report(self, scope: Scope) -> None:
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        script = query.get("script", "")
        if script not in self._scripts or script in self._reported:
            return
        self._reported.add(script)
        # One short line of plain text: a page wrote it.
        words = " ".join(query.get("reason", "").split())[:_MAX_REASON]
        reason = "".join(char if char.isprintable() and char.isascii() else "?" for char in words)
        logger.warning(
            "oro-sw: the service worker %s did not activate before the app's first page "
            "(%s): the page loads without it",
            script,
            reason,
        )
