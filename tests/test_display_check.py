"""A malformed ``DISPLAY`` (``::5``) is a clear error of ``oro run``, exit 2, where WebKitGTK
aborted the process with a core dump; well-formed X display names still pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from _oro_process import run_oro
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.gui.display import check_display
from oro_framework.host.errors import DisplayError, HostError


@pytest.mark.parametrize("value", ["::5", ":", ":x", "host::0", "0", "localhost"])
def test_a_malformed_display_is_a_typed_error_naming_it(value: str) -> None:
    with pytest.raises(DisplayError) as raised:
        check_display({"DISPLAY": value}, "linux")

    assert isinstance(raised.value, HostError)
    assert raised.value.value == value
    assert repr(value) in str(raised.value)
    assert "':0'" in str(raised.value)  # what a valid one looks like


@given(
    host=st.sampled_from(["", "unix", "localhost", "10.0.0.2", "::1", "/tmp/launch/org.x"]),
    number=st.integers(0, 9999),
    screen=st.none() | st.integers(0, 9),
)
def test_x_display_names_pass(host: str, number: int, screen: int | None) -> None:
    suffix = "" if screen is None else f".{screen}"
    check_display({"DISPLAY": f"{host}:{number}{suffix}"}, "linux")


def test_a_wayland_display_that_answers_makes_a_malformed_display_moot(tmp_path: Path) -> None:
    (tmp_path / "wayland-0").touch()
    environ = {"DISPLAY": "::5", "WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": str(tmp_path)}

    check_display(environ, "linux")
    check_display({}, "linux")  # no display at all: headless, not an error


def test_oro_run_on_a_malformed_display_says_so_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[meta]\nname = "display"\n')
    (tmp_path / "index.html").write_text("<!doctype html><title>display</title>")

    done = run_oro(
        "run",
        str(tmp_path),
        cwd=tmp_path,
        env={"DISPLAY": "::5", "ORO_WEBVIEW_ENGINE": "system"},
        timeout=120,
    )

    assert done.returncode == 2, done.stderr  # not -SIGTRAP: GTK's abort, a core dump
    assert "error: DISPLAY='::5' is not an X display name" in done.stderr, done.stderr
    assert "Gtk-ERROR" not in done.stderr
