"""Config keys, flattening, value parsing and the precedence of the layers (no oro.toml edits)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import ConfigError, ConfigRegistry, RegistrationConflict, RegistrationError
from oro_framework.host import config as config_module
from oro_framework.host.config import (
    check_value,
    flatten,
    flatten_key,
    load_config,
    parse_text_value,
)

identifiers = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)


def positive(value: int) -> None:
    if value <= 0:
        raise ValueError(f"must be positive, got {value}")


def demo_registry() -> ConfigRegistry:
    registry = ConfigRegistry()
    with registry.registering("demo-plugin"):
        registry.add("demo.level", int, 1, "A level.", env=("DEMO_LEVEL",))
        registry.add("demo.enabled", bool, True, "A switch.")
        registry.add("demo.ratio", float, 0.5, "A ratio.")
        registry.add("demo.tags", list, [], "Some tags.")
        registry.add("demo.size", int, 10, "A positive size.", validator=positive)
        registry.add("http.ipc.shared_key", str, "", "A nested key.")
        registry.add("filesystem.mounts.*", str, "", "Named mounts.")
    return registry


def write_config(directory: Path, text: str) -> Path:
    path = directory / "oro.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -------------------------------------------------------------------------------------------------
# Pure functions
# -------------------------------------------------------------------------------------------------


def test_flatten_key_joins_sections_with_underscores() -> None:
    assert flatten_key("http.ipc.shared-key") == "http_ipc_shared_key"


@given(parts=st.lists(identifiers, min_size=1, max_size=5))
def test_flatten_key_of_dotted_parts_is_underscore_joined(parts: list[str]) -> None:
    assert flatten_key(".".join(parts)) == "_".join(parts)


def leaves(tree: dict[str, Any], path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    found: dict[tuple[str, ...], Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            found.update(leaves(value, (*path, key)))
        else:
            found[(*path, key)] = value
    return found


nested_tables = st.recursive(
    st.dictionaries(identifiers, st.integers() | st.text() | st.lists(st.integers()), max_size=4),
    lambda children: st.dictionaries(identifiers, children, max_size=4),
    max_leaves=20,
)


@given(tree=nested_tables)
def test_flatten_names_every_leaf_by_its_underscore_joined_path(tree: dict[str, Any]) -> None:
    expected = {"_".join(path): value for path, value in leaves(tree).items()}

    assert flatten(tree) == expected


@given(value=st.booleans())
def test_parse_text_value_round_trips_booleans(value: bool) -> None:
    assert parse_text_value(bool, str(value)) is value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("yes", True), (" ON ", True), ("0", False), ("no", False), ("Off", False)],
)
def test_parse_text_value_accepts_oro_boolean_words(text: str, expected: bool) -> None:
    assert parse_text_value(bool, text) is expected


@given(value=st.integers())
def test_parse_text_value_round_trips_integers(value: int) -> None:
    assert parse_text_value(int, str(value)) == value


@given(value=st.floats(allow_nan=False))
def test_parse_text_value_round_trips_floats(value: float) -> None:
    assert parse_text_value(float, repr(value)) == value


@given(value=st.lists(st.text()))
def test_parse_text_value_round_trips_lists_as_json(value: list[str]) -> None:
    assert parse_text_value(list, json.dumps(value)) == value


words = st.text(
    st.characters(codec="ascii", categories=["L", "N"]) | st.sampled_from("-_./:~"), min_size=1
)


@given(value=st.lists(words))
def test_parse_text_value_round_trips_lists_as_space_separated_words(value: list[str]) -> None:
    assert parse_text_value(list, " ".join(value)) == value


@pytest.mark.parametrize(
    ("kind", "text"),
    [(bool, "maybe"), (int, "1.5"), (int, "ten"), (float, "x"), (list, "[1, 2]"), (list, "[oops")],
)
def test_parse_text_value_refuses_text_of_another_type(kind: type, text: str) -> None:
    with pytest.raises(ValueError, match="expects"):
        parse_text_value(kind, text)


def test_check_value_accepts_an_integer_as_a_number() -> None:
    assert check_value(float, 3) == 3.0


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (int, True, "expects integer, got boolean true"),
        (bool, 1, "expects boolean, got integer 1"),
        (str, 1, "expects string, got integer 1"),
        (list, ["a", 1], 'expects list of strings, got array \\["a", 1\\]'),
        (float, "1.0", 'expects number, got string "1.0"'),
    ],
)
def test_check_value_refuses_other_types_saying_what_it_expects(
    kind: type, value: Any, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        check_value(kind, value)


# -------------------------------------------------------------------------------------------------
# The registry
# -------------------------------------------------------------------------------------------------


def test_keys_flattening_to_the_same_name_conflict_naming_both_plugins() -> None:
    registry = ConfigRegistry()
    with registry.registering("first-plugin"):
        registry.add("webview.root_dir", str, ".", "A key.")

    with registry.registering("second-plugin"), pytest.raises(RegistrationConflict) as raised:
        registry.add("webview_root.dir", str, ".", "Another key.")

    message = str(raised.value)
    assert "first-plugin" in message
    assert "second-plugin" in message
    assert "'webview_root.dir'" in message
    assert "'webview.root_dir'" in message
    assert "'webview_root_dir'" in message


def test_same_key_twice_conflicts() -> None:
    registry = ConfigRegistry()
    with registry.registering("first-plugin"):
        registry.add("demo.level", int, 1, "A key.")

    with registry.registering("second-plugin"), pytest.raises(RegistrationConflict) as raised:
        registry.add("demo.level", int, 2, "Again.")

    assert str(raised.value) == (
        "config key 'demo.level' from 'second-plugin' is already registered by 'first-plugin'"
    )


@pytest.mark.parametrize("name", ["level", "Demo.level", "demo..level", "demo.level.", "1demo.x"])
def test_add_refuses_a_name_that_is_not_section_dot_key(name: str) -> None:
    registry = ConfigRegistry()
    with (
        registry.registering("demo-plugin"),
        pytest.raises(RegistrationError, match=r"must look like 'section\.key'") as raised,
    ):
        registry.add(name, int, 1, "A key.")

    assert raised.value.plugin == "demo-plugin"
    assert str(raised.value).startswith("plugin 'demo-plugin': config key")
    assert name not in registry


def test_add_refuses_an_unsupported_type() -> None:
    with pytest.raises(RegistrationError, match="type must be one of"):
        ConfigRegistry().add("demo.mapping", dict, {}, "A key.")


@pytest.mark.parametrize(
    ("default", "validator"), [("1", None), (0, positive)], ids=["wrong-type", "refused"]
)
def test_add_refuses_a_default_that_fails_its_own_checks(default: Any, validator: Any) -> None:
    with pytest.raises(RegistrationError, match=r"default of config key 'demo\.size'"):
        ConfigRegistry().add("demo.size", int, default, "A key.", validator=validator)


def test_find_resolves_dotted_flattened_and_wildcard_names() -> None:
    registry = demo_registry()

    assert registry.find("http_ipc_shared_key") is registry.get("http.ipc.shared_key")
    assert registry.find("filesystem.mounts.music") is registry.get("filesystem.mounts.*")
    assert registry.dotted("filesystem_mounts_music") == "filesystem.mounts.music"
    assert registry.find("demo.unknown") is None


# -------------------------------------------------------------------------------------------------
# Loading: values and their sources
# -------------------------------------------------------------------------------------------------


def test_defaults_apply_without_a_file(tmp_path: Path) -> None:
    config = load_config(demo_registry(), path=tmp_path / "oro.toml", environ={})

    assert config["demo.level"] == 1
    assert config.source("demo.level") == "default"
    assert "filesystem.mounts.*" not in config


LAYERS = ["default", "file", "platform table", "ORO_ variable", "alias variable", "override"]


@pytest.mark.parametrize(
    ("depth", "source"),
    [
        (0, "default"),
        (1, "oro.toml:2"),
        (2, "oro.toml:5"),
        (3, "env ORO_DEMO_LEVEL"),
        (4, "env DEMO_LEVEL"),
        (5, "override"),
    ],
    ids=LAYERS,
)
def test_each_layer_overrides_the_ones_below_it(tmp_path: Path, depth: int, source: str) -> None:
    text = ""
    if depth >= 1:
        text += "[demo]\nlevel = 1001\n"
    if depth >= 2:
        text += "\n[demo.linux]\nlevel = 1002\n"
    environ = {}
    if depth >= 3:
        environ["ORO_DEMO_LEVEL"] = "1003"
    if depth >= 4:
        environ["DEMO_LEVEL"] = "1004"
    overrides = {"demo.level": 1005} if depth >= 5 else {}

    config = load_config(
        demo_registry(),
        path=write_config(tmp_path, text),
        environ=environ,
        overrides=overrides,
        platform="linux",
    )

    assert config["demo.level"] == (1 if depth == 0 else 1000 + depth)
    assert config.source("demo.level") == source


def test_platform_table_of_another_platform_is_ignored(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[demo]\nlevel = 2\n\n[demo.darwin]\nlevel = 3\n")

    config = load_config(demo_registry(), path=path, environ={}, platform="linux")

    assert config["demo.level"] == 2


def test_environment_values_are_parsed_from_text(tmp_path: Path) -> None:
    environ = {"ORO_DEMO_ENABLED": "off", "ORO_DEMO_TAGS": "a b", "ORO_DEMO_RATIO": "0.25"}

    config = load_config(demo_registry(), environ=environ)

    assert (config["demo.enabled"], config["demo.tags"], config["demo.ratio"]) == (
        False,
        ["a", "b"],
        0.25,
    )


def test_environment_value_that_does_not_parse_is_config_error_naming_the_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(demo_registry(), environ={"ORO_DEMO_LEVEL": "high"})

    assert str(raised.value) == "env ORO_DEMO_LEVEL: key 'demo.level' expects integer, got 'high'"
    assert raised.value.key == "demo.level"


def test_validator_refusal_is_config_error() -> None:
    with pytest.raises(ConfigError, match=r"key 'demo\.size' must be positive, got 0"):
        load_config(demo_registry(), environ={"ORO_DEMO_SIZE": "0"})


def test_override_by_flattened_name_as_text_is_parsed() -> None:
    config = load_config(demo_registry(), overrides={"demo_enabled": "false"})

    assert config["demo.enabled"] is False
    assert config.source("demo_enabled") == "override"


def test_override_of_an_unknown_key_is_config_error() -> None:
    with pytest.raises(ConfigError, match=r"override: unknown config key 'demo\.nope'"):
        load_config(demo_registry(), overrides={"demo.nope": 1})


def test_override_text_that_does_not_parse_is_config_error() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(demo_registry(), overrides={"demo.level": "many"})

    assert str(raised.value) == "override: key 'demo.level' expects integer, got 'many'"


def test_override_of_the_wrong_type_is_config_error() -> None:
    with pytest.raises(ConfigError, match=r"key 'demo\.level' expects integer, got number 1\.5"):
        load_config(demo_registry(), overrides={"demo.level": 1.5})


def test_override_of_a_wildcard_key_by_flattened_name() -> None:
    config = load_config(demo_registry(), overrides={"filesystem_mounts_music": "~/Music"})

    assert config.section("filesystem.mounts") == {"music": "~/Music"}


def test_flattened_lookup_finds_the_dotted_value() -> None:
    config = load_config(demo_registry(), overrides={"http.ipc.shared_key": "k" * 16})

    assert config["http_ipc_shared_key"] == config["http.ipc.shared_key"] == "k" * 16
    assert "http_ipc_shared_key" in config
    assert "http_ipc_nope" not in config


def test_flattened_view_lists_every_value_under_its_flattened_name() -> None:
    config = load_config(demo_registry())

    assert config.flattened()["http_ipc_shared_key"] == ""
    assert set(config.flattened()) == {key.replace(".", "_") for key in config}


# ---------------------------------------------------------------------------------------------
# Shared validators and the typed settings helper
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (config_module.non_empty, ["a", " x "], ["", "   "]),
        (config_module.secret, ["", "k" * 16, "k" * 64], ["k", "k" * 15]),
        (config_module.port, [0, 1, 65_535], [-1, 65_536]),
        (config_module.positive, [1, 0.5], [0, -1, float("nan"), float("inf")]),
        (config_module.not_negative, [0, 3], [-1, float("nan"), float("inf")]),
        (config_module.path, ["", "~/x", "/a b"], ["a\x00b"]),
    ],
)
def test_shared_validators(validator, good, bad):
    for value in good:
        validator(value)
    for value in bad:
        with pytest.raises(ValueError, match="must"):
            validator(value)


def test_a_declared_validator_turns_a_bad_value_into_a_config_error(tmp_path):
    registry = ConfigRegistry()
    registry.add("demo.key", str, "", "doc", validator=config_module.secret)
    with pytest.raises(ConfigError, match=r"demo\.key.*at least 16"):
        config_module.load_config(registry, environ={}, overrides={"demo.key": "short"})
