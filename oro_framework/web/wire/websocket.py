"""A WebSocket after the upgrade, without I/O: wsproto's framing plus what a server owes the
protocol and its limits.

* Messages are whole when handed over: fragments are joined, and counted together against
  ``max_message_bytes`` (past it: close 1009, before the rest is buffered).
* Pings are answered, a client's close is answered (the close handshake), and a frame wsproto
  cannot parse closes with the code it names (1002 protocol error, 1007 invalid UTF-8).
* Once :attr:`WebSocketProtocol.closed` is set the WebSocket is over and the socket may be
  closed: nothing more is parsed or sent.

:meth:`~WebSocketProtocol.receive_data` parses; :meth:`~WebSocketProtocol.data_to_send` then
hands out what must go out in answer (pongs, close frames), for the driver to write.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final, final

from oro_framework.host.lazy import LazyModule

if TYPE_CHECKING:
    import wsproto.connection as ws_connection
    import wsproto.events as ws_events
    import wsproto.utilities as ws_utilities
else:
    # wsproto (~10 ms of imports, with its frame tables) loads with the first WebSocket, not
    # with every server: an app's first page and request need none.
    ws_connection = LazyModule("wsproto.connection")
    ws_events = LazyModule("wsproto.events")
    ws_utilities = LazyModule("wsproto.utilities")

from oro_framework.web.wire.limits import WireLimits

__all__ = ["CLOSE_ABNORMAL", "CLOSE_TOO_BIG", "WebSocketClosed", "WebSocketProtocol"]

CLOSE_ABNORMAL: Final = 1006
"""The code of a WebSocket whose socket ended without a close frame (RFC 6455 7.1.5)."""
CLOSE_TOO_BIG: Final = 1009


@final
class WebSocketClosed(Exception):
    """The WebSocket is closed, by either side or because the socket broke (``code`` 1006).

    :ivar code: the close code (the peer's, ours, or 1006).
    :ivar reason: the close reason, ``None`` when there was none.
    """

    def __init__(self, code: int, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


@final
class WebSocketProtocol:
    """The server side of one WebSocket.

    :ivar messages: whole messages received and not yet taken (``str`` for a text message).
    :ivar closed: how the WebSocket ended, ``None`` while it is open or closing.
    """

    __slots__ = (
        "_answers",
        "_connection",
        "_max_message_bytes",
        "_part_bytes",
        "_parts",
        "closed",
        "messages",
    )

    def __init__(self, limits: WireLimits) -> None:
        self._connection = ws_connection.Connection(ws_connection.ConnectionType.SERVER)
        self._max_message_bytes = limits.max_message_bytes
        self._parts: list[bytes | str] = []
        self._part_bytes = 0
        self._answers: list[ws_events.Event] = []
        self.messages: deque[bytes | str] = deque()
        self.closed: WebSocketClosed | None = None

    def receive_data(self, data: bytes) -> None:
        """Handle bytes read from the socket (``b""``: the socket ended). Afterwards, send
        :meth:`data_to_send`, then, if :attr:`closed` is set, close the socket."""
        if self.closed is not None:
            return
        try:
            self._connection.receive_data(data or None)
        except ws_utilities.LocalProtocolError:  # data after the close handshake ended
            self.closed = WebSocketClosed(CLOSE_ABNORMAL)
            return
        for event in self._connection.events():
            self._handle(event)
            if self.closed is not None:
                return

    @property
    def has_data_to_send(self) -> bool:
        return bool(self._answers)

    def data_to_send(self) -> bytes:
        """The answers the received frames call for (pongs, close frames). Encoded only now,
        in the order of the driver's other sends, so that nothing follows a close frame."""
        answers, self._answers = self._answers, []
        return b"".join(self._send_quietly(event) for event in answers)

    def _handle(self, event: ws_events.Event) -> None:
        if isinstance(event, ws_events.Message):
            data = event.data
            self._parts.append(data)
            # The limit is in bytes: text counts as its UTF-8, as it travelled.
            self._part_bytes += len(data.encode()) if isinstance(data, str) else len(data)
            if self._part_bytes > self._max_message_bytes:
                self._parts, self._part_bytes = [], 0
                self._close_now(CLOSE_TOO_BIG, "message too big")
            elif event.message_finished:
                parts, self._parts, self._part_bytes = self._parts, [], 0
                self.messages.append(_joined(parts))
        elif isinstance(event, ws_events.Ping):
            self._answers.append(event.response())
        elif isinstance(event, ws_events.CloseConnection):
            state = self._connection.state
            if state is ws_connection.ConnectionState.REMOTE_CLOSING:
                self._answers.append(event.response())  # the close handshake's answer
                self.closed = WebSocketClosed(event.code, event.reason)
            elif state is ws_connection.ConnectionState.OPEN:
                # wsproto could not parse a frame and names the code to close with.
                self._close_now(event.code, event.reason)
            else:  # the peer answered our close, or the socket ended
                self.closed = WebSocketClosed(event.code, event.reason)

    def _close_now(self, code: int, reason: str | None) -> None:
        self._answers.append(ws_events.CloseConnection(code=code, reason=reason))
        self.closed = WebSocketClosed(code, reason)

    def _send_quietly(self, event: ws_events.Event) -> bytes:
        try:
            return self._connection.send(event)
        # Our close went out already: only its answer may follow.
        except ws_utilities.LocalProtocolError:
            return b""

    def send_message(self, message: bytes | str) -> bytes:
        """The frame of one whole message.

        :raises WebSocketClosed: the WebSocket is closed or closing.
        """
        if self.closed is not None:
            raise self.closed
        event = (
            ws_events.TextMessage(data=message)
            if isinstance(message, str)
            else ws_events.BytesMessage(message)
        )
        try:
            return self._connection.send(event)
        except ws_utilities.LocalProtocolError:
            raise WebSocketClosed(CLOSE_ABNORMAL, "closing") from None

    def close(self, code: int = 1000, reason: str | None = None) -> bytes:
        """Our close frame, empty when one went out already or the WebSocket is closed."""
        if self.closed is not None:
            return b""
        return self._send_quietly(ws_events.CloseConnection(code=code, reason=reason))

    def end(self, closed: WebSocketClosed) -> None:
        """Record how the WebSocket ended, unless it ended already."""
        if self.closed is None:
            self.closed = closed


def _joined(parts: list[bytes | str]) -> bytes | str:
    if isinstance(parts[0], str):
        return "".join(part for part in parts if isinstance(part, str))
    if len(parts) == 1:
        return bytes(parts[0])  # wsproto may hand over a bytearray
    return b"".join(part for part in parts if not isinstance(part, str))
