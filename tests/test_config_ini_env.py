"""Socket's ``[env]`` section: each entry is ``process.env.NAME`` of the app's pages, and the
runtime reads its own variables there first (``env::get`` in ``src/runtime/env/env.cc``), so
``SOCKET_RUNTIME_CONDUIT_PORT = 8080`` fixes the Conduit's port. An entry whose name marks a
secret, or is no variable's name, is one warning and left out: the app still starts."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from oro_framework.host.app import Host


def _host(tmp_path: Path, env: str) -> Host:
    (tmp_path / "socket.ini").write_text(f'[build]\nname = "env"\n\n[env]\n{env}\n')
    (tmp_path / "index.html").write_text("<p>env</p>")
    return Host(tmp_path, environ={})


def test_env_entries_reach_pages_and_the_runtime_variables_they_name(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the Conduit's own notes on Socket's settings
        host = _host(tmp_path, "GREETING = hello\nSOCKET_RUNTIME_CONDUIT_PORT = 8080")
    try:
        assert host.config.section("env") == {
            "GREETING": "hello",
            "SOCKET_RUNTIME_CONDUIT_PORT": "8080",
        }
        assert host.config["conduit.port"] == 8080
    finally:
        host.close()


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("OPENWEATHER_API_KEY = abc", "marks a secret"),
        ("bad-name = 1", "not an environment variable's name"),
    ],
)
def test_an_entry_pages_may_not_get_is_one_warning_and_the_app_starts(
    tmp_path: Path, entry: str, reason: str
) -> None:
    with pytest.warns(Warning, match=reason):
        host = _host(tmp_path, f"KEPT = 1\n{entry}")
    try:
        assert host.config.section("env") == {"KEPT": "1"}
    finally:
        host.close()
