"""Everything else: the app's resources, HTML pages with the preload injected, their CSP and
framing headers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oro_framework.kernel.exchange import last_value, window_index
from oro_framework.web.asgi import HeaderList
from oro_framework.web.bridge.answers import not_allowed
from oro_framework.web.bridge.call import Call
from oro_framework.web.preload import (
    inject_preload,
    is_preload_disabled,
    new_nonce,
    page_args,
    with_script_nonce,
)
from oro_framework.web.resources import ZERO_COPY_SEND, HtmlTransform

if TYPE_CHECKING:
    from oro_framework.web.bridge.app import Bridge

__all__ = ["serve"]


async def serve(call: Call) -> None:
    if call.method not in ("GET", "HEAD"):
        await not_allowed(call.send, call.base, "GET, HEAD")
        return
    transform, html_headers = _html_handling(call.bridge, call)
    await call.bridge.resources.serve(
        call.send,
        call.headers,
        method=call.method,
        url_path=call.path,
        query_string=call.scope.get("query_string", b""),
        headers=call.base,
        html_headers=html_headers,
        transform_html=transform,
        zero_copy=ZERO_COPY_SEND in call.scope.get("extensions", {}),
    )


def _html_handling(bridge: Bridge, call: Call) -> tuple[HtmlTransform | None, HeaderList]:
    """The preload transform (``None`` when the request opts out) and the headers of HTML
    pages: the CSP (with the preload's nonce), framing limited to the app itself, and ``Vary``
    because the opt-out header changes the body."""
    headers = call.headers
    html_headers: HeaderList = [
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"vary", b"runtime-preload-injection"),
    ]
    disabled = is_preload_disabled(headers)
    nonce = None if disabled or not bridge.csp else new_nonce()
    if bridge.csp:
        policy = bridge.csp if nonce is None else with_script_nonce(bridge.csp, nonce)
        html_headers.append((b"content-security-policy", policy.encode("latin-1")))
    if disabled:
        return None, html_headers
    # Only what the page shows as __args.index before its credential (sessionStorage) says
    # which window it really is; no request is served as this window on its word.
    index = window_index(last_value(call.query, "index")) or 0
    origin = f"http://{headers['host']}"
    host = bridge.host

    def transform(page: bytes) -> bytes:
        extra = dict(bridge.preload_args(index)) if bridge.preload_args is not None else {}
        extra.update(host.hooks.page_args(host, window=index, origin=origin))
        args = page_args(host.config, index=index, origin=origin, extra=extra)
        text = page.decode("utf-8", "surrogateescape")
        injected = inject_preload(
            text,
            args=args,
            imports=bridge.imports,
            nonce=nonce,
            preload_modules=bridge.preload_modules,
            module_preloads=bridge.module_preloads,
        )
        return injected.encode("utf-8", "surrogateescape")

    return transform, html_headers
