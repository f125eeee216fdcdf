"""``/oro/protocol/<scheme>/...`` that no worker answered: a navigation gets the page that
installs the scheme's worker and loads the URL again (``protocol_page.html``); anything else
gets NotFoundError."""

from __future__ import annotations

import json
from pathlib import Path
from string import Template
from typing import Final

from oro_framework.host.errors import NotFoundError
from oro_framework.host.protocols import PROTOCOL_PREFIX
from oro_framework.web.asgi import send_response
from oro_framework.web.bridge.answers import refuse_page
from oro_framework.web.bridge.call import Call
from oro_framework.web.preload import new_nonce, with_script_nonce

__all__ = ["serve"]


class _PageTemplate(Template):
    # "$" is JavaScript's template-literal sign in the page; "@" appears nowhere else in it.
    delimiter = "@"


_PAGE: Final = _PageTemplate(Path(__file__).with_name("protocol_page.html").read_text("utf-8"))
"""Answer to a navigation to ``/oro/protocol/<scheme>/...`` before the scheme's worker exists:
install the worker, then load the same URL again, which the worker now serves."""


async def serve(call: Call) -> None:
    """A protocol-handler URL that no worker answered: its scheme's worker is not installed (or
    let the request through). A navigation gets a page that installs the worker and reloads, so
    that the first ``web+demo://`` link a user follows works; anything else gets NotFoundError,
    as the page has the worker's registration to wait for."""
    path, base = call.path, call.base
    scheme = path[len(PROTOCOL_PREFIX) :].partition("/")[0]
    handler = call.bridge.host.protocol_handlers.find(scheme)
    navigation = call.headers.get("sec-fetch-mode") == "navigate"
    if handler is None or not navigation:
        reason = (
            f"no protocol handler is registered for {scheme!r}"
            if handler is None
            else f"the worker of {scheme!r} did not answer this request"
        )
        error = NotFoundError(f"Cannot serve {path}: {reason}", scheme=scheme)
        await refuse_page(call.send, error, [*base, (b"cache-control", b"no-store")])
        return
    nonce = new_nonce()
    csp = call.bridge.csp
    policy = (
        with_script_nonce(csp, nonce) if csp else f"script-src 'nonce-{nonce}'; worker-src 'self'"
    )
    settings = json.dumps({"script": handler.script, "scope": handler.scope})
    # The script element's text is JSON; "</" cannot end it early once escaped.
    settings = settings.replace("</", "<\\/")
    import html  # with a protocol handler's first page: html.entities is a large table

    page = _PAGE.substitute(title=html.escape(scheme), nonce=nonce, settings=settings).encode()
    page_headers = [
        *base,
        (b"cache-control", b"no-store"),
        (b"content-security-policy", policy.encode("latin-1")),
    ]
    await send_response(call.send, 200, page, page_headers, media_type="text/html; charset=utf-8")
