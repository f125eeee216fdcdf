"""``oro.toml`` on disk: errors that point at file and line, unknown keys, wildcard sections,
and in-place edits that keep the author's comments and layout."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import ConfigError, ConfigRegistry, ConfigWarning, Host
from oro_framework.host.config import (
    get_document_value,
    iter_document,
    load_config,
    read_document,
    set_document_value,
)


def registry() -> ConfigRegistry:
    keys = ConfigRegistry()
    with keys.registering("demo-plugin"):
        keys.add("filesystem.sandbox_enabled", bool, True, "Sandbox switch.")
        keys.add("filesystem.mounts.*", str, "", "Named mounts.")
        keys.add("window.width", int, 1024, "Width.", validator=_positive)
        keys.add("permissions.allow_camera", bool, True, "Camera permission.")
    return keys


def _positive(value: int) -> None:
    if value <= 0:
        raise ValueError(f"must be positive, got {value}")


def write_config(directory: Path, text: str) -> Path:
    path = directory / "oro.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -------------------------------------------------------------------------------------------------
# Loading errors point at the file and line
# -------------------------------------------------------------------------------------------------


def test_wrong_type_in_file_names_file_line_key_and_expected_type(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """\
        # comment
        [filesystem]
        sandbox_enabled = "yes"
        """,
    )

    with pytest.raises(ConfigError) as raised:
        load_config(registry(), path=path)

    assert str(raised.value) == (
        "oro.toml:3: key 'filesystem.sandbox_enabled' expects boolean, got string \"yes\""
    )
    assert raised.value.source == "oro.toml:3"
    assert raised.value.key == "filesystem.sandbox_enabled"


def test_wrong_type_in_a_platform_table_names_its_line(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """\
        [window]
        width = 800

        [window.linux]
        width = "wide"
        """,
    )

    with pytest.raises(ConfigError, match=r"^oro\.toml:5: key 'window\.width' expects integer"):
        load_config(registry(), path=path, platform="linux")


def test_validator_refusal_in_file_is_config_error_with_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[window]\nwidth = -5\n")

    with pytest.raises(ConfigError, match=r"^oro\.toml:2: key 'window\.width' must be positive"):
        load_config(registry(), path=path)


def test_invalid_toml_is_config_error_with_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[window]\nwidth = 800\ntitle = \n")

    with pytest.raises(ConfigError, match=r"oro\.toml:3:\d+: invalid TOML") as raised:
        load_config(registry(), path=path)

    assert str(raised.value.source).startswith(f"{path}:3:")


def test_unknown_key_warns_naming_file_line_and_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[window]\nwidth = 800\nwdith = 900\n")

    with pytest.warns(ConfigWarning, match=r"^oro\.toml:3: unknown config key 'window\.wdith'"):
        config = load_config(registry(), path=path)

    assert config["window.width"] == 800


def test_unknown_section_warns_for_each_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[nosuch]\na = 1\nb = 2\n")

    with pytest.warns(ConfigWarning) as records:
        load_config(registry(), path=path)

    assert [str(record.message) for record in records] == [
        "oro.toml:2: unknown config key 'nosuch.a' (no installed plugin declares it)",
        "oro.toml:3: unknown config key 'nosuch.b' (no installed plugin declares it)",
    ]


def test_permission_nobody_declares_is_config_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[permissions]\nallow_camera = false\nallow_teleport = true\n")

    with pytest.raises(ConfigError) as raised:
        load_config(registry(), path=path)

    assert str(raised.value) == (
        "oro.toml:3: key 'permissions.allow_teleport': no installed plugin declares permission "
        "'teleport'"
    )


def test_file_value_is_sourced_to_its_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, "# top\n\n[window]\n# the width\nwidth = 800\n")

    config = load_config(registry(), path=path)

    assert config["window_width"] == 800
    assert config.source("window.width") == "oro.toml:5"


def test_wildcard_key_accepts_dotted_sub_keys_in_its_section(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """\
        [filesystem]
        sandbox_enabled = true
        mounts.documents = "~/Documents"
        mounts.music = "~/Music"
        """,
    )

    config = load_config(registry(), path=path)

    assert config.section("filesystem.mounts") == {
        "documents": "~/Documents",
        "music": "~/Music",
    }
    assert config.source("filesystem.mounts.music") == "oro.toml:4"
    assert config["filesystem_mounts_documents"] == "~/Documents"


def test_wildcard_key_also_accepts_its_own_table(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[filesystem.mounts]\ndocuments = "~/Documents"\n')

    config = load_config(registry(), path=path)

    assert config.section("filesystem.mounts") == {"documents": "~/Documents"}


def test_wildcard_values_are_type_checked(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[filesystem]\nmounts.documents = 3\n")

    with pytest.raises(ConfigError, match=r"key 'filesystem\.mounts\.documents' expects string"):
        load_config(registry(), path=path)


def test_host_reads_the_apps_oro_toml(tmp_path: Path) -> None:
    write_config(tmp_path, '[meta]\nname = "Notes"\n\n[window]\nwidth = 640\n')

    host = Host(tmp_path, autoload=False, environ={}, data_dir=tmp_path / "data")
    host.close()

    assert host.config["meta_name"] == "Notes"
    assert host.config.source("window.width") == "oro.toml:5"


# -------------------------------------------------------------------------------------------------
# Editing keeps comments and layout
# -------------------------------------------------------------------------------------------------

REALISTIC = """\
# Notes: a small app.
# Edit with `oro config set` or by hand; comments survive both.

[meta]
name = "notes"          # shown in the title bar
version = "1.2.3"

[webview]
# Resources live next to this file.
root = "."
allow_any_route = false

[http.ipc]
enable = false   # off by default
shared_key = "0123456789abcdef"

[filesystem]
sandbox_enabled = true
mounts.documents = "~/Documents"
"""


def edited(dotted: str, value: Any, text: str = REALISTIC) -> str:
    document = tomlkit.parse(text)
    set_document_value(document, dotted, value)
    return document.as_string()


def test_replacing_a_value_keeps_its_comment_and_every_other_line() -> None:
    assert edited("meta.name", "jots") == REALISTIC.replace(
        'name = "notes"          #', 'name = "jots"          #'
    )


def test_replacing_a_value_in_a_sub_table() -> None:
    assert edited("http.ipc.enable", True) == REALISTIC.replace(
        "enable = false   #", "enable = true   #"
    )


def test_new_key_in_an_existing_sub_table_goes_after_its_last_key() -> None:
    assert edited("http.ipc.port", 8080) == REALISTIC.replace(
        'shared_key = "0123456789abcdef"\n',
        'shared_key = "0123456789abcdef"\nport = 8080\n',
    )


def test_new_dotted_key_joins_its_siblings() -> None:
    assert edited("filesystem.mounts.music", "~/Music") == REALISTIC + 'mounts.music = "~/Music"\n'


def test_new_section_is_appended_as_a_table() -> None:
    assert edited("conduit.port", 9000) == REALISTIC + "\n[conduit]\nport = 9000\n"


def test_new_nested_section_is_appended_with_a_dotted_header() -> None:
    assert edited("ai.llm.max_tokens", 64) == REALISTIC + "\n[ai.llm]\nmax_tokens = 64\n"


def test_new_list_value_is_written_as_a_toml_array() -> None:
    assert edited("plugins.disable", ["ping", "os"]) == (
        REALISTIC + '\n[plugins]\ndisable = ["ping", "os"]\n'
    )


def test_table_split_by_a_platform_table_can_be_edited() -> None:
    text = REALISTIC + '\n[webview.linux]\nroot = "dist"\n'

    result = edited("webview.allow_any_route", True, text)

    assert result == text.replace("allow_any_route = false", "allow_any_route = true")


def test_platform_table_value_can_be_edited() -> None:
    text = REALISTIC + '\n[webview.linux]\nroot = "dist"\n'

    assert edited("webview.linux.root", "build", text) == text.replace('"dist"', '"build"')


def test_setting_below_a_value_that_is_not_a_table_is_config_error() -> None:
    document = tomlkit.parse(REALISTIC)

    with pytest.raises(ConfigError, match=r"cannot set 'meta\.name\.first': 'meta\.name' is not a"):
        set_document_value(document, "meta.name.first", "x")


def test_get_document_value_of_a_missing_key_is_key_error() -> None:
    with pytest.raises(KeyError):
        get_document_value(tomlkit.parse(REALISTIC), "webview.nope")


def test_read_document_keeps_the_text(tmp_path: Path) -> None:
    path = write_config(tmp_path, REALISTIC)

    assert read_document(path).as_string() == REALISTIC


SECTIONS = ["meta", "webview", "http.ipc", "filesystem", "conduit", "ai.llm", "brand.new.section"]
TABLE_NAMES = {part for section in SECTIONS for part in section.split(".")} | {
    "mounts",
    "linux",
    "darwin",
    "win32",
}
leaf_names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda name: name not in TABLE_NAMES
)
toml_values = (
    st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.booleans()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.lists(st.text(), max_size=3)
)
assignments = st.lists(
    st.tuples(st.sampled_from(SECTIONS), leaf_names, toml_values), min_size=1, max_size=6
)


@given(assignments=assignments)
def test_set_values_read_back_and_every_other_key_survives(
    assignments: list[tuple[str, str, Any]],
) -> None:
    original = dict(iter_document(tomlkit.parse(REALISTIC)))
    expected = dict(original)
    document = tomlkit.parse(REALISTIC)

    for section, leaf, value in assignments:
        dotted = f"{section}.{leaf}"
        set_document_value(document, dotted, value)
        expected[dotted] = value

        assert get_document_value(document, dotted) == value
        reparsed = tomlkit.parse(document.as_string())
        assert dict(iter_document(reparsed)) == expected


def test_flattened_key_at_top_level_of_the_file_sets_the_dotted_key(tmp_path: Path) -> None:
    registry = ConfigRegistry()
    with registry.registering("demo"):
        registry.add("window.width", int, 800, "width")
    config_file = tmp_path / "oro.toml"
    config_file.write_text("window_width = 1440\n")
    config = load_config(registry, path=config_file, environ={})
    assert config["window.width"] == 1440
    assert config.source("window.width") == "oro.toml:1"
