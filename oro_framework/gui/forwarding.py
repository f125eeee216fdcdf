"""What a window's engine answers a request of a protocol-handler scheme with (``weather:x``,
``web+demo://...``): a page that navigates on to the mapped URL on the app origin, where the
scheme's Service Worker answers it.

Not a redirect: an engine decides whether a Service Worker may take a navigation when it starts,
and one that starts at a custom scheme is never given to a worker, even once redirected to http.
Forwarding rather than serving keeps one implementation of each scheme (the worker) for every
engine and mode. Both engines use it: Qt's ``QWebEngineUrlSchemeHandler`` and WebKitGTK's
``WebKitWebContext.register_uri_scheme``.
"""

from __future__ import annotations

import json
from typing import Final

from oro_framework.host.errors import IPCError
from oro_framework.host.protocols import to_app_path

__all__ = ["forward_page"]

_FORWARD_PAGE: Final = (
    '<!doctype html><meta charset="utf-8"><script>location.replace({target})</script>\n'
)


def forward_page(url: str, origin: str) -> bytes | None:
    """The HTML document that sends a navigation to ``url`` on to its app path at ``origin``;
    ``None`` when ``url`` does not map (the engine fails the request)."""
    try:
        path = to_app_path(url)
    except IPCError:
        return None
    # json.dumps of an ASCII URL is a JS string literal; "</" cannot occur in it escaped, so it
    # cannot end the script element.
    target = json.dumps(origin + path).replace("</", "<\\/")
    return _FORWARD_PAGE.format(target=target).encode()
