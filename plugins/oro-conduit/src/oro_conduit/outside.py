"""Clients outside the app: a Conduit connection that is not one of the app's pages (a
browser extension, a script with a WebSocket, the app's own program).

Socket answers every client that has the key (src/runtime/core/services/conduit.cc:498-520):
one whose ``clientId`` names no window runs its calls on window 0's router, and each reply
frame carries ``{token}``, the ``ipc-token`` option its request sent, which is also the
envelope's ``token`` (src/runtime/ipc/result.cc:9, 38-83). That is how such a client matches
replies to requests (socketsupply/socket-conduit-rpc-example, web/index.js).

Here, decided once when the client is admitted (never per frame, so a page's calls pay
nothing for it):

* an *outside client* proves no window credential and comes from no ``Origin`` (a program)
  or from one the app's pages were not served from (``conduit.allow_origins`` let it in);
* its ``ipc-token`` is its requests' ``token``, echoed in every reply frame and envelope;
* one from an origin ``conduit.allow_origins`` names acts as the main window, Socket's
  window 0: the app listed it, so it trusts it as its main page (its calls pass the same
  permission checks; it controls other windows only as the main page may). Any other (no
  ``Origin``, or let in by ``"*"`` only) acts as no window: routes that need one answer
  ``SecurityError`` ``ERR_NO_WINDOW``, the rest are answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

__all__ = ["OUTSIDE_WINDOW", "SOCKET_TOKEN", "outside_window", "with_socket_token"]

OUTSIDE_WINDOW: Final = 0
"""The window a listed origin's client acts as: Socket's ``getWindow(0)`` (conduit.cc:502)."""
SOCKET_TOKEN: Final = "ipc-token"
"""The option Socket's outside clients send their reply token in (result.cc:9)."""


def outside_window(origin: str | None, listed: frozenset[str], pages: set[str]) -> int | None:
    """The window an outside client from ``origin`` acts as: the main window when
    ``conduit.allow_origins`` names its origin (``listed``, lower case) and no page of the app
    was served from it (``pages``), else none."""
    if origin is None:
        return None
    origin = origin.lower()
    return OUTSIDE_WINDOW if origin in listed and origin not in pages else None


def with_socket_token(options: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """An outside client's frame options with Socket's ``ipc-token`` as the request's
    ``token`` (a reserved name, so not a parameter)."""
    for name, value in options:
        yield ("token" if name == SOCKET_TOKEN else name), value
