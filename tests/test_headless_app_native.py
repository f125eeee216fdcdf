"""A headless app (``[build] headless = true``, Socket's ``window.headless``) runs its page in a
window nobody sees, as under Socket (src/desktop/main.cc:1106-1110): a test app's suite runs
with no browser and the app ends with its status, under ``oro run`` and ``ssc build -r``, on a
display and with none (oro then starts a virtual display of its own, gone with the app). Its
windows, every one, are never shown, even when a page asks."""

from __future__ import annotations

import re
import shutil
import signal
import sys
from pathlib import Path

import pytest
from _oro_process import OroProcess, headless_environ, until
from _window_app import display_fixture, engine_fixture, new_key, window_environ
from _x11 import x

from oro_framework.testing import bridge_client

__all__ = ["display_fixture", "engine_fixture"]

TESTED = Path(__file__).parent / "compat" / "apps" / "tested"
SSC = Path(sys.executable).with_name("ssc")

FAILING = """
test('a failing one', (t) => {
  t.equal(1 + 1, 3, 'arithmetic is wrong on purpose')
})
"""

STARTED = re.compile(r"started a virtual one at (:\d+) \(Xvfb, process (\d+)\)")

TWO_WINDOWS = {
    "socket.ini": """
[build]
headless = true

[meta]
bundle_identifier = "org.example.hidden"
title = "Hidden"

[webview]
root = "/"
""",
    "index.html": """<!doctype html>
<html><head><meta charset="utf-8"><title>Hidden</title>
<script type="module">
import application from 'socket:application'
await application.createWindow({ index: 1, path: '/second.html', title: 'Hidden second' })
const current = await application.getCurrentWindow()
await current.show()
console.log(`main window ${document.visibilityState}`)
</script></head><body>main</body></html>
""",
    "second.html": """<!doctype html>
<html><head><meta charset="utf-8"><title>Hidden second</title>
<script type="module">
console.log(`second window ${document.visibilityState}`)
</script></head><body>second</body></html>
""",
}


def _tested_app(folder: Path, *, failing: bool) -> Path:
    """Socket's kind of test app (its page runs its socket:test suite), headless."""
    app = folder / "tested"
    shutil.copytree(TESTED, app)
    ini = app / "socket.ini"
    ini.write_text(
        ini.read_text(encoding="utf-8").replace("[build]\n", "[build]\nheadless = true\n"),
        encoding="utf-8",
    )
    if failing:
        with (app / "src" / "index.js").open("a", encoding="utf-8") as script:
            script.write(FAILING)
    return app


def _ended(oro: OroProcess) -> tuple[int, str]:
    """``oro``'s exit status once it ended by itself (bounded by its timeout: an app that never
    ends fails the test), and its standard error."""
    code = oro.wait()
    return code, oro.stderr()


def _two_windows_app(folder: Path) -> Path:
    app = folder / "hidden"
    app.mkdir()
    for name, text in TWO_WINDOWS.items():
        (app / name).write_text(text, encoding="utf-8")
    return app


@pytest.mark.parametrize("failing", [False, True], ids=["passing", "failing"])
def test_a_headless_test_app_ends_with_its_suites_status_in_a_hidden_window(
    tmp_path: Path, display: str, engine: str, failing: bool
) -> None:
    app = _tested_app(tmp_path, failing=failing)
    environ = window_environ(display, engine, new_key(), XDG_DATA_HOME=str(tmp_path / "data"))
    with OroProcess("run", str(app), environ=environ, timeout=120) as oro:
        oro.wait_for_line(r"^oro: opened Tested in a hidden window \(http")
        code, stderr = _ended(oro)
    # What the page logs is all there is to see of a headless app: printed without -v.
    if failing:
        assert code == 1, stderr
        assert "log: not ok 7 arithmetic is wrong on purpose" in stderr, stderr
        assert "log: # fail  1" in stderr, stderr
    else:
        assert code == 0, stderr
        assert "log: # pass  6" in stderr, stderr
        assert "log: # ok" in stderr, stderr
    assert STARTED.search(stderr) is None, "a display was there: no virtual one"


@pytest.mark.parametrize("failing", [False, True], ids=["passing", "failing"])
def test_ssc_build_run_of_a_headless_test_app_with_no_display_starts_and_ends_its_own(
    tmp_path: Path, failing: bool
) -> None:
    app = _tested_app(tmp_path, failing=failing)
    environ = headless_environ({"XDG_DATA_HOME": str(tmp_path / "data")})
    with OroProcess("build", "-r", environ=environ, timeout=120, executable=SSC, cwd=app) as oro:
        oro.wait_for_line(r"^oro: opened Tested in a hidden window \(http")
        code, stderr = _ended(oro)
    assert code == (1 if failing else 0), stderr
    assert ("log: # fail  1" if failing else "log: # ok") in stderr, stderr
    started = STARTED.search(stderr)
    assert started is not None, stderr
    # The virtual display went with the app: its server process is no more.
    assert not Path(f"/proc/{started.group(2)}").exists(), stderr


def test_a_headless_apps_windows_are_never_shown_even_when_a_page_asks(
    tmp_path: Path, display: str, engine: str
) -> None:
    app = _two_windows_app(tmp_path)
    key = new_key()
    environ = window_environ(display, engine, key, XDG_DATA_HOME=str(tmp_path / "data"))
    with OroProcess("run", str(app), environ=environ, timeout=120) as oro:
        opened = oro.wait_for_line(r"^oro: opened Hidden in a hidden window \(http")
        # Both pages run; the main one asked to be shown first (window.show()).
        until(lambda: "log: second window " in oro.stderr(), "the second page runs", 120)
        until(lambda: "log: main window " in oro.stderr(), "the main page runs", 120)
        stderr = oro.stderr()
        # The engine's own word: neither page is visible.
        assert "log: main window hidden" in stderr, stderr
        assert "log: second window hidden" in stderr, stderr
        # X's: no window of the app is mapped, whatever its title (X answers on the display).
        assert "(the root window)" in x(display, "xwininfo", "-root")
        pid = str(oro.process.pid)
        assert x(display, "xdotool", "search", "--onlyvisible", "--pid", pid) == ""
        assert x(display, "xdotool", "search", "--onlyvisible", "--name", "Hidden") == ""
        origin = re.search(r"http://127\.0\.0\.1:\d+", opened)
        assert origin is not None, opened
        with bridge_client(origin.group(0), key) as bridge:
            bridge.get("/ipc/application.exit", params={"value": 3})
        code, stderr = _ended(oro)
    assert code == 3, stderr


def test_with_no_display_and_no_xvfb_it_says_what_to_install_and_serves(tmp_path: Path) -> None:
    app = _two_windows_app(tmp_path)
    nothing = tmp_path / "bin"
    nothing.mkdir()
    # A PATH where no Xvfb is found.
    environ = headless_environ({"XDG_DATA_HOME": str(tmp_path / "data"), "PATH": str(nothing)})
    with OroProcess("run", "--port", "0", str(app), environ=environ, timeout=120) as oro:
        assert oro.launch_url().startswith("http://127.0.0.1:")
        until(lambda: "Xvfb is not installed" in oro.stderr(), "the missing Xvfb named", 60)
        stderr = oro.stderr()
        assert "Xvfb is not installed: install the xvfb package" in stderr, stderr
        assert "no display for the headless app's hidden window" in stderr, stderr
        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0, oro.stderr()


def test_every_line_a_headless_apps_page_logs_is_printed(
    tmp_path: Path, display: str, engine: str
) -> None:
    app = _tested_app(tmp_path, failing=False)
    with (app / "src" / "index.js").open("a", encoding="utf-8") as script:
        # Far more than a shown window's page may print in a second (LINES_PER_SECOND).
        script.write("test('many', (t) => { for (let i = 0; i < 300; i++) t.ok(true, `n${i}`) })\n")
    environ = window_environ(display, engine, new_key(), XDG_DATA_HOME=str(tmp_path / "data"))
    with OroProcess("run", str(app), environ=environ, timeout=120) as oro:
        code, stderr = _ended(oro)
    assert code == 0, stderr
    assert "dropped" not in stderr, stderr
    printed = re.findall(r"log: ok \d+ n(\d+) ", stderr)
    assert printed == [str(i) for i in range(300)], stderr
    assert "log: # pass  306" in stderr, stderr
