"""The app's own keys of a ``socket.ini`` (issue 76): the sections no runtime and no installed
plugin reads reach the pages' ``application.config`` as Socket hands them, under Socket's names
(``test-section_array``) and typed as Socket's preload types them
(src/runtime/webview/preload.cc:366-391 of socketsupply/socket at 02a88245); a secret's name
stays out, one warning per section says where pages find them, and an ``oro.toml`` stays
declared keys only. The page side: tests/browser/test_config_app_keys_page.py."""

from __future__ import annotations

import math
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

from oro_framework import ConfigRegistry, Host
from oro_framework.host.config import load_config
from oro_framework.host.config.files import DOC
from oro_framework.host.config.ini_app import socket_value
from oro_framework.host.config.ini_map import ini_file_as_toml

# Socket's own test app's section (test/socket.ini:91-97), and an app's settings.
APP_INI = """\
[meta]
title = "Notes"
copyright = "(c) Example"

[test-section]
array[] = 1
array[] = 2
array[] = 3
[.subsection]
key = "value"
label = "sub"

[myapp]
api_url = "https://example.com/api"
port = 8080
debug = true
version = 1.0.0
tags = ["a", "b"]
empty = ""
api_token = abc123
"""


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> ConfigRegistry:
    """The keys every installed plugin declares, as `oro run` would check an app against."""
    host = Host(tmp_path_factory.mktemp("keys"), use_config_file=False, resolve_secrets=False)
    host.close()
    return host.config_keys


def _load(keys: ConfigRegistry, directory: Path, text: str, name: str = "socket.ini") -> Any:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = load_config(keys, path=path)
    return config, [str(warning.message) for warning in caught]


def _pages(config: Any) -> dict[str, Any]:
    """What pages read in ``application.config`` (web/preload.py's public_config)."""
    return dict(config.flattened(include_secrets=False))


def test_the_apps_own_sections_reach_pages_under_socket_names_and_values(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    config, _ = _load(keys, tmp_path, APP_INI)
    pages = _pages(config)
    app_keys = {name: value for name, value in pages.items() if name.startswith(("test", "my"))}
    assert {name: value for name, value in app_keys.items() if not name.startswith("test_")} == {
        # Socket's parser joins the list's lines with spaces, and its preload reads "1 2 3" as
        # the number it starts with (parse.cc:88-91, preload.cc:385).
        "test-section_array": 1,
        "test-section_subsection_label": "sub",
        "myapp_api_url": "https://example.com/api",
        "myapp_port": 8080,
        "myapp_debug": True,
        "myapp_version": 1,  # parseFloat("1.0.0"), as a Socket page reads it
        "myapp_tags": ["a", "b"],
    }
    # The keys of Socket's own sections are oro's (meta_title) or not honoured (copyright).
    assert pages["meta_title"] == "Notes"
    assert "meta_copyright" not in pages
    assert config.app_config == {
        name: value for name, value in app_keys.items() if not name.startswith("test_")
    }


def test_each_app_section_is_one_warning_saying_where_pages_find_it(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    _, messages = _load(keys, tmp_path, APP_INI)
    own = [message for message in messages if "the app's own" in message]
    assert own == [
        "socket.ini:5: [test-section] is the app's own (no runtime or installed plugin reads "
        f"it): pages read it in application.config as test-section_array (see {DOC})",
        "socket.ini:9: [test-section.subsection] is the app's own (no runtime or installed "
        "plugin reads it): pages read it in application.config as "
        f"test-section_subsection_label (see {DOC})",
        "socket.ini:13: [myapp] is the app's own (no runtime or installed plugin reads it): "
        "pages read it in application.config as myapp_api_url, myapp_port, myapp_debug, "
        f"myapp_version and 1 more (see {DOC})",
    ]
    assert not [message for message in messages if "[myapp] api_url" in message]


def test_an_app_key_named_as_a_secret_stays_out_of_pages_with_its_warning(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    config, messages = _load(keys, tmp_path, APP_INI)
    pages = _pages(config)
    # Socket's test app's `key` too: a name ending in key, secret, token or password.
    assert "myapp_api_token" not in pages
    assert "test-section_subsection_key" not in pages
    assert "myapp_api_token" not in config.app_config
    assert (
        "socket.ini:20: [myapp] api_token is not honoured: its name marks a secret, and pages "
        "get no secret here (read it in a plugin, or pass a reference: docs/config.md#secrets) "
        f"(see {DOC})"
    ) in messages
    assert "abc123" not in " ".join(messages)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("null", None),
        ("8080", 8080),
        ("-1.5e3", -1500),
        (".5", 0.5),
        ("80%", 80),
        ("12abc", 12),
        ("1 2 3", 1),
        ("0x1F", 31),
        ("0x-1f", -31),
        ("0x0x10", 16),
        ("0xZZ", "0xZZ"),
        ("0X1F", 0),  # only a lower-case 0x is hex there; parseFloat reads the 0
        ("Infinity", math.inf),
        ("-1e999", -math.inf),
        ('["a", 1, {"b": null}]', ["a", 1, {"b": None}]),
        ('"quoted"', "quoted"),
        ("[NaN]", "[NaN]"),  # JSON has no NaN
        ("#fff", "#fff"),
        ("https://example.com/?a=1&b=%20", "https://example.com/?a=1&b=%20"),
        ("word with spaces", "word with spaces"),
    ],
)
def test_a_value_is_typed_as_socket_s_preload_types_it(text: str, expected: Any) -> None:
    value, problem = socket_value(text)
    assert problem is None
    assert value == expected
    assert type(value) is type(expected) or isinstance(expected, int)


def test_nan_is_nan() -> None:
    value, problem = socket_value("NaN")
    assert problem is None
    assert math.isnan(value)


def test_a_section_the_runtime_or_a_plugin_reads_is_not_the_apps(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    config, messages = _load(
        keys,
        tmp_path,
        """\
        window_mine = 1
        [mac]
        mine = 1
        [window]
        mine = 1
        [test]
        mine = 1
        """,
    )
    assert config.app_config == {}
    assert not [message for message in messages if "the app's own" in message]
    assert {message.partition(" is not honoured")[0] for message in messages} == {
        "socket.ini:1: window_mine",
        "socket.ini:3: [mac] mine",
        "socket.ini:5: [window] mine",
        # oro's own [test] keys (test.page...): an unknown one is a typo, not the app's.
        "socket.ini:7: [test] mine",
    }


def test_keys_before_any_section_are_the_apps_under_their_own_names(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    config, messages = _load(keys, tmp_path, "feature_flag = on\nwindow_width = 900\n")
    assert config.app_config == {"feature_flag": "on"}
    assert config["window.width"] == 900
    assert "socket.ini:1: the keys before any section is the app's own" in " ".join(messages)


def test_an_oro_toml_holds_declared_keys_only(tmp_path: Path, keys: ConfigRegistry) -> None:
    config, messages = _load(
        keys, tmp_path, '[myapp]\napi_url = "https://example.com"\n', name="oro.toml"
    )
    assert config.app_config == {}
    assert "myapp_api_url" not in _pages(config)
    assert messages == [
        "oro.toml:2: unknown config key 'myapp.api_url' (no installed plugin declares it)"
    ]


def test_hostile_names_and_values_reach_no_pages_object_but_their_own(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    config, messages = _load(
        keys,
        tmp_path,
        "__proto__ = '{\"polluted\": 1}'\n"
        "constructor = 5\n"
        "[evil]\n"
        'proto = \'{"a": {"__proto__": {"polluted": 1}}}\'\n'
        "deep = " + "[" * 100 + "]" * 100 + "\n"
        "deeper = " + "[" * 100_000 + "]" * 100_000 + "\n"
        "surrogate = '\"\\ud800\"'\n"
        "[ctl]\n"
        "na\x01me = a\x02b\n",
    )
    assert "__proto__" not in config.app_config
    assert config.app_config["constructor"] == 5  # an own property of the config object only
    # Handed as their text: no object literal with "__proto__", nothing a page cannot hold.
    assert config.app_config["evil_proto"] == '{"a": {"__proto__": {"polluted": 1}}}'
    assert config.app_config["evil_deep"] == "[" * 100 + "]" * 100
    assert config.app_config["evil_deeper"] == "[" * 100_000 + "]" * 100_000
    assert config.app_config["evil_surrogate"] == '"\\ud800"'
    assert config.app_config["ctl_na\x01me"] == "a\x02b"
    said = "\n".join(messages)
    assert (
        "socket.ini:1: __proto__ is not honoured: a page's object cannot hold a key named __proto__"
    ) in said
    assert "is read as text: its JSON names __proto__" in said
    assert said.count("is read as text: its JSON nests deeper than 64 levels") == 2
    assert "is read as text: its JSON holds a lone surrogate" in said
    # The section's line names the key with its control character escaped.
    assert "ctl_na\\x01me" in said
    # A long value is shortened in its line.
    assert max(len(message) for message in messages) < 400


def test_a_huge_app_section_is_read_whole_and_warned_once(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    count = 100_000
    text = "[big]\n" + "".join(f"k{number} = {number}\n" for number in range(count))
    config, messages = _load(keys, tmp_path, text)
    assert len(config.app_config) == count
    assert config.app_config[f"big_k{count - 1}"] == count - 1
    (line,) = [message for message in messages if "[big]" in message]
    assert f"and {count - 4} more" in line


def test_oro_init_from_lists_the_apps_own_sections_in_the_oro_toml_it_writes(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    ini = tmp_path / "socket.ini"
    ini.write_text(APP_INI, encoding="utf-8")
    text, mapped = ini_file_as_toml(ini, keys)
    assert "# The app's own, which pages read in application.config while the app runs" in text
    assert "[myapp] is the app's own" in text
    assert mapped.app_config["myapp_port"] == 8080
    # The oro.toml it writes loads, without them.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config = load_config(keys, path=tmp_path / "oro.toml", content=text)
    assert config.app_config == {}
