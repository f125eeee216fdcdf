"""Everything else: the app's resources, HTML pages with the preload injected, their CSP and
framing headers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio

from oro_framework.host.exchange import last_value, window_index
from oro_framework.web.asgi import HeaderList, send_not_allowed
from oro_framework.web.bridge.call import Call
from oro_framework.web.csp import adapt_policy
from oro_framework.web.file_responses import send_not_found, send_redirect_page
from oro_framework.web.preload import (
    inject_preload,
    is_preload_disabled,
    new_nonce,
    page_args,
    with_script_nonce,
)
from oro_framework.web.resources import HtmlTransform

if TYPE_CHECKING:
    from oro_framework.web.bridge.app import Bridge

__all__ = ["connect_sources", "serve"]

logger = logging.getLogger("oro_framework.bridge")


async def serve(call: Call) -> None:
    if call.method not in ("GET", "HEAD"):
        await send_not_allowed(call.send, call.base, "GET, HEAD")
        return
    resources, url_path = call.bridge.resources, call.path
    mounted = call.bridge.navigator_mounts.find(call.path)
    if mounted is not None:
        # A mounted folder is the user's data: a Service Worker script fetch without a
        # session gets none of it, and the mount's own path is its folder's (/docs → /docs/).
        if call.worker_script:
            await send_not_found(call.send, call.base)
            return
        resources, url_path = mounted
        if not url_path:
            query = call.scope.get("query_string", b"")
            await send_redirect_page(
                call.send, call.path + "/", query, call.base, method=call.method
            )
            return
    transform, html_headers = await _html_handling(call.bridge, call)
    await resources.serve(
        call.send,
        call.headers,
        method=call.method,
        url_path=url_path,
        query_string=call.scope.get("query_string", b""),
        headers=call.base,
        html_headers=html_headers,
        transform_html=transform,
        zero_copy=call.zero_copy,
        rewrite_module=call.bridge.rewriter,
        scripts_only=call.worker_script,
    )


def connect_sources(origin: str, args: Mapping[str, Any]) -> list[str]:
    """What a page's ``connect-src`` must allow for oro's transports: the app origin (IPC over
    HTTP), its ``ws://`` form (events, mounted apps) and the Conduit's address, if it runs."""
    sources = [origin, "ws://" + origin.removeprefix("http://")]
    conduit = args.get("conduit")
    if isinstance(conduit, Mapping) and conduit.get("port"):
        sources.append(f"ws://{conduit.get('hostname', '127.0.0.1')}:{conduit['port']}")
    return sources


def _report_blocked(bridge: Bridge, page: str, kind: str, directives: list[str]) -> None:
    """One line per page whose CSP keeps Oro's transports out (the policy is not widened)."""
    if page in bridge.csp_reported:
        return
    bridge.csp_reported.add(page)
    logger.warning(
        "%s: its %s CSP directive %s does not allow Oro's schemes (ipc:, socket:, oro:), so "
        "oro's IPC over HTTP, events and modules stay blocked; add ipc: (or the app origin) to "
        "it to let the page reach the host",
        page,
        kind,
        " and ".join(repr(name) for name in directives),
    )


def _page_args(bridge: Bridge, index: int, origin: str) -> dict[str, Any]:
    host = bridge.host
    extra = dict(bridge.preload_args(index)) if bridge.preload_args is not None else {}
    # The schemes plugins serve: the preload maps the page's fetch of their URLs.
    extra["schemes"] = [scheme.name for scheme in host.schemes]
    extra["mounts"] = bridge.navigator_mounts.listing()
    extra.update(host.hooks.page_args(host, window=index, origin=origin))
    return page_args(host.config, index=index, origin=origin, extra=extra)


async def _html_handling(bridge: Bridge, call: Call) -> tuple[HtmlTransform | None, HeaderList]:
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
    # Only what the page shows as __args.index before its credential (sessionStorage) says
    # which window it really is; no request is served as this window on its word.
    index = window_index(last_value(call.query, "index")) or 0
    origin = f"http://{headers['host']}"
    if bridge.csp:
        policy = bridge.csp
        if bridge.csp_names_oro:
            sources = connect_sources(origin, _page_args(bridge, index, origin))
            policy = adapt_policy(policy, connect=sources).policy
        if bridge.csp_blocks_oro:
            _report_blocked(bridge, "webview.csp", "header", bridge.csp_blocks_oro)
        if nonce is not None:
            policy = with_script_nonce(policy, nonce)
        html_headers.append((b"content-security-policy", policy.encode("latin-1")))
    if disabled:
        return None, html_headers
    app_import_map = (
        await anyio.to_thread.run_sync(bridge.app_import_map.load)
        if bridge.app_import_map.candidates
        else None
    )
    page = call.path

    def transform(body: bytes) -> bytes:
        args = _page_args(bridge, index, origin)
        text = body.decode("utf-8", "surrogateescape")
        injected = inject_preload(
            text,
            args=args,
            imports=bridge.imports,
            nonce=nonce,
            preload_modules=bridge.preload_modules,
            app_import_map=app_import_map,
            resolve=bridge.rewriter.resolve,
            csp_connect=connect_sources(origin, args),
            on_csp_blocked=lambda directives: _report_blocked(bridge, page, "meta", directives),
        )
        return injected.encode("utf-8", "surrogateescape")

    return transform, html_headers
