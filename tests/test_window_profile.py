"""A real window of each web engine (WebKitGTK and QtWebEngine) under Xvfb keeps the app's web
storage (local storage, cookies) between runs, in the app's own data directory, unless the app
asks for a private profile."""

from __future__ import annotations

from pathlib import Path

from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    new_key,
    start,
)

KEY = "oro-profile-test"


STATE = "state/oro-framework/apps/dev.oro.showcase"
"""The showcase's state folder below the ``data_home`` its runs are given."""


def _run_showcase(
    x_display: str, engine: str, data_home: Path, script: str, **config: str
) -> object:
    """One ``oro run`` of the showcase in a window of ``engine``: evaluate ``script`` in its page
    once it is ready, then exit; the script's result."""
    key = new_key()
    state_home = str(data_home / "state")
    with start(
        x_display, engine, key, XDG_DATA_HOME=str(data_home), XDG_STATE_HOME=state_home, **config
    ) as oro:
        with bridge_of(oro, key) as bridge:
            answer = bridge.get("/ipc/window.eval", params={"value": script}).json()
            bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()
    assert "data" in answer, answer
    return answer["data"]


def test_web_storage_survives_a_restart_in_the_apps_own_directory(display, engine, tmp_path):
    store = (
        f"localStorage.setItem('{KEY}', 'kept');"
        f" document.cookie = '{KEY}=kept; path=/; max-age=3600; SameSite=Strict'; 'stored'"
    )
    stored = _run_showcase(display, engine, tmp_path, store)
    found = _run_showcase(
        display,
        engine,
        tmp_path,
        f"[localStorage.getItem('{KEY}'), document.cookie.includes('{KEY}=kept')]",
    )

    assert (stored, found) == ("stored", ["kept", True])
    # The host's state folder, which no page reaches (issue 71), not the data folder.
    assert (tmp_path / STATE / "webview").is_dir()
    assert not (tmp_path / "dev.oro.showcase" / "webview").exists()


def test_a_private_window_forgets_its_storage(display, engine, tmp_path):
    private = {"window_persistent_storage": "false"}
    store = f"localStorage.setItem('{KEY}', 'kept'); 'stored'"
    _run_showcase(display, engine, tmp_path, store, **private)
    found = _run_showcase(display, engine, tmp_path, f"localStorage.getItem('{KEY}')", **private)

    assert found is None
    assert not (tmp_path / STATE / "webview").exists()
