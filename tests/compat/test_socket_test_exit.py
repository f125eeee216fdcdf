"""A Socket app that tests itself with ``socket:test`` ends when its tests end, as under
Socket (api/test/context.js: ``process.exit(fail > 0 ? 1 : 0)`` once the run's summary is
out): ``oro run --headless`` of it returns by itself, 0 when every assertion passed and 1 when
one failed, and the TAP summary counts every assertion, ``t.throws`` in each of the forms
Socket's and tape's apps write (``null`` expectation, RegExp, error class, message in second
place) included."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing.process import OroProcess, headless_environ

APP = Path(__file__).with_name("apps") / "tested"

FAILING = """
test('a failing one', (t) => {
  t.equal(1 + 1, 3, 'arithmetic is wrong on purpose')
  t.ok(true, 'still counted after the failure')
})
"""


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context()
    yield context.new_page()
    context.close()


def _run_to_its_end(app: Path, page: Page) -> tuple[int, list[str]]:
    """Serve ``app`` headless, open it in Chromium as a user would, and wait for ``oro run`` to
    end by itself; its exit code and the TAP lines the page printed."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    environ = headless_environ({"XDG_DATA_HOME": str(app.parent / "data")})
    with OroProcess("run", "--headless", "--port", "0", str(app), environ=environ) as oro:
        page.goto(oro.launch_url())
        # Bounded by OroProcess's timeout: a run that never ends fails here.
        code = oro.wait()
    # The sync API hands over the page's events on its next call: this one.
    page.evaluate("0")
    return code, console


def test_a_passing_suite_ends_the_app_with_status_0(tmp_path: Path, page: Page) -> None:
    app = tmp_path / "tested"
    shutil.copytree(APP, app)
    code, tap = _run_to_its_end(app, page)
    assert code == 0, tap
    assert "ok 2 throws with no expectation" in tap, tap
    assert "ok 3 should throw" in tap, "a RegExp expectation is checked, not refused"
    assert "ok 4 throws the class" in tap, tap
    assert "ok 5 a message in second place" in tap, tap
    assert "ok 6 runs after the throws" in tap, tap
    assert "# tests 6" in tap, tap
    assert "# pass  6" in tap, tap
    assert "# ok" in tap, tap


def test_a_failing_assertion_ends_the_app_with_status_1(tmp_path: Path, page: Page) -> None:
    app = tmp_path / "tested"
    shutil.copytree(APP, app)
    with (app / "src" / "index.js").open("a") as script:
        script.write(FAILING)
    code, tap = _run_to_its_end(app, page)
    assert code == 1, tap
    assert "not ok 7 arithmetic is wrong on purpose" in tap, tap
    assert "ok 8 still counted after the failure" in tap, tap
    assert "# tests 8" in tap, tap
    assert "# pass  7" in tap, tap
    assert "# fail  1" in tap, tap
    assert "# ok" not in tap, tap
