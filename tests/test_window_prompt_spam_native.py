"""A page in a real window of each web engine (WebKitGTK and QtWebEngine) under Xvfb that asks
for the camera, the microphone and the location over and over, in every way it has, shows the
user at most one prompt per window and kind at a time (issue 71), with a second window of the
app asking the same: the engine's ``getUserMedia`` in loops, Oro's ``permissions.request`` and
the location (oro-desktop's ``navigator.geolocation``, a route) in loops, and a call the page
abandons (aborts) while its prompt shows, to ask again. Every request waits for the one prompt
of its kind (a request for the camera and the microphone for both), and the user's one answer
settles them all.

Which prompt asks about which kind X does not show: the count of prompts is what the user
sees, and each answer is checked by what the page got.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    FAKE_DEVICE,
    MOCK_CAPTURE_BACKEND,
    PROMPT,
    bridge_of,
    display_fixture,
    engine_api_app,
    engine_fixture,
    evaluate,
    new_key,
    window_environ,
)
from _x11 import x

from oro_framework.testing import OroProcess, until

NAME: Final = "Oro Prompt Spam"

BACKEND: Final = MOCK_CAPTURE_BACKEND

PAGE: Final = """<!doctype html><title>spam</title><body>
<script type=module>
const { request } = await import('oro:ipc');
await request('backend.mock_capture_devices');
const settled = globalThis.settled = [];
const media = (constraints) => navigator.mediaDevices.getUserMedia(constraints).then(
  (stream) => { stream.getTracks().forEach((t) => t.stop()); return 'granted' },
  (error) => error.name);
const asked = (name, options) => request('permissions.request', { name }, options).then(
  (answer) => answer.state, (error) => error.code || error.name);
const where = () => new Promise((resolve) => navigator.geolocation.getCurrentPosition(
  () => resolve('granted'), (error) => resolve(error.code === 1 ? 'denied' : error.message)));
const keep = (what, promise) => promise.then((answer) => settled.push([what, answer]));
// Every way the page has to ask, over and over: the engine's getUserMedia for the camera and
// the microphone at once, then each alone (the engine asks the app about one at a time), and
// Oro's permissions.request and the location (oro-desktop's, a route), which ask at once.
globalThis.spam = (times) => {
  for (let i = 0; i < times; i++) {
    keep('both', media({ video: true, audio: true }));
    keep('camera', media({ video: true }));
    keep('microphone', media({ audio: true }));
    keep('asked camera', asked('camera'));
    keep('asked microphone', asked('microphone'));
    keep('location', where());
  }
  return 'spamming';
};
// A call the page abandons (aborts) while its prompt shows, to ask again.
globalThis.askAgain = () => {
  for (let i = 0; i < 3; i++) keep('asked camera', asked('camera'));
  keep('camera', media({ video: true }));
  return 'asking';
};
globalThis.abandoned = null;
globalThis.abandon = () => {
  const controller = new AbortController();
  globalThis.abandoned = 'waiting';
  asked('camera', { signal: controller.signal })
    .then((answer) => { globalThis.abandoned = answer });
  globalThis.abort = () => { controller.abort(); return 'aborted' };
  return 'asked';
};
await request('window.ready');
</script>"""


@pytest.fixture(scope="module", name="app")
def app_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spam") / "app"
    return engine_api_app(folder, name=NAME, bundle="dev.oro.spam", page=PAGE, backend=BACKEND)


class Run:
    def __init__(self, oro: OroProcess, bridge: httpx.Client, display: str) -> None:
        self.oro, self.bridge, self.display = oro, bridge, display
        self.seen: set[str] = set()

    def prompts(self) -> list[str]:
        found = x(self.display, "xdotool", "search", "--onlyvisible", "--name", PROMPT).split()
        self.seen.update(found)
        return found

    def over(self, prompt: str) -> str:
        """The title of the window ``prompt`` is transient for (empty while X cannot say)."""
        parent = x(self.display, "xprop", "-id", prompt, "WM_TRANSIENT_FOR").split()
        if not parent or not parent[-1].startswith("0x"):
            return ""
        return x(self.display, "xdotool", "getwindowname", str(int(parent[-1], 16))).strip()

    def answer(self, prompt: str, *keys: str) -> None:
        def focused() -> bool:
            x(self.display, "xdotool", "windowfocus", prompt)
            return x(self.display, "xdotool", "getwindowfocus").strip() == prompt

        until(focused, "the prompt has the keyboard focus")
        x(self.display, "xdotool", "key", "--clearmodifiers", *keys)


@pytest.fixture(name="run")
def run_fixture(display: str, engine: str, app: Path, tmp_path: Path) -> Iterator[Run]:
    key = new_key()
    environ = window_environ(
        display, engine, key, QTWEBENGINE_CHROMIUM_FLAGS=FAKE_DEVICE, XDG_DATA_HOME=str(tmp_path)
    )
    with OroProcess("-v", "run", str(app), environ=environ, timeout=120) as oro:
        bridge = bridge_of(oro, key, NAME)
        created = bridge.get(
            "/ipc/window.create", params={"url": "/index.html", "title": f"{NAME} 1"}
        ).json()
        assert created.get("err") is None, created
        oro.wait_for_line(r"^oro: window 1 ready$")
        yield Run(oro, bridge, display)
        bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()


def _settled(run: Run, window: int) -> list[list[str]]:
    found: list[list[str]] = json.loads(
        evaluate(run.bridge, "JSON.stringify(globalThis.settled)", window)
    )
    return found


def _answer_every_prompt(
    run: Run, key: str, done: Callable[[], bool], known: frozenset[str] = frozenset()
) -> dict[str, set[str]]:
    """Answer each prompt on screen but ``known`` (answered already) with ``key`` (again while
    it shows: the key may have gone to another prompt that took the focus) until ``done()``:
    the prompts seen, by the title of the window each was over."""
    over: dict[str, set[str]] = {}

    def answering() -> bool:
        for prompt in run.prompts():
            if prompt in known:
                continue
            over.setdefault(run.over(prompt), set()).add(prompt)
            x(run.display, "xdotool", "windowfocus", prompt)
            if x(run.display, "xdotool", "getwindowfocus").strip() == prompt:
                x(run.display, "xdotool", "key", "--clearmodifiers", key)
        return done()

    until(answering, "every call settled", 120)
    return over


WINDOWS: Final = (NAME, f"{NAME} 1")
KINDS: Final = 3
"""What the spam asks about: the camera, the microphone, the location."""
REFUSED: Final = {"NotAllowedError", "AbortError", "denied", "ERR_TOO_MANY_CONNECTIONS"}
"""A page's refusals: the engine's, Oro's, and a call past the page's held connections
(``ipc.max_held_connections_per_page``) ended while it waited for the prompt."""


def test_a_page_asking_in_loops_shows_one_prompt_per_kind_in_each_window(run):
    times = 20
    for window in (0, 1):
        assert evaluate(run.bridge, f"spam({times})", window) == "spamming"
    # The user answers once a prompt shows over each window (the pages asked all at once).
    until(
        lambda: {run.over(prompt) for prompt in run.prompts()} == set(WINDOWS),
        "a prompt over each window",
    )

    over = _answer_every_prompt(
        run, "Escape", lambda: all(len(_settled(run, w)) == 6 * times for w in (0, 1))
    )

    # At most one prompt per kind over each window, however often the page asked.
    assert set(over) <= set(WINDOWS), over
    assert all(1 <= len(over.get(window, ())) <= KINDS for window in WINDOWS), over
    for window in (0, 1):
        answers = {answer for _, answer in _settled(run, window)}
        assert answers <= REFUSED, answers  # the user said no: nothing was granted


def test_an_abandoned_call_leaves_its_prompt_the_one_the_next_calls_wait_for(run):
    assert evaluate(run.bridge, "abandon()", 1) == "asked"
    first = until(lambda: run.prompts() and run.prompts()[0], "the prompt shows")
    assert evaluate(run.bridge, "abort()", 1) == "aborted"
    gave_up = until(
        lambda: evaluate(run.bridge, "abandoned !== 'waiting' && abandoned", 1), "given up"
    )
    assert gave_up in ("ABORT_ERR", "AbortError"), gave_up
    # The page asks for the camera again, as if it had never asked: its prompt still shows.
    assert evaluate(run.bridge, "askAgain()", 1) == "asking"
    run.answer(first, "alt+a")  # Allow

    over = _answer_every_prompt(
        run, "Escape", lambda: len(_settled(run, 1)) == 4, known=frozenset({first})
    )

    assert over == {}, over  # no prompt but the first
    assert run.seen == {first}
    assert {answer for _, answer in _settled(run, 1)} == {"granted"}, _settled(run, 1)
