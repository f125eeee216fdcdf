"""The cookie store's GTK side: WebKitGTK's ``WebKitCookieManager`` of the web context every
window of the app shares (``oro_framework/gui/gtk/context.py``), the network process's own store
that ``document.cookie`` reads and writes. Imported only with GTK windows; every function
starts on the GUI thread (``host.windows.run_on_gui``) and calls ``done`` there, once WebKit
answered, with the result or the error.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from oro_desktop.cookies.jar import StoredCookie
from oro_framework import InternalError, NotFoundError

__all__ = ["add", "delete", "follow", "read"]

Done = Callable[[Any], None]


def _repository(name: str) -> Any:
    gi: Any = importlib.import_module("gi")
    gi.require_version("Soup", "3.0")
    gi.require_version("WebKit2", "4.1")
    return importlib.import_module(f"gi.repository.{name}")


def _manager(native: Any) -> Any:
    if native is None:
        raise NotFoundError("The window has no web view yet")
    return native.view.get_context().get_cookie_manager()


def _finishing(finish: Callable[[Any], Any], done: Done, convert: Callable[[Any], Any]) -> Any:
    """A GAsyncReadyCallback calling ``done`` with ``convert`` of ``finish``'s result."""

    def ready(_manager: Any, result: Any) -> None:
        try:
            outcome = convert(finish(result))
        except Exception as error:  # GLib.Error: WebKit's network process failed
            done(InternalError(f"WebKit's cookie store failed: {error}"))
            return
        done(outcome)

    return ready


def follow(native: Any) -> None:
    """Nothing to follow: WebKit's store answers reads itself."""


def read(native: Any, done: Done) -> None:
    """``done`` with every cookie of the store."""
    manager = _manager(native)
    manager.get_all_cookies(
        None,
        _finishing(manager.get_all_cookies_finish, done, lambda found: [_stored(c) for c in found]),
    )


def add(native: Any, cookie: StoredCookie, done: Done) -> None:
    manager = _manager(native)
    manager.add_cookie(
        _soup_cookie(cookie), None, _finishing(manager.add_cookie_finish, done, lambda _: None)
    )


def delete(native: Any, cookie: StoredCookie, done: Done) -> None:
    manager = _manager(native)
    manager.delete_cookie(
        _soup_cookie(cookie),
        None,
        _finishing(manager.delete_cookie_finish, done, lambda _: None),
    )


def _soup_cookie(cookie: StoredCookie) -> Any:
    soup = _repository("Soup")
    glib = _repository("GLib")
    made = soup.Cookie.new(cookie.name, cookie.value, cookie.domain, cookie.path, -1)
    made.set_secure(cookie.secure)
    made.set_http_only(cookie.http_only)
    if cookie.expires is not None:
        made.set_expires(glib.DateTime.new_from_unix_utc(int(cookie.expires)))
    if cookie.same_site is not None:
        made.set_same_site_policy(getattr(soup.SameSitePolicy, cookie.same_site.upper()))
    return made


def _stored(cookie: Any) -> StoredCookie:
    expires = cookie.get_expires()
    policy = cookie.get_same_site_policy().value_nick
    return StoredCookie(
        cookie.get_name(),
        cookie.get_value(),
        cookie.get_domain(),
        cookie.get_path() or "/",
        None if expires is None else float(expires.to_unix()),
        secure=cookie.get_secure(),
        http_only=cookie.get_http_only(),
        same_site={"strict": "Strict", "lax": "Lax", "none": "None"}.get(policy),
    )
