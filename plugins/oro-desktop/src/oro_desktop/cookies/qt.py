"""The cookie store's Qt side: the profile's ``QWebEngineCookieStore``, which every window of
the app shares (one profile, ``oro_framework/gui/qt/profile.py``). Imported only with Qt
windows; every function runs on the GUI thread (``host.windows.run_on_gui``).

The store has no getter: it tells of each cookie added or removed (``cookieAdded``,
``cookieRemoved``, the page's own ``document.cookie`` writes included) and loads those it kept
on disk on request (``loadAllCookies``). :func:`follow` starts a :class:`_Mirror` of it as each
window is made, long before its page can ask; reads answer from the mirror.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Final

from oro_desktop.cookies.jar import StoredCookie
from oro_framework import NotFoundError

__all__ = ["add", "delete", "follow", "read"]

Done = Callable[[Any], None]

_SAME_SITE: Final = {"Strict": "Strict", "Lax": "Lax", "None_": "None"}


class _Mirror:
    """The store's cookies by name, domain and path, as its signals told them."""

    def __init__(self, store: Any) -> None:
        self.cookies: dict[tuple[str, str, str], StoredCookie] = {}
        store.cookieAdded.connect(self._added)
        store.cookieRemoved.connect(self._removed)
        store.loadAllCookies()

    def _added(self, cookie: Any) -> None:
        stored = _stored(cookie)
        self.cookies[(stored.name, stored.domain, stored.path)] = stored

    def _removed(self, cookie: Any) -> None:
        stored = _stored(cookie)
        self.cookies.pop((stored.name, stored.domain, stored.path), None)


_mirrors: weakref.WeakKeyDictionary[Any, _Mirror] = weakref.WeakKeyDictionary()


def _store(native: Any) -> Any:
    from PyQt6.QtWebEngineWidgets import QWebEngineView

    view = None if native is None else native.findChild(QWebEngineView)
    if view is None:
        raise NotFoundError("The window has no web view yet")
    return view.page().profile().cookieStore()


def follow(native: Any) -> None:
    """Mirror the cookie store of ``native``'s profile, once per store."""
    store = _store(native)
    if store not in _mirrors:
        _mirrors[store] = _Mirror(store)


def read(native: Any, done: Done) -> None:
    """``done`` with every cookie of the store."""
    follow(native)
    done(list(_mirrors[_store(native)].cookies.values()))


def add(native: Any, cookie: StoredCookie, done: Done) -> None:
    store = _store(native)
    store.setCookie(_network_cookie(cookie), _origin(cookie))
    mirror = _mirrors.get(store)
    if mirror is not None:
        # Likewise the mirror hears of it later: a read right after answers it.
        mirror.cookies[(cookie.name, cookie.domain, cookie.path)] = cookie
    done(None)


def delete(native: Any, cookie: StoredCookie, done: Done) -> None:
    store = _store(native)
    store.deleteCookie(_network_cookie(cookie), _origin(cookie))
    mirror = _mirrors.get(store)
    if mirror is not None:
        # The mirror hears of it too, later: dropped now, so that a read right after does not
        # answer it.
        mirror.cookies.pop((cookie.name, cookie.domain, cookie.path), None)
    done(None)


def _origin(cookie: StoredCookie) -> Any:
    from PyQt6.QtCore import QUrl

    return QUrl(f"http://{cookie.domain.lstrip('.')}/")


def _network_cookie(cookie: StoredCookie) -> Any:
    from PyQt6.QtCore import QByteArray, QDateTime
    from PyQt6.QtNetwork import QNetworkCookie

    made = QNetworkCookie(QByteArray(cookie.name.encode()), QByteArray(cookie.value.encode()))
    if cookie.domain.startswith("."):
        made.setDomain(cookie.domain)  # else a host-only cookie, of the origin's host
    made.setPath(cookie.path)
    made.setSecure(cookie.secure)
    made.setHttpOnly(cookie.http_only)
    if cookie.expires is not None:
        made.setExpirationDate(QDateTime.fromMSecsSinceEpoch(int(cookie.expires * 1000)))
    if cookie.same_site is not None:
        policy = "None_" if cookie.same_site == "None" else cookie.same_site
        made.setSameSitePolicy(getattr(QNetworkCookie.SameSite, policy))
    return made


def _stored(cookie: Any) -> StoredCookie:
    expires = None
    if not cookie.isSessionCookie():
        expires = cookie.expirationDate().toMSecsSinceEpoch() / 1000
    policy = cookie.sameSitePolicy().name
    return StoredCookie(
        bytes(cookie.name().data()).decode("latin-1"),
        bytes(cookie.value().data()).decode("latin-1"),
        cookie.domain(),
        cookie.path() or "/",
        expires,
        secure=cookie.isSecure(),
        http_only=cookie.isHttpOnly(),
        same_site=_SAME_SITE.get(policy),
    )
