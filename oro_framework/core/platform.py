"""The ``platform.primordials`` and ``mime.lookup`` routes: what the runtime is and runs on."""

from __future__ import annotations

import os
import platform
import sys
import webbrowser
from typing import Any, Final
from urllib.parse import urlsplit

import anyio

from oro_framework import Request, RouteTable, SecurityError, __version__, hookimpl
from oro_framework.core import _mime, _system
from oro_framework.host.protocols import PROTOCOL_HANDLERS, scheme_of, to_app_path

_BROWSER_SCHEMES: Final = frozenset({"http", "https", "mailto"})


async def primordials(request: Request) -> dict[str, Any]:
    """Runtime facts: architecture, platform, Python, oro-framework and plugin versions, cwd."""
    return {
        "arch": _system.architecture(),
        "platform": sys.platform,
        "python": {
            "version": platform.python_version(),
            "implementation": sys.implementation.name,
        },
        "version": {"full": __version__, "short": _system.release_version(__version__)},
        "plugins": {plugin.name: plugin.version for plugin in request.host.plugins},
        "host-operating-system": platform.system(),
        "cwd": os.getcwd(),
    }


async def mime_lookup(request: Request) -> dict[str, str]:
    """MIME type of a path or URL (`value`), application/octet-stream when unknown."""
    value = request.params.require_str("value")
    return {"url": value, "type": _mime.guess_media_type(value)}


async def open_external(request: Request) -> dict[str, Any]:
    """Open http(s)/mailto URL `value` in the browser; the app's own URLs become applicationurl."""
    # A URL of a registered protocol handler or of the app's own origin stays in the app: every
    # page gets the `applicationurl` event `{url, path, appURL}`. Other schemes: SecurityError.
    value = request.params.require_str("value").strip()
    scheme = scheme_of(value)
    host_header = request.headers.get("host")
    origin = f"http://{host_header}" if host_header else None
    handlers = request.host.stash.get(PROTOCOL_HANDLERS)
    path: str | None = None
    if scheme is not None and handlers is not None and handlers.find(scheme) is not None:
        path = to_app_path(value)
    elif origin is not None and scheme == "http" and urlsplit(value).netloc == host_header:
        parts = urlsplit(value)
        path = parts.path or "/"
        path += f"?{parts.query}" if parts.query else ""
        path += f"#{parts.fragment}" if parts.fragment else ""
    if path is not None:
        event = {"url": value, "path": path, "appURL": f"{origin}{path}" if origin else None}
        request.host.emit("applicationurl", event)
        return {"url": value, "opened": False, "applicationurl": event}
    if scheme not in _BROWSER_SCHEMES:
        raise SecurityError(
            f"Cannot open {value!r} outside the app: only http, https and mailto URLs (and the "
            "app's own protocol handlers) may be opened",
            value=value,
        )
    # webbrowser blocks while it starts the browser process.
    opened = await anyio.to_thread.run_sync(webbrowser.open, value)
    return {"url": value, "opened": bool(opened)}


@hookimpl
def oro_configure() -> None:
    _mime.load_system_types()


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("platform.primordials", primordials, permission="runtime")
    routes.add("mime.lookup", mime_lookup, permission="runtime")
    routes.add("platform.openExternal", open_external, permission="runtime")
