"""The ``oro`` commands on an app whose config is a ``socket.ini``: ``oro init --from`` (and
``oro import``), ``oro config`` and ``oro doctor`` (issue 40, items 2 and 6a)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from oro_framework import ConfigWarning
from oro_framework.cli import cli

SOCKET_INI = textwrap.dedent(
    """\
    [build]
    copy = "src"
    name = "notes"
    flags = -O3

    [meta]
    bundle_identifier = "com.example.notes"
    title = "Notes"
    version = 1.0.0

    [window]
    height = 60%
    width = 50%

    [ios]
    simulator_device = "iPhone 14"
    """
)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "socket.ini").write_text(SOCKET_INI)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.html").write_text("<p>notes</p>")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_from_writes_the_equivalent_oro_toml_and_refuses_to_replace_it(app: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["init", "--from", "socket.ini"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "wrote oro.toml from socket.ini: 9 key(s) mapped, 2 not honoured" in first.stdout
    written = (app / "oro.toml").read_text()
    assert 'name = "Notes" # socket.ini [meta] title' in written
    assert "#   socket.ini:4 [build] flags: a compiler setting" in written
    # An Oro app keeps Oro's page globals (Buffer, require...) once it is an oro.toml app.
    assert "oro_globals = true" in written

    (app / "oro.toml").write_text("# mine\n")
    again = runner.invoke(cli, ["import", "socket.ini"], catch_exceptions=False)
    assert again.exit_code == 1
    assert "--force replaces it; nothing was written" in again.output
    assert (app / "oro.toml").read_text() == "# mine\n"
    forced = runner.invoke(cli, ["import", "--force"], catch_exceptions=False)
    assert forced.exit_code == 0, forced.output
    assert (app / "oro.toml").read_text() == written


def test_oro_config_reads_the_socket_ini_and_never_edits_it(app: Path) -> None:
    runner = CliRunner()
    with pytest.warns(ConfigWarning, match=r"socket.ini:4: \[build\] flags is not honoured"):
        listed = runner.invoke(cli, ["config", "list", "--json"], catch_exceptions=False)
    values = {row["key"]: row for row in json.loads(listed.stdout)}
    assert values["window.height"] == {
        "key": "window.height",
        "value": "60%",
        "source": "socket.ini:12",
    }
    assert values["webview.root"]["value"] == "src"
    edit = runner.invoke(cli, ["config", "set", "window.width", "900"], catch_exceptions=False)
    assert edit.exit_code == 1
    assert "socket.ini is read as it is and never edited" in edit.output
    assert (app / "socket.ini").read_text() == SOCKET_INI


def test_doctor_reports_the_socket_ini_it_reads(app: Path) -> None:
    result = CliRunner().invoke(cli, ["doctor", "--json"], catch_exceptions=False)
    checks = {row["name"]: row for row in json.loads(result.stdout)}
    assert checks["app"]["detail"].endswith("builds (read from socket.ini)")
    assert "window.height" in checks["config socket.ini"]["detail"]
    not_honoured = checks["config socket.ini not honoured"]
    assert not_honoured["status"] == "warn"
    assert not_honoured["detail"] == "[build] flags, [ios] simulator_device"


def test_doctor_does_not_say_an_app_builds_where_there_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["doctor", "--json"], catch_exceptions=False)
    app = next(row for row in json.loads(result.stdout) if row["name"] == "app")
    assert app["ok"] is False
    assert app["status"] == "warn"
    assert "no oro.toml, oro.ini, socket.ini: not an app" in app["detail"]
