"""``oro config permissions``: what the user asked an app to remember about its pages' camera,
microphone, screen, location and notifications, read and reset from the command line where
``oro run`` keeps it (the app's data folder), never the user's own folders in a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from oro_framework.cli import cli
from oro_framework.host.app import Host
from oro_framework.host.permission_broker import (
    APP_SITE,
    STORE_NAME,
    read_decisions,
    remember_decisions,
)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The store of an app whose data folder is under a temporary XDG_DATA_HOME."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "Booth"\n', encoding="utf-8")
    monkeypatch.chdir(app)
    host = Host(app, resolve_secrets=False)
    host.close()
    path = host.paths.state / STORE_NAME
    assert str(path).startswith(str(tmp_path / "xdg-state"))
    remember_decisions(path, APP_SITE, ["camera", "microphone"], True)
    remember_decisions(path, "https://maps.example", ["geolocation"], False)
    return path


def test_it_lists_the_remembered_decisions(store: Path) -> None:
    listed = CliRunner().invoke(cli, ["config", "permissions"])
    as_json = CliRunner().invoke(cli, ["config", "permissions", "--json", "geolocation"])

    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "app camera granted",
        "app microphone granted",
        "https://maps.example geolocation denied",
    ]
    assert json.loads(as_json.output) == {
        "app": {},
        "https://maps.example": {"geolocation": "denied"},
    }


def test_reset_forgets_a_kind_of_one_origin_then_everything(store: Path) -> None:
    one = CliRunner().invoke(cli, ["config", "permissions", "--reset", "--origin", "app", "camera"])

    assert one.exit_code == 0, one.output
    assert read_decisions(store) == {
        APP_SITE: {"microphone": "granted"},
        "https://maps.example": {"geolocation": "denied"},
    }

    everything = CliRunner().invoke(cli, ["config", "permissions", "--reset"])

    assert everything.exit_code == 0, everything.output
    assert "forgot 2 decision(s)" in everything.output
    assert read_decisions(store) == {}


def test_an_unknown_kind_is_a_usage_error(store: Path) -> None:
    result = CliRunner().invoke(cli, ["config", "permissions", "--reset", "bluetooth"])

    assert result.exit_code == 2
    assert read_decisions(store) != {}
