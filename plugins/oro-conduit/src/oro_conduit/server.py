"""The Conduit server: WebSockets on 127.0.0.1 (oro-framework's wire core), admission, clients,
frames.

``ws://127.0.0.1:<port>/<id>/<clientId>?key=<key>``: ``id`` names the connection (a second
connection with the same ``id`` replaces the first, which is closed with code 4001);
``clientId`` is the page's window index for pages. Admission happens before the upgrade: a
missing or wrong key, or an ``Origin`` that is not the app's, is answered with HTTP 403.

Each frame a client sends is, by its options: ``route`` (an IPC request, :mod:`.dispatch`),
``to`` (relayed to the client with that id, with ``from`` added), ``cancel`` (cancel the request
with that ``seq``). A message that is not a frame closes that connection with 1007 and the reason.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
import secrets
from collections.abc import Mapping
from typing import Any, Final, final
from urllib.parse import parse_qsl, unquote, urlsplit

import anyio
import trio
from anyio.abc import SocketAttribute, SocketListener, TaskStatus
from anyio.streams.memory import MemoryObjectReceiveStream

from oro_conduit.bulk import BulkReplies
from oro_conduit.codec import FrameError, OptionValue, decode_frame, encode_frame
from oro_conduit.connection import Client, ClientInfo, FrameRate, Slots
from oro_conduit.dispatch import answer_error, check_digest, dispatch
from oro_conduit.outside import outside_window
from oro_conduit.permissions import CONDUIT
from oro_conduit.settings import ANY_ORIGIN, LOOPBACK, SOCKET_MIN_KEY, ConduitSettings
from oro_conduit.start_checks import key_at_start, new_key, warn_differences
from oro_framework import (
    AbortError,
    Event,
    Host,
    InvalidArgumentError,
    NotFoundError,
    WebSocketClosed,
    WebSocketHandshake,
    WireLimits,
    open_tcp_listeners,
    serve_websockets,
)
from oro_framework.exchange import WINDOW_CREDENTIAL_PARAMETER

__all__ = ["FALLBACK_EVENT", "ConduitServer"]

logger = logging.getLogger("oro_conduit")

FALLBACK_EVENT: Final = "conduitmessage"
"""The host event a push to a client that is not connected travels as (``oro:conduit``
delivers it to the ``Conduit`` with that id)."""

CLOSE_REPLACED: Final = 4001
CLOSE_UNSUPPORTED: Final = 1003
CLOSE_INVALID: Final = 1007
CLOSE_GOING_AWAY: Final = 1001
_ID: Final = re.compile(r"[A-Za-z0-9._~\-]{1,128}")
_MAX_REASON_BYTES: Final = 120
_CLOSE_TIMEOUT: Final = 0.5
_JOIN_TIMEOUT: Final = 2.0
"""Seconds a frame for a client still being admitted waits for it before it becomes the
fallback event: bounded, as a handshake may never finish."""


RECEIVE_BUFFER_BYTES: Final = 256 * 1024
"""Bytes read from a client's socket at once. 4 KiB (trio-websocket's default, which served
the Conduit before) made a 256 KiB request body 64 reads, each a trip through wsproto and the
scheduler: bulk bodies moved at a third of fetch's speed."""
HANDSHAKE_TIMEOUT: Final = 10
# h11's default, which bounded the Conduit's handshake before: its URL is short.
_MAX_HEADER_BYTES: Final = 16 * 1024


def limits_of(settings: ConduitSettings) -> WireLimits:
    """The wire core's limits for the Conduit's connections."""
    return WireLimits(
        max_header_bytes=_MAX_HEADER_BYTES,
        idle_timeout=HANDSHAKE_TIMEOUT,
        receive_bytes=RECEIVE_BUFFER_BYTES,
        max_message_bytes=settings.max_message_bytes,
        max_queued_bytes=settings.max_queued_bytes,
        close_timeout=_CLOSE_TIMEOUT,
    )


def _reason(text: str) -> str:
    """A close reason fits in 123 bytes of UTF-8."""
    return text.encode()[:_MAX_REASON_BYTES].decode("utf-8", "ignore")


@final
class ConduitServer:
    """The Conduit of one host. :meth:`run` is its service; :meth:`enable`/:meth:`disable`
    (the ``internal.conduit.start|stop`` routes) open and close the listener while it runs."""

    def __init__(self, host: Host, settings: ConduitSettings) -> None:
        self.host = host
        self.settings = settings
        self.key = key_at_start(settings.shared_key)
        self.any_origin = ANY_ORIGIN in settings.allow_origins
        self.listed = frozenset(o.lower() for o in settings.allow_origins if o != ANY_ORIGIN)
        """The origins ``conduit.allow_origins`` names (lower case)."""
        self.page_origins: set[str] = set()
        """Origins the app's pages were served from (``oro_page_args`` records them)."""
        self.origins: set[str] = set(self.listed)
        """Both: a handshake with another ``Origin`` is refused (unless ``"*"``)."""
        warn_differences(settings, self.any_origin, host.environ)
        self.port: int | None = None
        self.clients: dict[str, Client] = {}
        # Admitted clients whose handshake is being answered, by id: the page sees its socket
        # open as the answer leaves, a moment before the client is in self.clients.
        self._joining: dict[str, anyio.Event] = {}
        self.last_window: dict[str, int | None] = {}
        self._enabled = anyio.Event()
        self._enabled.set()
        self._listener_scope: anyio.CancelScope | None = None
        self._pending: dict[tuple[str, str], trio.CancelScope] = {}
        self._changed = anyio.Event()
        self.bulk = BulkReplies()
        """Reply bodies handed over to fetch, waiting for ``internal.conduit.take``."""

    # ---------------------------------------------------------------------------------------
    # Service
    # ---------------------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        return self._is_listening

    _is_listening = False

    def _set_listening(self, value: bool) -> None:
        self._is_listening = value
        self._changed.set()
        self._changed = anyio.Event()

    async def wait_changed(self) -> None:
        """Return once the server starts or stops listening."""
        await self._changed.wait()

    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Serve until cancelled; reports started once listening (or disabled)."""
        started = False
        try:
            while True:
                if not self._enabled.is_set():
                    if not started:
                        started = True
                        task_status.started()
                    await self._enabled.wait()
                with anyio.CancelScope() as scope:
                    self._listener_scope = scope
                    async with anyio.create_task_group() as task_group:
                        await task_group.start(self._serve)
                        self._set_listening(True)
                        if not started:
                            started = True
                            task_status.started()
                        await anyio.sleep_forever()
                self._listener_scope = None
                self._set_listening(False)
        finally:
            self._listener_scope = None
            self._set_listening(False)

    async def _serve(self, *, task_status: TaskStatus[None]) -> None:
        listeners = await self._listen()
        self.port = listeners[0].extra(SocketAttribute.local_port)
        logger.info("Conduit listening on ws://%s:%d", LOOPBACK, self.port)
        await serve_websockets(
            listeners, self._handle, limits_of(self.settings), task_status=task_status
        )

    async def _listen(self) -> list[SocketListener]:
        """Bind the configured port, else the port of the previous run (pages keep their URL
        across pause/resume), else any free one."""
        ports = [self.settings.port] if self.settings.port else [self.port or 0, 0]
        for index, port in enumerate(ports):
            try:
                return await open_tcp_listeners(LOOPBACK, port)
            except OSError:
                if index == len(ports) - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def enable(self) -> None:
        self._enabled.set()

    async def disable(self) -> None:
        """Close every client (gracefully, see :meth:`_handle`) and the listener;
        :meth:`enable` opens them again."""
        # Replaced only when set: run() may already wait on the unset one, and a second stop
        # must not leave it waiting on an event that start() no longer sets.
        if self._enabled.is_set():
            self._enabled = anyio.Event()
        if self._listener_scope is not None:
            self._listener_scope.cancel()
        while self.is_active:
            await self.wait_changed()

    def set_key(self, key: str) -> None:
        """Use ``key`` for connections from now on (connected clients stay).

        :raises InvalidArgumentError: a key shorter than 8 characters (Socket's message and
            bound, routes.cc ``internal.conduit.setSharedKey``); empty: a new random key.
        """
        if key and len(key) < SOCKET_MIN_KEY:
            raise InvalidArgumentError(
                f"Invalid shared key length. Must be at least {SOCKET_MIN_KEY} bytes",
                parameter="sharedKey",
            )
        self.key = key or new_key()

    def page_args(self, origin: str) -> dict[str, Any] | None:
        """What a page served from ``origin`` needs to connect (``oro_page_args``), ``None``
        while the Conduit is not listening; from now on handshakes from ``origin`` pass."""
        self.origins.add(origin.lower())
        self.page_origins.add(origin.lower())
        if not self.is_active or self.port is None:
            return None
        # sharedKey: Socket's name of the key in __args.conduit (bridge.cc), which Socket's own
        # Conduit code and apps read.
        return {
            "conduit": {
                "hostname": LOOPBACK,
                "port": self.port,
                "key": self.key,
                "sharedKey": self.key,
            }
        }

    def status(self) -> dict[str, Any]:
        return {"port": self.port, "isActive": self.is_active, "sharedKey": self.key}

    def diagnostics(self, window: int | None = None) -> dict[str, Any]:
        """What the Conduit holds: for a page (``window``), its own window's clients only;
        for the host's tools (``None``), every client."""
        clients = [
            client
            for client in self.clients.values()
            if window is None or client.info.window == window
        ]
        ids = sorted(client.id for client in clients)
        return {
            "handles": {"count": len(ids), "ids": ids},
            "port": self.port,
            "isActive": self.is_active,
            "bulk": {"handedOver": self.bulk.handed_over, "waiting": len(self.bulk)},
            "clients": {
                client.id: {
                    "clientId": client.info.client_id,
                    "window": client.info.window,
                    "queuedBytes": client.queued_bytes,
                    "framesSent": client.frames_sent,
                    "framesReceived": client.frames_received,
                }
                for client in clients
            },
        }

    # ---------------------------------------------------------------------------------------
    # Push
    # ---------------------------------------------------------------------------------------

    async def send(
        self,
        client_id: str,
        options: Mapping[str, OptionValue],
        payload: bytes = b"",
        *,
        window: int | None = None,
    ) -> bool:
        """Send a frame to client ``client_id``; ``True`` if it went over its socket.

        When it is not connected the frame becomes the host event ``conduitmessage``
        (``{"id", "options", "payload"}``, payload in base64) for ``window`` (the page the
        client belongs to, when the caller knows it), else for the window it last connected
        from, else for every window, and this returns ``False``. Waits while the client is
        slower than the frames sent to it (backpressure).
        """
        encode_frame(options)  # invalid options fail here whichever way the frame goes
        client = await self._connected(client_id)
        if client is not None:
            with contextlib.suppress(WebSocketClosed):
                await client.send(options, payload)
                return True
        self.host.emit(
            FALLBACK_EVENT,
            {
                "id": client_id,
                "options": dict(options),
                "payload": base64.b64encode(payload).decode(),
            },
            window=window if window is not None else self.last_window.get(client_id),
        )
        return False

    async def _connected(self, client_id: str) -> Client | None:
        """Client ``client_id``, waiting (bounded) for one whose handshake is being answered:
        its page is told the socket is open as the answer leaves, and another page's client (a
        relay) or the host may send to it before its own task has registered it."""
        client = self.clients.get(client_id)
        joining = self._joining.get(client_id) if client is None else None
        if joining is not None:
            with anyio.move_on_after(_JOIN_TIMEOUT):
                await joining.wait()
            client = self.clients.get(client_id)
        return client

    # ---------------------------------------------------------------------------------------
    # Connections
    # ---------------------------------------------------------------------------------------

    async def _handle(self, request: WebSocketHandshake) -> None:
        info = await self._admit(request)
        if info is None:
            return
        async with contextlib.AsyncExitStack() as stack:
            # Subscribed before the handshake is accepted: an event emitted once the page saw
            # the socket open reaches it over the socket too (not only over its channel).
            events = (
                await stack.enter_async_context(
                    self.host.events.subscribe(window=info.window, page=True)
                )
                if info.wants_events
                else None
            )
            await self._serve_client(request, info, events)

    async def _serve_client(
        self,
        request: WebSocketHandshake,
        info: ClientInfo,
        events: MemoryObjectReceiveStream[Event] | None,
    ) -> None:
        joined = self._joining[info.id] = anyio.Event()
        try:
            socket = await request.accept()
        except WebSocketClosed:
            return  # the client left during the handshake
        finally:
            if self._joining.get(info.id) is joined:
                del self._joining[info.id]
            joined.set()
        client = Client(info, socket)
        logger.debug("client %s of window %s connected", info.id, info.window)
        previous = self.clients.get(info.id)
        self.clients[info.id] = client
        self.last_window[info.id] = info.window
        if previous is not None:
            # Bounded: a client that ignores the close handshake must not delay its successor.
            with anyio.move_on_after(2), contextlib.suppress(Exception):
                await previous.socket.aclose(
                    CLOSE_REPLACED, "replaced by a new connection with the same id"
                )
        try:
            # A trio nursery, not an anyio task group (trio used directly for speed, as listed
            # in docs/design.md): one task per request, and anyio's wrapper around each spawn
            # was a measurable part of a ping (docs/conduit.md).
            async with trio.open_nursery() as tasks:
                if events is not None:
                    tasks.start_soon(self._forward_events, client, events)
                await self._read(client, tasks)
                tasks.cancel_scope.cancel()
        finally:
            if self.clients.get(info.id) is client:
                del self.clients[info.id]
            logger.debug("client %s of window %s left", info.id, info.window)
            # Stopping (pause, internal.conduit.stop) cancels this handler after its requests
            # answered AbortError: 1001 then tells the page that every request still waiting
            # was never started (a no-op when the connection is already closed).
            with (
                anyio.CancelScope(shield=True),
                anyio.move_on_after(_CLOSE_TIMEOUT),
                contextlib.suppress(Exception),
            ):
                await client.socket.aclose(CLOSE_GOING_AWAY, "Conduit stopped")

    async def _admit(self, request: WebSocketHandshake) -> ClientInfo | None:
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in request.headers
        }
        target = urlsplit(request.path)
        segments = [unquote(part) for part in target.path.strip("/").split("/")]
        query = dict(parse_qsl(target.query, keep_blank_values=True))
        origin = headers.get("origin")
        refusal: tuple[int, str] | None = None
        if not secrets.compare_digest(query.get("key", "").encode(), self.key.encode()):
            refusal = (403, "missing or wrong Conduit key")
        elif not self._origin_allowed(origin):
            refusal = (403, "Origin is not the app's origin (conduit.allow_origins lists others)")
        elif len(segments) != 2 or not all(_ID.fullmatch(part) for part in segments):
            refusal = (404, "expected /<id>/<clientId> (letters, digits, . _ ~ -)")
        elif len(self.clients) >= self.settings.max_clients and segments[0] not in self.clients:
            refusal = (503, "too many Conduit clients")
        if refusal is not None:
            status, reason = refusal
            logger.info("Conduit handshake refused (%d): %s", status, reason)
            await request.reject(status, body=reason.encode() + b"\n")
            return None
        client_id = segments[1]
        # The window is what the page's credential proves, never the clientId it chose.
        window = self.host.windows.credentials.verify(query.get(WINDOW_CREDENTIAL_PARAMETER))
        # Not a page of the app (which cannot forge its Origin): a client outside it.
        outside = window is None and (origin is None or origin.lower() not in self.page_origins)
        if outside:
            window = outside_window(origin, self.listed, self.page_origins)
        wants_events = query.get("events", "") in ("1", "true")
        return ClientInfo(segments[0], client_id, window, wants_events, outside)

    def _origin_allowed(self, origin: str | None) -> bool:
        # A program without an Origin (a backend, a test client) needs only the key; a page
        # sends its own, which a page cannot forge.
        return origin is None or self.any_origin or origin.lower() in self.origins

    async def _read(self, client: Client, tasks: trio.Nursery) -> None:
        rate = FrameRate(self.settings.max_frames_per_second)
        slots = Slots(self.settings.max_pending_requests)
        while True:
            try:
                message = await client.socket.get_message()
            except WebSocketClosed:
                return
            await rate.take()
            client.frames_received += 1
            if isinstance(message, str):
                await self._close(client, CLOSE_UNSUPPORTED, "Conduit frames are binary messages")
                return
            try:
                frame = decode_frame(message)
            except FrameError as error:
                await self._close(client, CLOSE_INVALID, f"malformed frame: {error}")
                return
            options = frame.options
            if "route" in options:
                await slots.acquire()
                tasks.start_soon(self._run_request, client, options, frame.payload, slots)
            elif "to" in options:
                await self._relay(client, options, frame.payload)
            elif "ack" in options:
                credit = client.credits.get(options["ack"])
                size = options.get("bytes", "")
                if credit is not None and size.isdigit():
                    credit.acknowledge(int(size))
            elif "cancel" in options:
                scope = self._pending.get((client.id, options["cancel"]))
                if scope is not None:
                    scope.cancel()
            else:
                unknown = InvalidArgumentError(
                    "Conduit frame has neither 'route', 'to' nor 'cancel'",
                    code="ERR_INVALID_ARG_VALUE",
                )
                await self._answer(client, "conduit", options, unknown)

    async def _close(self, client: Client, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await client.socket.aclose(code, _reason(reason))

    async def _answer(
        self, client: Client, source: str, options: Mapping[str, str], error: Any
    ) -> None:
        with contextlib.suppress(WebSocketClosed):
            await answer_error(client, source, options, error)

    async def _run_request(
        self, client: Client, options: dict[str, str], payload: bytes, slots: Slots
    ) -> None:
        key = (client.id, options.get("seq", "0"))
        try:
            # trio's scope, like the nursery the request runs in: one per request.
            with trio.CancelScope() as scope:
                self._pending[key] = scope
                try:
                    with contextlib.suppress(WebSocketClosed):
                        await dispatch(
                            self.host,
                            client,
                            options,
                            payload,
                            self.settings.max_body_bytes,
                            # The page takes handed-over bodies with a `conduit` route.
                            self.bulk if self.host.is_permission_allowed(CONDUIT.name) else None,
                        )
                except trio.Cancelled:
                    if not scope.cancel_called:
                        await self._interrupted(client, options)
                    raise
        finally:
            if self._pending.get(key) is scope:
                del self._pending[key]
            slots.release()

    async def _interrupted(self, client: Client, options: Mapping[str, str]) -> None:
        """Answer a request the server is stopping under with AbortError, before the close
        frame: the page may then retry, over fetch, exactly the requests with no answer."""
        interrupted = AbortError("Request interrupted: the Conduit is stopping")
        with anyio.CancelScope(shield=True), anyio.move_on_after(_CLOSE_TIMEOUT):
            await self._answer(client, options.get("route", "conduit"), options, interrupted)

    async def _relay(self, client: Client, options: dict[str, str], payload: bytes) -> None:
        try:
            check_digest(options, payload)
        except InvalidArgumentError as error:
            await self._answer(client, "conduit.relay", options, error)
            return
        target = await self._connected(options["to"])
        if target is None:
            missing = NotFoundError(f"Conduit client '{options['to']}' is not connected")
            await self._answer(client, "conduit.relay", options, missing)
            return
        relayed: dict[str, OptionValue] = {k: v for k, v in options.items() if k != "to"}
        relayed["from"] = client.id
        # Waiting here (not in a task) holds the sender back to the receiver's pace.
        with contextlib.suppress(WebSocketClosed):
            await target.send_message(encode_frame(relayed, payload))

    async def _forward_events(
        self, client: Client, events: MemoryObjectReceiveStream[Event]
    ) -> None:
        """Host events for the client's window, also sent over its socket (the page drops the
        copy that arrives second, by event id)."""
        with events:
            async for event in events:
                try:
                    data = json.dumps(
                        event.data, ensure_ascii=False, allow_nan=False, separators=(",", ":")
                    ).encode()
                except (TypeError, ValueError):
                    continue
                options: dict[str, OptionValue] = {"event": event.name, "eventId": str(event.id)}
                try:
                    await client.send(options, data)
                except WebSocketClosed:
                    return
