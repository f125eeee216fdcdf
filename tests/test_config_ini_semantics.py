"""Socket's config values as Socket reads them (issue 53): a ``socket.ini`` written for Socket
loads here with the values Socket gives it, never a refusal to start.

What Socket does, from its source (socketsupply/socket at 02a88245):

- window lengths: ``^\\d*\\.?\\d+%?$`` (src/desktop/main.cc:1043) is a number of pixels or a
  percentage of the screen; anything else is replaced by its default (main.cc:1048);
  ``getSizeInPixels`` reads the number before a unit (``std::stof``, src/runtime/window.hh:536);
- ``[build] headless`` is on only for the exact text ``true`` (main.cc:289);
- a permission is denied only for the exact text ``false`` (src/runtime/webview/webview.cc:566);
- ``.sscrc``'s ``[settings]`` replace socket.ini's values before they are checked
  (src/cli/main.cc:2172), as ``-c`` and ``ORO_*`` do here.
"""

from __future__ import annotations

import re
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oro_framework import ConfigError, ConfigRegistry, Host
from oro_framework.host.config import load_config
from oro_framework.host.config.ini import format_ini
from oro_framework.host.config.ini_map import ini_file_as_toml


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> ConfigRegistry:
    """The keys every installed plugin declares, as `oro run` would check an app against."""
    host = Host(tmp_path_factory.mktemp("keys"), use_config_file=False, resolve_secrets=False)
    host.close()
    return host.config_keys


def _load(
    keys: ConfigRegistry,
    directory: Path,
    text: str,
    *,
    name: str = "socket.ini",
    environ: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> tuple[Any, list[str]]:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = load_config(keys, path=path, environ=environ or {}, overrides=overrides)
    return config, [str(warning.message) for warning in caught]


def _socket_ini(section: str, key: str, value: str) -> str:
    """``[section]`` on line 1, ``key = value`` on line 2."""
    return format_ini({section: {key: value}})


# ---------------------------------------------------------------------------------------------
# Window lengths
# ---------------------------------------------------------------------------------------------

_DIGITS = st.text("0123456789", max_size=6)


@st.composite
def socket_lengths(draw: st.DrawFn) -> tuple[str, int | str]:
    """A spelling Socket's desktop start accepts (``\\d*\\.?\\d+%?``) and what Socket reads:
    whole pixels (the engines' sizes are whole), or that percentage of the screen."""
    whole = draw(_DIGITS)
    fraction = draw(_DIGITS)
    if not fraction:
        whole = whole or draw(st.text("0123456789", min_size=1, max_size=4))
    number = f"{whole}.{fraction}" if fraction else whole
    if draw(st.booleans()):
        return f"{number}%", f"{'0' if number.startswith('.') else ''}{number}%"
    return number, int(whole or "0")


def _oro_accepts(value: int | str) -> bool:
    if isinstance(value, int):
        return value > 0
    return 0 < float(value.removesuffix("%")) <= 100


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    spelling=socket_lengths(),
    key=st.sampled_from(["width", "height"]),
    flattened=st.booleans(),
)
def test_any_length_socket_accepts_maps_to_what_socket_reads(
    tmp_path: Path,
    keys: ConfigRegistry,
    spelling: tuple[str, int | str],
    key: str,
    flattened: bool,
) -> None:
    text, socket_reads = spelling
    ini = f"window_{key} = {text}\n" if flattened else _socket_ini("window", key, text)
    config, messages = _load(keys, tmp_path, ini)
    if _oro_accepts(socket_reads):
        assert config[f"window.{key}"] == socket_reads
        assert messages == []
    else:
        # 0 pixels, 0% or more than the screen: Socket opens such a window; oro keeps its
        # default, said once.
        assert config.source(f"window.{key}") == "default"
        assert len(messages) == 1, messages
        assert re.match(
            rf"socket\.ini:\d+: .*{key} = {re.escape(repr(text))} is not used", messages[0]
        )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pixels=st.integers(min_value=1, max_value=10**6),
    fraction=st.sampled_from(["", ".0", ".75"]),
    unit=st.sampled_from(["px", " px", "PX", "Px"]),
)
def test_a_length_in_px_is_that_many_pixels_with_one_warning_naming_line_and_key(
    tmp_path: Path, keys: ConfigRegistry, pixels: int, fraction: str, unit: str
) -> None:
    text = f"{pixels}{fraction}{unit}"
    config, messages = _load(keys, tmp_path, _socket_ini("window", "height", text))
    assert config["window.height"] == pixels
    assert config.source("window.height") == "socket.ini:2"
    assert messages == [messages[0]]
    assert messages[0].startswith(
        f"socket.ini:2: [window] height = {text!r} is read as {pixels} pixels: "
    )


_NOT_A_LENGTH = st.text(
    st.characters(blacklist_characters="\n\r;\"'\x00", blacklist_categories=("Cs",)), min_size=1
).filter(
    lambda text: (
        text == text.strip()
        and not re.fullmatch(r"\d*\.?\d+%?", text, re.ASCII)
        and not re.fullmatch(r"\d*\.?\d+[ \t]*px", text, re.ASCII | re.IGNORECASE)
        and not text.startswith(("#", "["))
    )
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_NOT_A_LENGTH, key=st.sampled_from(["width", "height"]))
def test_a_length_no_spelling_covers_is_one_warning_naming_file_line_and_key_and_the_app_loads(
    tmp_path: Path, keys: ConfigRegistry, text: str, key: str
) -> None:
    config, messages = _load(keys, tmp_path, _socket_ini("window", key, text))
    assert config[f"window.{key}"] == {"width": 1024, "height": 768}[key]
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"socket.ini:2: [window] {key} = {text!r} is not used, ")
    assert f"ORO_WINDOW_{key.upper()}" in messages[0], "it says how to give the value instead"


# ---------------------------------------------------------------------------------------------
# Booleans
# ---------------------------------------------------------------------------------------------

_VALUE_TEXT = st.text(
    st.characters(blacklist_characters="\n\r;\"'\x00", blacklist_categories=("Cs",)), min_size=1
).filter(lambda text: text == text.strip() and not text.startswith(("#", "[", ";")))
_WORDS = st.sampled_from(
    ["true", "false", "True", "FALSE", "yes", "no", "1", "0", "on", "off", "Yes", "maybe"]
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_WORDS | _VALUE_TEXT)
def test_build_headless_is_on_only_for_the_exact_text_true_as_in_socket(
    tmp_path: Path, keys: ConfigRegistry, text: str
) -> None:
    config, messages = _load(keys, tmp_path, _socket_ini("build", "headless", text))
    assert config["window.headless"] is (text == "true")
    if text in ("true", "false"):
        assert messages == []
    else:
        assert len(messages) == 1, messages
        assert messages[0].startswith(
            f"socket.ini:2: [build] headless = {text!r} is read as false: "
        )


_WINDOW_FLAGS: dict[str, tuple[bool, set[str]]] = {
    # key: (what any text but true/false is read as, the texts that turn it on) as in
    # src/desktop/main.cc:1088-1093
    "frameless": (False, {"true"}),
    "utility": (False, {"true"}),
    "minimizable": (False, {"true"}),
    "maximizable": (False, {"true"}),
    "closable": (False, {"true"}),
    "resizable": (True, {"true"}),
}


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_WORDS | _VALUE_TEXT, key=st.sampled_from(sorted(_WINDOW_FLAGS)))
def test_the_window_flags_read_every_text_as_socket_does(
    tmp_path: Path, keys: ConfigRegistry, text: str, key: str
) -> None:
    config, messages = _load(keys, tmp_path, _socket_ini("window", key, text))
    other, _on = _WINDOW_FLAGS[key]
    expected = {"true": True, "false": False}.get(text, other)
    assert config[f"window.{key}"] is expected
    if text in ("true", "false"):
        assert messages == []
    else:
        assert len(messages) == 1, messages
        assert messages[0].startswith(
            f"socket.ini:2: [window] {key} = {text!r} is read as {str(expected).lower()}: "
        )


_OR0_WORDS = {"1": True, "true": True, "yes": True, "on": True}
_OR0_WORDS.update({"0": False, "false": False, "no": False, "off": False})


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_WORDS | _VALUE_TEXT)
def test_a_permission_is_what_its_word_says_and_other_text_keeps_the_default_with_one_warning(
    tmp_path: Path, keys: ConfigRegistry, text: str
) -> None:
    config, messages = _load(keys, tmp_path, _socket_ini("permissions", "allow_device_info", text))
    word = _OR0_WORDS.get(text.strip(" \t").lower())
    key = "permissions.allow_device_info"
    if word is None:
        # Socket would allow it (only 'false' denies); oro keeps the permission's default.
        assert config.source(key) == "default"
        assert len(messages) == 1, messages
        assert messages[0].startswith(
            f"socket.ini:2: [permissions] allow_device_info = {text!r} is not used, "
        )
        return
    assert config[key] is word
    if word is False and text != "false":
        # Socket allows anything but the exact 'false': oro denies, as the word says, once.
        assert len(messages) == 1, messages
        assert "is read as false" in messages[0]
    else:
        assert messages == []


def test_socket_ini_with_socket_spellings_loads_as_socket_reads_it(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    config, messages = _load(
        keys,
        tmp_path,
        """\
        [build]
        name = app
        headless = false
        [window]
        height = 932px
        width = .5%
        min_width = 300px
        resizable = no
        [permissions]
        allow_notifications = true
        """,
    )
    assert config["window.height"] == 932
    assert config["window.width"] == "0.5%"
    assert config["window.headless"] is False
    assert config["permissions.allow_notifications"] is True
    # The first window takes its bounds and flags from the config, read as Socket reads them.
    assert config["window.min_width"] == 300
    # Socket turns resizable off only for the exact text false (main.cc:1090).
    assert config["window.resizable"] is True
    assert [message.partition(" is ")[0] for message in messages] == [
        "socket.ini:5: [window] height = '932px'",  # read as 932 pixels
        "socket.ini:7: [window] min_width = '300px'",  # read as 300 pixels
        "socket.ini:8: [window] resizable = 'no'",  # read as true
    ], messages


# ---------------------------------------------------------------------------------------------
# -c and ORO_* replace a file's value before it is checked
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["socket.ini", "oro.ini"])
def test_the_environment_and_c_replace_an_ini_value_no_spelling_covers_without_a_word(
    tmp_path: Path, keys: ConfigRegistry, name: str
) -> None:
    text = "[window]\nheight = tall\nwidth = 150%\n"
    config, messages = _load(
        keys,
        tmp_path,
        text,
        name=name,
        environ={"ORO_WINDOW_HEIGHT": "800"},
        overrides={"window.width": "640"},
    )
    assert (config["window.height"], config.source("window.height")) == (
        800,
        "env ORO_WINDOW_HEIGHT",
    )
    assert (config["window.width"], config.source("window.width")) == (640, "override")
    assert messages == []


def test_an_oro_toml_value_that_fails_its_checks_is_replaced_by_env_or_c_else_its_typed_error(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    text = '[window]\ntitle = "x"\nheight = "932px"\nwidth = 0\n'
    config, _ = _load(
        keys,
        tmp_path,
        text,
        name="oro.toml",
        environ={"ORO_WINDOW_HEIGHT": "900"},
        overrides={"window_width": "50%"},
    )
    assert (config["window.height"], config.source("window.height")) == (
        900,
        "env ORO_WINDOW_HEIGHT",
    )
    assert (config["window.width"], config.source("window.width")) == ("50%", "override")
    # oro.toml is oro's own strict format: unreplaced, the value is its typed error.
    with pytest.raises(ConfigError) as raised:
        _load(keys, tmp_path, text, name="oro.toml", environ={"ORO_WINDOW_HEIGHT": "900"})
    assert raised.value.source == "oro.toml:4"
    assert raised.value.key == "window.width"
    with pytest.raises(ConfigError, match="expects integer or") as raised:
        _load(keys, tmp_path, text, name="oro.toml", overrides={"window.width": 700})
    assert raised.value.source == "oro.toml:3"


def test_oro_init_from_writes_what_socket_reads_and_leaves_out_what_it_would_not(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    path = tmp_path / "socket.ini"
    path.write_text("[window]\nheight = 932px\nwidth = wide\n", encoding="utf-8")
    toml, mapped = ini_file_as_toml(path, keys)
    assert "height = 932 " in toml
    assert "[window] width: key 'window.width' expects pixels" in toml
    assert [invalid.dotted for invalid in mapped.invalid] == ["window.width"]
    written, _ = _load(keys, tmp_path, toml, name="oro.toml")
    assert (written["window.height"], written["window.width"]) == (932, 1024)
