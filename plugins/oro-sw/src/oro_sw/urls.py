"""Pure checks of worker script URLs, scopes and configured script paths; no I/O.

Registrations belong to the origin, and the origin includes the port, so everything here is an
absolute URL on the app's own origin, or refused.
"""

from __future__ import annotations

import posixpath
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from oro_framework import InvalidArgumentError, SecurityError

__all__ = [
    "NEVER_INTERCEPTED",
    "check_scope",
    "check_script_url",
    "config_scope_path",
    "config_script_path",
    "origin_of",
    "registration_id",
]

NEVER_INTERCEPTED: Final = ("/ipc", "/oro/events")
"""Paths no worker may take as its scope: the bridge's IPC and event channel always go to the
host (the SW-side helpers pass them through too)."""

_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost"})


def origin_of(host_header: str | None) -> str | None:
    """The app origin a request was made to (``http://<Host>``), ``None`` without a Host."""
    return f"http://{host_header.lower()}" if host_header else None


def _same_origin_url(value: str, origin: str | None, what: str) -> tuple[str, str]:
    """``(origin, path)`` of an absolute ``http`` URL on the app's origin.

    :raises SecurityError: another scheme, host or port (outside the app).
    :raises InvalidArgumentError: not an absolute URL at all.
    """
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise InvalidArgumentError(f"{what} {value!r} is not a URL") from None
    if not parts.scheme or (parts.scheme in ("http", "https") and not parts.netloc):
        raise InvalidArgumentError(f"{what} {value!r} must be an absolute URL on the app's origin")
    own = f"{parts.scheme}://{parts.netloc}".lower()
    if (
        parts.scheme != "http"
        or parts.hostname not in _LOOPBACK
        or port is None
        or parts.username is not None
        or (origin is not None and own != origin)
    ):
        raise SecurityError(
            f"{what} {value!r} is outside the app: it must be on {origin or 'the app origin'}"
        )
    return own, parts.path or "/"


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def check_script_url(value: str, origin: str | None) -> str:
    """A worker script URL, normalised (no fragment).

    :param origin: the app origin the page talks to; ``None`` when unknown (only the loopback
        check then applies).
    :raises SecurityError: the script is outside the app (other origin or scheme).
    :raises InvalidArgumentError: not a URL, or the IPC bridge or event channel.
    """
    own, path = _same_origin_url(value, origin, "Service Worker script")
    if any(_under(path, prefix) for prefix in NEVER_INTERCEPTED):
        raise InvalidArgumentError(f"Service Worker script {value!r} is not a script of the app")
    query = urlsplit(value).query
    return urlunsplit(("http", own.removeprefix("http://"), path, query, ""))


def check_scope(value: str, origin: str | None) -> str:
    """A registration scope, normalised (no query or fragment, as the engine keeps it).

    :raises SecurityError: the scope is on another origin.
    :raises InvalidArgumentError: not a URL, or under ``/ipc`` or ``/oro/events``.
    """
    own, path = _same_origin_url(value, origin, "Service Worker scope")
    if any(_under(path.rstrip("/") or "/", prefix) for prefix in NEVER_INTERCEPTED):
        raise InvalidArgumentError(
            f"Service Worker scope {value!r} covers the bridge ({', '.join(NEVER_INTERCEPTED)}), "
            "which no worker may intercept"
        )
    return own + path


def registration_id(scope: str) -> str:
    """The id of the registration of ``scope`` (an absolute URL): stable across runs, so what
    the host keeps for it survives a restart on the same origin, and differs on another port."""
    import hashlib  # not at the top: oro config get imports this module for its settings

    return hashlib.sha256(scope.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def config_script_path(entry: str) -> str:
    """The URL path of one ``webview.service-workers`` entry (``./sw.js``, ``sw.js``,
    ``/workers/sw.js``), relative to the app's root.

    :raises ValueError: a URL with a scheme or host, or a path climbing out of the app.
    """
    if not entry or "\\" in entry or ":" in entry.split("/", 1)[0] or entry.startswith("//"):
        raise ValueError(f"service worker {entry!r} must be a path inside the app, like ./sw.js")
    if "?" in entry or "#" in entry:
        raise ValueError(f"service worker {entry!r} must be a plain path, without ? or #")
    if ".." in entry.split("/"):
        raise ValueError(f"service worker {entry!r} is outside the app")
    joined = posixpath.normpath("/" + entry.lstrip("/"))
    if joined == "/" or entry.endswith("/"):
        raise ValueError(f"service worker {entry!r} names a directory, not a script")
    if any(_under(joined, prefix) for prefix in NEVER_INTERCEPTED):
        raise ValueError(f"service worker {entry!r} is not a script of the app")
    return joined


def config_scope_path(entry: str) -> str:
    """The URL path of a scope in ``[webview.service-workers]`` (Oro's table ``"/" =
    "/service-worker.js"``): an absolute path of the app ending in ``/`` (added when missing).

    :raises ValueError: a URL, a relative path, ``..``, or a scope over the bridge.
    """
    if not entry.startswith("/") or entry.startswith("//") or "\\" in entry:
        raise ValueError(f"service worker scope {entry!r} must be an absolute path like /app/")
    if "?" in entry or "#" in entry or ".." in entry.split("/"):
        raise ValueError(f"service worker scope {entry!r} must be a plain path inside the app")
    joined = posixpath.normpath(entry).rstrip("/") + "/"
    if any(_under(joined.rstrip("/") or "/", prefix) for prefix in NEVER_INTERCEPTED):
        raise ValueError(f"service worker scope {entry!r} covers the bridge, which no worker may")
    return joined
