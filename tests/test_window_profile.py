"""A real QtWebEngine window under Xvfb keeps the app's web storage between runs, in the app's
own data directory, unless the app asks for a private profile."""

from __future__ import annotations

import secrets
from pathlib import Path

from _oro_process import SHOWCASE, OroProcess, headless_environ, run_arguments
from test_window_smoke import _bridge, display  # noqa: F401  (display is a fixture)

KEY = "oro-profile-test"


def _run_showcase(x_display: str, data_home: Path, script: str, **config: str) -> object:
    """One ``oro run`` of the showcase in a window: evaluate ``script`` in its page once it is
    ready, then exit; the script's result."""
    key = secrets.token_urlsafe(24)
    environ = headless_environ(
        {
            **{f"ORO_{name.upper()}": value for name, value in config.items()},
            "DISPLAY": x_display,
            "XDG_DATA_HOME": str(data_home),
            "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
            "ORO_HTTP_IPC_ENABLE": "true",
            "ORO_HTTP_IPC_SHARED_KEY": key,
        }
    )
    with OroProcess(*run_arguments(SHOWCASE), environ=environ, timeout=120) as oro:
        with _bridge(oro, key) as bridge:
            answer = bridge.get("/ipc/window.eval", params={"value": script}).json()
            bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()
    assert "data" in answer, answer
    return answer["data"]


def test_web_storage_survives_a_restart_in_the_apps_own_directory(display, tmp_path):  # noqa: F811
    stored = _run_showcase(display, tmp_path, f"localStorage.setItem('{KEY}', 'kept'); 'stored'")
    found = _run_showcase(display, tmp_path, f"localStorage.getItem('{KEY}')")

    assert (stored, found) == ("stored", "kept")
    assert (tmp_path / "dev.oro.showcase" / "webview").is_dir()


def test_a_private_window_forgets_its_storage(display, tmp_path):  # noqa: F811
    private = {"window_persistent_storage": "false"}
    _run_showcase(display, tmp_path, f"localStorage.setItem('{KEY}', 'kept'); 'stored'", **private)
    found = _run_showcase(display, tmp_path, f"localStorage.getItem('{KEY}')", **private)

    assert found is None
    assert not (tmp_path / "dev.oro.showcase" / "webview").exists()
