"""A Socket app with a Node backend, run as its user runs it: ``oro test`` of its
``socket.ini`` (``[linux] cmd = "node backend/backend.js"``), in headless Chromium and in the
app's real WebKitGTK window. Its test file is Socket's own backend tests
(test/src/application.js:584-640) with events awaited instead of timed; the backend speaks
``@socketsupply/socket-node``'s protocol (``scripts/socket_node_protocol.mjs``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from oro_framework.testing import headless_environ, virtual_display
from oro_framework.testing.process import ORO

SCRIPTS = Path(__file__).with_name("scripts")

SOCKET_INI = """\
[build]
name = "socket-backend-app"

[linux]
cmd = "node backend/backend.js"
"""


LEFT_OPEN = """\
import test from 'socket:test'
import application from 'socket:application'

test('left open', async (t) => {
  t.equal((await application.backend.open()).err, null, 'opened')
  t.ok(true, `backend pid ${(await application.backend.status()).pid}`)
})
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("socket-app") / "app"
    (root / "backend").mkdir(parents=True)
    (root / "test").mkdir()
    (root / "socket.ini").write_text(SOCKET_INI, encoding="utf-8")
    (root / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    (root / "index.html").write_text("<!doctype html><title>app</title>", encoding="utf-8")
    shutil.copy(SCRIPTS / "socket_backend.test.js", root / "test" / "backend.test.js")
    (root / "test" / "left-open.test.js").write_text(LEFT_OPEN, encoding="utf-8")
    shutil.copy(SCRIPTS / "socket_backend.mjs", root / "backend" / "backend.js")
    shutil.copy(SCRIPTS / "socket_node_protocol.mjs", root / "backend")
    return root


def oro_test(app: Path, environ: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    """``oro test`` of the app: ``test/backend.test.js`` unless ``options`` name a file."""
    files = [] if any(option.endswith(".js") for option in options) else ["test/backend.test.js"]
    return subprocess.run(
        [str(ORO), "test", str(app), *files, "--timeout", "60", *options],
        capture_output=True,
        text=True,
        cwd=app,
        env=environ,
        timeout=300,
        check=False,
    )


def assert_passed(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert not [line for line in lines if line.startswith("not ok")]
    assert "# pass  11" in lines, run.stdout


def test_socket_backend_tests_pass_headless(app: Path) -> None:
    assert_passed(oro_test(app, headless_environ()))


def test_socket_backend_tests_pass_in_the_apps_webkitgtk_window(app: Path) -> None:
    with virtual_display() as display:
        assert_passed(
            oro_test(app, headless_environ({"DISPLAY": display}), "--window", "--webview", "system")
        )


def test_the_backend_ends_with_the_app(app: Path) -> None:
    """A run that leaves its backend running: it ends with ``oro test``'s host."""
    run = oro_test(app, headless_environ(), "test/left-open.test.js")
    assert run.returncode == 0, run.stdout + run.stderr
    (pid,) = [int(m) for m in re.findall(r"^ok \d+ backend pid (\d+)$", run.stdout, re.M)]
    assert not Path(f"/proc/{pid}").exists()
