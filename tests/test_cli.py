"""The ``oro`` command line, run in-process with click's runner against the installed plugins."""

from __future__ import annotations

import json
import signal
import textwrap
from pathlib import Path

import httpx
import pytest
import tomlkit
from _oro_process import SHOWCASE, OroProcess, headless_environ, run_arguments
from click.testing import CliRunner

from oro_framework import __version__
from oro_framework.cli import cli

REPOSITORY = Path(__file__).resolve().parents[1]
CORE_PLUGINS = {"ping", "platform", "os", "diagnostics", "permissions", "application"}

COMMENTED_CONFIG = textwrap.dedent(
    """\
    # My app's configuration.
    [meta]
    name = "Notes"   # shown in the title bar

    [webview]
    # where index.html lives
    root = "www"

    [http.ipc]
    enable = false
    """
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "oro.toml").write_text(COMMENTED_CONFIG)
    return tmp_path


def _invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_plugins_list_hides_core_plugins_unless_all(runner: CliRunner) -> None:
    default = {row["name"] for row in json.loads(_invoke(runner, "plugins", "list", "--json"))}
    everything = json.loads(_invoke(runner, "plugins", "list", "--all", "--json"))
    assert not default & CORE_PLUGINS
    assert CORE_PLUGINS | {"oro"} <= {row["name"] for row in everything}


def test_plugins_list_json_rows_have_the_documented_fields(runner: CliRunner) -> None:
    rows = json.loads(_invoke(runner, "plugins", "list", "--all", "--json"))
    ping = next(row for row in rows if row["name"] == "ping")
    assert ping["entry_point"] == "ping = oro_framework.core.ping"
    assert ping["module"] == "oro_framework.core.ping"
    assert ping["hooks"] == ["oro_register_routes"]
    assert ping["error"] is None
    assert ping["version"]


def test_plugins_list_is_sorted_by_distribution(runner: CliRunner) -> None:
    rows = json.loads(_invoke(runner, "plugins", "list", "--all", "--json"))
    keys = [(row["distribution"] or "", row["name"]) for row in rows]
    assert keys == sorted(keys)


def test_plugins_list_hook_filter_accepts_names_with_or_without_prefix(runner: CliRunner) -> None:
    with_prefix = json.loads(
        _invoke(runner, "plugins", "list", "--all", "--json", "--hook", "oro_register_permissions")
    )
    without = json.loads(
        _invoke(runner, "plugins", "list", "--all", "--json", "--hook", "register_permissions")
    )
    assert with_prefix == without
    assert {row["name"] for row in with_prefix} >= {"oro", "os", "diagnostics"}
    assert all("oro_register_permissions" in row["hooks"] for row in with_prefix)


def test_plugins_list_names_the_distribution_version_and_plugin_then_its_hooks(
    runner: CliRunner,
) -> None:
    lines = _invoke(runner, "plugins", "list", "--all").splitlines()
    ping = lines.index(f"oro-framework {__version__} (ping)")
    assert lines[ping + 1] == "  hooks: register_routes"


def test_routes_json_lists_core_routes_with_plugin_and_permission(
    runner: CliRunner, app: Path
) -> None:
    routes = {
        row["name"]: row
        for row in json.loads(_invoke(runner, "routes", "--json", "--app", str(app)))
    }
    assert routes["ping"]["plugin"] == "ping"
    assert routes["ping"]["permission"] == "runtime"
    assert routes["os.cpus"]["permission"] == "device_info"
    assert all(row["doc"] for row in routes.values())


def test_config_get_accepts_dotted_and_flattened_keys(runner: CliRunner, app: Path) -> None:
    config = str(app / "oro.toml")
    assert _invoke(runner, "config", "get", "webview.root", "--file", config) == "www\n"
    assert _invoke(runner, "config", "get", "webview_root", "--file", config) == "www\n"
    assert _invoke(runner, "config", "get", "http_ipc_enable", "--file", config) == "false\n"


def test_config_get_of_an_undeclared_unset_key_fails(runner: CliRunner, app: Path) -> None:
    result = runner.invoke(cli, ["config", "get", "nope.nothing", "--file", str(app / "oro.toml")])
    assert result.exit_code == 1
    assert "nope.nothing" in result.output


def test_config_set_keeps_comments_and_layout(runner: CliRunner, app: Path) -> None:
    config = app / "oro.toml"
    _invoke(runner, "config", "set", "meta_name", "Jotter", "--file", str(config))
    expected = COMMENTED_CONFIG.replace('name = "Notes"', 'name = "Jotter"')
    assert config.read_text() == expected


def test_config_set_parses_the_declared_type(runner: CliRunner, app: Path) -> None:
    config = app / "oro.toml"
    _invoke(runner, "config", "set", "window.width", "1280", "--file", str(config))
    _invoke(runner, "config", "set", "webview_allow_any_route", "true", "--file", str(config))
    document = tomlkit.parse(config.read_text())
    assert document["window"]["width"] == 1280
    assert document["webview"]["allow_any_route"] is True
    assert config.read_text().startswith(COMMENTED_CONFIG.split("[http.ipc]")[0].rstrip("\n"))


def test_config_set_then_get_round_trips(runner: CliRunner, app: Path) -> None:
    config = str(app / "oro.toml")
    _invoke(runner, "config", "set", "lifecycle.desktop_always_running", "no", "--file", config)
    assert (
        _invoke(runner, "config", "get", "lifecycle_desktop_always_running", "--file", config)
        == "false\n"
    )


def test_config_set_of_an_undeclared_key_needs_force(runner: CliRunner, app: Path) -> None:
    config = str(app / "oro.toml")
    refused = runner.invoke(cli, ["config", "set", "custom.answer", "42", "--file", config])
    assert refused.exit_code == 1
    assert "no installed plugin declares config key 'custom.answer'" in refused.output
    _invoke(runner, "config", "set", "custom.answer", "42", "--force", "--file", config)
    assert _invoke(runner, "config", "get", "custom_answer", "--file", config) == "42\n"


def test_config_set_refuses_a_value_of_the_wrong_type(runner: CliRunner, app: Path) -> None:
    config = app / "oro.toml"
    before = config.read_text()
    result = runner.invoke(cli, ["config", "set", "window.width", "wide", "--file", str(config)])
    assert result.exit_code == 1
    assert "expects integer" in result.output
    assert config.read_text() == before


def test_config_set_can_repair_an_invalid_value(runner: CliRunner, app: Path) -> None:
    config = app / "oro.toml"
    config.write_text(COMMENTED_CONFIG + '\n[window]\nwidth = "wide"\n')
    broken = runner.invoke(cli, ["config", "get", "window.width", "--file", str(config)])
    assert broken.exit_code == 1
    assert "oro.toml:13" in broken.output
    _invoke(runner, "config", "set", "window.width", "800", "--file", str(config))
    assert _invoke(runner, "config", "get", "window_width", "--file", str(config)) == "800\n"


def test_config_set_creates_the_file_when_missing(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "oro.toml"
    _invoke(runner, "config", "set", "meta.name", "Fresh", "--create", "--file", str(config))
    assert tomlkit.parse(config.read_text())["meta"]["name"] == "Fresh"


def test_config_list_describe_shows_every_declared_key(runner: CliRunner, app: Path) -> None:
    described = json.loads(
        _invoke(runner, "config", "list", "--describe", "--json", "--file", str(app / "oro.toml"))
    )
    by_key = {row["key"]: row for row in described}
    assert by_key["ipc.timeout_ms"]["type"] == "integer"
    assert by_key["ipc.timeout_ms"]["default"] == 32000
    assert by_key["ipc.timeout_ms"]["env"] == ["ORO_IPC_TIMEOUT_MS"]
    assert by_key["permissions.allow_device_info"]["plugin"] == "os"
    assert all(row["doc"] for row in described)


def test_config_list_shows_values_and_where_they_come_from(runner: CliRunner, app: Path) -> None:
    rows = json.loads(_invoke(runner, "config", "list", "--json", "--file", str(app / "oro.toml")))
    by_key = {row["key"]: row for row in rows}
    assert by_key["webview.root"] == {"key": "webview.root", "value": "www", "source": "oro.toml:7"}
    assert by_key["window.width"]["source"] == "default"


def test_doctor_reports_python_chromium_and_plugins(runner: CliRunner) -> None:
    checks = {row["name"]: row for row in json.loads(_invoke(runner, "doctor", "--json"))}
    assert checks["python"]["ok"] is True
    assert "chromium (browser tests)" in checks
    assert "pywebview" in checks
    assert checks["plugin ping"]["ok"] is True


def test_run_serves_the_showcase_headless_until_ctrl_c() -> None:
    arguments = run_arguments(SHOWCASE, "--headless")
    with OroProcess(*arguments, environ=headless_environ()) as oro:
        url = oro.launch_url()
        with httpx.Client(follow_redirects=True) as client:
            page = client.get(url)
            ping = client.get(url.split("/?", 1)[0] + "/ipc/ping")
        oro.send_signal(signal.SIGINT)

        assert oro.wait() == 0
    assert oro.lines[0].startswith("oro: serving Oro Showcase at http://127.0.0.1:")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert ping.json()["data"] == "pong"


def test_run_reports_an_invalid_config_value_with_file_and_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "oro.toml").write_text("[window]\nwidth = 'wide'\n")
    result = runner.invoke(cli, ["run", str(tmp_path)])
    assert result.exit_code == 1
    assert "oro.toml:2" in result.output
    assert "window.width" in result.output
    assert "expects integer" in result.output


def test_config_list_masks_secret_values_unless_asked(runner: CliRunner, tmp_path: Path) -> None:
    key = "k3y-that-must-not-leak-0123456789"
    (tmp_path / "oro.toml").write_text(f'[http.ipc]\nenable = true\nshared_key = "{key}"\n')
    config_file = str(tmp_path / "oro.toml")

    listed = _invoke(runner, "config", "list", "--file", config_file)
    as_json = _invoke(runner, "config", "list", "--json", "--file", config_file)
    shown = _invoke(runner, "config", "list", "--show-secrets", "--file", config_file)

    assert key not in listed
    assert key not in as_json
    assert f'http.ipc.shared_key = "<secret: {len(key)} characters>"' in listed
    assert f'http.ipc.shared_key = "{key}"' in shown
    assert (
        _invoke(runner, "config", "get", "http.ipc.shared_key", "--file", config_file).strip()
        == key
    )
