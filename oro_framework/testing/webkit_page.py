"""Playwright's sync ``Page`` where the browser tests use it, on a window of WebKit's
WebDriver session (:class:`~oro_framework.testing.webkit.WebKitBrowser`): one test body runs
on both engines."""

from __future__ import annotations

import base64
import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework.host.origins import origin_of
from oro_framework.testing.webkit_driver import WebDriverError
from oro_framework.testing.webkit_scripts import (
    CLEAR_STORAGE,
    CLICKABLE,
    EVALUATE,
    QUERY,
    WAIT_FOR,
    decode,
)

if TYPE_CHECKING:
    from oro_framework.testing.webkit import WebKitContext

__all__ = ["DEFAULT_TIMEOUT_MS", "Locator", "WebKitPage", "WebKitTimeoutError"]

DEFAULT_TIMEOUT_MS: Final = 30_000.0
"""Playwright's default for waits (``wait_for_function``, ``wait_for_selector``, actions)."""
# The document the driver stands on to set a cookie for an origin (WebDriver adds cookies only
# for the current document's host); any answer of the origin will do, a 404 included.
_COOKIE_LANDING: Final = "/.well-known/oro-webdriver-cookies"


class WebKitTimeoutError(TimeoutError):
    """A wait ran out of time (Playwright's ``TimeoutError``)."""


class Locator:
    """Playwright's ``Locator`` subset: ``all_inner_texts`` and ``count``."""

    def __init__(self, page: WebKitPage, selector: str) -> None:
        self._page = page
        self._selector = selector

    def all_inner_texts(self) -> list[str]:
        texts = self._page.run(
            QUERY + "return __oroQueryAll(arguments[0]).map((element) => element.innerText)",
            self._selector,
        )
        return [str(text) for text in texts]

    def count(self) -> int:
        return int(
            self._page.run(QUERY + "return __oroQueryAll(arguments[0]).length", self._selector)
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
        return decode(self.run(EVALUATE % expression, arg))

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
                result = self.run(WAIT_FOR % expression, arg, remaining * 1000)
            except WebDriverError as error:
                # The page navigated (or was still loading) under the script: try again in
                # the new document.
                last = error
                time.sleep(0.05)
                continue
            if "t" not in result:
                return decode(result)
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
            f"(s) => {{ {QUERY}; return {check} }}", arg=selector, timeout=timeout
        )

    def text_content(self, selector: str, *, timeout: float | None = None) -> str | None:
        self.wait_for_selector(selector, state="attached", timeout=timeout)
        value = self.run(QUERY + "return __oroQueryAll(arguments[0])[0].textContent", selector)
        return None if value is None else str(value)

    def input_value(self, selector: str, *, timeout: float | None = None) -> str:
        self.wait_for_selector(selector, state="attached", timeout=timeout)
        return str(self.run(QUERY + "return __oroQueryAll(arguments[0])[0].value", selector))

    def is_disabled(self, selector: str, *, timeout: float | None = None) -> bool:
        self.wait_for_selector(selector, state="attached", timeout=timeout)
        return bool(self.run(QUERY + "return __oroQueryAll(arguments[0])[0].disabled", selector))

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
            if not self.evaluate(CLICKABLE, selector) and time.monotonic() < deadline:
                continue
            element = self.run(QUERY + "return __oroQueryAll(arguments[0])[0]", selector)
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
            QUERY
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
                if self.run(CLEAR_STORAGE):
                    self._browser.renew_after()
                self._command("DELETE", "/cookie")
        self._browser.close_window(self._handle)
        if self in self.context.pages:
            self.context.pages.remove(self)
