"""What the Conduit server checks and says once at start: the key it starts with
(``conduit.shared_key`` as Socket takes it) and where it differs from Socket's Conduit for this
app. Each note is a :class:`~oro_framework.ConfigWarning` pointing at the code that made the
server."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Mapping

from oro_conduit.settings import (
    ANY_ORIGIN,
    LOOPBACK,
    MIN_STRONG_KEY,
    SOCKET_MIN_KEY,
    ConduitSettings,
)
from oro_framework import ConfigWarning

__all__ = ["key_at_start", "new_key", "warn_differences"]


def new_key() -> str:
    """A per-launch key: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def key_at_start(configured: str) -> str:
    """The key the server starts with: ``conduit.shared_key`` as Socket takes it (a random
    one when empty or under 8 characters), with one warning when it is short."""
    if not configured:
        return new_key()
    if len(configured) < SOCKET_MIN_KEY:
        warnings.warn(
            f"conduit.shared_key has {len(configured)} characters: as in Socket, a key under "
            f"{SOCKET_MIN_KEY} is not used and each launch has a random one (set one of "
            f"{MIN_STRONG_KEY} characters or more to fix it)",
            ConfigWarning,
            stacklevel=3,
        )
        return new_key()
    if len(configured) < MIN_STRONG_KEY:
        warnings.warn(
            f"conduit.shared_key has {len(configured)} characters: used as Socket uses it, but "
            f"another program on this machine guesses a short key sooner (set one of "
            f"{MIN_STRONG_KEY} characters or more)",
            ConfigWarning,
            stacklevel=3,
        )
    return configured


def warn_differences(
    settings: ConduitSettings, any_origin: bool, environ: Mapping[str, str]
) -> None:
    """Say once at start where oro's Conduit differs from Socket's for this app."""
    if any_origin:
        warnings.warn(
            'conduit.allow_origins = ["*"]: as in Socket, a page of any website may open the '
            "Conduit if it knows the key (a fixed conduit.shared_key is known to every copy "
            "of the app)",
            ConfigWarning,
            stacklevel=3,
        )
    listed = [origin for origin in settings.allow_origins if origin != ANY_ORIGIN]
    if listed:
        # The app opens itself to these origins: say what a client from them may do.
        warnings.warn(
            f"conduit.allow_origins = {listed}: a client from these origins that knows the key "
            "opens the Conduit, and its calls act as the app's main window (Socket's window 0): "
            "its permissions, its resources",
            ConfigWarning,
            stacklevel=3,
        )
    elif not any_origin and (settings.shared_key or settings.port):
        # A fixed key or port is how a Socket app lets other clients in; those with an Origin
        # (a dev server's page) are refused here unless listed.
        warnings.warn(
            "conduit: Socket accepts a Conduit handshake from any origin; oro accepts the "
            "app's own pages and programs that send no Origin (list others in "
            'conduit.allow_origins, or "*" for any)',
            ConfigWarning,
            stacklevel=3,
        )
    hostname = environ.get("SOCKET_RUNTIME_CONDUIT_HOSTNAME", "")
    if hostname and hostname not in (LOOPBACK, "localhost"):
        warnings.warn(
            f"SOCKET_RUNTIME_CONDUIT_HOSTNAME={hostname}: oro's Conduit listens on {LOOPBACK} "
            "only (Socket's listens on every interface by default), so no other machine "
            "reaches it",
            ConfigWarning,
            stacklevel=3,
        )
