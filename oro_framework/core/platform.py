"""The ``platform.primordials`` and ``mime.*`` routes: what the runtime is and runs on."""

from __future__ import annotations

import platform
import re
import sys
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import anyio

from oro_framework import (
    InvalidArgumentError,
    SecurityError,
    __version__,
    find_js_api,
    hookimpl,
)
from oro_framework import mime as _mime
from oro_framework.core import _system

if TYPE_CHECKING:
    from oro_framework import JSModuleTable, Request, RouteTable

_BROWSER_SCHEMES: Final = frozenset({"http", "https", "mailto"})
# RFC 6838's restricted-name: what a top-level media type ("image", "x-conference") may be.
_TOP_LEVEL_TYPE: Final = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")


async def primordials(request: Request) -> dict[str, Any]:
    """Runtime facts: Oro's primordials (architecture, platform, versions, cwd: the app's
    resources, as ``process.cwd()`` says), and the Python, SQLite and plugin versions."""
    import sqlite3  # here, at the first page that asks: every command loads this plugin

    return {
        **_system.primordials(__version__, str(request.host.paths.resources)),
        "python": {
            "version": platform.python_version(),
            "implementation": sys.implementation.name,
        },
        "sqlite": sqlite3.sqlite_version,
        "plugins": {plugin.name: plugin.version for plugin in request.host.plugins},
    }


async def mime_lookup(request: Request) -> dict[str, str]:
    """MIME type of a path or URL (`value`), application/octet-stream when unknown."""
    value = request.params.require_str("value")
    return {"url": value, "type": _mime.guess_media_type(value)}


async def mime_table(request: Request) -> dict[str, list[list[str]]]:
    """The host's whole table as ``[extension, type]`` pairs (one per extension, in the order
    lookups prefer them); ``type`` (optional, a top-level type such as ``image``) keeps only
    the entries of that type."""
    top_level = request.params.get_str("type")
    if top_level is not None and not _TOP_LEVEL_TYPE.fullmatch(top_level):
        raise InvalidArgumentError(
            f"Invalid 'type' given in parameters: expected a lowercase top-level media type "
            f"such as 'image', got {top_level!r}",
            code="ERR_INVALID_ARG_VALUE",
            parameter="type",
        )
    prefix = None if top_level is None else f"{top_level}/"
    return {
        "types": [
            [extension, media_type]
            for extension, media_type in _mime.media_types().items()
            if prefix is None or media_type.startswith(prefix)
        ]
    }


async def open_external(request: Request) -> dict[str, Any]:
    """Open http(s)/mailto URL `value` in the browser; the app's own URLs become the caller's
    applicationurl."""
    # Imported by the call: the browser launcher and the protocol handlers' machinery are not
    # what declaring this plugin (every `oro` command) should pay for.
    import webbrowser

    from oro_framework import APPLICATION_URL_EVENT, application_url_event, scheme_of

    # A URL of a registered protocol handler or of the app's own origin stays in the app: the
    # caller's window gets the `applicationurl` event `{url, path, appURL}`, as Socket hands it
    # to the bridge's own window (src/runtime/ipc/routes.cc:2603-2607), so a page cannot put a
    # deep link in another window's; without a window (a worker) the answer carries it alone.
    # Other schemes: SecurityError.
    value = request.params.require_str("value").strip()
    scheme = scheme_of(value)
    host_header = request.headers.get("host")
    origin = f"http://{host_header}" if host_header else None
    event = application_url_event(value, request.host.protocol_handlers, origin)
    if event is None and origin is not None and scheme == "http":
        parts = urlsplit(value)
        if parts.netloc == host_header:
            path = parts.path or "/"
            path += f"?{parts.query}" if parts.query else ""
            path += f"#{parts.fragment}" if parts.fragment else ""
            event = {"url": value, "path": path, "appURL": f"{origin}{path}"}
    if event is not None:
        if request.window is not None:
            request.host.emit(APPLICATION_URL_EVENT, event, window=request.window)
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
    routes.add("mime.table", mime_table, permission="runtime")
    routes.add("platform.openExternal", open_external, permission="runtime")


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    directory = find_js_api()
    if directory is not None:
        modules.add_directory(directory, owner="platform")
