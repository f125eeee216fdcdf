"""HTTP/1.1 for one server connection, without I/O: h11's parser and framing, plus what both of
our servers need on top of it (refusals, the WebSocket upgrade's checks and answer, and a
bound on what a pipelining client may make us buffer).

Every method takes bytes in or hands bytes out (as lists of pieces, never joined here: the
driver decides whether a copy is cheaper than a second write); reading and writing the socket
is :mod:`oro_framework.web.wire.connection`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any, Final, NamedTuple, final

import h11

from oro_framework.web.wire.limits import WireLimits

__all__ = [
    "ClientGoneError",
    "FileSpan",
    "HTTPProtocol",
    "Refusal",
    "is_websocket_upgrade",
    "reason_phrase",
    "subprotocols",
    "websocket_refusal",
]

Headers = Iterable[tuple[bytes, bytes]]

_REASONS: Final = {status.value: status.phrase.encode() for status in HTTPStatus}
_WEBSOCKET_VERSION: Final = b"13"


class ClientGoneError(Exception):
    """The client closed the connection, or it broke (also while its request body was read)."""


@final
class FileSpan:
    """Bytes of an open file, handed to h11 in place of data (h11 only counts them) and sent by
    the driver with ``sendfile``, from the page cache to the socket without a copy."""

    __slots__ = ("count", "fd", "offset")

    def __init__(self, fd: int, offset: int, count: int) -> None:
        self.fd, self.offset, self.count = fd, offset, count

    def __len__(self) -> int:
        return self.count


@final
class Refusal(NamedTuple):
    """Why a request cannot become a WebSocket: the status to answer and its extra headers."""

    status: int
    reason: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


def reason_phrase(status: int) -> bytes:
    """``b"Not Found"`` for 404; empty for a status HTTP does not name."""
    return _REASONS.get(status, b"")


def is_websocket_upgrade(request: h11.Request) -> bool:
    """Whether the client asks for a WebSocket (whether it asks correctly is
    :func:`websocket_refusal`'s question)."""
    for name, value in request.headers:
        if name == b"upgrade" and value.lower() == b"websocket":
            return True
    return False


def subprotocols(request: h11.Request) -> list[str]:
    """The subprotocols the client offers, in its order of preference."""
    offered: list[str] = []
    for name, value in request.headers:
        if name == b"sec-websocket-protocol":
            text = value.decode("latin-1")
            offered += [item.strip() for item in text.split(",") if item.strip()]
    return offered


def websocket_refusal(request: h11.Request) -> Refusal | None:
    """What is wrong with ``request`` as a WebSocket opening handshake (RFC 6455 4.2.1, the
    checks wsproto's own handshake makes), ``None`` if nothing is."""
    if request.method != b"GET":
        return Refusal(400, "a WebSocket handshake must be a GET")
    values: dict[bytes, bytes] = {}
    connection_tokens: list[bytes] = []
    for name, value in request.headers:
        if name == b"connection":
            connection_tokens += [token.strip().lower() for token in value.split(b",")]
        else:
            values.setdefault(name, value)
    if b"upgrade" not in connection_tokens:
        return Refusal(400, "missing header 'Connection: Upgrade'")
    if values.get(b"upgrade", b"").lower() != b"websocket":
        return Refusal(400, "missing header 'Upgrade: websocket'")
    version = values.get(b"sec-websocket-version")
    if version != _WEBSOCKET_VERSION:
        status = 426 if version else 400
        return Refusal(
            status, "WebSocket version 13 only", ((b"sec-websocket-version", _WEBSOCKET_VERSION),)
        )
    if not values.get(b"sec-websocket-key"):
        return Refusal(400, "missing header 'Sec-WebSocket-Key'")
    if values.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in values:
        return Refusal(400, "a WebSocket handshake has no body")
    return None


def _head_bytes(request: h11.Request) -> int:
    """The size of a request's head as sent (request line with its query, headers), give or
    take the whitespace h11 trimmed."""
    line = len(request.method) + len(request.target) + len(b"  HTTP/1.1\r\n")
    return line + sum(len(name) + len(value) + 4 for name, value in request.headers) + 2


@final
class HTTPProtocol:
    """The server side of one HTTP/1.1 connection.

    :ivar h11: the h11 state machine, for the states and events this class does not wrap.
    """

    __slots__ = ("_held", "_max_early_bytes", "_max_head_bytes", "early_bytes", "h11", "taken")

    def __init__(self, limits: WireLimits) -> None:
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=limits.max_header_bytes)
        # Bytes of the current request's body that the driver reads from the socket itself
        # (:meth:`take_body`), ``None`` while h11 reads the body; and what the driver read past
        # such a body, for the next request's parser.
        self.taken: int | None = None
        self._held: list[bytes] = []
        # h11 bounds only a head still incomplete: one that arrives whole in a read passes it.
        self._max_head_bytes = limits.max_header_bytes
        # Bytes of a next request that arrive while the current one is answered (a pipelining
        # client), counted so that such a client cannot make us buffer without end.
        self.early_bytes = 0
        self._max_early_bytes = limits.max_header_bytes

    def receive_data(self, data: bytes) -> None:
        """Bytes read from the socket; ``b""`` when the client ended its side."""
        if self.taken is None:
            self.h11.receive_data(data)
        else:
            self._held.append(data)

    def receive_early(self, data: bytes) -> bool:
        """Bytes read ahead of the next request; ``False`` once they end or pass the bound
        (the client is then treated as gone)."""
        self.early_bytes += len(data)
        if not data or self.early_bytes > self._max_early_bytes:
            return False
        self.receive_data(data)
        return True

    def take_body(self, left: int) -> None:
        """From now on the driver reads the current request's last ``left`` body bytes from the
        socket itself, straight into a buffer of its own (h11 would copy each byte three times:
        into its buffer, out of it, and into the event), and counts them off :attr:`taken`.
        Only for a body framed by ``Content-Length``, once h11 has handed out every body byte
        it holds (:meth:`next_event` returned ``h11.NEED_DATA``)."""
        self.taken = left

    def took(self, count: int) -> None:
        """``count`` bytes of the taken body were read."""
        if self.taken is None or count > self.taken:
            raise RuntimeError(f"{count} bytes read of a body with {self.taken} bytes to take")
        self.taken -= count

    def next_event(self) -> Any:
        """The next h11 event, or ``h11.NEED_DATA``/``h11.PAUSED``.

        :raises ClientGoneError: the client closed its side.
        :raises h11.RemoteProtocolError: what it sent is not HTTP/1.1.
        """
        event = self.h11.next_event()
        if type(event) is h11.ConnectionClosed:
            raise ClientGoneError
        if type(event) is h11.Request and _head_bytes(event) > self._max_head_bytes:
            raise h11.RemoteProtocolError("request head too large", error_status_hint=431)
        return event

    def encode(self, event: Any) -> list[Any]:
        """h11's bytes for ``event``, as pieces that are not copied together."""
        return self.h11.send_with_data_passthrough(event) or []

    def response(self, status: int, headers: Headers) -> list[Any]:
        return self.encode(
            h11.Response(status_code=status, headers=list(headers), reason=reason_phrase(status))
        )

    @property
    def is_expecting_continue(self) -> bool:
        """Whether the client waits for ``100 Continue`` before it sends its body."""
        return self.h11.they_are_waiting_for_100_continue

    def continue_response(self) -> list[Any]:
        """``100 Continue``."""
        return self.encode(h11.InformationalResponse(status_code=100, headers=[]))

    def complete_response(
        self, status: int, body: bytes = b"", headers: Headers = (), *, close: bool = True
    ) -> list[Any]:
        """A whole response, plain text unless ``headers`` say otherwise.

        :raises h11.LocalProtocolError: a response cannot be sent in the connection's state.
        """
        head = [*headers]
        if body and not any(name == b"content-type" for name, _ in head):
            head.append((b"content-type", b"text/plain; charset=utf-8"))
        head.append((b"content-length", str(len(body)).encode()))
        if close:
            head.append((b"connection", b"close"))
        pieces = self.response(status, head)
        if body:
            pieces += self.encode(h11.Data(data=body))
        return pieces + self.encode(h11.EndOfMessage())

    def refusal_of(self, error: h11.RemoteProtocolError) -> list[Any]:
        """The answer to a request h11 could not parse (400, or 431 for an oversized head);
        nothing when the connection can no longer carry a response."""
        if self.h11.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return []
        status = error.error_status_hint
        try:
            body = f"{status} {reason_phrase(status).decode()}\n".encode()
            return self.complete_response(status, body)
        except h11.LocalProtocolError:
            return []

    def accept_websocket(
        self, request: h11.Request, subprotocol: str | None = None, headers: Headers = ()
    ) -> tuple[list[Any], bytes]:
        """The ``101`` switching to WebSocket, and the bytes the client sent after its
        handshake (the first frames, already read).

        :raises h11.LocalProtocolError: ``request`` did not ask for an upgrade.
        """
        # wsproto imports with the first WebSocket (see .websocket).
        from wsproto.utilities import generate_accept_token

        key = next((value for name, value in request.headers if name == b"sec-websocket-key"), b"")
        head = [
            (b"upgrade", b"websocket"),
            (b"connection", b"Upgrade"),
            (b"sec-websocket-accept", generate_accept_token(key)),
        ]
        if subprotocol:
            head.append((b"sec-websocket-protocol", subprotocol.encode()))
        head += headers
        pieces = self.encode(h11.InformationalResponse(status_code=101, headers=head))
        trailing, _ = self.h11.trailing_data
        return pieces, bytes(trailing)

    @property
    def is_reusable(self) -> bool:
        """Whether the request and its response are both complete, so that another may follow."""
        body_done = self.h11.their_state is h11.DONE if self.taken is None else self.taken == 0
        return self.h11.our_state is h11.DONE and body_done

    @property
    def is_receiving_body(self) -> bool:
        """Whether h11 still expects body bytes of the current request (never once taken)."""
        return self.taken is None and self.h11.their_state is h11.SEND_BODY

    def start_next_cycle(self) -> None:
        """Ready for the next request (only when :attr:`is_reusable`)."""
        if self.taken is None:
            self.h11.start_next_cycle()
        else:
            # h11 never saw the taken body's bytes, so its request never ended: a new parser
            # starts from what was read after the body.
            self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=self._max_head_bytes)
            self.taken = None
            held, self._held = self._held, []
            for data in held:
                self.h11.receive_data(data)
        self.early_bytes = 0
