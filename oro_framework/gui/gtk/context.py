"""One WebKit context for all of an app's windows.

A browser shares cookies, storage, caches and service workers between its windows, and so does
an app: every view is made on one ``WebKitWebContext`` (pywebview's GTK backend would make one per
window, so a second window would have no session). The context is made on the GUI thread, when
the engine warms up (before the host is built) or with the first window; its protocol-handler
schemes are registered on it once the app's origin is known, before that window's page loads.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from oro_framework.gui.forwarding import forward_page
from oro_framework.gui.gtk.toolkit import repository

__all__ = ["make_web_context", "register_schemes"]

logger = logging.getLogger("oro_framework.windows")


def make_web_context(storage_path: Path | None) -> Any:
    """The shared context: persistent in ``storage_path`` (the app's own directory) or
    ephemeral when ``None``."""
    webkit = repository("WebKit2")
    if storage_path is None:
        manager = webkit.WebsiteDataManager.new_ephemeral()
    else:
        manager = webkit.WebsiteDataManager(
            base_data_directory=str(storage_path / "webkitgtk"),
            base_cache_directory=str(storage_path / "webkitgtk" / "cache"),
        )
    context = webkit.WebContext.new_with_website_data_manager(manager)
    if storage_path is not None:
        # Cookies are kept apart from the data directory by WebKit: without this they would
        # live in memory only and a restart would lose the session.
        context.get_cookie_manager().set_persistent_storage(
            str(storage_path / "webkitgtk" / "cookies.sqlite"),
            webkit.CookiePersistentStorage.SQLITE,
        )
    # An app is one document at a time, not a browser with a back-forward cache of many.
    context.set_cache_model(webkit.CacheModel.DOCUMENT_VIEWER)
    return context


def register_schemes(context: Any, schemes: Sequence[str], origin: str) -> None:
    """Forward plain navigations to ``schemes`` to the app at ``origin``."""
    for scheme in schemes:
        context.register_uri_scheme(scheme, _forwarder(origin))


def _forwarder(origin: str) -> Any:
    glib = repository("GLib")
    gio = repository("Gio")

    def answer(request: Any) -> None:
        page = forward_page(request.get_uri(), origin)
        if page is None:
            request.finish_error(glib.Error.new_literal(gio.io_error_quark(), "not an app URL", 0))
            return
        stream = gio.MemoryInputStream.new_from_bytes(glib.Bytes.new(page))
        request.finish(stream, len(page), "text/html")

    return answer
