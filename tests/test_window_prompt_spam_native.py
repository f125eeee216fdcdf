"""A page in a real window of each web engine (WebKitGTK and QtWebEngine) under Xvfb that asks
for the camera, the microphone and the location over and over, in every way it has, shows the
user at most one prompt per window and kind at a time (issue 71), with a second window of the
app asking the same: the engine's ``getUserMedia`` and ``geolocation`` in loops, Oro's
``permissions.request`` in loops, and calls the page abandons (aborted) while their prompt
shows, to ask again. Every request waits for the one prompt of its kind (a request for the
camera and the microphone for both), and the user's one answer settles them all.

Which prompt asks about which kind X does not show: the count of prompts is what the user
sees, and each answer is checked by what the page got.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    window_environ,
)
from _x11 import x

from oro_framework.testing import OroProcess, until

NAME: Final = "Oro Prompt Spam"
PROMPT: Final = "Permission request"
FAKE_DEVICE: Final = "--no-sandbox --use-fake-device-for-media-stream"

BACKEND: Final = '''
from oro_framework import Request
from oro_framework.backend import command


@command
async def mock_capture_devices(request: Request) -> str:
    windows = request.host.windows
    window = windows.get(request.require_window())

    def enable() -> str:
        windows.native(window).view.get_settings().set_enable_mock_capture_devices(True)
        return "mock"

    return await windows.run_on_gui(enable) if windows.toolkit == "gtk" else "fake"
'''

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
const keep = (what, promise) => promise.then((answer) => settled.push([what, answer]));
// A call abandoned while its prompt shows: the page aborts it, and asks again.
globalThis.abandoned = null;
globalThis.abandon = () => {
  const controller = new AbortController();
  globalThis.abandoned = 'waiting';
  asked('camera', { signal: controller.signal }).then((answer) => { globalThis.abandoned = answer });
  globalThis.abort = () => { controller.abort(); return 'aborted' };
  return 'asked';
};
globalThis.spam = (times) => {
  for (let i = 0; i < times; i++) {
    keep('camera', media({ video: true }));
    keep('microphone', media({ audio: true }));
    keep('both', media({ video: true, audio: true }));
    keep('asked camera', asked('camera'));
    keep('asked microphone', asked('microphone'));
  }
  return 'spamming';
};
await request('window.ready');
</script>"""


@pytest.fixture(scope="module", name="app")
def app_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("spam") / "app"
    app.mkdir()
    (app / "oro.toml").write_text(
        f'[meta]\nname = "{NAME}"\nbundle_identifier = "dev.oro.spam"\n'
        "[webview]\noro_globals = false\n",
        encoding="utf-8",
    )
    (app / "index.html").write_text(PAGE, encoding="utf-8")
    (app / "backend.py").write_text(BACKEND, encoding="utf-8")
    return app


class Run:
    def __init__(self, oro: OroProcess, bridge: httpx.Client, display: str) -> None:
        self.oro, self.bridge, self.display = oro, bridge, display
        self.seen: set[str] = set()

    def prompts(self) -> list[str]:
        found = x(self.display, "xdotool", "search", "--onlyvisible", "--name", PROMPT).split()
        self.seen.update(found)
        return found

    def over(self, prompt: str) -> str:
        """The title of the window ``prompt`` is transient for."""
        parent = x(self.display, "xprop", "-id", prompt, "WM_TRANSIENT_FOR").split()[-1]
        return x(self.display, "xdotool", "getwindowname", str(int(parent, 16))).strip()

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


def test_an_abandoned_call_leaves_its_prompt_the_one_the_next_call_waits_for(run, engine):
    assert evaluate(run.bridge, "abandon()", 1) == "asked"
    prompt = until(lambda: run.prompts() and run.prompts()[0], "the prompt shows")
    assert evaluate(run.bridge, "abort()", 1) == "aborted"
    until(lambda: evaluate(run.bridge, "globalThis.abandoned", 1) != "waiting", "aborted")
    # The page asks again, and again, as if the first call had never been.
    assert evaluate(run.bridge, "spam(1)", 1) == "spamming"
    # Its calls reached the host (the log names each wait) or a second prompt showed.
    ...
    run.answer(prompt, "alt+a")  # Allow
