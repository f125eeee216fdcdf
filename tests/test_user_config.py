"""The user's config, ``$XDG_CONFIG_HOME/oro/config.toml``: read under the app's oro.toml (which
wins) for the few keys a user may set for every app; any other key, a bad value and a file
that is not TOML are errors naming the file; a host built with its own environment reads none
of the developer's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from oro_framework.cli import cli
from oro_framework.host.app import Host
from oro_framework.host.builtin_settings import PluginSettings, WebviewSettings
from oro_framework.host.config.user_file import USER_KEYS
from oro_framework.host.errors import ConfigError


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "xdg-config"
    (folder / "oro").mkdir(parents=True)
    return folder


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "oro.toml").write_text('[meta]\nname = "mine"\n')
    return folder


def _host(app: Path, home: Path, **extra: str) -> Host:
    return Host(app, environ={"XDG_CONFIG_HOME": str(home), **extra}, declare_only=True)


def _write(home: Path, text: str) -> Path:
    path = home / "oro" / "config.toml"
    path.write_text(text)
    return path


def test_the_users_keys_apply_to_an_app_that_sets_none(app: Path, home: Path) -> None:
    _write(home, '[webview]\nengine = "qt"\n\n[plugins]\nskip_broken = true\n')

    host = _host(app, home)
    try:
        assert host.settings(WebviewSettings).engine == "qt"
        assert host.settings(PluginSettings).skip_broken is True
        assert host.config.source("webview.engine") == "config.toml:2"
    finally:
        host.close()


def test_the_apps_file_the_environment_and_overrides_win(app: Path, home: Path) -> None:
    _write(home, 'webview_engine = "qt"\nplugins_strict = true\n')
    (app / "oro.toml").write_text('[webview]\nengine = "system"\n')

    host = _host(app, home, ORO_PLUGINS_STRICT="false")
    try:
        assert host.settings(WebviewSettings).engine == "system"
        assert host.settings(PluginSettings).strict is False
    finally:
        host.close()


def test_home_is_the_fallback_of_xdg_config_home(app: Path, tmp_path: Path) -> None:
    (tmp_path / "home" / ".config" / "oro").mkdir(parents=True)
    (tmp_path / "home" / ".config" / "oro" / "config.toml").write_text('webview.engine = "qt"\n')

    host = Host(app, environ={"HOME": str(tmp_path / "home")}, declare_only=True)
    try:
        assert host.settings(WebviewSettings).engine == "qt"
    finally:
        host.close()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[meta]\nbundle_identifier = "com.bank.app"\n', "meta.bundle_identifier"),
        ('[webview]\nroot = "/"\n', "webview.root"),
        ('webview_cors_allowed_origins = ["*"]\n', "webview_cors_allowed_origins"),
        ('[oro]\nsecrets_file = "/etc/shadow"\n', "oro.secrets_file"),
        ("[permissions]\nallow_fs = true\n", "permissions.allow_fs"),
        ('[webview.linux]\nroot = "/"\n', "webview.root"),
        ("[ai.upstreams.gpu]\n", "ai.upstreams.gpu"),
    ],
)
def test_a_key_a_user_may_not_set_for_every_app_is_an_error(
    app: Path, home: Path, text: str, key: str
) -> None:
    path = _write(home, text)

    with pytest.raises(ConfigError) as raised:
        _host(app, home)

    message = str(raised.value)
    assert f"key '{key}' cannot be set in the user's config" in message
    assert str(path) in message
    assert ", ".join(USER_KEYS) in message


def test_a_bad_value_gets_the_checks_of_oro_toml(app: Path, home: Path) -> None:
    _write(home, '[plugins]\nstrict = "very"\n')

    with pytest.raises(ConfigError, match=r"plugins\.strict"):
        _host(app, home)


def test_a_file_that_is_not_toml_names_the_file(app: Path, home: Path) -> None:
    path = _write(home, "[webview\nengine = \n")

    with pytest.raises(ConfigError, match="invalid TOML") as raised:
        _host(app, home)
    assert str(path) in str(raised.value)


def test_a_relative_xdg_config_home_and_no_home_read_nothing(app: Path, home: Path) -> None:
    _write(home, 'webview.engine = "qt"\n')

    host = Host(app, environ={"XDG_CONFIG_HOME": "relative/config"}, declare_only=True)
    try:
        assert host.config.source("webview.engine") == "default"
    finally:
        host.close()


def test_oro_config_get_shows_the_users_value_and_where_it_is_from(
    app: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(home, 'webview.engine = "qt"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))

    shown = CliRunner().invoke(
        cli, ["config", "get", "webview.engine", "--file", str(app / "oro.toml")]
    )

    assert shown.exit_code == 0, shown.output
    assert shown.output == "qt\n"
