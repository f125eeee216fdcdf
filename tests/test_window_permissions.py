"""A page in a real window of each web engine (WebKitGTK and QtWebEngine) under Xvfb gets no
permission the engine asks the app about unless someone grants it: camera, microphone, both,
location, notifications (and the screen, which neither engine even asks about without a click).
Every request goes to the host's permission broker; here no config, app or remembered decision
grants, so the broker asks the user with a native prompt over the window, and the user says no
(Escape, a real key press): the page gets the standard refusal, and a denial holds for the run
(camera and microphone together is not asked again once the camera was refused). The rest (the
clipboard, pointer lock, local fonts) are denied without a prompt; notifications are the
config's alone (granted unless ``permissions.allow_notifications`` is false, as oro-desktop's
``Notification.permission`` says).

The devices are real to the engines: QtWebEngine runs with Chromium's fake camera and microphone
(``--use-fake-device-for-media-stream``), WebKitGTK with its mock ones (the setting
``enable-mock-capture-devices``, turned on by the test app's backend). Granted, a request hands
the page a live track (``tests/test_window_media_native.py``); pywebview's Qt backend granted it
(it adds Chromium's ``--use-fake-ui-for-media-stream``, which says yes to every capture
request), and a location request ended the app (its denial raised in a PyQt6 slot). The log
(``oro -v``) names each request the app denied: the engine asked, and oro said no.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

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
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.gui.qt.permissions import (
    AUTO_GRANT_SWITCHES,
    CHROMIUM_FLAGS,
    drop_auto_grant_flags,
)
from oro_framework.testing import OroProcess, until

NAME: Final = "Oro Permissions"

FAKE_DEVICE: Final = "--no-sandbox --use-fake-device-for-media-stream"
"""Chromium's flags for a camera and a microphone that exist (and its sandbox off, as root)."""

FAKE_PROMPT: Final = "--use-fake-ui-for-media-stream"
"""Chromium's switch that answers every capture request "yes" without asking the app."""

BACKEND: Final = '''
from oro_framework import Request
from oro_framework.backend import command


@command
async def mock_capture_devices(request: Request) -> str:
    """WebKit's mock camera and microphone in the page's window, as Chromium's fake ones under
    Qt."""
    windows = request.host.windows
    window = windows.get(request.require_window())

    def enable() -> str:
        parts = windows.native(window)
        settings = parts.view.get_settings()
        settings.set_enable_mock_capture_devices(True)
        return "mock" if settings.get_enable_mock_capture_devices() else "none"

    return await windows.run_on_gui(enable) if windows.toolkit == "gtk" else "fake"
'''

ASKS: Final = {
    "camera": "media(() => navigator.mediaDevices.getUserMedia({ video: true }))",
    "microphone": "media(() => navigator.mediaDevices.getUserMedia({ audio: true }))",
    "camera and microphone": (
        "media(() => navigator.mediaDevices.getUserMedia({ video: true, audio: true }))"
    ),
    "screen": "media(() => navigator.mediaDevices.getDisplayMedia({ video: true }))",
    "location": """new Promise(resolve => navigator.geolocation.getCurrentPosition(
      () => resolve('granted'),
      error => resolve(error.code === error.PERMISSION_DENIED ? 'PERMISSION_DENIED' : error.message
      ),
      { timeout: 60000 }))""",
    "notifications": "Notification.requestPermission()",
    "pointer lock": """new Promise(resolve => {
      document.addEventListener('pointerlockchange', () => resolve('granted'), { once: true });
      document.addEventListener('pointerlockerror', () => resolve('pointerlockerror'));
      Promise.resolve(document.body.requestPointerLock()).catch(error => resolve(error.name));
    })""",
    "clipboard": "navigator.clipboard.readText().then(() => 'granted', error => error.name)",
    "local fonts": """(globalThis.queryLocalFonts
      ? queryLocalFonts().then(fonts => fonts.length + ' fonts', error => error.name)
      : 'unsupported')""",
}
"""How a page asks for each permission; each answers ``granted...`` or the refusal's name."""

CAPTURE: Final = ("camera", "microphone", "camera and microphone", "screen")
OTHERS: Final = ("location", "notifications")
CLICKED: Final = ("pointer lock", "clipboard", "local fonts")
"""Asked for from a click in the page: without one, neither engine asks the app."""

DENIED: Final = {
    # QtWebEngine's own refusal of a capture is AbortError; oro gives the page the standard
    # NotAllowedError for one the broker denied (gui/qt/permissions.py). The screen QtWebEngine
    # refuses itself, without asking (its ScreenCaptureEnabled setting is off).
    "qt": {
        "camera": ("NotAllowedError",),
        "microphone": ("NotAllowedError",),
        "camera and microphone": ("NotAllowedError",),
        "screen": ("AbortError",),
        "location": ("PERMISSION_DENIED",),
        # Notifications are the config's alone (the desktop's notification service, which the
        # user controls, shows them; host/permission_broker.py's UNASKED): QtWebEngine asks,
        # and the broker grants what permissions.allow_notifications allows, without a prompt.
        "notifications": ("granted",),
        "pointer lock": ("SecurityError", "pointerlockerror"),
        "clipboard": ("NotAllowedError",),
        "local fonts": ("0 fonts",),
    },
    # WebKit rejects a denied capture with NotAllowedError. The screen it refuses unasked
    # without a click, with InvalidStateError or NotAllowedError from one run to the next.
    # Notification.requestPermission() without a click is "denied" by WebKit unasked.
    "system": {
        "camera": ("NotAllowedError",),
        "microphone": ("NotAllowedError",),
        "camera and microphone": ("NotAllowedError",),
        "screen": ("InvalidStateError", "NotAllowedError"),
        "location": ("PERMISSION_DENIED",),
        "notifications": ("denied",),
        # Reading the clipboard WebKit refuses unasked; it has no local fonts access.
        "pointer lock": ("SecurityError", "pointerlockerror"),
        "clipboard": ("NotAllowedError",),
        "local fonts": ("unsupported",),
    },
}
"""The refusals a page gets, by engine: anything else (``granted: video live``) fails."""

ASKED: Final = {
    ("qt", CAPTURE): ("MediaVideoCapture", "MediaAudioCapture"),
    # The location is oro-desktop's (navigator.geolocation answered by the host's broker and
    # GeoClue), never the engine's: neither engine is asked about it.
    ("qt", OTHERS): (),
    ("system", CAPTURE): ("UserMediaPermissionRequest",),
    ("system", OTHERS): (),
    ("qt", CLICKED): ("MouseLock", "ClipboardReadWrite", "LocalFontsAccess"),
    ("system", CLICKED): ("PointerLockPermissionRequest",),
}
"""What the log shows denied: the requests the engine asked the app about."""


def _probes(names: tuple[str, ...], on_click: bool) -> str:
    """A script asking for each of ``names`` in turn (one prompt at a time, as a user would see
    them), at once or on the next click in the page (``globalThis.permissionProbesArmed`` then
    says it waits), that keeps what the page got in ``globalThis.permissionProbes``."""
    asks = "\n".join(f"    answers[{json.dumps(name)}] = await {ASKS[name]};" for name in names)
    start = (
        "document.addEventListener('click', () => { globalThis.permissionProbesClicked = true;"
        " ask().catch(failed) }, { once: true }); globalThis.permissionProbesArmed = true;"
        if on_click
        else "await ask();"
    )
    return f"""
globalThis.permissionProbes = null;
(async () => {{
  const answers = {{}};
  const {{ request }} = await import('oro:ipc');
  answers.devices = await request('backend.mock_capture_devices');
  const media = async ask => {{
    try {{
      const stream = await ask();
      const tracks = stream.getTracks();
      const granted = 'granted: ' + tracks.map(t => t.kind + ' ' + t.readyState).join(', ');
      tracks.forEach(t => t.stop());
      return granted;
    }} catch (error) {{
      return error.name;
    }}
  }};
  const ask = async () => {{
{asks}
    globalThis.permissionProbes = JSON.stringify(answers);
  }};
  {start}
}})().catch(failed);
function failed (error) {{
  globalThis.permissionProbes = JSON.stringify({{ failed: String(error) }});
}}
'started'
"""


@pytest.fixture(name="app")
def app_fixture(tmp_path: Path) -> Path:
    """An app whose page reports ready and nothing else: no plugin's page globals replace the
    engine's own ``Notification``, so the engine is asked."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(
        f'[meta]\nname = "{NAME}"\nbundle_identifier = "dev.oro.permissions"\n'
        "[webview]\noro_globals = false\n"
        # The location goes to the host's broker, which would prompt over the window and wait
        # for the user: off in config, it is PERMISSION_DENIED at once.
        "[permissions]\nallow_geolocation = false\n",
        encoding="utf-8",
    )
    (app / "index.html").write_text(
        "<!doctype html><title>permissions</title><script type=module>"
        "const { request } = await import('oro:ipc'); await request('window.ready')"
        "</script>",
        encoding="utf-8",
    )
    (app / "backend.py").write_text(BACKEND, encoding="utf-8")
    return app


def _click(display: str) -> bool:
    """A real click (X's XTEST, as a user's) in the app's window."""
    for window in x(display, "xdotool", "search", "--onlyvisible", "--name", NAME).split():
        x(display, "xdotool", "mousemove", "--window", window, "100", "100", "click", "1")
    return True


PROMPT: Final = "Permission request"
"""The broker's prompt, as both engines title it."""


def _refuse_prompts(display: str) -> bool:
    """The user says no to every prompt on screen: Escape, a real key press in it."""
    for prompt in x(display, "xdotool", "search", "--onlyvisible", "--name", PROMPT).split():
        x(display, "xdotool", "windowfocus", prompt)
        if x(display, "xdotool", "getwindowfocus").strip() == prompt:
            x(display, "xdotool", "key", "--clearmodifiers", "Escape")
    return True


def _probe(
    display: str,
    engine: str,
    app: Path,
    data_home: Path,
    names: tuple[str, ...],
    flags: str = FAKE_DEVICE,
) -> tuple[dict[str, Any], str]:
    """What the page of one ``oro -v run`` got for each permission, and the app's log."""
    on_click = names == CLICKED
    key = new_key()
    config = {"QTWEBENGINE_CHROMIUM_FLAGS": flags, "XDG_DATA_HOME": str(data_home)}
    environ = window_environ(display, engine, key, **config)
    with OroProcess("-v", "run", str(app), environ=environ, timeout=120) as oro:
        with bridge_of(oro, key, NAME) as bridge:
            assert evaluate(bridge, _probes(names, on_click)) == "started"
            if on_click:
                until(lambda: evaluate(bridge, "globalThis.permissionProbesArmed"), "armed")
                until(
                    lambda: (
                        _click(display) and evaluate(bridge, "globalThis.permissionProbesClicked")
                    ),
                    "the click reached the page",
                )
            answers = until(
                lambda: (
                    _refuse_prompts(display) and evaluate(bridge, "globalThis.permissionProbes")
                ),
                "every probe answered",
            )
            bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()
        probed: dict[str, Any] = json.loads(answers)
        # The capture devices are there: Chromium's fake ones, WebKit's mock ones.
        assert probed.pop("devices", None) == ("fake" if engine == "qt" else "mock"), probed
        return probed, oro.stderr()


def _denied(log: str) -> list[str]:
    return [
        line for line in log.splitlines() if "oro_framework.windows" in line and "denied" in line
    ]


def _assert_denied(engine: str, names: tuple[str, ...], answers: dict[str, Any], log: str) -> None:
    assert set(answers) == set(names), answers
    assert all(answers[name] in DENIED[engine][name] for name in names), answers
    denied = [line for line in log.splitlines() if line.startswith("INFO oro_framework.windows")]
    for request in ASKED[engine, names]:
        assert any(f"denied {request}" in line for line in denied), log


def test_a_page_gets_no_camera_or_microphone(display, engine, app, tmp_path):
    answers, log = _probe(display, engine, app, tmp_path, CAPTURE)

    _assert_denied(engine, CAPTURE, answers, log)


def test_a_page_gets_no_location_or_notifications_and_asking_ends_nothing(
    display, engine, app, tmp_path
):
    answers, log = _probe(display, engine, app, tmp_path, OTHERS)

    _assert_denied(engine, OTHERS, answers, log)


def test_a_click_gets_no_pointer_lock_clipboard_or_local_fonts(display, engine, app, tmp_path):
    answers, log = _probe(display, engine, app, tmp_path, CLICKED)

    _assert_denied(engine, CLICKED, answers, log)


def test_chromiums_auto_accept_switch_in_the_environment_is_left_out_with_a_warning(
    display, app, tmp_path
):
    # A Chromium switch: the Qt engine's alone.
    flags = f"{FAKE_DEVICE} {FAKE_PROMPT}"
    answers, log = _probe(display, "qt", app, tmp_path, CAPTURE, flags)

    _assert_denied("qt", CAPTURE, answers, log)
    warnings = [line for line in log.splitlines() if FAKE_PROMPT in line]
    assert len(warnings) == 1, log
    assert warnings[0].startswith("WARNING oro_framework.windows: QTWEBENGINE_CHROMIUM_FLAGS")


SWITCHES: Final = st.sampled_from(sorted(AUTO_GRANT_SWITCHES))
OTHER_FLAGS: Final = st.from_regex(r"--[a-z][a-z-]{0,30}(=[\w,.:-]{0,12})?", fullmatch=True).filter(
    lambda flag: flag.split("=", 1)[0] not in AUTO_GRANT_SWITCHES
)


@given(
    flags=st.lists(
        st.one_of(OTHER_FLAGS, SWITCHES, SWITCHES.map(lambda switch: f"{switch}=value")),
        max_size=8,
    )
)
def test_only_the_auto_accepting_switches_leave_chromiums_flags(flags: list[str]) -> None:
    environ = {CHROMIUM_FLAGS: " ".join(flags), "OTHER": "x"}

    dropped = drop_auto_grant_flags(environ)

    kept = [flag for flag in flags if flag.split("=", 1)[0] not in AUTO_GRANT_SWITCHES]
    assert dropped == [flag for flag in flags if flag not in kept]
    assert environ == {
        CHROMIUM_FLAGS: " ".join(kept) if dropped else " ".join(flags),
        "OTHER": "x",
    }
