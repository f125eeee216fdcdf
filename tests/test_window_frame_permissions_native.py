"""A frame of another origin in a real window of each web engine (WebKitGTK and QtWebEngine)
under Xvfb asks for the camera, the location and notifications as a hostile page would, and is
judged by its own origin (issue 71): the app's ``backend.py`` grants the app's own pages
everything (``oro_permission_request``), the frame gets nothing, and no prompt shows, unless
the app grants the frame's origin itself.

The frame is a page of a second local HTTP server (another port: another origin), embedded
with ``allow="camera; microphone; geolocation"`` (without it both engines refuse the frame
themselves). A second window of the app is open, with no frame in it.

WebKitGTK does not say which frame asked (``gui/gtk/frames.py``): while a frame of another
origin is in a window's page, that window's page itself gets only what the frame would (the
camera here: nothing); the other window, with no such frame, gets what the app grants.
QtWebEngine names the asking frame's origin: the page itself keeps its grant.
"""

from __future__ import annotations

import http.server
import json
import threading
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

NAME: Final = "Oro Frames"

BACKEND: Final = (
    MOCK_CAPTURE_BACKEND
    + '''

@command
def frame_url(request: Request) -> str:
    return os.environ["TEST_FRAME_URL"]


@hookimpl
def oro_permission_request(host, request):
    """The app grants its own pages everything, and the frame's origin only when told to."""
    if request.site == "app" and request.embedder is None:
        return True
    granted = os.environ.get("TEST_GRANT_FRAME")
    if granted and request.origin.rstrip("/") == granted and request.kinds == ("camera",):
        return True
    return None
'''
)

PAGE: Final = """<!doctype html><title>frames</title><body>
<script type=module>
const { request } = await import('oro:ipc');
await request('backend.mock_capture_devices');
globalThis.frame = {};
addEventListener('message', (event) => { globalThis.frame[event.data.what] = event.data.value });
globalThis.embed = () => {
  request('backend.frame_url').then((url) => {
    const frame = document.createElement('iframe');
    frame.allow = 'camera; microphone; geolocation';
    frame.src = url;
    document.body.append(frame);
  });
  return 'embedded';
};
globalThis.own = null;
globalThis.camera = () => {
  globalThis.own = null;
  navigator.mediaDevices.getUserMedia({ video: true }).then(
    (stream) => {
      const tracks = stream.getTracks();
      globalThis.own = 'granted: ' + tracks.map((t) => t.kind + ' ' + t.readyState).join(', ');
      tracks.forEach((t) => t.stop());
    },
    (error) => { globalThis.own = error.name });
  return 'asked';
};
await request('window.ready');
</script>"""

FRAME: Final = b"""<!doctype html><title>remote</title><body>remote frame
<script>
const report = (what, value) => parent.postMessage({ what, value }, '*');
const camera = async () => {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const tracks = stream.getTracks();
    const granted = 'granted: ' + tracks.map((t) => t.kind + ' ' + t.readyState).join(', ');
    tracks.forEach((t) => t.stop());
    return granted;
  } catch (error) { return error.name }
};
const where = () => new Promise((resolve) => navigator.geolocation.getCurrentPosition(
  () => resolve('granted'),
  (error) => resolve(error.code === error.PERMISSION_DENIED ? 'PERMISSION_DENIED' : error.message),
  { timeout: 60000 }));
const notify = () => Promise.resolve(Notification.requestPermission()).catch((e) => e.name);
(async () => {
  report('origin', location.origin);
  report('camera', await camera());
  if (!location.search.includes('camera-only')) {
    report('location', await where());
    report('notifications', await notify());
  }
  report('done', true);
})();
</script>"""


REFUSED: Final = {"system": ("NotAllowedError",), "qt": ("NotAllowedError", "AbortError")}
"""A refused camera, by engine, in the frame."""


class _Frame(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(FRAME)))
        self.end_headers()
        self.wfile.write(FRAME)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module", name="frame_origin")
def frame_origin_fixture() -> Iterator[str]:
    """A second real HTTP server on loopback: another port, another origin than the app's."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Frame)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module", name="app")
def app_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("frames") / "app"
    return engine_api_app(folder, name=NAME, bundle="dev.oro.frames", page=PAGE, backend=BACKEND)


class Run:
    def __init__(self, oro: OroProcess, bridge: httpx.Client, display: str) -> None:
        self.oro, self.bridge, self.display = oro, bridge, display
        self.prompts_seen: set[str] = set()

    def refuse_prompts(self) -> bool:
        """Every prompt on screen is noted, and refused (Escape, a real key press)."""
        for prompt in x(
            self.display, "xdotool", "search", "--onlyvisible", "--name", PROMPT
        ).split():
            self.prompts_seen.add(prompt)
            x(self.display, "xdotool", "windowfocus", prompt)
            if x(self.display, "xdotool", "getwindowfocus").strip() == prompt:
                x(self.display, "xdotool", "key", "--clearmodifiers", "Escape")
        return True

    def frame_answers(self) -> dict[str, Any]:
        """What the frame in window 0 got, once it asked for everything."""
        text = until(
            lambda: (
                self.refuse_prompts()
                and evaluate(
                    self.bridge, "globalThis.frame.done && JSON.stringify(globalThis.frame)"
                )
            ),
            "the frame's answers",
        )
        answers: dict[str, Any] = json.loads(text)
        return answers

    def own_camera(self, window: int) -> str:
        assert evaluate(self.bridge, "camera()", window) == "asked"
        answer: str = until(
            lambda: self.refuse_prompts() and evaluate(self.bridge, "globalThis.own", window),
            f"window {window}'s own camera",
        )
        return answer


@pytest.fixture(name="run")
def run_fixture(display: str, engine: str, app: Path, frame_origin: str) -> Iterator[Any]:
    started: list[OroProcess] = []

    def run(data: Path, frame_query: str = "", **config: str) -> Run:
        key = new_key()
        environ = window_environ(
            display,
            engine,
            key,
            QTWEBENGINE_CHROMIUM_FLAGS=FAKE_DEVICE,
            XDG_DATA_HOME=str(data),
            TEST_FRAME_URL=f"{frame_origin}/frame.html{frame_query}",
            **config,
        )
        oro = OroProcess("-v", "run", str(app), environ=environ, timeout=120)
        started.append(oro)
        oro.__enter__()
        bridge = bridge_of(oro, key, NAME)
        created = bridge.get("/ipc/window.create", params={"url": "/index.html"}).json()
        assert created.get("err") is None, created
        oro.wait_for_line(r"^oro: window 1 ready$")
        return Run(oro, bridge, display)

    yield run
    for oro in started:
        oro.__exit__(None, None, None)


def _stop(run: Run) -> str:
    run.bridge.get("/ipc/application.exit")
    assert run.oro.wait() == 0, run.oro.stderr()
    return run.oro.stderr()


def test_a_frame_of_another_origin_is_judged_by_its_own_and_gets_nothing_unasked(
    run, engine, frame_origin, tmp_path
):
    app = run(tmp_path)
    assert evaluate(app.bridge, "embed()") == "embedded"

    answers = app.frame_answers()

    assert answers["origin"] == frame_origin
    # The app grants its own pages the camera: the frame, of another origin, is not the app.
    # QtWebEngine's own refusal in a frame is AbortError (oro renames it in the app's page
    # only: gui/qt/permissions.py).
    assert answers["camera"] in REFUSED[engine], answers
    assert answers["location"] == "PERMISSION_DENIED", answers
    assert answers["notifications"] in ("denied", "default"), answers
    assert app.prompts_seen == set()  # the user was never asked about the frame
    # Window 1, with no frame of another origin, gets what the app grants its pages.
    assert app.own_camera(1).startswith("granted: video live")
    # Window 0's page itself: QtWebEngine tells it from the frame; WebKitGTK cannot, and gives
    # the page what the frame would get while the frame is there.
    expected = "NotAllowedError" if engine == "system" else "granted: video live"
    assert app.own_camera(0).startswith(expected)
    assert app.prompts_seen == set()
    log = _stop(app)
    assert f"denied camera to {frame_origin}, a frame in a page of http://127.0.0.1:" in log, log


def test_a_frame_gets_what_the_app_grants_its_origin(run, frame_origin, tmp_path):
    app = run(tmp_path, "?camera-only", TEST_GRANT_FRAME=frame_origin)
    assert evaluate(app.bridge, "embed()") == "embedded"

    answers = app.frame_answers()

    assert answers["camera"].startswith("granted: video live"), answers
    assert app.prompts_seen == set()
    _stop(app)
