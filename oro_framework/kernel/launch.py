"""Window launch tokens: how a window the app creates gets a session of its own without the run's
launch token ever leaving the server. The window manager makes them; the web layer's gatekeeper
checks them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import Final

__all__ = ["LAUNCH_PARAMETER", "WINDOW_TOKEN", "window_launch_token", "window_mac"]

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
