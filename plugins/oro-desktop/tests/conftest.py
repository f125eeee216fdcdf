"""oro-desktop's fixtures: one Xvfb display and one private session bus for the module, and the
web engine a window test runs its app on (both, one after the other)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _desktop_app import ENGINES, Desktop, desktop, has_program

PEERS = ("Xvfb", "dbus-daemon", "xdotool", "xclip", "trayer")


@pytest.fixture(scope="module")
def screen() -> Iterator[Desktop]:
    """A real X display and a private D-Bus session bus, shared by a module's tests. A missing
    peer program fails the tests that need it (never a skip counted as a pass)."""
    missing = [name for name in PEERS if not has_program(name)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: scripts/test installs them with apt-get")
    with desktop() as where:
        yield where


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """``--webview`` of the apps a window test runs: ``qt`` (QtWebEngine) and ``system``
    (WebKitGTK), the same assertions on each."""
    name: str = request.param
    return name
