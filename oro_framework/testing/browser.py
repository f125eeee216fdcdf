"""A headless system Chromium (never a downloaded one) and app pages opened in it, or in the
system WebKit (:mod:`oro_framework.testing.webkit`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Final, overload

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from oro_framework.testing.server import ServedApp
    from oro_framework.testing.webkit import WebKitBrowser
    from oro_framework.testing.webkit_page import WebKitPage


__all__ = ["CHROMIUM_ARGS", "app_page", "find_chromium", "launch_chromium", "open_app_page"]


CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Flags for headless Chromium on a machine without outside network (and as root)."""


def find_chromium() -> str:
    """The system Chromium (tests never download a browser).

    :raises RuntimeError: none is installed; ``scripts/test`` installs Debian's ``chromium``.
    """
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("no Chromium found: apt-get install chromium (scripts/test does)")


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """A headless system Chromium driven by Playwright's sync API (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@overload
def open_app_page(
    browser: Browser, app: ServedApp, path: str = "/", *, window: int = 0
) -> Page: ...


@overload
def open_app_page(
    browser: WebKitBrowser, app: ServedApp, path: str = "/", *, window: int = 0
) -> WebKitPage: ...


@overload
def open_app_page(
    browser: Browser | WebKitBrowser, app: ServedApp, path: str = "/", *, window: int = 0
) -> Page | WebKitPage: ...


def open_app_page(
    browser: Browser | WebKitBrowser, app: ServedApp, path: str = "/", *, window: int = 0
) -> Page | WebKitPage:
    """A new page on ``path`` of the app as the page of window ``window``, in a fresh browser
    context holding the session cookie (the launch token is single-use, so pages share the
    session it opened), once ``runtimeinit`` fired (the bootstrap ran, the event channel is
    open). It opens a launch URL of that window, as the host's windows do, so the page holds
    the window's credential. Close it with ``page.context.close()``.

    ``browser`` is Playwright's Chromium (a Playwright ``Page``) or a
    :class:`~oro_framework.testing.webkit.WebKitBrowser` (a ``WebKitPage`` with the same
    methods).
    """
    session = app.call(app.server.session_cookie)
    context = browser.new_context()
    # As the host sets it (docs/security.md): a page's script cannot read it.
    context.add_cookies(
        [
            {
                "name": app.server.cookie_name,
                "value": session,
                "url": app.server.origin,
                "httpOnly": True,
                "sameSite": "Strict",
            }
        ]
    )
    from oro_framework.testing.webkit_page import WebKitPage

    page = context.new_page()
    if isinstance(page, WebKitPage):
        # WebDriver has no init script: the bootstrap's own state says runtimeinit fired.
        page.goto(app.server.window_launch_url(path, window=window))
        page.wait_for_function(RUNTIME_READY, timeout=15_000)
        return page
    page.add_init_script(
        "globalThis.addEventListener('runtimeinit',"
        " () => { globalThis.__oroInitialised = true }, { once: true })"
    )
    page.goto(app.server.window_launch_url(path, window=window))
    page.wait_for_function("() => globalThis.__oroInitialised === true", timeout=15_000)
    return page


RUNTIME_READY: Final = "() => globalThis[Symbol.for('oro.runtime.bootstrap')]?.ready === true"
"""True once oro:bootstrap dispatched ``runtimeinit`` (its state on ``globalThis``)."""


@overload
def app_page(
    browser: Browser, app: ServedApp, path: str = "/", *, window: int = 0
) -> AbstractContextManager[Page]: ...


@overload
def app_page(
    browser: WebKitBrowser, app: ServedApp, path: str = "/", *, window: int = 0
) -> AbstractContextManager[WebKitPage]: ...


def app_page(
    browser: Browser | WebKitBrowser, app: ServedApp, path: str = "/", *, window: int = 0
) -> AbstractContextManager[Page | WebKitPage]:
    """:func:`open_app_page` for a ``with`` block (or a fixture): the page and its browser
    context are closed when the block ends, whatever happened in it."""
    return _app_page(browser, app, path, window)


@contextmanager
def _app_page(
    browser: Browser | WebKitBrowser, app: ServedApp, path: str, window: int
) -> Iterator[Page | WebKitPage]:
    page = open_app_page(browser, app, path, window=window)
    try:
        yield page
    finally:
        page.context.close()
