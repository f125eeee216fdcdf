"""Issue 50 in real windows under Xvfb, on each web engine (WebKitGTK and QtWebEngine): window 1's
page asks to run script in window 0's page (`getWindow(0).eval`) and to navigate it. Before,
both ran, and the script read window 0's credential out of its ``sessionStorage``; headless
runs refuse eval, so only real windows showed it. Now a window controls itself only, unless the
app sets ``permissions.allow_window_control``; a request without the page's credential (as a
worker's) controls no window at all.

The test drives the pages through the HTTP IPC bridge's key, as every window test does: that
outside process may control each window (``tests/_window_app.py``); the calls under test are
the pages' own. Needs what ``tests/_window_app.py`` says (Xvfb, both engines).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from _oro_process import OroProcess, until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    start,
)

PAGE = """<!doctype html>
<html>
<head><title>control</title></head>
<body>
<script type="module">
import { getCurrentWindow, getWindow } from 'oro:window'
globalThis.tries = {}
// What a call of this page answered: {data} or the error's {code}.
globalThis.attempt = (name, promise) => promise.then(
  (data) => { tries[name] = { data } },
  (error) => { tries[name] = { code: error.code ?? error.name, message: String(error.message) } }
)
globalThis.getWindow = getWindow
getCurrentWindow().ready()
</script>
</body>
</html>
"""

CONFIG = """[meta]
name = "control"
bundle_identifier = "dev.oro.test.window-control"

[window]
width = 480
height = 360
remember_state = false
"""

# Window 1's page tries what issue 50 did to window 0's page, and once on itself.
ATTEMPTS = """
attempt('eval', getWindow(0).eval("[String(__args.index), sessionStorage.getItem('oro:window')]"));
attempt('navigate', getWindow(0).navigate('/index.html?navigated=by-1'));
attempt('own', getWindow(1).eval('String(__args.index)'));
// The session cookie without this page's credential: what a worker sends.
attempt('bare', fetch('/ipc/window.eval?value=1&targetWindowIndex=0')
  .then((response) => response.json())
  .then((answer) => { if (answer.err) throw answer.err; return answer.data }));
true
"""

TIMEOUT = 60.0


def tried(bridge: httpx.Client) -> dict[str, Any]:
    """Window 1's page's answers, once all four came."""
    script = "Object.keys(tries).length === 4 && JSON.stringify(tries)"
    answers = until(lambda: evaluate(bridge, script, 1), "window 1's four attempts", TIMEOUT)
    result: dict[str, Any] = json.loads(answers)
    return result


def two_windows(oro: OroProcess, bridge: httpx.Client) -> None:
    created = bridge.get("/ipc/window.create", params={"url": "/index.html"}).json()
    assert created.get("err") is None, created
    oro.wait_for_line(r"^oro: window 1 ready$")


def run_attempts(display: str, engine: str, app: Path) -> tuple[dict[str, Any], str]:
    key = new_key()
    with start(display, engine, key, app) as oro:
        with bridge_of(oro, key, "control") as bridge:
            two_windows(oro, bridge)
            evaluate(bridge, ATTEMPTS, 1)
            answers = tried(bridge)
            if "data" in answers["navigate"]:
                # Allowed: the navigation happens; wait for window 0's page to be the new one.
                until(
                    lambda: evaluate(bridge, "location.search", 0) == "?navigated=by-1",
                    "window 0 navigated",
                    TIMEOUT,
                )
            search = evaluate(bridge, "location.search", 0)
            bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()
    return answers, search


def test_a_window_cannot_run_script_in_or_navigate_another_windows_page(
    display, engine, tmp_path: Path
):
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(PAGE)

    answers, search = run_attempts(display, engine, tmp_path)

    assert answers["eval"]["code"] == "ERR_WINDOW_CONTROL", answers
    assert answers["navigate"]["code"] == "ERR_WINDOW_CONTROL", answers
    assert answers["bare"]["code"] == "ERR_NO_WINDOW", answers
    assert answers["own"] == {"data": "1"}
    assert search == ""  # window 0's page is where it was


def test_allow_window_control_lets_a_window_run_script_in_another_but_not_read_its_credential(
    display, engine, tmp_path: Path
):
    (tmp_path / "oro.toml").write_text(CONFIG + "\n[permissions]\nallow_window_control = true\n")
    (tmp_path / "index.html").write_text(PAGE)

    answers, search = run_attempts(display, engine, tmp_path)

    # The script ran in window 0's page: it is window 0's, by the app's own leave.
    assert answers["eval"]["data"][0] == "0", answers
    # ...and still found no credential to carry back (docs/security.md, Window identity).
    assert answers["eval"]["data"][1] is None, answers
    assert "data" in answers["navigate"], answers
    assert search == "?navigated=by-1"
    # Without a window, nothing, whatever the permission.
    assert answers["bare"]["code"] == "ERR_NO_WINDOW", answers


IDENTITY_PAGE = """<!doctype html>
<html>
<head><title>identity</title></head>
<body>
<script type="module">
import { request } from 'oro:ipc'
// Asked without an index: the host answers for the window this page's credential proves.
globalThis.asked = await request('window.getTitle').catch((error) => error.code)
await request('window.ready')
</script>
</body>
</html>
"""


def test_a_native_windows_next_page_and_reload_keep_its_window_with_nothing_stored(
    display, engine, tmp_path: Path
):
    """The engine hands the credential to each page of the window: a navigation and a reload
    keep the window, and no storage or global of the page holds the credential."""
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(IDENTITY_PAGE)
    state = (
        "globalThis.asked && !globalThis.before && [asked, location.search,"
        " sessionStorage.getItem('oro:window'), '__oroWindow' in globalThis,"
        " '__oroWindowSeed' in globalThis, document.cookie.includes('oro')]"
    )
    key = new_key()
    with start(display, engine, key, tmp_path) as oro:
        with bridge_of(oro, key, "control") as bridge:
            first = until(lambda: evaluate(bridge, state), "the first page asked", TIMEOUT)
            evaluate(bridge, "globalThis.before = 1; setTimeout(() => location.href = '?next'); 1")
            following = until(lambda: evaluate(bridge, state), "the next page asked", TIMEOUT)
            evaluate(bridge, "globalThis.before = 1; setTimeout(() => location.reload()); 1")
            reloaded = until(lambda: evaluate(bridge, state), "the reloaded page asked", TIMEOUT)
            bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()

    assert first == ["control", "", None, False, False, False]
    assert following == ["control", "?next", None, False, False, False]
    assert reloaded == ["control", "?next", None, False, False, False]
