"""WebKit as a second browser of the browser tests: Debian's ``WebKitWebDriver`` (package
``webkit2gtk-driver``) driving the ``MiniBrowser`` of libwebkit2gtk-4.1 over W3C WebDriver,
with the subset of Playwright's sync ``Page`` that the browser tests use, so that one test body
runs on both engines (Playwright's own WebKit is a downloaded build, which tests never use).

The differences from a Playwright browser that a test can see:

* One WebDriver session is one browser profile: the "contexts" of :meth:`WebKitBrowser.new_context`
  are windows of it and share one cookie jar (cookies are per host, not per port). A context
  clears what its pages stored (cookies, web storage, caches, IndexedDB) when it closes, so the
  next context starts as empty as a fresh Playwright context, but for service worker
  registrations, which stay (see ``_CLEAR_STORAGE``).
* MiniBrowser is a GTK application: it draws on an Xvfb display of its own
  (:func:`~oro_framework.testing.virtual_display`).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import math
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import httpx

from oro_framework.host.origins import origin_of
from oro_framework.testing.process import free_port

__all__ = [
    "MINIBROWSER_PATHS",
    "JavaScriptError",
    "WebDriverError",
    "WebKitBrowser",
    "WebKitContext",
    "WebKitPage",
    "find_webkit",
    "launch_webkit",
]

MINIBROWSER_PATHS: Final = (
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/libexec/webkit2gtk-4.1/MiniBrowser",
)
"""Where Debian/Ubuntu (per architecture) and Fedora install libwebkit2gtk-4.1's MiniBrowser."""

INSTALL_HINT: Final = "apt-get install webkit2gtk-driver libwebkit2gtk-4.1-0 xvfb"

DEFAULT_TIMEOUT_MS: Final = 30_000.0
"""Playwright's default for waits (``wait_for_function``, ``wait_for_selector``, actions)."""
SESSION_TIMEOUT: Final = 60.0
"""Seconds for the driver to start (or end) a session: a MiniBrowser starting on a loaded
machine takes a few; one that never connects must not hold the test run."""

# Turns what page code returned into tagged JSON (Playwright's shapes: undefined, NaN, -0,
# Infinity, Dates, BigInts, Errors and typed arrays survive; WebDriver's own JSON clone would
# turn them into null, strings or {}).
_SERIALIZE: Final = """
const __oroSerialize = (value, seen = new Set()) => {
  if (value === undefined) return { v: 'undefined' }
  if (value === null) return { v: 'null' }
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return { v: 'NaN' }
      if (value === Infinity) return { v: 'Infinity' }
      if (value === -Infinity) return { v: '-Infinity' }
      if (Object.is(value, -0)) return { v: '-0' }
      return { n: value }
    case 'boolean': return { b: value }
    case 'string': return { s: value }
    case 'bigint': return { bi: value.toString() }
    case 'function': case 'symbol': return { v: 'undefined' }
  }
  if (value instanceof Date) {
    return { d: Number.isNaN(value.getTime()) ? null : value.toISOString() }
  }
  if (value instanceof RegExp) return { r: { p: value.source, f: value.flags } }
  if (value instanceof Error) {
    return { e: { n: value.name, m: value.message, s: String(value.stack ?? '') } }
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { a: Array.from(value, (item) => __oroSerialize(item, seen)) }
  }
  if (seen.has(value)) return { v: 'undefined' }
  seen.add(value)
  try {
    if (Array.isArray(value)) return { a: value.map((item) => __oroSerialize(item, seen)) }
    const entries = []
    for (const key of Object.keys(value)) entries.push([key, __oroSerialize(value[key], seen)])
    return { o: entries }
  } finally {
    seen.delete(value)
  }
}
"""

# Evaluates the test's expression the way Playwright does: a function is called with the
# argument and awaited, anything else is the value (awaited when it is a promise).
_EVALUATE: Final = (
    _SERIALIZE
    + """
const __oroArg = arguments[0]
return (async () => {
  const __oroValue = (() => (
%s
))()
  const __oroResult = typeof __oroValue === 'function'
    ? await __oroValue(__oroArg)
    : await __oroValue
  return __oroSerialize(__oroResult)
})()
"""
)

# Polls a predicate in the page until it is truthy or `timeout` ms pass ({ t: true } then).
_WAIT_FOR: Final = (
    _SERIALIZE
    + """
const [__oroArg, __oroTimeout] = arguments
return (async () => {
  const __oroCheck = async () => {
    const value = (() => (
%s
))()
    return typeof value === 'function' ? await value(__oroArg) : await value
  }
  const deadline = Date.now() + __oroTimeout
  for (;;) {
    const result = await __oroCheck()
    if (result) return __oroSerialize(result)
    if (Date.now() >= deadline) return { t: true }
    await new Promise((resolve) => setTimeout(resolve, 16))
  }
})()
"""
)

# Playwright's CSS selectors plus its `:has-text('…')` filter at the end of one.
_QUERY: Final = """
const __oroQueryAll = (selector) => {
  const match = /^(.*):has-text\\((['"])(.*)\\2\\)$/.exec(selector)
  if (!match) return Array.from(document.querySelectorAll(selector))
  return Array.from(document.querySelectorAll(match[1]))
    .filter((element) => (element.textContent ?? '').includes(match[3]))
}
const __oroVisible = (element) => {
  const box = element.getBoundingClientRect()
  const style = getComputedStyle(element)
  return box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
}
"""

# Whether the element matching the selector is in place to be clicked: scrolled into view as
# WebDriver would, at the same place for two animation frames, and what the pointer hits at its
# centre. It also arms a record of where the next click lands (__oroClickReached).
_CLICKABLE: Final = (
    "async (selector) => {"
    + _QUERY
    + """
  globalThis.__oroClickReached = undefined
  const element = __oroQueryAll(selector)[0]
  if (element === undefined) return false
  element.scrollIntoView({ block: 'end', inline: 'nearest' })
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve))
  let last = ''
  for (let round = 0; round < 20; round++) {
    await frame()
    const box = element.getBoundingClientRect()
    const place = [box.x, box.y, box.width, box.height].join()
    if (place !== last) {
      last = place
      continue
    }
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)
    if (hit === null || !element.contains(hit)) return false
    globalThis.__oroClickReached = null
    document.addEventListener('click', (event) => {
      globalThis.__oroClickReached = element.contains(event.target)
    }, { capture: true, once: true })
    return true
  }
  return false
}"""
)

# What a page stored, cleared when its context closes (a fresh Playwright context has none).
# It answers how many service workers stay registered: they are not unregistered here, because
# WebKitGTK 2.50 half-revives a registration that a later register() of the same script makes
# (getRegistration() then answers undefined while the page is controlled); the browser starts a
# fresh session instead (WebKitBrowser.renew).
_CLEAR_STORAGE: Final = """
return (async () => {
  try { localStorage.clear() } catch {}
  try { sessionStorage.clear() } catch {}
  if (globalThis.caches) {
    await Promise.all((await caches.keys()).map((key) => caches.delete(key)))
  }
  if (indexedDB.databases) {
    const databases = await indexedDB.databases()
    for (const { name } of databases) if (name) indexedDB.deleteDatabase(name)
  }
  return navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0
})()
"""

# The document the driver stands on to set a cookie for an origin (WebDriver adds cookies only
# for the current document's host); any answer of the origin will do, a 404 included.
_COOKIE_LANDING: Final = "/.well-known/oro-webdriver-cookies"


class WebDriverError(RuntimeError):
    """A WebDriver command failed (``error`` is the W3C error code, e.g. ``"no such window"``)."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(f"{error}: {message}")
        self.error = error


class JavaScriptError(WebDriverError):
    """Page code threw (Playwright's ``Error`` from ``evaluate``); ``message`` is the page's."""


class WebKitTimeoutError(TimeoutError):
    """A wait ran out of time (Playwright's ``TimeoutError``)."""


def find_webkit() -> tuple[str, str]:
    """The paths of ``WebKitWebDriver`` and of the ``MiniBrowser`` it drives.

    :raises RuntimeError: either is missing (the message gives the packages to install).
    """
    driver = shutil.which("WebKitWebDriver")
    browser = next((path for path in MINIBROWSER_PATHS if os.access(path, os.X_OK)), None)
    if driver is None or browser is None:
        missing = "WebKitWebDriver" if driver is None else "MiniBrowser"
        raise RuntimeError(f"no {missing} found: {INSTALL_HINT} (scripts/test does)")
    return driver, browser


def _decode(value: Any) -> Any:
    """Python's value of what :data:`_SERIALIZE` made (as Playwright's ``evaluate`` returns)."""
    if "v" in value:
        special: dict[str, Any] = {
            "undefined": None,
            "null": None,
            "NaN": math.nan,
            "Infinity": math.inf,
            "-Infinity": -math.inf,
            "-0": -0.0,
        }
        return special[value["v"]]
    if "n" in value:
        return value["n"]
    if "b" in value:
        return value["b"]
    if "s" in value:
        return value["s"]
    if "bi" in value:
        return int(value["bi"])
    if "d" in value:
        if value["d"] is None:
            return datetime.datetime.fromtimestamp(0, datetime.UTC)
        return datetime.datetime.strptime(value["d"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.UTC
        )
    if "r" in value:
        flags = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
        combined = 0
        for flag in value["r"]["f"]:
            combined |= flags.get(flag, 0)
        return re.compile(value["r"]["p"], combined)
    if "e" in value:
        error = JavaScriptError("javascript error", value["e"]["m"])
        error.args = (value["e"]["m"],)
        return error
    if "a" in value:
        return [_decode(item) for item in value["a"]]
    return {key: _decode(item) for key, item in value["o"]}


class WebKitBrowser:
    """A WebDriver session of MiniBrowser (:func:`launch_webkit`); Playwright's ``Browser``
    where the browser tests use it (:meth:`new_context`)."""

    def __init__(self, driver: _Driver, minibrowser: str) -> None:
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
        left service workers registered (see ``_CLEAR_STORAGE``)."""
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


class Locator:
    """Playwright's ``Locator`` subset: ``all_inner_texts`` and ``count``."""

    def __init__(self, page: WebKitPage, selector: str) -> None:
        self._page = page
        self._selector = selector

    def all_inner_texts(self) -> list[str]:
        texts = self._page.run(
            _QUERY + "return __oroQueryAll(arguments[0]).map((element) => element.innerText)",
            self._selector,
        )
        return [str(text) for text in texts]

    def count(self) -> int:
        return int(
            self._page.run(_QUERY + "return __oroQueryAll(arguments[0]).length", self._selector)
        )


class WebKitPage:
    """Playwright's sync ``Page`` subset that the browser tests use: ``goto``, ``url``,
    ``evaluate``, ``wait_for_function``, ``wait_for_selector``, ``text_content``, ``click``,
    ``fill``, ``input_value``, ``locator``, ``title``, ``reload``, ``wait_for_timeout``,
    ``screenshot``, ``context``."""

    def __init__(self, context: WebKitContext, handle: str) -> None:
        self.context = context
        self._browser = context.browser
        self._handle = handle
        self._closed = False

    def _command(self, method: str, path: str, body: Any = None) -> Any:
        self._browser.use(self._handle)
        return self._browser.command(method, path, body)

    def run(self, script: str, *args: Any) -> Any:
        """Run a WebDriver script (a function body; ``arguments`` are ``args``) and return its
        result as WebDriver's JSON clone gives it."""
        return self._command("POST", "/execute/sync", {"script": script, "args": list(args)})

    @property
    def url(self) -> str:
        return str(self._command("GET", "/url"))

    def goto(self, url: str) -> None:
        """Go to ``url`` once its load event fired; cookies this context holds for its origin
        are set first."""
        cookies = self.context.cookies_for(url)
        if cookies:
            self._command("POST", "/url", {"url": origin_of(url) + _COOKIE_LANDING})
            for cookie in cookies:
                self._command("POST", "/cookie", {"cookie": cookie})
        self._command("POST", "/url", {"url": url})

    def title(self) -> str:
        return str(self._command("GET", "/title"))

    def reload(self) -> None:
        self._command("POST", "/refresh")

    def evaluate(self, expression: str, arg: Any = None) -> Any:
        """Playwright's ``evaluate``: a function expression is called with ``arg`` (and
        awaited), any other expression is its value.

        :raises JavaScriptError: the page code threw.
        """
        return _decode(self.run(_EVALUATE % expression, arg))

    def wait_for_function(
        self, expression: str, *, arg: Any = None, timeout: float | None = None
    ) -> Any:
        """Wait until ``expression`` (called with ``arg`` when a function) is truthy; return
        that value. A navigation while waiting is waited through, as Playwright does.

        :raises WebKitTimeoutError: still falsy after ``timeout`` ms (default 30 s).
        """
        limit = DEFAULT_TIMEOUT_MS if timeout is None else timeout
        deadline = time.monotonic() + limit / 1000
        last: WebDriverError | None = None
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                result = self.run(_WAIT_FOR % expression, arg, remaining * 1000)
            except WebDriverError as error:
                # The page navigated (or was still loading) under the script: try again in
                # the new document.
                last = error
                time.sleep(0.05)
                continue
            if "t" not in result:
                return _decode(result)
        raise WebKitTimeoutError(
            f"wait_for_function timed out after {limit:.0f} ms: {expression}"
            + (f" (last error: {last})" if last else "")
        )

    def wait_for_selector(
        self, selector: str, *, state: str = "visible", timeout: float | None = None
    ) -> None:
        """Wait until an element matches ``selector`` in ``state`` (``"attached"``,
        ``"visible"``, ``"hidden"`` or ``"detached"``)."""
        check = {
            "attached": "__oroQueryAll(s).length > 0",
            "detached": "__oroQueryAll(s).length === 0",
            "visible": "__oroQueryAll(s).some(__oroVisible)",
            "hidden": "!__oroQueryAll(s).some(__oroVisible)",
        }[state]
        self.wait_for_function(
            f"(s) => {{ {_QUERY}; return {check} }}", arg=selector, timeout=timeout
        )

    def text_content(self, selector: str, *, timeout: float | None = None) -> str | None:
        self.wait_for_selector(selector, state="attached", timeout=timeout)
        value = self.run(_QUERY + "return __oroQueryAll(arguments[0])[0].textContent", selector)
        return None if value is None else str(value)

    def input_value(self, selector: str, *, timeout: float | None = None) -> str:
        self.wait_for_selector(selector, state="attached", timeout=timeout)
        return str(self.run(_QUERY + "return __oroQueryAll(arguments[0])[0].value", selector))

    def is_disabled(self, selector: str, *, timeout: float | None = None) -> bool:
        self.wait_for_selector(selector, state="attached", timeout=timeout)
        return bool(self.run(_QUERY + "return __oroQueryAll(arguments[0])[0].disabled", selector))

    def locator(self, selector: str) -> Locator:
        return Locator(self, selector)

    def click(self, selector: str, *, timeout: float | None = None) -> None:
        """Click the first element matching ``selector`` once it is visible, with WebKit's own
        pointer events (WebDriver's element click, as a user's click).

        As Playwright's actions: the click waits until the element stays in place for two
        animation frames and is what the pointer would hit, because WebDriver clicks at a
        point and a page still laying itself out moves the element under it (seen: a click
        meant for a button reached the text area above it). A click that still reached
        another element is made again until ``timeout``.
        """
        limit = DEFAULT_TIMEOUT_MS if timeout is None else timeout
        deadline = time.monotonic() + limit / 1000
        while True:
            self.wait_for_selector(selector, timeout=max(deadline - time.monotonic(), 0) * 1000)
            if not self.evaluate(_CLICKABLE, selector) and time.monotonic() < deadline:
                continue
            element = self.run(_QUERY + "return __oroQueryAll(arguments[0])[0]", selector)
            reference = next(iter(element.values()))
            try:
                self._command("POST", f"/element/{reference}/click")
            except WebDriverError as error:
                # The page re-rendered the element between finding and clicking it: find it
                # again, as Playwright's actions do.
                if error.error != "stale element reference" or time.monotonic() > deadline:
                    raise
                continue
            # False only when the click reached another element (no click event at all, as
            # on a disabled button, is what the page made of the click).
            if self.evaluate("() => globalThis.__oroClickReached") is not False:
                return
            if time.monotonic() > deadline:
                raise WebKitTimeoutError(f"click on {selector!r} kept reaching other elements")

    def fill(self, selector: str, value: str, *, timeout: float | None = None) -> None:
        """Set the value of an input or text area as typing it would, with one ``input`` event
        (as Playwright's ``fill``)."""
        self.wait_for_selector(selector, timeout=timeout)
        self.run(
            _QUERY
            + """
            const element = __oroQueryAll(arguments[0])[0]
            element.focus()
            const prototype = Object.getPrototypeOf(element)
            Object.getOwnPropertyDescriptor(prototype, 'value').set.call(element, arguments[1])
            element.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText',
                                                            data: arguments[1] }))
            """,
            selector,
            value,
        )

    def wait_for_timeout(self, timeout: float) -> None:
        time.sleep(timeout / 1000)

    def screenshot(self, path: str | Path | None = None) -> bytes:
        """A PNG of the window's viewport (written to ``path`` too when given)."""
        data = base64.b64decode(self._command("GET", "/screenshot"))
        if path is not None:
            Path(path).write_bytes(data)
        return data

    def close(self) -> None:
        """Clear what the page stored (see the module) and close its window."""
        if self._closed:
            return
        self._closed = True
        if self.url.startswith(("http://", "https://")):
            # A page that is gone or broken has nothing left to clear.
            with contextlib.suppress(WebDriverError):
                if self.run(_CLEAR_STORAGE):
                    self._browser.renew_after()
                self._command("DELETE", "/cookie")
        self._browser.close_window(self._handle)
        if self in self.context.pages:
            self.context.pages.remove(self)


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
        driver = _Driver(driver_path, environ)
        try:
            browser = WebKitBrowser(driver, minibrowser)
            try:
                yield browser
            finally:
                browser.close()
        finally:
            driver.stop()


class _Driver:
    """A ``WebKitWebDriver`` process, in a process group of its own with the MiniBrowsers it
    starts, and the client that talks to it."""

    def __init__(self, path: str, environ: dict[str, str]) -> None:
        self._path = path
        self._environ = environ
        self._start()

    def _start(self) -> None:
        port = free_port()
        self.process = subprocess.Popen(
            [self._path, f"--port={port}"],
            env=self._environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # No timeout by default: page code may run as long as a test lets it.
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=None)
        try:
            _await_driver(self.client, self.process)
        except BaseException:
            self.stop()
            raise

    def restart(self) -> None:
        self.stop()
        self._start()

    def stop(self) -> None:
        self.client.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _await_driver(client: httpx.Client, driver: subprocess.Popen[bytes]) -> None:
    """Wait until the driver answers ``/status`` (it listens a moment after it starts)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if driver.poll() is not None:
            raise RuntimeError(f"WebKitWebDriver exited with {driver.returncode}")
        try:
            if client.get("/status", timeout=5).is_success:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("WebKitWebDriver did not answer within 30 s")
