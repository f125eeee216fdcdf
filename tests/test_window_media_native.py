"""A page in a real window of each web engine (WebKitGTK and QtWebEngine) under Xvfb gets the
camera through the host's permission broker, and only through it: granted by the app's
``backend.py`` (``oro_permission_request``), frames of the engine's fake camera reach the page;
with no decision, a native prompt over the asking window decides, answered with real X input,
and "Remember this decision" holds across a restart (``permissions.json``);
``permissions.allow_camera = false`` refuses without a prompt, whatever was remembered.

The devices are the engines' fake ones: Chromium's (``--use-fake-device-for-media-stream``)
under Qt, WebKit's mock ones (``enable-mock-capture-devices``, turned on by the app's backend)
under WebKitGTK. Each app run is a few seconds: the runs are shared by the asserts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

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

NAME: Final = "Oro Media"
SECOND: Final = "Oro Media second"

BACKEND: Final = (
    MOCK_CAPTURE_BACKEND
    + '''

@hookimpl
def oro_permission_request(host, request):
    """The app knows its needs: TEST_GRANTS names the kinds it grants without a prompt."""
    grants = os.environ.get("TEST_GRANTS", "").split(",")
    return True if all(kind in grants for kind in request.kinds) else None
'''
)

PAGE: Final = """<!doctype html><title>media</title>
<script type=module>
const { request } = await import('oro:ipc');
const { onPermissionChange } = await import('oro:hooks');
globalThis.changes = [];
onPermissionChange(event => globalThis.changes.push(event.detail));
await request('backend.mock_capture_devices');

// The camera's frames, drawn: how many distinct colours a frame has (a fake camera's pattern
// has many; a black or missing frame one).
async function colours (stream) {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  const canvas = document.createElement('canvas');
  let seen = 0;
  for (let frame = 0; frame < 300 && seen < 16; frame++) {
    // Playback moved on: a newer frame is there to draw.
    await new Promise(resolve => video.addEventListener('timeupdate', resolve, { once: true }));
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d');
    context.drawImage(video, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = new Set();
    for (let i = 0; i < data.length; i += 4 * 61) {
      found.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    seen = found.size;
  }
  video.remove();
  return seen;
}

globalThis.camera = async () => {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const seen = await colours(stream);
    const devices = await navigator.mediaDevices.enumerateDevices();
    stream.getTracks().forEach(track => track.stop());
    const cameras = devices.filter(device => device.kind === 'videoinput' && device.label);
    return { frames: seen, cameras: cameras.length };
  } catch (error) {
    return { error: error.name };
  }
};
globalThis.asking = null;
globalThis.ask = () => {
  globalThis.asking = null;
  camera().then(answer => { globalThis.asking = JSON.stringify(answer) });
  return 'asked';
};
await request('window.ready');
</script>
"""


@pytest.fixture(scope="module", name="app")
def app_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An app with oro's page globals off (the engine's own APIs), the backend above."""
    folder = tmp_path_factory.mktemp("media") / "app"
    return engine_api_app(folder, name=NAME, bundle="dev.oro.media", page=PAGE, backend=BACKEND)


class Run:
    """One ``oro -v run`` of the app, its HTTP IPC bridge and its display."""

    def __init__(self, oro: OroProcess, bridge: httpx.Client, display: str) -> None:
        self.oro, self.bridge, self.display = oro, bridge, display

    def ask(self, window: int = 0) -> None:
        """Window ``window``'s page asks for the camera (the answer comes later)."""
        assert evaluate(self.bridge, "ask()", window) == "asked"

    def answer(self, window: int = 0) -> dict[str, Any]:
        """What the page got: ``{frames, cameras}`` or ``{error}``."""
        text = until(lambda: evaluate(self.bridge, "globalThis.asking", window), "the answer")
        answer: dict[str, Any] = json.loads(text)
        return answer

    def prompts(self) -> list[str]:
        """The prompts on screen (X window ids)."""
        return x(self.display, "xdotool", "search", "--onlyvisible", "--name", PROMPT).split()

    def windows_named(self, name: str) -> set[str]:
        found = x(self.display, "xdotool", "search", "--name", f"^{name}$").split()
        return {hex(int(window)) for window in found}

    def press(self, prompt: str, *keys: str) -> None:
        """Real key presses (X's XTEST, as a user's) in ``prompt``, once it has the focus."""

        def focused() -> bool:
            x(self.display, "xdotool", "windowfocus", prompt)
            return x(self.display, "xdotool", "getwindowfocus").strip() == prompt

        until(focused, "the prompt has the keyboard focus")
        x(self.display, "xdotool", "key", "--clearmodifiers", *keys)


@pytest.fixture(name="run")
def run_fixture(display: str, engine: str, app: Path) -> Iterator[Any]:
    """Start ``oro run`` of the app with ``data`` as its data home and ``config``."""
    started: list[OroProcess] = []

    def run(data: Path, **config: str) -> Run:
        key = new_key()
        environ = window_environ(
            display,
            engine,
            key,
            QTWEBENGINE_CHROMIUM_FLAGS=FAKE_DEVICE,
            XDG_DATA_HOME=str(data),
            # The permission store is in the host's state folder (issue 71): kept with the rest.
            XDG_STATE_HOME=str(data / "state"),
            **config,
        )
        oro = OroProcess("-v", "run", str(app), environ=environ, timeout=120)
        started.append(oro)
        oro.__enter__()
        bridge = bridge_of(oro, key, NAME)
        return Run(oro, bridge, display)

    yield run
    for oro in started:
        oro.__exit__(None, None, None)


def _stop(run: Run) -> None:
    run.bridge.get("/ipc/application.exit")
    assert run.oro.wait() == 0, run.oro.stderr()


def _store(data: Path) -> dict[str, Any]:
    stores = list(data.rglob("permissions.json"))
    assert len(stores) == 1, stores
    decisions: dict[str, Any] = json.loads(stores[0].read_text(encoding="utf-8"))
    return decisions


def test_the_apps_backend_grants_the_camera_and_frames_arrive(run, tmp_path):
    app = run(tmp_path, TEST_GRANTS="camera")
    app.ask()

    answer = app.answer()

    assert answer["frames"] > 1, answer  # drawn frames of the fake camera, not a blank
    assert answer["cameras"] >= 1, answer  # enumerateDevices names the granted camera
    assert app.prompts() == []  # the app decided: nobody was asked
    _stop(app)
    assert not list(tmp_path.rglob("permissions.json"))  # nothing the user said to remember


def test_the_prompt_over_the_asking_window_decides_and_is_remembered_unless_config_denies(
    run, engine, tmp_path
):
    app = run(tmp_path)
    app.bridge.get("/ipc/window.create", params={"url": "/index.html", "title": SECOND})
    app.oro.wait_for_line(r"^oro: window 1 ready$")
    app.ask(window=1)

    # The prompt is over window 1, the one that asked, not window 0.
    prompt = until(lambda: app.prompts() and app.prompts()[0], "the prompt shows")
    transient = x(app.display, "xprop", "-id", prompt, "WM_TRANSIENT_FOR").split()[-1]
    assert transient in app.windows_named(SECOND), transient
    assert transient not in app.windows_named(NAME), transient
    assert evaluate(app.bridge, "globalThis.asking", 1) is None  # the page waits for the user
    app.press(prompt, "alt+r", "alt+a")  # "Remember this decision", then Allow

    answer = app.answer(window=1)
    assert answer["frames"] > 1, answer
    assert app.prompts() == []
    # Every page of the app hears that the camera is granted now.
    changes = until(lambda: evaluate(app.bridge, "globalThis.changes"), "permissionchange")
    assert {"name": "camera", "state": "granted"} in changes, changes
    if engine == "system":
        # navigator.permissions.query answers the broker's state (WebKit asks the app).
        query = (
            "navigator.permissions.query({name: 'camera'}).then(s => globalThis.state = s.state)"
        )
        evaluate(app.bridge, f"{query}; true")
        assert until(lambda: evaluate(app.bridge, "globalThis.state"), "queried") == "granted"
    _stop(app)
    assert _store(tmp_path) == {"app": {"camera": "granted"}}

    # After a restart the remembered decision grants without a prompt.
    again = run(tmp_path)
    again.ask()
    assert again.answer()["frames"] > 1
    assert again.prompts() == []
    _stop(again)

    # The config's deny wins over what the user remembered, and asks nobody.
    denied = run(tmp_path, permissions_allow_camera="false")
    denied.ask()
    assert denied.answer() == {"error": "NotAllowedError"}
    assert denied.prompts() == []
    _stop(denied)
