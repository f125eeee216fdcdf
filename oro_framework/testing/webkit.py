"""WebKit as a second browser of the browser tests: Debian's ``WebKitWebDriver`` (package
``webkit2gtk-driver``) driving the ``MiniBrowser`` of libwebkit2gtk-4.1 over W3C WebDriver,
with the subset of Playwright's sync ``Page`` that the browser tests use, so that one test body
runs on both engines (Playwright's own WebKit is a downloaded build, which tests never use).

The differences from a Playwright browser that a test can see:

* One WebDriver session is one browser profile: the "contexts" of :meth:`WebKitBrowser.new_context`
  are windows of it and share one cookie jar (cookies are per host, not per port). A context
  clears what its pages stored (cookies, web storage, caches, IndexedDB) when it closes, so the
  next context starts as empty as a fresh Playwright context, but for service worker
  registrations, which stay (see :data:`~oro_framework.testing.webkit_scripts.CLEAR_STORAGE`).
* MiniBrowser is a GTK application: it draws on an Xvfb display of its own
  (:func:`~oro_framework.testing.virtual_display`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx

from oro_framework.host.origins import origin_of
from oro_framework.testing.webkit_driver import (
    SESSION_TIMEOUT,
    JavaScriptError,
    WebDriverError,
    WebKitDriver,
    find_webkit,
)
from oro_framework.testing.webkit_page import WebKitPage

__all__ = ["WebKitBrowser", "WebKitContext", "launch_webkit"]


class WebKitBrowser:
    """A WebDriver session of MiniBrowser (:func:`launch_webkit`); Playwright's ``Browser``
    where the browser tests use it (:meth:`new_context`)."""

    def __init__(self, driver: WebKitDriver, minibrowser: str) -> None:
        self._driver = driver
        self._minibrowser = minibrowser
        self._session = ""
        self._current: str | None = None
        self._home = ""
        self._stale = False
        self.version = ""
        """WebKitGTK's version (``"2.50.6"``)."""
        self._start()

    def _start(self) -> None:
        capabilities = {
            "webkitgtk:browserOptions": {"binary": self._minibrowser, "args": ["--automation"]}
        }
        request = {"capabilities": {"alwaysMatch": capabilities}}

        def start() -> httpx.Response:
            return self._driver.client.post("/session", json=request, timeout=SESSION_TIMEOUT)

        try:
            response = start()
        except httpx.TimeoutException:
            # Seen under a loaded parallel run: the driver waited forever for a MiniBrowser
            # that never connected, and every later test of the session failed with it. A
            # driver of its own, once; a second wedge is the machine's and fails here.
            self._driver.restart()
            response = start()
        value = response.json()["value"]
        if not response.is_success:
            raise RuntimeError(f"WebKitWebDriver refused a session: {value}")
        self._session = str(value["sessionId"])
        self.version = str(value["capabilities"]["browserVersion"])
        # The session's first window stays open and blank: WebDriver opens a new window only
        # from an open one, and the session ends with its last window.
        self._home = str(self.command("GET", "/window"))
        self._current = self._home
        # Page code may run as long as Playwright lets it (no script timeout).
        self.command("POST", "/timeouts", {"script": None})

    def renew_after(self) -> None:
        """Start a fresh session (an empty profile) before the next context: a closed page
        left service workers registered (see
        :data:`~oro_framework.testing.webkit_scripts.CLEAR_STORAGE`)."""
        self._stale = True

    def command(self, method: str, path: str, body: Any = None) -> Any:
        """Send one WebDriver command of this session and return its ``value``.

        :raises JavaScriptError: page code threw.
        :raises WebDriverError: any other failure.
        """
        url = f"/session/{self._session}{path}"
        if body is None and method == "POST":
            body = {}  # the driver wants a JSON body on every POST, empty ones included
        response = self._driver.client.request(method, url, json=body)
        value = response.json()["value"]
        if response.is_success:
            return value
        error = str(value.get("error", response.status_code))
        message = str(value.get("message", ""))
        if error == "javascript error":
            raise JavaScriptError(error, message)
        raise WebDriverError(error, message)

    def use(self, handle: str) -> None:
        """Make window ``handle`` the one the next commands act on."""
        if self._current != handle:
            self.command("POST", "/window", {"handle": handle})
            self._current = handle

    def open_window(self) -> str:
        handle = str(self.command("POST", "/window/new", {"type": "window"})["handle"])
        self.use(handle)
        return handle

    def close_window(self, handle: str) -> None:
        self.use(handle)
        self.command("DELETE", "/window")
        self._current = None
        self.use(self._home)

    def new_context(self) -> WebKitContext:
        """A "context" of its own windows (sharing this session's cookie jar, see the module)."""
        if self._stale:
            self._stale = False
            self.close()
            self._start()
        return WebKitContext(self)

    def close(self) -> None:
        with contextlib.suppress(httpx.HTTPError, WebDriverError):
            self._driver.client.delete(f"/session/{self._session}", timeout=SESSION_TIMEOUT)


class WebKitContext:
    """Playwright's ``BrowserContext`` subset: ``new_page``, ``add_cookies``, ``pages``,
    ``close``."""

    def __init__(self, browser: WebKitBrowser) -> None:
        self.browser = browser
        self.pages: list[WebKitPage] = []
        self._cookies: dict[str, list[dict[str, Any]]] = {}

    def add_cookies(self, cookies: Sequence[dict[str, Any]]) -> None:
        """Cookies given as Playwright gives them (``name``, ``value``, ``url``, optionally
        ``httpOnly`` and ``sameSite``), set in the browser when a page of this context first goes
        to their origin."""
        for cookie in cookies:
            origin = origin_of(str(cookie["url"]))
            entry = {"name": cookie["name"], "value": cookie["value"], "path": "/"}
            entry.update({key: cookie[key] for key in ("httpOnly", "sameSite") if key in cookie})
            self._cookies.setdefault(origin, []).append(entry)

    def new_page(self) -> WebKitPage:
        page = WebKitPage(self, self.browser.open_window())
        self.pages.append(page)
        return page

    def cookies_for(self, url: str) -> list[dict[str, Any]]:
        """The cookies still to set before going to ``url`` (handed out once)."""
        return self._cookies.pop(origin_of(url), [])

    def close(self) -> None:
        """Clear what the pages stored (see the module) and close their windows."""
        for page in list(self.pages):
            page.close()
        self.pages.clear()


@contextmanager
def launch_webkit() -> Iterator[WebKitBrowser]:
    """A MiniBrowser of WebKitGTK driven by ``WebKitWebDriver`` on its own Xvfb display, for
    the whole block.

    :raises RuntimeError: WebKitWebDriver or MiniBrowser is missing, or the driver did not
        answer.
    """
    from oro_framework.testing.display import virtual_display

    driver_path, minibrowser = find_webkit()
    with virtual_display() as display:
        environ = dict(os.environ, DISPLAY=display)
        # Software rendering: Xvfb has no GPU, and the DMA-BUF renderer draws nothing there.
        environ.setdefault("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        driver = WebKitDriver(driver_path, environ)
        try:
            browser = WebKitBrowser(driver, minibrowser)
            try:
                yield browser
            finally:
                browser.close()
        finally:
            driver.stop()
