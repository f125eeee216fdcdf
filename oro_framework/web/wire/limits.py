"""The limits of one HTTP/WebSocket server, in one place: the bridge and the Conduit each build
a :class:`WireLimits` and the wire core enforces every field the same way for both."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final, final

__all__ = ["WireLimits"]

_KIB: Final = 1024
_MIB: Final = 1024 * _KIB


@final
@dataclass(frozen=True, slots=True)
class WireLimits:
    """What a client may make a server hold, and for how long.

    :param max_header_bytes: the largest request head (request line with its query string,
        and headers); a longer one, whether it grows past the bound or arrives whole in one
        read, is answered with 431 and the connection closed. It also bounds what a client may
        send ahead of the answer to its current request.
    :param idle_timeout: seconds a connection may go without a complete request head, from when
        it opens or from the previous answer (HTTP keep-alive, the WebSocket handshake
        deadline); then it is closed.
    :param receive_bytes: the most bytes read from a socket at once. Nothing is read while
        parsed messages wait for the application, so this also bounds a connection's incoming
        queue: a client sending faster than it is read gets TCP's backpressure.
    :param discard_bytes: how much of a request body the application left unread is read and
        dropped (so that the connection can serve the next request) before the connection is
        closed instead.
    :param discard_timeout: how long that dropping may take.
    :param max_message_bytes: the largest WebSocket message a client may send, fragments
        counted together; a larger one closes the connection with 1009.
    :param max_queued_bytes: WebSocket bytes waiting to be sent to one client; beyond it every
        sender waits (one message larger than this still goes, alone).
    :param close_timeout: seconds a closing WebSocket waits for the client's close frame.
    :raises ValueError: a limit that is not positive.
    """

    max_header_bytes: int = 256 * _KIB
    idle_timeout: float = 5.0
    receive_bytes: int = 256 * _KIB
    discard_bytes: int = 1 * _MIB
    discard_timeout: float = 1.0
    max_message_bytes: int = 64 * _MIB
    max_queued_bytes: int = 8 * _MIB
    close_timeout: float = 0.5

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not value > 0:
                raise ValueError(f"WireLimits.{field.name} must be positive, not {value!r}")
