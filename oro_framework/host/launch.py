"""Window launch tokens: how a window the app creates gets a session of its own without the run's
launch token ever leaving the server, and window credentials: how a page proves which window it
is. The window manager makes the tokens and holds the credentials; the web layer's gatekeeper
checks both."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from typing import Final
from urllib.parse import urlencode, urlsplit, urlunsplit

__all__ = [
    "LAUNCH_PARAMETER",
    "WINDOW_CREDENTIAL_HEADER",
    "WINDOW_CREDENTIAL_PARAMETER",
    "WINDOW_TOKEN",
    "WindowCredentials",
    "window_identity_script",
    "window_launch_token",
    "window_launch_url",
    "window_mac",
]

LAUNCH_PARAMETER: Final = "oro_launch"
"""The query parameter a launch URL carries its token in (``?oro_launch=...``)."""
# ``w<index>.<nonce>.<mac>``: see :func:`window_launch_token`.
WINDOW_TOKEN: Final = re.compile(r"w(\d{1,4})\.([\w-]{16,64})\.([\w-]{43})", re.ASCII)


def window_mac(launch_token: str, index: int, nonce: str) -> str:
    digest = hmac.new(
        launch_token.encode("utf-8", "surrogatepass"),
        f"oro-window:{index}:{nonce}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def window_launch_url(origin: str, launch_token: str, path: str = "/", *, window: int = 0) -> str:
    """A single-use launch URL of ``path`` for window ``window`` of the run at ``origin`` whose
    launch token is ``launch_token``: the page it leads to holds that window's credential. Who
    knows the run's token (the process that started ``oro run`` and read its launch URL, a
    test) can open any number of a window's pages with it, as the host's windows do."""
    parts = urlsplit(path)
    token = window_launch_token(launch_token, window)
    query = "&".join(filter(None, [parts.query, urlencode({LAUNCH_PARAMETER: token})]))
    return origin + urlunsplit(("", "", parts.path or "/", query, parts.fragment))


def window_launch_token(launch_token: str, index: int) -> str:
    """A single-use launch token for window ``index`` of the run whose launch token is
    ``launch_token``.

    Headless, each window the app creates is a page the user (or a test) opens, perhaps in
    another browser or profile, so it needs a session of its own; in a window the shared
    profile already holds one, and the URL just redirects. Only the gatekeeper inside
    the server knows the run's token. The token is therefore derived
    from it: an HMAC under the run's token, which no page or other process holds, so the
    gatekeeper can check it without being told, and nobody can forge one. A fresh nonce makes
    every token distinct; the gatekeeper remembers the spent ones.
    """
    nonce = secrets.token_urlsafe(18)
    return f"w{index}.{nonce}.{window_mac(launch_token, index, nonce)}"


WINDOW_CREDENTIAL_HEADER: Final = "x-oro-window"
"""The header a page's IPC requests carry their window credential in."""
WINDOW_CREDENTIAL_PARAMETER: Final = "oro_window"
"""The query parameter that carries it where a page cannot set headers (EventSource,
WebSocket), and the fragment parameter a launch redirect hands it to the page in."""
# ``<index>.<nonce>.<mac>``: see :class:`WindowCredentials`.
_CREDENTIAL: Final = re.compile(r"(\d{1,4})\.([\w-]{22,64})\.([\w-]{43})", re.ASCII)


class WindowCredentials:
    """Which window a page is: an unforgeable credential per window, instead of the window
    index a page could write into any header or parameter.

    The bridge issues one when a window's launch URL is opened (the run's launch token for
    window 0, a window's single-use launch token for the others) and hands it to that page
    only, in the redirect's fragment; a native window's engine also hands it to each page the
    window loads (:func:`window_identity_script`), so that nothing the page's script reads keeps
    it, while headless the preload keeps it in the tab's ``sessionStorage``; every IPC request
    carries it. A credential is an HMAC under a key no page holds,
    so a page cannot make one for another window; it stops working when its window closes.

    :param key: the HMAC key; random per run unless :meth:`use_key` gives a stable one (``oro
        dev``, so that a page keeps its window across host restarts).
    """

    def __init__(self, key: str | None = None) -> None:
        self._key = key or secrets.token_urlsafe(32)
        self._is_stable = key is not None
        self._live: dict[str, int] = {}
        self._revoked: set[str] = set()

    def use_key(self, key: str) -> None:
        """Sign with ``key`` from now on and accept any credential it signed, also those
        issued by an earlier host process given the same key (it cannot know which of them
        belonged to windows that have closed since)."""
        self._key = key
        self._is_stable = True

    def issue(self, index: int) -> str:
        """A new credential for window ``index``."""
        nonce = secrets.token_urlsafe(24)
        self._live[nonce] = index
        return f"{index}.{nonce}.{self._mac(index, nonce)}"

    def verify(self, credential: str | None) -> int | None:
        """The window ``credential`` proves, or ``None`` (absent, malformed, forged, or its
        window closed)."""
        if not credential:
            return None
        match = _CREDENTIAL.fullmatch(credential.strip())
        if match is None:
            return None
        index, nonce, mac = int(match.group(1)), match.group(2), match.group(3)
        if not hmac.compare_digest(mac.encode(), self._mac(index, nonce).encode()):
            return None
        if self._live.get(nonce) == index or (self._is_stable and nonce not in self._revoked):
            return index
        return None

    def revoke(self, index: int) -> None:
        """Window ``index`` closed: its credentials prove nothing any more (a page left open
        in a browser tab must not become the next window given that index)."""
        for nonce in [nonce for nonce, owner in self._live.items() if owner == index]:
            del self._live[nonce]
            self._revoked.add(nonce)

    def _mac(self, index: int, nonce: str) -> str:
        digest = hmac.new(
            self._key.encode("utf-8", "surrogatepass"),
            f"oro-window-credential:{index}:{nonce}".encode(),
            hashlib.sha256,
        ).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


WINDOW_IDENTITY_SEED: Final = "__oroWindowSeed"
"""The global a native window's identity script defines, which the preload deletes as it takes
the credential (``WINDOW_IDENTITY_SCRIPT`` of :mod:`oro_framework.web.preload`)."""


def window_identity_script(origin: str, credential: str) -> str:
    """The script a native window runs at the start of each document, before the page's own:
    on the app ``origin`` only (a window navigated to an allowed outside site must not get the
    credential), it defines a one-shot function the preload calls and deletes, which answers
    ``credential``. The engine keeps the script (a page cannot read it), so that a reload or a
    crashed page gets the credential again: nothing the page's script can read holds it."""
    return (
        "(()=>{if(location.origin!==" + json.dumps(origin) + ")return;"
        "const c=" + json.dumps(credential) + ";"
        f'Object.defineProperty(globalThis,"{WINDOW_IDENTITY_SEED}",'
        f"{{configurable:true,value:()=>{{delete globalThis.{WINDOW_IDENTITY_SEED};return c}}}})"
        "})();"
    )
