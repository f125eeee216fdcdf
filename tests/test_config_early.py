"""The keys that decide what loads (``[plugins]``, ``[extensions]``, ``[backend] module``) are
typed settings read by the config loader itself before any plugin loads (``load_early``), from
the same layers and the same parse of the file as the full load (issue 72, "One road for
config")."""

from __future__ import annotations

import dataclasses
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import final

import pytest
import tomlkit

from oro_framework import ConfigError, ConfigRegistry, Host, setting, setting_from
from oro_framework.host.builtin_settings import (
    EARLY_SETTINGS,
    BackendSettings,
    ExtensionSettings,
    PluginSettings,
)
from oro_framework.host.config import load_config, load_early


def _early(
    path: Path | None,
    *,
    environ: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    platform: str = "linux",
) -> tuple[PluginSettings, ExtensionSettings]:
    config = load_early(
        EARLY_SETTINGS, path=path, environ=environ, overrides=overrides, platform=platform
    )
    return config.settings(PluginSettings), config.settings(ExtensionSettings)


def test_early_keys_come_from_the_file_the_environment_and_overrides_in_that_order(
    tmp_path: Path,
) -> None:
    path = tmp_path / "oro.toml"
    path.write_text('[plugins]\ndisable = ["ping"]\n[extensions]\nallow = ["sqlite"]\n')

    assert _early(path) == (PluginSettings(disable=["ping"]), ExtensionSettings(allow=["sqlite"]))
    plugins, _ = _early(path, environ={"ORO_PLUGINS_DISABLE": '["os"]'})
    assert plugins.disable == ["os"]
    plugins, _ = _early(
        path, environ={"ORO_PLUGINS_DISABLE": '["os"]'}, overrides={"plugins.disable": "[]"}
    )
    assert plugins.disable == []


def test_the_alias_variable_of_skip_broken_wins_over_its_own(tmp_path: Path) -> None:
    environ = {"ORO_PLUGINS_SKIP_BROKEN": "false", "ORO_SKIP_BROKEN_PLUGINS": "1"}

    plugins, _ = _early(None, environ=environ)

    assert plugins.skip_broken is True


def test_other_keys_are_passed_over_in_silence(tmp_path: Path) -> None:
    path = tmp_path / "oro.toml"
    path.write_text("[window]\nwidht = 3\n[permissions]\nallow_teleport = true\n")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _early(path, overrides={"window.width": "9"}) == (
            PluginSettings(),
            ExtensionSettings(),
        )


def test_a_value_that_cannot_be_used_keeps_the_layer_below_and_the_full_load_reports_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "oro.toml"
    path.write_text("[plugins]\nskip_broken = true\ndisable = 3\n")

    plugins, _ = _early(path, environ={"ORO_PLUGINS_SKIP_BROKEN": "maybe"})

    assert plugins == PluginSettings(skip_broken=True, disable=[])
    with pytest.raises(ConfigError, match=r"oro.toml:3: key 'plugins.disable' expects list"):
        Host(tmp_path, environ={}, resolve_secrets=False)


def test_a_platform_table_counts_early_as_it_does_later(tmp_path: Path) -> None:
    path = tmp_path / "oro.toml"
    path.write_text('[plugins]\ndisable = ["ping"]\n[plugins.linux]\ndisable = ["os"]\n')

    plugins, _ = _early(path, platform="linux")

    assert plugins.disable == ["os"]
    assert _early(path, platform="darwin")[0].disable == ["ping"]


def test_an_ini_files_extensions_are_read_early_as_the_full_load_maps_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "socket.ini"
    path.write_text("[build.extensions]\nsimple-ipc-ping = src/extension.cc\n")

    _, extensions = _early(path)

    assert extensions.allow == ["simple-ipc-ping"]


def test_an_invalid_file_is_a_config_error_early_too(tmp_path: Path) -> None:
    path = tmp_path / "oro.toml"
    path.write_text("[plugins\n")

    with pytest.raises(ConfigError, match="invalid TOML"):
        _early(path)


def test_a_host_parses_its_config_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "oro.toml").write_text(
        textwrap.dedent(
            """\
            [meta]
            name = "Once"
            [plugins]
            skip_broken = true
            """
        )
    )
    parses: list[str] = []
    parse = tomlkit.parse

    def counted(text: str) -> tomlkit.TOMLDocument:
        parses.append(text)
        return parse(text)

    monkeypatch.setattr(tomlkit, "parse", counted)
    host = Host(tmp_path, environ={}, resolve_secrets=False)
    host.close()

    assert host.skips_broken_plugins
    assert host.config["meta.name"] == "Once"
    assert len(parses) == 1


def test_the_early_settings_are_declared_under_the_same_sections_by_their_plugins(
    tmp_path: Path,
) -> None:
    host = Host(tmp_path, use_config_file=False, resolve_secrets=False, declare_only=True)
    host.close()

    owners = {PluginSettings: "oro", ExtensionSettings: "oro", BackendSettings: "app-backend"}
    for cls, section in EARLY_SETTINGS.items():
        early = load_early({cls: section}, path=None).registry
        for key in early:
            assert host.config_keys.get(key.name) == dataclasses.replace(key, plugin=owners[cls])


def test_the_loader_does_not_refuse_a_permission_an_unrun_backend_may_declare(
    tmp_path: Path,
) -> None:
    path = tmp_path / "oro.toml"
    path.write_text("[permissions]\nallow_teleport = true\n")
    registry = ConfigRegistry()

    with pytest.raises(ConfigError, match="no installed plugin declares permission 'teleport'"):
        load_config(registry, path=path)
    registry.permissions_complete = False
    with pytest.warns(UserWarning, match="or the app's backend, not run here"):
        load_config(registry, path=path)


@final
@dataclass(frozen=True)
class _Top:
    env: dict[str, str] = setting({}, "Values.")
    forwarded: list[str] = setting([], "Names.", name="build.env")


@final
@dataclass(frozen=True)
class _Borrowing:
    title: str = setting_from("meta.name", default="untitled")
    env: dict[str, str] = setting_from("env.*")


def test_a_settings_class_at_the_top_names_whole_keys_and_another_borrows_them() -> None:
    registry = ConfigRegistry()
    registry.add_settings(_Top, section="")
    registry.add_settings(_Borrowing, section="borrowing")

    assert sorted(key.name for key in registry) == ["build.env", "env.*"]
    config = load_config(registry, overrides={"env.HOME": "/home/ada", "build_env": '["USER"]'})
    assert config.settings(_Top) == _Top(env={"HOME": "/home/ada"}, forwarded=["USER"])
    assert config.settings(_Borrowing) == _Borrowing(title="untitled", env={"HOME": "/home/ada"})
