"""The test kit as a plugin author meets it: a light pytest plugin, trio only when asked for, and
a served app that has a page without any files of its own."""

from __future__ import annotations

import datetime
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import oro_framework.core.ping
from oro_framework.testing import (
    app_page,
    open_app_page,
    open_descriptors,
    opened_since,
    served_app,
)
from oro_framework.testing.webkit_driver import JavaScriptError
from oro_framework.testing.webkit_page import WebKitTimeoutError

HEAVY = ("trio", "anyio", "httpx", "playwright", "click", "tomlkit", "oro_framework.host.app")


def test_the_pytest_plugin_imports_nothing_heavy():
    probe = (
        "import sys, oro_framework.testing.plugin\n"
        f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _run_pytest(project: Path, ini: str) -> str:
    (project / "pytest.ini").write_text(f"[pytest]\naddopts = -p no:cacheprovider\n{ini}")
    (project / "test_backend.py").write_text(
        textwrap.dedent(
            """
            import pytest
            import sniffio

            @pytest.mark.anyio
            async def test_backend():
                print("backend", sniffio.current_async_library())
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-s", "-q", str(project)],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_trio_is_opt_in_through_an_ini_option(tmp_path):
    other, ours = tmp_path / "other", tmp_path / "ours"
    other.mkdir()
    ours.mkdir()
    # Another project in the same environment keeps anyio's own default (asyncio among them).
    assert "backend asyncio" in _run_pytest(other, "")
    opted_in = _run_pytest(ours, "oro_anyio_backend = trio\n")
    assert "backend trio" in opted_in
    assert "backend asyncio" not in opted_in


def test_served_app_without_an_app_dir_serves_a_default_page(browser):
    with served_app([oro_framework.core.ping]) as app:
        page = open_app_page(browser, app)
        try:
            reply = page.evaluate("async () => (await import('oro:ipc')).request('ping')")
            assert reply == "pong"
            assert page.title() == "oro test app"
        finally:
            page.context.close()


def test_opened_since_names_what_is_still_open_and_ignores_what_closed(tmp_path):
    with (tmp_path / "unrelated").open("w"):
        before = open_descriptors()
    # The unrelated file closed above: something else in the process closing is no finding.
    with (tmp_path / "leaked").open("w") as leaked:
        assert opened_since(before) == {leaked.fileno(): str(tmp_path / "leaked")}
    assert opened_since(before) == {}


# WebKit's page object answers as Playwright's Page does where the browser tests rely on it: the
# same values from evaluate, the same errors, the same selectors.
VALUES = """() => ({ undefined: undefined, nan: NaN, negativeZero: -0, infinity: -Infinity,
    date: new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 789)), big: 12345678901234567890n,
    bytes: new Uint8Array([1, 2, 255]), nested: [{ a: null }, 'x', true] })"""


def test_evaluate_returns_the_values_playwright_returns(browser):
    with served_app([oro_framework.core.ping]) as app, app_page(browser, app) as page:
        values = page.evaluate(VALUES)
        assert page.evaluate("1 + 2") == 3
        assert page.evaluate("async (n) => n * 2", 21) == 42
        assert page.evaluate("document.title") == "oro test app"
    assert math.isnan(values.pop("nan"))
    assert math.copysign(1.0, values.pop("negativeZero")) == -1.0
    assert values == {
        "undefined": None,
        "infinity": float("-inf"),
        "date": datetime.datetime(2024, 2, 3, 4, 5, 6, 789000, tzinfo=datetime.UTC),
        "big": 12345678901234567890,
        "bytes": [1, 2, 255],
        "nested": [{"a": None}, "x", True],
    }


def test_webkit_page_raises_page_errors_and_timeouts(webkit_browser):
    with served_app([oro_framework.core.ping]) as app, app_page(webkit_browser, app) as page:
        with pytest.raises(JavaScriptError, match="boom"):
            page.evaluate("async () => { throw new RangeError('boom') }")
        with pytest.raises(WebKitTimeoutError):
            page.wait_for_function("() => false", timeout=200)
        assert page.wait_for_function("(n) => n + 1", arg=1) == 2


def test_webkit_page_fills_clicks_and_finds_text(webkit_browser):
    with served_app([oro_framework.core.ping]) as app, app_page(webkit_browser, app) as page:
        page.evaluate(
            """() => {
                document.body.innerHTML = '<input id=name><ul><li>one</li><li>two</li></ul>'
                    + '<button id=go>go</button>'
                globalThis.__seen = []
                document.querySelector('#name').addEventListener('input',
                    (e) => __seen.push(['input', e.target.value]))
                document.querySelector('#go').addEventListener('click',
                    (e) => __seen.push(['click', e.isTrusted]))
            }"""
        )
        page.fill("#name", "typed")
        page.click("#go")
        assert page.input_value("#name") == "typed"
        assert page.locator("li").all_inner_texts() == ["one", "two"]
        assert page.text_content("li:has-text('tw')") == "two"
        assert page.evaluate("() => __seen") == [["input", "typed"], ["click", True]]


def test_a_webkit_driver_that_makes_no_session_in_time_is_replaced_once(monkeypatch):
    """Seen under a loaded parallel run: WebKitWebDriver waited forever for a MiniBrowser that
    never connected. The session's start is bounded; the driver is then replaced (its process
    group ended) and the new one makes the session."""
    import httpx

    from oro_framework.testing import webkit, webkit_driver

    post = httpx.Client.post
    started = webkit_driver.WebKitDriver._start
    drivers: list[int] = []
    timed_out: list[str] = []

    def first_session_times_out(self, url, *args, **kwargs):
        if url == "/session" and not timed_out:
            timed_out.append(url)
            raise httpx.ReadTimeout("no session in time", request=httpx.Request("POST", url))
        return post(self, url, *args, **kwargs)

    def noting_start(self):
        started(self)
        drivers.append(self.process.pid)

    monkeypatch.setattr(webkit_driver.WebKitDriver, "_start", noting_start)
    monkeypatch.setattr(httpx.Client, "post", first_session_times_out)
    with webkit.launch_webkit() as browser, served_app([oro_framework.core.ping]) as app:
        with app_page(browser, app) as page:
            assert page.evaluate("() => 1 + 1") == 2
        assert len(drivers) == 2
        assert browser._driver.process.pid == drivers[1]
        with pytest.raises(ProcessLookupError):
            os.kill(drivers[0], 0)  # ended and reaped
