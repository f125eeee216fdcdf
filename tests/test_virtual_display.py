"""The test kit's Xvfb (``oro_framework.testing.virtual_display``): a display that X clients
reach while the block runs, gone after it, and the descriptors it opens all closed again, also
when Xvfb is missing or fails before announcing its display."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from oro_framework.testing import open_descriptors, virtual_display


def test_the_display_serves_x_clients_during_the_block_and_nothing_is_left() -> None:
    before = len(open_descriptors())
    with virtual_display((640, 480)) as display:
        number = display.removeprefix(":")
        assert number.isdigit()
        socket_path = Path(f"/tmp/.X11-unix/X{number}")
        assert socket_path.is_socket()
        # xwd (x11-apps, installed by scripts/test) is an X client: it reads the root window.
        dump = subprocess.run(
            ["xwd", "-root", "-silent"],
            env={**os.environ, "DISPLAY": display},
            capture_output=True,
            check=True,
            timeout=60,
        )
        assert len(dump.stdout) > 640 * 480
    assert not socket_path.exists()
    assert len(open_descriptors()) == before


def test_a_missing_xvfb_raises_and_leaks_no_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    before = len(open_descriptors())
    with pytest.raises(FileNotFoundError), virtual_display():
        pass
    assert len(open_descriptors()) == before


def test_an_xvfb_that_exits_before_announcing_raises_and_leaks_no_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "Xvfb"
    broken.write_text("#!/bin/sh\necho 'no screens found' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    before = len(open_descriptors())
    with pytest.raises(RuntimeError, match="Xvfb did not start"), virtual_display():
        pass
    assert len(open_descriptors()) == before


def test_an_error_in_the_block_stops_xvfb_and_leaks_no_descriptor() -> None:
    sockets: list[Path] = []

    def fail_inside() -> None:
        with virtual_display() as display:
            sockets.append(Path(f"/tmp/.X11-unix/X{display.removeprefix(':')}"))
            raise ValueError("inside")

    before = len(open_descriptors())
    with pytest.raises(ValueError, match="inside"):
        fail_inside()
    assert sockets
    assert not sockets[0].exists()
    assert len(open_descriptors()) == before
