"""The cookies part of oro-desktop (``oro:cookies``): the cookies of the app's origin in the
windows' own cookie store, the one ``document.cookie`` reads and writes (WebKitGTK's cookie
manager, :mod:`oro_desktop.cookies.gtk`; QtWebEngine's cookie store,
:mod:`oro_desktop.cookies.qt`), so that both always agree.

Oro's routes take any URL and reach every cookie of the store; here a page reaches only what its
own ``document.cookie`` may (:mod:`oro_desktop.cookies.jar`): its origin's cookies but the
HttpOnly ones, never the host's session cookie. A URL of another origin is a ``SecurityError``,
and the host says once on standard error that Oro's would have taken it.

Headless there is no store of the host's (the page's browser keeps its own): every route
answers ``NotSupportedError`` (``ERR_HEADLESS``) and points to ``document.cookie``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, final

import anyio
import anyio.from_thread
import anyio.lowlevel

from oro_desktop.cookies.jar import (
    CookieTarget,
    StoredCookie,
    applies,
    cookie_header,
    cookie_target,
    host_cookie,
    is_host_cookie,
    parse_set_cookie,
    visible,
)
from oro_desktop.part import Spawn, logger, require_gui
from oro_desktop.settings import DesktopSettings
from oro_framework import (
    Host,
    InvalidArgumentError,
    InvalidStateError,
    NotFoundError,
    OutOfRangeError,
    SecurityError,
    Window,
)

__all__ = ["Cookies"]

T = TypeVar("T")
Done = Callable[[Any], None]


class CookieEngine(Protocol):
    """What an engine module (``qt``, ``gtk``) offers; each runs on the GUI thread with a
    window's toolkit object and calls ``done`` once, on the GUI thread, with its result or an
    exception."""

    def follow(self, native: Any) -> None: ...

    def read(self, native: Any, done: Done) -> None: ...

    def add(self, native: Any, cookie: StoredCookie, done: Done) -> None: ...

    def delete(self, native: Any, cookie: StoredCookie, done: Done) -> None: ...


def engine(toolkit: str) -> CookieEngine:
    """The engine module of ``toolkit``, imported now: a headless host never loads one."""
    if toolkit == "gtk":
        from oro_desktop.cookies import gtk

        return gtk
    from oro_desktop.cookies import qt

    return qt


@final
class Cookies:
    """The cookie routes' work, one per host."""

    def __init__(self, host: Host, settings: DesktopSettings, spawn: Spawn) -> None:
        self._host = host
        self._spawn = spawn
        self._warned_origin = False
        self._reads = 0
        self._writes = 0
        self._refused = 0

    async def get(self, url: str, window: int | None) -> str:
        """The ``Cookie`` header value a request of the page to ``url`` would carry."""
        target = self._target(url)
        stored = await self._read(window)
        now = time.time()
        self._reads += 1
        return cookie_header(cookie for cookie in stored if applies(cookie, target, now))

    async def set(self, url: str, header: str, window: int | None) -> None:
        """Store the cookie of the ``Set-Cookie`` value ``header`` for ``url``."""
        target = self._target(url)
        try:
            cookie = parse_set_cookie(header, target)
        except (InvalidArgumentError, OutOfRangeError, SecurityError):
            self._refused += 1
            raise
        stored = await self._read(window)
        # The store would let this cookie replace an HttpOnly one of the same name, domain and
        # path; document.cookie may not, nor may a page here.
        if any(_same(old, cookie) and old.http_only for old in stored):
            self._refused += 1
            raise InvalidStateError(
                f"Cookie {cookie.name!r} is HttpOnly: the page can neither read nor replace it",
                code="ERR_COOKIE_HTTPONLY",
                name=cookie.name,
            )
        await self._on_gui(window, engine(self._toolkit()).add, cookie)
        self._writes += 1

    async def remove(self, url: str, name: str, window: int | None) -> int:
        """Remove the page-visible cookies named ``name`` that apply to ``url``; how many."""
        target = self._target(url)
        if is_host_cookie(name):
            self._refused += 1
            raise host_cookie(name)
        now = time.time()
        stored = await self._read(window)
        found = [c for c in stored if c.name == name and applies(c, target, now)]
        return await self._delete(found, window)

    async def clear(self, window: int | None) -> int:
        """Remove every page-visible cookie of the app's host; how many."""
        self._toolkit()
        origin = self._origin()
        host = cookie_target(origin, origin).host
        stored = await self._read(window)
        return await self._delete([c for c in stored if visible(c, host)], window)

    async def _delete(self, cookies: list[StoredCookie], window: int | None) -> int:
        delete = engine(self._toolkit()).delete
        for cookie in cookies:
            await self._on_gui(window, delete, cookie)
        self._writes += len(cookies)
        return len(cookies)

    async def _read(self, window: int | None) -> list[StoredCookie]:
        stored: list[StoredCookie] = await self._on_gui(window, engine(self._toolkit()).read)
        return stored

    def _target(self, url: str) -> CookieTarget:
        # Headless first: there the page's browser, not the host, holds its cookies.
        self._toolkit()
        origin = self._origin()
        try:
            return cookie_target(url, origin)
        except SecurityError:
            self._refused += 1
            if not self._warned_origin:
                self._warned_origin = True
                logger.warning(
                    "oro:cookies: a page asked for the cookies of %s; Oro's runtime allows any "
                    "URL, here a page reaches its own origin's (%s) only",
                    url,
                    origin,
                )
            raise
        except InvalidArgumentError:
            self._refused += 1
            raise

    def _origin(self) -> str:
        origin = self._host.windows.origin
        if origin is None:
            raise InvalidStateError("The app has no origin yet: its server is starting")
        return origin

    def _toolkit(self) -> str:
        return require_gui(
            self._host,
            "The windows' cookie store",
            "use document.cookie, which the page's browser keeps",
        )

    async def _on_gui(self, window: int | None, operation: Callable[..., None], *args: Any) -> Any:
        """``operation(native, *args, done)`` on the GUI thread with the toolkit object of
        ``window`` (else of any open window: they share one store), awaiting ``done``."""
        self._toolkit()
        native_of = self._host.windows.native
        chosen = self._window(window)
        answered = anyio.Event()
        outcome: list[Any] = []
        token = anyio.lowlevel.current_token()

        def done(result: Any) -> None:  # on the GUI thread
            outcome.append(result)
            with contextlib.suppress(anyio.RunFinishedError):
                anyio.from_thread.run_sync(answered.set, token=token)

        def start() -> None:
            try:
                operation(native_of(chosen), *args, done)
            except Exception as error:
                done(error)

        await self._host.windows.run_on_gui(start)
        await answered.wait()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def _window(self, index: int | None) -> Window:
        windows = [w for w in self._host.windows.windows if w.is_open]
        for window in windows:
            if window.index == index:
                return window
        if not windows:
            raise NotFoundError("The app has no open window, whose cookie store this is")
        return windows[0]

    def window_created(self, window: Window) -> None:
        toolkit = self._host.windows.toolkit
        if toolkit not in ("qt", "gtk"):
            return
        follow = engine(toolkit).follow
        native_of = self._host.windows.native

        async def start_following() -> None:
            await self._host.windows.run_on_gui(lambda: follow(native_of(window)))

        self._spawn(start_following)

    def page_closed(self, window: int) -> None:
        pass

    async def stop(self) -> None:
        pass

    def diagnostics(self) -> dict[str, Any]:
        return {"reads": self._reads, "writes": self._writes, "refused": self._refused}


def _same(old: StoredCookie, new: StoredCookie) -> bool:
    return (old.name, old.domain.lstrip("."), old.path) == (new.name, new.domain, new.path)
