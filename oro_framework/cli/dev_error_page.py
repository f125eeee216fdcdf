"""The page ``oro dev`` serves on the app's port while no host runs (a child failed to start or
died): every request gets the error, until the next change starts a host again."""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable
from typing import Final

from oro_framework.web.asgi import Receive, Scope, Send
from oro_framework.web.ports import LOOPBACK
from oro_framework.web.security import is_signed_session, parse_cookies

__all__ = ["error_app"]

_ANONYMOUS_PROBLEM: Final = (
    "The app failed to start; the terminal running `oro dev` says why. Open the app through its "
    "launch URL to see the error here."
)
_ERROR_PAGE: Final = """<!doctype html>
<html><head><meta charset="utf-8"><title>oro dev: error</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem">
<h1 style="color: #b00020">The app failed to start</h1>
<pre id="oro-dev-error" style="white-space: pre-wrap">{problem}</pre>
<p>Fix it and save: this page reloads once the host runs again.</p>
<script>
setInterval(async () => {{
  try {{
    const response = await fetch('/ipc/dev.boot', {{ cache: 'no-store' }})
    if (response.headers.get('x-oro-dev') !== 'error') location.reload()
  }} catch {{}}
}}, 200)
</script>
</body></html>
"""


def error_app(
    problem: str, session_key: str, port: int
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """An ASGI app answering 503 with ``problem``: as JSON (an IPC error) to ``/ipc/`` and to
    requests accepting JSON, else as a page that reloads once the host is back. Only a request
    of this app's address with a session of this ``oro dev`` sees the problem itself (it may
    hold paths and source lines)."""
    hosts = {f"{name}:{port}" for name in (LOOPBACK, "localhost")}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        trusted = headers.get("host", "").lower() in hosts and any(
            is_signed_session(value, session_key)
            for _, value in parse_cookies(headers.get("cookie", ""))
        )
        shown = problem if trusted else _ANONYMOUS_PROBLEM
        if scope["path"].startswith("/ipc/") or "application/json" in headers.get("accept", ""):
            error = {"name": "ServiceUnavailableError", "message": shown}
            body = json.dumps({"err": error}).encode()
            content_type = b"application/json"
        else:
            body = _ERROR_PAGE.format(problem=html.escape(shown)).encode()
            content_type = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", content_type),
                    (b"cache-control", b"no-store"),
                    (b"x-oro-dev", b"error"),
                    (b"x-content-type-options", b"nosniff"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app
