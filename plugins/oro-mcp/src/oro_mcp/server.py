"""The MCP endpoint: MCP's Streamable HTTP transport (specification 2025-06-18,
basic/transports) on a listener of its own, answering each POSTed JSON-RPC message with JSON.

What it serves is every window's registered tools and resources (:mod:`.protocol`); what it
refuses, before any page is asked:

- a ``Host`` header that is not the loopback address it listens on (DNS rebinding: a web page
  whose name was made to resolve to 127.0.0.1 sends its own name), and any ``Origin`` (the
  transport's "Security Warning": servers must check ``Origin``; only browsers send one);
- without ``Authorization: Bearer <token>`` when startServer() was given a token;
- what the page's authorization handler refuses (setAuthorizationHandler);
- a body over the request limit (413) and a request that does not arrive whole in
  :data:`REQUEST_SECONDS` (the connection is closed).

No server-to-client stream: a GET is answered 405, which the transport allows; the server never
sends requests or notifications of its own (it declares no ``listChanged``/``subscribe``).
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any, Final, final
from urllib.parse import parse_qsl, urlsplit

import anyio
import h11
from anyio.abc import SocketAttribute

from oro_mcp import protocol
from oro_mcp.state import AUTHORIZE_EVENT, McpState

if TYPE_CHECKING:
    from anyio.abc import ByteStream, Listener, SocketStream

__all__ = ["MAX_CONNECTIONS", "REQUEST_SECONDS", "McpServer", "ServerOptions"]

logger = logging.getLogger("oro_mcp.server")

REQUEST_SECONDS: Final = 30
"""How long a client has to send one whole request (headers and body): a client that stalls
holds a connection no longer than this."""
MAX_CONNECTIONS: Final = 256
"""Connections served at once; one more is closed as soon as it is accepted."""
_READ_BYTES: Final = 65_536
_LOOPBACK_NAMES: Final = ("127.0.0.1", "localhost", "[::1]")

Reply = tuple[int, list[tuple[str, str]], bytes]


@final
class ServerOptions:
    """What startServer() asked for, checked (:func:`.routes.start`)."""

    def __init__(
        self,
        *,
        endpoint: str,
        token: str,
        max_request_bytes: int,
        max_sessions: int,
        session_ttl: float,
        loopback: bool,
    ) -> None:
        self.endpoint = endpoint
        self.token = token
        self.max_request_bytes = max_request_bytes
        self.max_sessions = max_sessions
        self.session_ttl = session_ttl
        self.loopback = loopback


@final
class McpServer:
    """One running endpoint: its listener, its sessions, and the scope that stops it."""

    def __init__(
        self, state: McpState, listener: Listener[SocketStream], name: str, options: ServerOptions
    ) -> None:
        self.state = state
        self.listener = listener
        self.host_name = name
        self.port: int = listener.extra(SocketAttribute.local_port)
        self.options = options
        self.sessions: dict[str, float] = {}
        """Session id → when it was last used (``time.monotonic``)."""
        self._scope = anyio.CancelScope()
        self._connections = anyio.CapacityLimiter(MAX_CONNECTIONS)

    async def serve(self) -> None:
        """Accept connections until :meth:`stop`."""
        with self._scope:
            async with self.listener:
                await self.listener.serve(self._connection)

    def stop(self) -> None:
        """Stop accepting and drop every connection."""
        self._scope.cancel()

    async def _connection(self, stream: ByteStream) -> None:
        async with stream:
            try:
                self._connections.acquire_nowait()
            except anyio.WouldBlock:
                return  # closed at once: the client may try again
            try:
                await self._exchange(stream)
            finally:
                self._connections.release()

    async def _exchange(self, stream: ByteStream) -> None:
        """Answer the requests of one connection, one after the other."""
        connection = h11.Connection(h11.SERVER, max_incomplete_event_size=_READ_BYTES)
        while True:
            try:
                with anyio.fail_after(REQUEST_SECONDS):
                    request, body = await _receive(connection, stream, self.options)
            except (h11.RemoteProtocolError, _TooLarge, TimeoutError) as error:
                await _refuse(connection, stream, error)
                return
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                return
            if request is None:
                return
            try:
                status, headers, content = await self._reply(stream, request, body)
            except Exception:
                # One request's failure is its client's 500, never the endpoint's end.
                logger.exception("the MCP endpoint failed to answer a request")
                status, headers, content = _text(500, "internal error")
            if not await _send(connection, stream, status, headers, content):
                return
            if connection.our_state is not h11.DONE or connection.their_state is not h11.DONE:
                return
            connection.start_next_cycle()

    async def _reply(self, stream: ByteStream, request: h11.Request, body: bytes) -> Reply:
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in request.headers
        }
        target = urlsplit(request.target.decode("latin-1"))
        refusal = self._check(request.method, target.path, headers)
        if refusal is not None:
            return refusal
        refusal = await self._authorize(stream, request.method.decode(), target, headers, body)
        if refusal is not None:
            return refusal
        if request.method == b"DELETE":
            return self._end_session(headers)
        return await self._post(headers, body)

    def _check(self, method: bytes, path: str, headers: dict[str, str]) -> Reply | None:
        if path != self.options.endpoint:
            return _text(404, f"no MCP endpoint at {path}; it is {self.options.endpoint}")
        if self.options.loopback and headers.get("host") not in self._hosts():
            return _text(403, "the Host header must name the loopback address this server is on")
        if "origin" in headers:
            # Only a browser sends Origin, and MCP clients are programs: a web page, whatever
            # its origin (a local dev server's too), never reaches the page's tools.
            return _text(403, f"requests from a web page (origin {headers['origin']}) are refused")
        if self.options.token and not hmac.compare_digest(
            headers.get("authorization", "").encode(), f"Bearer {self.options.token}".encode()
        ):
            return (
                401,
                [("content-type", "text/plain"), ("www-authenticate", "Bearer")],
                b"a bearer token is required",
            )
        if method not in (b"POST", b"DELETE"):
            # No server-to-client stream (GET) and no CORS preflight (OPTIONS): a web page of
            # another origin cannot call the endpoint from a browser.
            return (405, [("content-type", "text/plain"), ("allow", "POST, DELETE")], b"")
        return None

    def _hosts(self) -> set[str]:
        return {f"{name}:{self.port}" for name in _LOOPBACK_NAMES}

    async def _authorize(
        self, stream: ByteStream, method: str, target: Any, headers: dict[str, str], body: bytes
    ) -> Reply | None:
        window = self.state.authorizer
        if window is None:
            return None
        remote = stream.extra(SocketAttribute.remote_address, ("", None))
        question: dict[str, Any] = {
            "method": method,
            "path": target.path,
            "remoteAddress": str(remote[0]),
            "remotePort": remote[1] if len(remote) > 1 else None,
            "headers": [{"name": name, "value": value} for name, value in headers.items()],
            "query": [{"name": k, "value": v} for k, v in parse_qsl(target.query)],
            "body": body.decode("utf-8", "replace"),
        }
        if "authorization" in headers:
            question["authorization"] = headers["authorization"]
        try:
            answer = await self.state.ask(window, AUTHORIZE_EVENT, question)
        except TimeoutError as error:
            return _text(401, str(error))
        decision: dict[str, Any] = answer.value if answer.error is None else {"allow": False}
        if decision.get("allow"):
            return None
        status = decision.get("status")
        code = status if isinstance(status, int) and 400 <= status <= 599 else 401
        return _text(code, str(decision.get("message") or "Unauthorized"))

    def _end_session(self, headers: dict[str, str]) -> Reply:
        if self.sessions.pop(headers.get("mcp-session-id", ""), None) is None:
            return _text(404, "no such MCP session")
        return (200, [], b"")

    async def _post(self, headers: dict[str, str], body: bytes) -> Reply:
        try:
            message = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            return _rpc(
                400, protocol.error_message(None, protocol.PARSE_ERROR, f"Parse error: {error}")
            )
        problem = _invalid(message)
        if problem is not None:
            return _rpc(400, protocol.error_message(None, protocol.INVALID_REQUEST, problem))
        if "method" not in message or "id" not in message:
            return (202, [], b"")  # a notification or a response: nothing to answer
        extra: list[tuple[str, str]] = []
        if message["method"] == "initialize":
            session = self._open_session()
            if session is None:
                text = f"too many MCP sessions (at most {self.options.max_sessions})"
                return _rpc(
                    503, protocol.error_message(message["id"], protocol.INTERNAL_ERROR, text)
                )
            extra.append(("mcp-session-id", session))
        else:
            session = headers.get("mcp-session-id", "")
            if not session:
                text = "Bad Request: the Mcp-Session-Id header is required after initialize"
                return _rpc(
                    400, protocol.error_message(message["id"], protocol.INVALID_REQUEST, text)
                )
            if session not in self.sessions:
                return _rpc(404, protocol.error_message(message["id"], -32001, "Session not found"))
            self.sessions[session] = time.monotonic()
        status, extra_headers, content = _rpc(
            200, await protocol.answer(self.state, session, message)
        )
        return status, extra_headers + extra, content

    def _open_session(self) -> str | None:
        now = time.monotonic()
        for session, used in list(self.sessions.items()):
            if now - used > self.options.session_ttl:
                del self.sessions[session]
        if len(self.sessions) >= self.options.max_sessions:
            return None
        session = secrets.token_urlsafe(24)
        self.sessions[session] = now
        return session


class _TooLarge(Exception):
    """A request body over the limit."""


def _invalid(message: Any) -> str | None:
    """Why ``message`` is no JSON-RPC 2.0 message this server takes, or ``None``."""
    if isinstance(message, list):
        return "Invalid Request: batches are not supported (MCP 2025-06-18)"
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return 'Invalid Request: expected a JSON-RPC object with "jsonrpc": "2.0"'
    if "method" in message and not isinstance(message["method"], str):
        return "Invalid Request: method must be a string"
    if "method" not in message and "result" not in message and "error" not in message:
        return "Invalid Request: neither a request, a notification nor a response"
    request_id = message.get("id")
    if "id" in message and (isinstance(request_id, bool) or not isinstance(request_id, str | int)):
        return "Invalid Request: id must be a string or an integer"
    return None


async def _receive(
    connection: h11.Connection, stream: ByteStream, options: ServerOptions
) -> tuple[h11.Request | None, bytes]:
    """The next request and its body, or ``(None, b"")`` when the client closed."""
    request: h11.Request | None = None
    body = bytearray()
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            data = await stream.receive(_READ_BYTES)
            connection.receive_data(data)
            continue
        if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return None, b""
        if isinstance(event, h11.Request):
            request = event
            length = dict(event.headers).get(b"content-length")
            if length is not None and int(length) > options.max_request_bytes:
                raise _TooLarge(int(length))
        elif isinstance(event, h11.Data):
            body += event.data
            if len(body) > options.max_request_bytes:
                raise _TooLarge(len(body))
        elif isinstance(event, h11.EndOfMessage):
            return request, bytes(body)


async def _refuse(connection: h11.Connection, stream: ByteStream, error: Exception) -> None:
    """Answer what could not be read, then close."""
    if isinstance(error, _TooLarge):
        reply = _text(413, f"the request body is over the limit ({error} bytes)")
    elif isinstance(error, TimeoutError):
        reply = _text(408, f"the request did not arrive within {REQUEST_SECONDS} s")
    else:
        reply = _text(400, f"malformed HTTP request: {error}")
    if connection.our_state in (h11.IDLE, h11.SEND_RESPONSE):
        await _send(connection, stream, *reply, close=True)


async def _send(
    connection: h11.Connection,
    stream: ByteStream,
    status: int,
    headers: list[tuple[str, str]],
    content: bytes,
    *,
    close: bool = False,
) -> bool:
    """Send one whole response; whether the client is still there."""
    fields = [*headers, ("content-length", str(len(content))), ("cache-control", "no-store")]
    if close:
        fields.append(("connection", "close"))
    try:
        events = [h11.Response(status_code=status, headers=fields), h11.Data(data=content)]
        await stream.send(
            b"".join(connection.send(event) or b"" for event in [*events, h11.EndOfMessage()])
        )
    except (anyio.BrokenResourceError, anyio.ClosedResourceError, h11.LocalProtocolError):
        return False
    return True


def _text(status: int, text: str) -> Reply:
    return status, [("content-type", "text/plain; charset=utf-8")], text.encode()


def _rpc(status: int, message: dict[str, Any]) -> Reply:
    return status, [("content-type", "application/json")], json.dumps(message).encode()
