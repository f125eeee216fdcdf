"""The host's own config keys stay what they were when they moved beside their readers (issue
51, "Typed host settings"): every key, its type, default, environment variables and doc, as
``oro config list --describe --json`` printed them before, and Oro's INI names of keys named
otherwise here, now declared by the plugin that owns each key."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, final

import pytest
from click.testing import CliRunner

from oro_framework import ConfigRegistry, Host, RegistrationConflict, RegistrationError, setting
from oro_framework.cli import cli
from oro_framework.host.builtin_settings import (
    BuildSettings,
    HttpIpcSettings,
    IpcSettings,
    MetaSettings,
    RestartPolicy,
    WebviewSettings,
)
from oro_framework.host.config import load_config
from oro_framework.host.config.ini_map import ini_file_as_toml
from oro_framework.host.windows.settings import WindowSettings

EXPECTED: Path = Path(__file__).with_suffix(".json")
"""``oro config list --describe --json``'s entries of plugin ``oro``, captured before the move."""

ORO_NAMES: dict[str, str] = {
    "meta.title": "meta.name",
    "bundle.identifier": "meta.bundle_identifier",
    "build.script.forward_arguments": "build.script_forward_arguments",
    "build.script.after": "build.script_after",
    "build.watch.sources": "build.watch_sources",
    "build.linux.copy_map": "build.linux_copy_map",
    "build.input": "build.copy",
    "build.headless": "window.headless",
    "ai.llm.n_threads": "ai.llm.threads",
    "ai.llm.context_n_batch": "ai.llm.batch_size",
    "linux.cmd": "process.backend.cmd",
    "application.conduit.port": "conduit.port",
    "application.conduit.shared_key": "conduit.shared_key",
    "application.conduit_port": "conduit.port",
    "application.conduit_shared_key": "conduit.shared_key",
}
"""Oro's and Socket's names of keys named otherwise here, as the old table in the host held them."""
ORO_SECTIONS: dict[str, str] = {"webview.navigator.mounts.*": "filesystem.mounts.*"}
"""Oro's sections whose entries a plugin's wildcard key takes."""


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> ConfigRegistry:
    host = Host(tmp_path_factory.mktemp("keys"), use_config_file=False, resolve_secrets=False)
    host.close()
    return host.config_keys


def test_the_hosts_keys_types_defaults_and_docs_are_those_listed_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["config", "list", "--describe", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    listed: list[dict[str, Any]] = json.loads(result.stdout)
    expected: list[dict[str, Any]] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert [entry for entry in listed if entry["plugin"] == "oro"] == expected


def test_the_registry_knows_every_oro_name_of_a_key_named_otherwise(
    keys: ConfigRegistry,
) -> None:
    assert keys.oro_names() == ORO_NAMES | ORO_SECTIONS


@pytest.mark.parametrize(("oro_name", "ours"), sorted(ORO_NAMES.items()))
def test_an_ini_key_under_oros_name_sets_ours(
    tmp_path: Path, keys: ConfigRegistry, oro_name: str, ours: str
) -> None:
    section, _, name = oro_name.rpartition(".")
    declared = keys.get(ours)
    assert declared is not None
    text = {bool: "true", int: "3"}.get(declared.type, "src")
    path = tmp_path / "socket.ini"
    path.write_text(textwrap.dedent(f"[{section}]\n{name} = {text}\n"), encoding="utf-8")
    config = load_config(keys, path=path)
    assert config.source(ours) == "socket.ini:2"
    value = config[ours]
    # A list key (build.watch.sources) takes the one value as its one item.
    assert (" ".join(value) if isinstance(value, list) else str(value)).lower() == text


def test_a_plugin_declares_oros_names_of_its_keys_and_takes_them_away_with_it() -> None:
    @final
    @dataclass(frozen=True)
    class LlmSettings:
        threads: int = setting(0, "Threads.", oro_names=("ai.llm.n_threads",))

    registry = ConfigRegistry()
    with registry.registering("ai"):
        registry.add_settings(LlmSettings, section="ai.llm")
    with registry.registering("other"), pytest.raises(RegistrationConflict) as raised:
        registry.add("other.threads", int, 0, "Threads.", oro_names=("ai.llm.n_threads",))
    assert "Oro config name 'ai.llm.n_threads' from 'other' is already registered by 'ai'" in str(
        raised.value
    )
    assert registry.get("other.threads") is None
    assert registry.for_oro_name("ai.llm.n_threads") == "ai.llm.threads"
    registry.drop_plugin("ai")
    assert registry.oro_names() == {}


def test_a_plugins_wildcard_key_takes_an_oro_section_through_its_entry_rule(
    tmp_path: Path,
) -> None:
    def entry(key: str, value: str) -> tuple[str, str]:
        if key.startswith("$"):
            raise ValueError(f"{key} has no place here")
        return value.strip("/"), key.upper()

    @final
    @dataclass(frozen=True)
    class Shelf:
        books: dict[str, str] = setting(
            {}, "Books.", oro_names=("library.shelf.*",), oro_entry=entry
        )

    registry = ConfigRegistry()
    with registry.registering("library"):
        registry.add_settings(Shelf, section="library")
    path = tmp_path / "socket.ini"
    path.write_text(
        "[library.shelf]\nleft = /novels\nright = /novels/\n$ELSEWHERE = /x\n", encoding="utf-8"
    )
    _, mapped = ini_file_as_toml(path, registry)
    # Two entries with one name are both kept, the second renamed.
    assert {key.dotted: key.value for key in mapped.keys} == {
        "library.books.novels": "LEFT",
        "library.books.novels-2": "RIGHT",
    }
    # (A bare registry also lacks the page globals every Oro app gets: noted too.)
    (note,) = [note for note in mapped.notes if "ELSEWHERE" in note.origin.name]
    assert note.message("socket.ini").startswith(
        "socket.ini:4: [library.shelf] $ELSEWHERE is not honoured: $ELSEWHERE has no place here"
    )
    assert registry.for_oro_section("library.shelf") == registry.get("library.books.*")
    registry.drop_plugin("library")
    assert registry.for_oro_section("library.shelf") is None


def test_an_entry_rule_needs_a_wildcard_key_named_after_an_oro_section() -> None:
    registry = ConfigRegistry()
    with pytest.raises(RegistrationError, match="oro_entry needs an Oro section"):
        registry.add("a.b.*", str, "", "B.", oro_entry=lambda key, value: (key, value))
    with pytest.raises(RegistrationError, match=r"Oro name 'x\.y\.\*' must look like"):
        registry.add("a.c", str, "", "C.", oro_names=("x.y.*",))

    @final
    @dataclass(frozen=True)
    class Scalar:
        one: str = setting("", "One.", oro_entry=lambda key, value: (key, value))

    with registry.registering("p"), pytest.raises(RegistrationError, match="takes oro_entry"):
        registry.add_settings(Scalar, section="p")


def test_oros_name_of_a_key_must_be_a_dotted_key_name() -> None:
    registry = ConfigRegistry()
    with pytest.raises(RegistrationError, match="Oro name 'Title' must look like"):
        registry.add("meta.name", str, "", "A name.", oro_names=("Title",))


def test_the_host_reads_its_own_keys_typed_as_oro_toml_sets_them(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text(
        textwrap.dedent(
            """\
            [meta]
            title = "Notes"
            [ipc]
            timeout_ms = 5000
            [window]
            width = "50%"
            [build.copy-map]
            "src/app.js" = "js/app.js"
            [services]
            restart_limit = 0
            """
        ),
        encoding="utf-8",
    )
    host = Host(tmp_path, resolve_secrets=False)
    host.close()
    assert host.settings(MetaSettings).name == "Notes"
    assert host.settings(IpcSettings).timeout_ms == 5000
    assert host.settings(WindowSettings) == WindowSettings(width="50%")
    assert host.settings(BuildSettings).copy_map_entries == {"src/app.js": "js/app.js"}
    assert host.settings(RestartPolicy).restart_limit == 0
    assert host.settings(HttpIpcSettings) == HttpIpcSettings()
    assert host.settings(WebviewSettings).root == "."
