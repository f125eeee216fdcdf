"""The bridge: the ASGI application serving one app on its loopback origin.

Every request first passes the :class:`~oro_framework.host.security.Gatekeeper` (Host, Origin,
``Sec-Fetch-Site``, then the launch token, the session cookie or the HTTP IPC bridge key), then
goes by path:

=========================  ===================================================================
``/ipc/<route>``, ``/ipc``  IPC through the host's router (``X-IPC-URI`` names the route for
                            ``/ipc``); JSON envelope, raw bytes, SSE or a chunked body
``/oro/events``             server-sent events from ``host.events`` for ``?window=N``
``/oro/...``                the registered JS modules and the files beside them
mount prefixes              the ASGI apps plugins mounted with ``oro_register_schemes``
anything else               the app's resources, HTML with the preload injected
=========================  ===================================================================

Streams are written item by item as the handler produces them; ``send`` waits for the socket,
so a slow client slows the handler down instead of filling memory. A client that goes away
cancels the request (``request.cancel()``) and closes the handler's stream.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, TypeAlias, final
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import anyio

from oro_framework.envelope import (
    ByteStream,
    EventStream,
    Reply,
    ServerSentEvent,
    encode_error,
    encode_sse,
    stream_chunks,
)
from oro_framework.errors import (
    InvalidArgumentError,
    IPCError,
    NotAllowedError,
    NotSupportedError,
    OutOfRangeError,
    SecurityError,
)
from oro_framework.host.app import Host
from oro_framework.host.asgi import (
    HeaderList,
    Receive,
    Scope,
    Send,
    cancelled_on_disconnect,
    read_headers,
    send_response,
    start_response,
)
from oro_framework.host.preload import (
    build_import_map,
    inject_preload,
    is_preload_disabled,
    new_nonce,
    page_args,
    with_script_nonce,
)
from oro_framework.host.resources import (
    FileInfo,
    ForbiddenPathError,
    HtmlTransform,
    Resources,
    join_url_path,
    media_type_of,
    send_file,
    stat_file,
)
from oro_framework.host.schemes import Mount
from oro_framework.host.security import (
    BRIDGE_KEY_HEADER,
    LAUNCH_PARAMETER,
    Gatekeeper,
)
from oro_framework.request import Request, decode_query

__all__ = ["Bridge", "PreloadArgs", "decode_query"]

logger = logging.getLogger("oro_framework.bridge")

PreloadArgs: TypeAlias = Callable[[int], Mapping[str, Any]]
"""Given a window index, extra ``__args`` entries for pages of that window (``windowCount``,
Conduit details...)."""

IPC_METHODS: Final = frozenset({"GET", "POST", "PUT", "DELETE"})
_WINDOW_HEADER: Final = "x-ipc-window-index"
_IPC_URI_HEADER: Final = "x-ipc-uri"
# A client that sends a too-large body usually reads the answer only once it has sent it all;
# the 413 is therefore followed by discarding up to this much, so that it arrives, rather than
# a connection reset. Beyond it the connection is dropped.
_DISCARD_LIMIT: Final = 1024 * 1024
_MODULE_SIBLING_SUFFIXES: Final = (".js", ".mjs", ".cjs", ".map", ".json", ".ts", ".wasm", ".css")
_HANDLER_HIDDEN_HEADERS: Final = frozenset({"cookie", BRIDGE_KEY_HEADER})
_CORS_ALLOWED_HEADERS: Final = (
    "content-type, x-ipc-uri, x-ipc-window-index, x-oro-auth, runtime-preload-injection"
)
_JSON: Final = "application/json"
_TEXT: Final = "text/plain; charset=utf-8"


class _ClientGoneError(Exception):
    """The client disconnected while its request body was being read."""


def _parse_query(query_string: bytes | str) -> list[tuple[str, str]]:
    text = (
        query_string.decode("utf-8", "replace") if isinstance(query_string, bytes) else query_string
    )
    return parse_qsl(text, keep_blank_values=True)


def _last(pairs: list[tuple[str, str]], name: str) -> str | None:
    found = None
    for key, value in pairs:
        if key == name:
            found = value
    return found


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


def _window_index(*candidates: str | None) -> int | None:
    for text in candidates:
        if text is not None and text.strip().isascii() and text.strip().isdigit():
            return int(text)
    return None


@final
class Bridge:
    """The ASGI 3 application of one app.

    :param host: the app's host; it must be running for its services to be reachable.
    :param launch_token: this run's launch token
        (see :class:`~oro_framework.host.server.ServerInfo`).
    :param preload_args: extra ``__args`` entries per window index.
    """

    def __init__(
        self, host: Host, *, launch_token: str, preload_args: PreloadArgs | None = None
    ) -> None:
        config = host.config
        self.host = host
        self.gatekeeper = Gatekeeper(
            launch_token=launch_token,
            bridge_key=config["http.ipc.shared_key"] if config["http.ipc.enable"] else None,
            cors_origins=config["webview.cors_allowed_origins"],
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
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    # ---------------------------------------------------------------------------------------
    # Admission
    # ---------------------------------------------------------------------------------------

    def _check_origin(self, scope: Scope, headers: Mapping[str, str]) -> None:
        server = scope.get("server")
        if not server:
            raise SecurityError("Request without a server address refused")
        self.gatekeeper.check_host(headers.get("host"), int(server[1]))
        self.gatekeeper.check_origin(headers.get("origin"), headers["host"])
        self.gatekeeper.check_fetch_site(headers.get("sec-fetch-site"), headers.get("origin"))

    def _base_headers(self, request_headers: Mapping[str, str]) -> HeaderList:
        headers: HeaderList = [(b"x-content-type-options", b"nosniff")]
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
        is_ipc = path == "/ipc" or path.startswith("/ipc/")
        base = self._base_headers(headers)
        try:
            self._check_origin(scope, headers)
        except SecurityError as error:
            await self._refuse(scope, send, headers, error, is_ipc=is_ipc, base=[])
            return
        if method == "OPTIONS" and self.gatekeeper.is_cors_origin(headers.get("origin")):
            await self._preflight(send, base)
            return
        query = _parse_query(scope.get("query_string", b""))
        if method in ("GET", "HEAD") and any(name == LAUNCH_PARAMETER for name, _ in query):
            await self._launch(scope, send, headers, query, base)
            return
        try:
            self.gatekeeper.authorize(headers, is_ipc=is_ipc)
        except SecurityError as error:
            if not self._mount_accepts(path, headers):
                await self._refuse(scope, send, headers, error, is_ipc=is_ipc, base=base)
                return
        if is_ipc:
            await self._ipc(scope, receive, send, headers, query, base)
        elif path == "/oro/events":
            await self._events(scope, receive, send, query, base)
        elif path == "/oro" or path.startswith("/oro/"):
            await self._module(send, headers, method, path, base)
        elif (mount := self.host.schemes.resolve(path)) is not None:
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
            )

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        headers: Mapping[str, str],
        error: IPCError,
        *,
        is_ipc: bool,
        base: HeaderList,
    ) -> None:
        """Answer a refusal: an envelope for IPC (the page's ``oro:ipc`` rehydrates it), a
        short plain page otherwise."""
        if is_ipc:
            source, request_id = self._describe_ipc(scope, headers)
            payload = encode_error(source, request_id, error)
            await send_response(send, error.status, payload, base, media_type=_JSON)
        else:
            body = f"{error.status} {error.error_type}: {error.message}\n".encode()
            await send_response(send, error.status, body, base, media_type=_TEXT)

    def _describe_ipc(self, scope: Scope, headers: Mapping[str, str]) -> tuple[str, str]:
        """Best-effort ``(source, id)`` for an envelope answered before the request is parsed."""
        try:
            route, pairs = self._ipc_target(scope, headers)
        except IPCError:
            return "ipc", "0"
        return route, _last(pairs, "seq") or "0"

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
        headers: Mapping[str, str],
        query: list[tuple[str, str]],
        base: HeaderList,
    ) -> None:
        """Trade the launch token for the session cookie, then send the browser to the same URL
        without the token, so that it never sits in history or a reload."""
        raw_path = scope.get("raw_path") or quote(scope["path"]).encode()
        remaining = [(name, value) for name, value in query if name != LAUNCH_PARAMETER]
        location = raw_path.decode("latin-1") + (f"?{urlencode(remaining)}" if remaining else "")
        redirect = [
            *base,
            (b"location", location.encode("latin-1")),
            (b"cache-control", b"no-store"),
        ]
        if self.gatekeeper.has_session(headers.get("cookie")):
            # A bookmarked launch URL opened by a browser that already has its session.
            await send_response(send, 303, b"", redirect)
            return
        try:
            session = self.gatekeeper.redeem(_last(query, LAUNCH_PARAMETER) or "")
        except SecurityError as error:
            await self._refuse(scope, send, headers, error, is_ipc=False, base=base)
            return
        cookie = (b"set-cookie", Gatekeeper.session_cookie(session).encode())
        await send_response(send, 303, b"", [*redirect, cookie])

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

    def _ipc_target(
        self, scope: Scope, headers: Mapping[str, str]
    ) -> tuple[str, list[tuple[str, str]]]:
        """The route and the raw query pairs of an IPC request: from the path, or from
        ``X-IPC-URI`` for ``/ipc`` (the URL's own query then adds to the URI's)."""
        path: str = scope["path"]
        pairs = _parse_query(scope.get("query_string", b""))
        if path not in ("/ipc", "/ipc/"):
            return path.removeprefix("/ipc/"), pairs
        uri = headers.get(_IPC_URI_HEADER)
        if uri is None:
            raise InvalidArgumentError(
                "Expecting an X-IPC-URI header (ipc://<route>?<params>) for /ipc",
                code="ERR_MISSING_ARGS",
                parameter="X-IPC-URI",
            )
        parts = urlsplit(uri)
        if parts.scheme != "ipc":
            raise InvalidArgumentError.invalid("X-IPC-URI", "an ipc://<route>?<params> URI")
        return unquote(parts.netloc + parts.path).strip("/"), _parse_query(parts.query) + pairs

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
            route, pairs = self._ipc_target(scope, headers)
        except IPCError as error:
            await self._answer_error(send, base, "ipc", _last(query, "seq") or "0", error)
            return
        request_id = _last(pairs, "seq") or "0"
        if method not in IPC_METHODS:
            unsupported = NotSupportedError(
                f"Method {method} is not supported for IPC: use GET, POST, PUT or DELETE"
            )
            payload = encode_error(route, request_id, unsupported)
            allow = (b"allow", b"GET, POST, PUT, DELETE")
            await send_response(send, 405, payload, [*base, allow], media_type=_JSON)
            return
        try:
            body = await self._read_body(receive, headers)
        except _ClientGoneError:
            return
        except OutOfRangeError as error:
            await self._answer_too_large(receive, send, base, route, request_id, error)
            return
        request = Request(
            route,
            host=self.host,
            params=decode_query([(name, value) for name, value in pairs if name != "seq"]),
            body=body,
            headers={
                name: value
                for name, value in headers.items()
                if name not in _HANDLER_HIDDEN_HEADERS
            },
            window=_window_index(headers.get(_WINDOW_HEADER), _last(pairs, "index")),
            transport="http",
            id=request_id,
        )
        async with cancelled_on_disconnect(receive, send, request) as send:
            reply = await self.host.router.dispatch(request)
            await self._send_reply(send, base, reply)

    async def _read_body(self, receive: Receive, headers: Mapping[str, str]) -> bytes:
        """The whole request body, refused as soon as it is known to exceed the cap: by its
        ``Content-Length`` before reading anything, or by counting a chunked body."""
        limit = self.max_body_bytes
        too_large = OutOfRangeError(
            f"Request body exceeds ipc.max_body_bytes ({limit} bytes)", limit=limit
        )
        declared = headers.get("content-length", "").strip()
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGoneError
            chunk: bytes = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _answer_too_large(
        self,
        receive: Receive,
        send: Send,
        base: HeaderList,
        route: str,
        request_id: str,
        error: OutOfRangeError,
    ) -> None:
        payload = encode_error(route, request_id, error)
        await start_response(
            send,
            error.status,
            [
                *base,
                (b"content-type", _JSON.encode()),
                (b"content-length", str(len(payload)).encode()),
            ],
        )
        await send({"type": "http.response.body", "body": payload, "more_body": True})
        discarded = 0
        while discarded <= _DISCARD_LIMIT:
            message = await receive()
            if message["type"] != "http.request":
                break
            discarded += len(message.get("body", b""))
            if not message.get("more_body", False):
                break
        await send({"type": "http.response.body", "body": b""})

    async def _answer_error(
        self, send: Send, base: HeaderList, source: str, request_id: str, error: IPCError
    ) -> None:
        payload = encode_error(source, request_id, error)
        await send_response(send, error.status, payload, base, media_type=_JSON)

    async def _send_reply(self, send: Send, base: HeaderList, reply: Reply) -> None:
        if reply.stream is not None:
            await self._send_stream(send, base, reply.stream)
        elif reply.body is not None:
            await send_response(send, 200, reply.body, base, media_type="application/octet-stream")
        else:
            await send_response(send, reply.status, reply.payload, base, media_type=_JSON)

    async def _send_stream(
        self, send: Send, base: HeaderList, stream: EventStream | ByteStream
    ) -> None:
        media_type = "text/event-stream" if isinstance(stream, EventStream) else stream.media_type
        await start_response(send, 200, [*base, (b"content-type", media_type.encode())])
        async with contextlib.aclosing(stream_chunks(stream)) as chunks:
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
        window = _window_index(_last(query, "window"))
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

    def _mount_accepts(self, path: str, headers: Mapping[str, str]) -> bool:
        """Whether the app mounted at ``path`` accepts the request's own credential (an API
        key) in place of the session; never for ``/ipc`` and ``/oro``."""
        if path == "/ipc" or path.startswith(("/ipc/", "/oro")):
            return False
        mount = self.host.schemes.resolve(path)
        return mount is not None and mount.authenticate is not None and mount.authenticate(headers)

    async def _mount(
        self, mount: Mount, scope: Scope, receive: Receive, send: Send, base: HeaderList
    ) -> None:
        if mount.permission is not None and not self.host.is_permission_allowed(mount.permission):
            refusal = NotAllowedError(
                f"Runtime permission is disabled for '{mount.permission}'",
                permission=mount.permission,
            )
            await self._refuse(scope, send, {}, refusal, is_ipc=False, base=base)
            return
        await mount.app(_mounted_scope(scope, mount.prefix), receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """WebSockets reach mounted apps only, after the same checks as HTTP."""
        headers = read_headers(scope)
        mount = self.host.schemes.resolve(scope["path"])
        try:
            self._check_origin(scope, headers)
            if not self._mount_accepts(scope["path"], headers):
                self.gatekeeper.authorize(headers, is_ipc=False)
        except SecurityError:
            mount = None
        if mount is None or (
            mount.permission is not None and not self.host.is_permission_allowed(mount.permission)
        ):
            await receive()
            # Closing before accepting makes the server answer the handshake with 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        await mount.app(_mounted_scope(scope, mount.prefix), receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        # Mounted apps do not get lifespan events: plugins start what they need as services.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

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
        index = _window_index(_last(query, "index"), headers.get(_WINDOW_HEADER)) or 0
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
