"""The bridge: the ASGI application serving one app on its loopback origin.

The :class:`~oro_framework.web.security.Gatekeeper` decides about every request first (Host,
Origin, ``Sec-Fetch-Site``, then the launch token, the session cookie, the HTTP IPC bridge key
or a mount's own credential) and the bridge acts on its :data:`~.security.Admission`. An admitted
request then goes by path:

=========================  ===================================================================
``/ipc/<route>``, ``/ipc``  IPC through the host's router (``X-IPC-URI`` names the route for
                            ``/ipc``); JSON envelope, raw bytes, SSE or a chunked body
``/oro/events``             server-sent events from ``host.events`` for ``?window=N``
``/oro/protocol/...``       protocol-handler URLs no worker took (:meth:`Bridge._protocol`)
``/oro/...``                the registered JS modules and the files beside them
mount prefixes              the ASGI apps plugins mounted with ``oro_register_schemes``
anything else               the app's resources, HTML with the preload injected
=========================  ===================================================================

Streams are written item by item as the handler produces them; ``send`` waits for the socket,
so a slow client slows the handler down instead of filling memory. A client that goes away
cancels the request (``request.cancel()``) and closes the handler's stream. What an IPC request
and its reply look like on the wire comes from :mod:`oro_framework.kernel.exchange`, as for the
Conduit.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, TypeAlias, final
from urllib.parse import quote, urlencode

import anyio

from oro_framework.kernel.app import Host
from oro_framework.kernel.envelope import Reply, ServerSentEvent, encode_sse
from oro_framework.kernel.errors import (
    IPCError,
    NotAllowedError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
)
from oro_framework.kernel.exchange import (
    IPC_PREFIX,
    IPC_URI_HEADER,
    MODULE_PREFIX,
    QUERY_RESERVED,
    WireReply,
    check_body_size,
    check_declared_size,
    error_reply,
    http_identity,
    http_target,
    last_value,
    parse_query,
    request_fields,
    request_id_of,
    reserved_prefix,
    window_index,
    wire_reply,
)
from oro_framework.kernel.protocols import PROTOCOL_PREFIX
from oro_framework.kernel.request import Request
from oro_framework.kernel.schemes import Mount
from oro_framework.web.asgi import (
    ClientGoneError,
    HeaderList,
    Receive,
    Scope,
    Send,
    cancelled_on_disconnect,
    read_headers,
    receive_body,
    send_response,
    start_response,
)
from oro_framework.web.preload import (
    build_import_map,
    inject_preload,
    is_preload_disabled,
    new_nonce,
    page_args,
    with_script_nonce,
)
from oro_framework.web.resources import (
    ZERO_COPY_SEND,
    FileInfo,
    ForbiddenPathError,
    HtmlTransform,
    Resources,
    join_url_path,
    media_type_of,
    send_file,
    stat_file,
)
from oro_framework.web.security import (
    BRIDGE_KEY_HEADER,
    LAUNCH_PARAMETER,
    Admitted,
    CorsPreflight,
    Gatekeeper,
    LaunchRedirect,
    RefusalReason,
    Refused,
    session_cookie_name,
)

__all__ = ["Bridge", "PreloadArgs"]

logger = logging.getLogger("oro_framework.bridge")

PreloadArgs: TypeAlias = Callable[[int], Mapping[str, Any]]
"""Given a window index, extra ``__args`` entries for pages of that window (``windowCount``,
Conduit details...)."""

IPC_METHODS: Final = frozenset({"GET", "POST", "PUT", "DELETE"})
_WINDOW_HEADER: Final = "x-ipc-window-index"
_EVENTS_PATH: Final = MODULE_PREFIX + "/events"
# A client that sends a too-large body usually reads the answer only once it has sent it all;
# the 413 is therefore followed by discarding up to this much, so that it arrives, rather than
# a connection reset. Beyond it the connection is dropped.
_DISCARD_LIMIT: Final = 1024 * 1024
_MODULE_SIBLING_SUFFIXES: Final = (".js", ".mjs", ".cjs", ".map", ".json", ".ts", ".wasm", ".css")
_HANDLER_HIDDEN_HEADERS: Final = frozenset({"cookie", BRIDGE_KEY_HEADER})
_CORS_ALLOWED_HEADERS: Final = (
    "content-type, x-ipc-uri, x-ipc-window-index, x-oro-auth, runtime-preload-injection"
)
_TEXT: Final = "text/plain; charset=utf-8"


def _secret_files(host: Host) -> list[Path]:
    """Files the bridge never serves: ``oro.toml`` (it may hold keys, and always describes the
    app's defences) and any file a secret key's value names (``tls.private_key =
    "certs/server.key"``), relative to the app directory as ``webview.root`` is."""
    files = [host.config_file] if host.config_file is not None else []
    for name in host.config:
        key = host.config_keys.find(name)
        value = host.config[name]
        if key is not None and key.is_secret and isinstance(value, str) and value.strip():
            # A secret that is no path (an inline key) names no file inside the root: harmless.
            with contextlib.suppress(RuntimeError):
                files.append(host.app_dir / Path(value).expanduser())
    return files


@final
class Bridge:
    """The ASGI 3 application of one app.

    :param host: the app's host; it must be running for its services to be reachable.
    :param launch_token: this run's launch token
        (see :class:`~oro_framework.web.server.ServerInfo`).
    :param preload_args: extra ``__args`` entries per window index.
    :param session_key: signs session ids so that they outlive this bridge (``oro dev``; see
        :class:`~oro_framework.web.security.Gatekeeper`).
    """

    def __init__(
        self,
        host: Host,
        *,
        launch_token: str,
        preload_args: PreloadArgs | None = None,
        session_key: str | None = None,
    ) -> None:
        config = host.config
        self.host = host
        self.gatekeeper = Gatekeeper(
            launch_token=launch_token,
            bridge_key=config["http.ipc.shared_key"] if config["http.ipc.enable"] else None,
            cors_origins=config["webview.cors_allowed_origins"],
            cookie_name=session_cookie_name(config["meta.bundle_identifier"]),
            session_key=session_key,
        )
        self.resources = Resources(
            host.paths.resources,
            default_index=config["webview.default_index"],
            allow_any_route=config["webview.allow_any_route"],
            cache_control=config["webview.cache_control"],
            hidden=_secret_files(host),
        )
        self.max_body_bytes: int = config["ipc.max_body_bytes"]
        self.csp: str = config["webview.csp"]
        self.referrer_policy: str = config["webview.referrer_policy"]
        self.imports = build_import_map(host.js_modules)
        self.preload_modules = list(
            dict.fromkeys(module.url_path for module in host.js_modules if module.preload)
        )
        self._modules = {module.url_path: module.path for module in host.js_modules}
        roots: list[Path] = []
        for module in host.js_modules:
            if module.path.parent.resolve() not in roots:
                roots.append(module.path.parent.resolve())
        self._module_roots = roots
        self._preload_args = preload_args
        self._channels: dict[int, int] = {}
        """Open event channels per window; ``oro_page_closed`` when one drops to zero."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)

    # ---------------------------------------------------------------------------------------
    # Admission
    # ---------------------------------------------------------------------------------------

    def _base_headers(self, request_headers: Mapping[str, str]) -> HeaderList:
        headers: HeaderList = [(b"x-content-type-options", b"nosniff")]
        if request_headers.get("service-worker") == "script":
            # A worker script anywhere in the app may take any scope of it (a protocol handler's
            # worker takes /oro/protocol/<scheme>/), as in Oro: the origin is the app's alone.
            headers.append((b"service-worker-allowed", b"/"))
        if self.referrer_policy:
            headers.append((b"referrer-policy", self.referrer_policy.encode()))
        origin = request_headers.get("origin")
        if origin is not None and self.gatekeeper.is_cors_origin(origin):
            headers += [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-credentials", b"true"),
                (b"vary", b"Origin"),
            ]
        return headers

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = read_headers(scope)
        path: str = scope["path"]
        method: str = scope["method"]
        # Parsed once: admission (the launch token), IPC, events and the preload all read it.
        query = parse_query(scope.get("query_string", b""))
        reserved = reserved_prefix(path)
        is_ipc = reserved == IPC_PREFIX
        mount = self.host.schemes.resolve(path) if reserved is None else None
        base = self._base_headers(headers)
        admission = self.gatekeeper.admit(
            headers,
            port=_server_port(scope),
            method=method,
            is_ipc=is_ipc,
            launch_token=last_value(query, LAUNCH_PARAMETER),
            authenticate=mount.authenticate if mount is not None else None,
            is_resource=mount is None and not is_ipc and path != _EVENTS_PATH,
        )
        if not isinstance(admission, Admitted):
            if isinstance(admission, CorsPreflight):
                await self._preflight(send, base)
            elif isinstance(admission, LaunchRedirect):
                await self._launch(scope, send, query, base, admission.session)
            elif admission.reason is RefusalReason.LAUNCH_TOKEN:
                await self._refuse_page(send, admission.error, base)
            else:
                # A foreign caller gets none of the app's headers (no CORS grant).
                answer_base = [] if admission.reason is RefusalReason.FOREIGN else base
                await self._refuse(scope, send, headers, query, admission, answer_base, is_ipc)
            return
        if is_ipc:
            await self._ipc(scope, receive, send, headers, query, base)
        elif reserved is not None:
            if path == _EVENTS_PATH:
                await self._events(scope, receive, send, query, base)
            elif path.startswith(PROTOCOL_PREFIX):
                await self._protocol(send, headers, path, base)
            else:
                await self._module(send, headers, method, path, base)
        elif mount is not None:
            await self._mount(mount, scope, receive, send, base)
        elif method not in ("GET", "HEAD"):
            await self._not_allowed(send, base, "GET, HEAD")
        else:
            transform, html_headers = self._html_handling(headers, query)
            await self.resources.serve(
                send,
                headers,
                method=method,
                url_path=path,
                query_string=scope.get("query_string", b""),
                headers=base,
                html_headers=html_headers,
                transform_html=transform,
                zero_copy=ZERO_COPY_SEND in scope.get("extensions", {}),
            )

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        headers: Mapping[str, str],
        query: list[tuple[str, str]],
        refusal: Refused,
        base: HeaderList,
        is_ipc: bool,
    ) -> None:
        """Answer a refusal: an envelope for IPC (the page's ``oro:ipc`` rehydrates it), a
        short plain page otherwise."""
        if not is_ipc:
            await self._refuse_page(send, refusal.error, base)
            return
        source, request_id = http_identity(scope["path"], query, headers.get(IPC_URI_HEADER))
        wire = error_reply(refusal.error, source=source, request_id=request_id)
        await self._send_wire(send, base, wire)

    async def _refuse_page(self, send: Send, error: IPCError, base: HeaderList) -> None:
        body = f"{error.status} {error.error_type}: {error.message}\n".encode()
        await send_response(send, error.status, body, base, media_type=_TEXT)

    async def _preflight(self, send: Send, base: HeaderList) -> None:
        headers = [
            *base,
            (b"access-control-allow-methods", b"GET, POST, PUT, DELETE"),
            (b"access-control-allow-headers", _CORS_ALLOWED_HEADERS.encode()),
            (b"access-control-max-age", b"600"),
        ]
        await send_response(send, 204, b"", headers)

    async def _launch(
        self,
        scope: Scope,
        send: Send,
        query: list[tuple[str, str]],
        base: HeaderList,
        session: str | None,
    ) -> None:
        """Set the session cookie the launch token was traded for (if the browser had none),
        and send the browser to the same URL without the token, so that it never sits in
        history or a reload."""
        raw_path = scope.get("raw_path") or quote(scope["path"]).encode()
        remaining = [(name, value) for name, value in query if name != LAUNCH_PARAMETER]
        location = raw_path.decode("latin-1") + (f"?{urlencode(remaining)}" if remaining else "")
        redirect = [
            *base,
            (b"location", location.encode("latin-1")),
            (b"cache-control", b"no-store"),
        ]
        if session is not None:
            redirect.append((b"set-cookie", self.gatekeeper.session_cookie(session).encode()))
        await send_response(send, 303, b"", redirect)

    async def _not_allowed(self, send: Send, base: HeaderList, allow: str) -> None:
        await send_response(
            send,
            405,
            b"405 Method Not Allowed\n",
            [*base, (b"allow", allow.encode())],
            media_type=_TEXT,
        )

    # ---------------------------------------------------------------------------------------
    # IPC
    # ---------------------------------------------------------------------------------------

    async def _ipc(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: Mapping[str, str],
        query: list[tuple[str, str]],
        base: HeaderList,
    ) -> None:
        base = [*base, (b"cache-control", b"no-store")]
        method: str = scope["method"]
        try:
            route, pairs = http_target(scope["path"], query, headers.get(IPC_URI_HEADER))
        except IPCError as error:
            request_id = request_id_of(query)
            await self._send_wire(
                send, base, error_reply(error, source="ipc", request_id=request_id)
            )
            return
        if method not in IPC_METHODS:
            unsupported = NotSupportedError(
                f"Method {method} is not supported for IPC: use GET, POST, PUT or DELETE"
            )
            wire = error_reply(unsupported, source=route, request_id=request_id_of(pairs))
            allow = (b"allow", b"GET, POST, PUT, DELETE")
            await send_response(send, 405, wire.body, [*base, allow], media_type=wire.media_type)
            return
        try:
            body = await self._read_body(receive, headers)
        except ClientGoneError:
            return
        except OutOfRangeError as error:
            request_id = request_id_of(pairs)
            await self._answer_too_large(
                receive, send, base, error_reply(error, source=route, request_id=request_id)
            )
            return
        request = Request(
            host=self.host,
            headers={
                name: value
                for name, value in headers.items()
                if name not in _HANDLER_HIDDEN_HEADERS
            },
            **request_fields(
                route,
                pairs,
                reserved=QUERY_RESERVED,
                transport="http",
                body=body,
                window=window_index(headers.get(_WINDOW_HEADER)),
            ),
        )
        async with cancelled_on_disconnect(receive, send, request) as send:
            reply = await self.host.router.dispatch(request)
            await self._send_reply(send, base, reply)

    async def _read_body(self, receive: Receive, headers: Mapping[str, str]) -> bytes:
        """The whole request body, refused as soon as it is known to exceed the cap: by its
        ``Content-Length`` before reading anything, or by counting a chunked body."""
        limit = self.max_body_bytes
        check_declared_size(headers.get("content-length"), limit)
        return await receive_body(receive, lambda total: check_body_size(total, limit))

    async def _answer_too_large(
        self, receive: Receive, send: Send, base: HeaderList, wire: WireReply
    ) -> None:
        await start_response(
            send,
            wire.status,
            [
                *base,
                (b"content-type", wire.media_type.encode()),
                (b"content-length", str(len(wire.body)).encode()),
            ],
        )
        await send({"type": "http.response.body", "body": wire.body, "more_body": True})
        discarded = 0
        while discarded <= _DISCARD_LIMIT:
            message = await receive()
            if message["type"] != "http.request":
                break
            discarded += len(message.get("body", b""))
            if not message.get("more_body", False):
                break
        await send({"type": "http.response.body", "body": b""})

    async def _send_reply(self, send: Send, base: HeaderList, reply: Reply) -> None:
        await self._send_wire(send, base, wire_reply(reply))

    async def _send_wire(self, send: Send, base: HeaderList, wire: WireReply) -> None:
        if wire.stream is None:
            await send_response(send, wire.status, wire.body, base, media_type=wire.media_type)
            return
        await start_response(
            send, wire.status, [*base, (b"content-type", wire.media_type.encode())]
        )
        async with contextlib.aclosing(wire.chunks()) as chunks:
            async for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    # ---------------------------------------------------------------------------------------
    # Events, modules, mounts
    # ---------------------------------------------------------------------------------------

    async def _events(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        query: list[tuple[str, str]],
        base: HeaderList,
    ) -> None:
        if scope["method"] != "GET":
            await self._not_allowed(send, base, "GET")
            return
        window = window_index(last_value(query, "window"))
        headers = [*base, (b"content-type", b"text/event-stream"), (b"cache-control", b"no-store")]
        if window is not None:
            self._channels[window] = self._channels.get(window, 0) + 1
        try:
            async with (
                self.host.events.subscribe(window=window) as events,
                cancelled_on_disconnect(receive, send) as send,
            ):
                await start_response(send, 200, headers)
                # Subscribed before this first line is sent: a client that has read it receives
                # every event emitted afterwards.
                await send(
                    {"type": "http.response.body", "body": b": connected\n\n", "more_body": True}
                )
                async for event in events:
                    try:
                        encoded = encode_sse(
                            ServerSentEvent(event.data, event=event.name, id=str(event.id))
                        )
                    except (TypeError, ValueError):
                        logger.exception("event %r has data that is not JSON; not sent", event.name)
                        continue
                    await send({"type": "http.response.body", "body": encoded, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
        finally:
            if window is not None:
                self._channel_closed(window)

    async def _protocol(
        self, send: Send, headers: Mapping[str, str], path: str, base: HeaderList
    ) -> None:
        """A protocol-handler URL that no worker answered: its scheme's worker is not installed
        (or let the request through). A navigation gets a page that installs the worker and
        reloads, so that the first ``web+demo://`` link a user follows works; anything else gets
        NotFoundError, as the page has the worker's registration to wait for."""
        scheme = path[len(PROTOCOL_PREFIX) :].partition("/")[0]
        handlers = self.host.protocol_handlers
        handler = handlers.find(scheme)
        navigation = headers.get("sec-fetch-mode") == "navigate"
        if handler is None or not navigation:
            reason = (
                f"no protocol handler is registered for {scheme!r}"
                if handler is None
                else f"the worker of {scheme!r} did not answer this request"
            )
            error = NotFoundError(f"Cannot serve {path}: {reason}", scheme=scheme)
            await self._refuse_page(send, error, [*base, (b"cache-control", b"no-store")])
            return
        nonce = new_nonce()
        policy = (
            with_script_nonce(self.csp, nonce)
            if self.csp
            else f"script-src 'nonce-{nonce}'; worker-src 'self'"
        )
        settings = json.dumps({"script": handler.script, "scope": handler.scope})
        # The script element's text is JSON; "</" cannot end it early once escaped.
        settings = settings.replace("</", "<\\/")
        page = _PROTOCOL_PAGE.format(
            title=html.escape(scheme), nonce=nonce, settings=settings
        ).encode()
        page_headers = [
            *base,
            (b"cache-control", b"no-store"),
            (b"content-security-policy", policy.encode("latin-1")),
        ]
        await send_response(send, 200, page, page_headers, media_type="text/html; charset=utf-8")

    def _channel_closed(self, window: int) -> None:
        remaining = self._channels.pop(window) - 1
        if remaining:
            self._channels[window] = remaining
        else:
            self.host.hooks.page_closed(self.host, window)

    async def _module(
        self, send: Send, headers: Mapping[str, str], method: str, path: str, base: HeaderList
    ) -> None:
        if method not in ("GET", "HEAD"):
            await self._not_allowed(send, base, "GET, HEAD")
            return
        try:
            found = await anyio.to_thread.run_sync(self._locate_module, path)
        except ForbiddenPathError:
            await send_response(send, 403, b"Forbidden path\n", base, media_type=_TEXT)
            return
        if found is None:
            await send_response(send, 404, b"Not found\n", base, media_type=_TEXT)
            return
        cached = [*base, (b"cache-control", self.resources.cache_control.encode())]
        await send_file(
            send,
            headers,
            found,
            method=method,
            media_type=media_type_of(found.path.name),
            headers=cached,
        )

    def _locate_module(self, path: str) -> FileInfo | None:
        """A registered module by its URL, or a file beside one (``/oro/vendor/events.js``) so
        that modules can import their own files by relative URL. Blocking."""
        registered = self._modules.get(path)
        if registered is not None:
            return stat_file(registered)
        relative = path.removeprefix("/oro/")
        if not relative.endswith(_MODULE_SIBLING_SUFFIXES) or "node_modules" in relative.split("/"):
            return None
        for root in self._module_roots:
            candidate = join_url_path(root, relative)
            if candidate is None:
                return None
            resolved = candidate.resolve()
            if resolved.is_relative_to(root):
                found = stat_file(resolved)
                if found is not None:
                    return found
        return None

    async def _mount(
        self, mount: Mount, scope: Scope, receive: Receive, send: Send, base: HeaderList
    ) -> None:
        if mount.permission is not None and not self.host.is_permission_allowed(mount.permission):
            refusal = NotAllowedError(
                f"Runtime permission is disabled for '{mount.permission}'",
                permission=mount.permission,
            )
            await self._refuse_page(send, refusal, base)
            return
        await mount.app(_mounted_scope(scope, mount.prefix), receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """WebSockets reach mounted apps only, after the same admission as HTTP."""
        headers = read_headers(scope)
        path: str = scope["path"]
        mount = self.host.schemes.resolve(path) if reserved_prefix(path) is None else None
        if mount is not None:
            admission = self.gatekeeper.admit(
                headers, port=_server_port(scope), authenticate=mount.authenticate
            )
            if not isinstance(admission, Admitted) or (
                mount.permission is not None
                and not self.host.is_permission_allowed(mount.permission)
            ):
                mount = None
        if mount is None:
            await receive()
            # Closing before accepting makes the server answer the handshake with 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        await mount.app(_mounted_scope(scope, mount.prefix), receive, send)

    # ---------------------------------------------------------------------------------------
    # HTML pages
    # ---------------------------------------------------------------------------------------

    def _html_handling(
        self, headers: Mapping[str, str], query: list[tuple[str, str]]
    ) -> tuple[HtmlTransform | None, HeaderList]:
        """The preload transform (``None`` when the request opts out) and the headers of HTML
        pages: the CSP (with the preload's nonce), framing limited to the app itself, and
        ``Vary`` because the opt-out header changes the body."""
        html_headers: HeaderList = [
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"vary", b"runtime-preload-injection"),
        ]
        disabled = is_preload_disabled(headers)
        nonce = None if disabled or not self.csp else new_nonce()
        if self.csp:
            policy = self.csp if nonce is None else with_script_nonce(self.csp, nonce)
            html_headers.append((b"content-security-policy", policy.encode("latin-1")))
        if disabled:
            return None, html_headers
        index = window_index(last_value(query, "index"))
        if index is None:
            index = window_index(headers.get(_WINDOW_HEADER)) or 0
        origin = f"http://{headers['host']}"

        def transform(page: bytes) -> bytes:
            extra = dict(self._preload_args(index)) if self._preload_args is not None else {}
            extra.update(self.host.hooks.page_args(self.host, window=index, origin=origin))
            args = page_args(self.host.config, index=index, origin=origin, extra=extra)
            text = page.decode("utf-8", "surrogateescape")
            injected = inject_preload(
                text,
                args=args,
                imports=self.imports,
                nonce=nonce,
                preload_modules=self.preload_modules,
            )
            return injected.encode("utf-8", "surrogateescape")

        return transform, html_headers


_PROTOCOL_PAGE: Final = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<script type="module" nonce="{nonce}">
const {{ script, scope }} = {settings}
const container = navigator.serviceWorker
const fail = (why) => {{ document.body.textContent = `404 NotFoundError: ${{why}}` }}
if (container.controller) {{
  // The worker had its chance and sent the navigation on: reloading again would loop.
  fail(`the worker at ${{script}} did not answer ${{location.pathname}}`)
}} else {{
  const registration = await container.register(script, {{ scope, type: 'module' }})
  const worker = registration.installing ?? registration.waiting ?? registration.active
  worker.addEventListener('statechange', () => {{
    if (worker.state === 'activated') location.reload()
    if (worker.state === 'redundant') fail(`the worker at ${{script}} failed to install`)
  }})
  if (worker.state === 'activated') location.reload()
}}
</script></body></html>
"""
"""Answer to a navigation to ``/oro/protocol/<scheme>/...`` before the scheme's worker exists:
install the worker, then load the same URL again, which the worker now serves."""


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


def _server_port(scope: Scope) -> int | None:
    """The port the connection arrived on; ``None`` without a server address (a Unix socket)."""
    server = scope.get("server")
    return int(server[1]) if server else None
