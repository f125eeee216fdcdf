"""The built showcase runs from its own folder, with no Python and no venv, headless and in a
real window; its .tar.gz, .deb and .rpm install it, and it leaves with them."""

from __future__ import annotations

import re
import secrets
import signal
import subprocess
from pathlib import Path

from conftest import BuiltApp, clean_environ, mapped_files, ping
from oro_framework.testing import bridge_client
from tests._oro_process import REPOSITORY, OroProcess


def test_the_build_says_each_step_and_sums_up_the_artifacts(built_showcase: BuiltApp) -> None:
    lines = built_showcase.output.splitlines()
    steps = [line for line in lines if line.startswith("[")]
    assert [step.split("] ")[1] for step in steps] == [
        f"collecting {REPOSITORY / 'examples' / 'showcase'}...",
        "freezing with PyInstaller (about a minute)...",
        "trimming what the app never loads...",
        "putting the app's files into the runtime...",
        "packaging tar...",
        "packaging deb...",
        "packaging rpm...",
        "checking that the built app starts...",
    ]
    for kind in ("onedir", "tar", "deb", "rpm"):
        assert any(line.startswith(kind + " ") and line.endswith(" MiB") for line in lines), kind
    assert lines[-1].startswith("built Oro Showcase 0.1.0 with 12 plugin(s) in ")


def test_the_built_app_serves_with_no_python_and_no_venv(
    built_showcase: BuiltApp, tmp_path: Path
) -> None:
    with OroProcess(
        "--headless",
        "--port",
        "0",
        executable=built_showcase.executable,
        environ=clean_environ(tmp_path / "home"),
        cwd=tmp_path,
    ) as app:
        assert ping(app.launch_url()) == "pong"
        mapped = mapped_files(app.process.pid)
        bundle = str(built_showcase.folder)
        python_files = [path for path in mapped if "python" in path.lower()]
        assert python_files
        assert all(path.startswith(bundle) for path in python_files), python_files
        assert not [path for path in mapped if ".venv" in path or "site-packages" in path]
        # Its data went to the fresh HOME, under the app's own identifier.
        assert (tmp_path / "home" / ".local" / "share" / "dev.oro.showcase").is_dir()


def test_the_built_app_says_its_version(built_showcase: BuiltApp, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(built_showcase.executable), "--version"],
        env=clean_environ(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout == "Oro Showcase 0.1.0\n"


def test_the_trimmed_app_opens_a_real_window(
    built_showcase: BuiltApp, display: str, tmp_path: Path
) -> None:
    internal = built_showcase.folder / "_internal"
    assert not (internal / "PyQt6" / "Qt6" / "qml").exists()
    locales = internal / "PyQt6" / "Qt6" / "translations" / "qtwebengine_locales"
    assert [path.name for path in locales.iterdir()] == ["en-US.pak"]
    key = secrets.token_urlsafe(24)
    environ = clean_environ(
        tmp_path / "home",
        {
            "DISPLAY": display,
            # QtWebEngine's Chromium refuses to run as root with its sandbox.
            "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
            "ORO_HTTP_IPC_ENABLE": "true",
            "ORO_HTTP_IPC_SHARED_KEY": key,
        },
    )
    with OroProcess(
        "--port", "0", executable=built_showcase.executable, environ=environ, timeout=120
    ) as app:
        opened = app.wait_for_line(r"^oro: opened Oro Showcase in a window")
        origin = re.search(r"http://127\.0\.0\.1:\d+", opened)
        assert origin is not None, opened
        app.wait_for_line(r"^oro: window 0 ready$")
        with bridge_client(origin.group(0), key) as bridge:
            windows = bridge.get("/ipc/application.getWindows").json()["data"]
            evaluated = bridge.get(
                "/ipc/window.eval", params={"value": "document.body.dataset.ready"}
            ).json()
        app.send_signal(signal.SIGTERM)
        assert app.wait() == 0, app.stderr()
    assert [(w["index"], w["status"], w["isReady"]) for w in windows] == [(0, "shown", True)]
    assert evaluated["data"] == "true", evaluated
