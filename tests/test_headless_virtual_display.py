"""The virtual display oro starts for a headless app with no display (``gui/virtual_display.py``):
a real Xvfb that answers only the app's processes (its cookie), and that ends with the app, when
it stops it and when the app is killed without a word."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from _oro_process import until

from oro_framework.gui.virtual_display import (
    XVFB_PACKAGES,
    VirtualDisplayUnavailable,
    start_virtual_display,
)


def _x_client(environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["xwininfo", "-root"], env=environ, capture_output=True, text=True, timeout=30, check=False
    )


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_the_display_answers_the_apps_processes_only_and_goes_when_stopped() -> None:
    environ = {"PATH": os.environ["PATH"]}
    display = start_virtual_display(environ)
    try:
        assert environ["DISPLAY"] == display.display
        cookie = Path(environ["XAUTHORITY"])
        assert cookie.parent.stat().st_mode & 0o077 == 0  # the user's alone
        assert _x_client(environ).returncode == 0
        # Another local user's client, without the cookie, is refused.
        stranger = _x_client({"DISPLAY": display.display, "XAUTHORITY": os.devnull})
        assert stranger.returncode != 0
        assert "Authorization required" in stranger.stderr
    finally:
        display.stop()
    assert _gone(display.pid)
    assert not cookie.exists()
    display.stop()  # again: nothing


def test_the_display_ends_with_an_app_that_is_killed() -> None:
    app = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys\n"
            "from oro_framework.gui.virtual_display import start_virtual_display\n"
            "print(start_virtual_display().pid, os.environ['XAUTHORITY'], flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert app.stdout is not None
    pid, cookie = app.stdout.readline().split()
    server = int(pid)
    assert not _gone(server)
    app.send_signal(signal.SIGKILL)
    app.wait(timeout=30)
    until(lambda: _gone(server), "the virtual display to end with its app", 30)
    # What a killed app cannot remove itself (its cookie, in a folder of the user's alone).
    shutil.rmtree(Path(cookie).parent)


def test_without_xvfb_it_says_which_package_to_install(tmp_path: Path) -> None:
    environ = {"PATH": str(tmp_path)}
    with pytest.raises(VirtualDisplayUnavailable, match="Xvfb is not installed: install the xvfb"):
        start_virtual_display(environ)
    assert "DISPLAY" not in environ
    assert "apt-get install xvfb" in XVFB_PACKAGES
