"""``DEBUG`` as Node's ``debug`` reads it (comma or space lists, ``*``, ``-name``), turning on
the debug log of the parts it names on the terminal, ``ORO_SERVICE_WORKER_DEBUG`` adding
oro-sw's; a value with escapes or control characters is refused, shown escaped, and the rest
still applies."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.cli import log_to_terminal
from oro_framework.host.debug_names import debug_selection, namespace_of
from oro_framework.host.terminal import terminal_safe
from tests._oro_process import OroProcess, headless_environ, run_arguments, until


@pytest.mark.parametrize(
    ("logger", "namespace"),
    [
        ("oro_conduit", "conduit"),
        ("oro_ai.llama", "ai:llama"),
        ("oro_framework.windows", "windows"),
        ("oro_framework.host.envelope", "host:envelope"),
        ("oro.plugins", "plugins"),
        ("asyncio", "asyncio"),
    ],
)
def test_a_loggers_namespace_drops_oros_prefix(logger: str, namespace: str) -> None:
    assert namespace_of(logger) == namespace


@pytest.mark.parametrize(
    ("value", "enabled", "disabled"),
    [
        ("conduit", ["conduit", "conduit:server"], ["windows", "conduitx", "ai"]),
        ("conduit,windows", ["conduit", "windows"], ["ai"]),
        ("conduit windows", ["conduit", "windows"], ["ai"]),
        ("*", ["conduit", "ai:llama", "asyncio"], []),
        ("*,-windows", ["conduit", "ai"], ["windows", "windows:x"]),
        ("-windows,*", ["conduit"], ["windows"]),
        ("ai:*", ["ai:llama", "ai:kv"], ["ai", "conduit"]),
        ("ai.llama", ["ai:llama"], ["ai:kv"]),
        ("", [], ["conduit"]),
        ("-conduit", [], ["conduit", "windows"]),
    ],
)
def test_debug_is_read_as_nodes_debug_reads_it(
    value: str, enabled: list[str], disabled: list[str]
) -> None:
    selection = debug_selection({"DEBUG": value})

    assert [name for name in enabled if selection.enables(name)] == enabled
    assert [name for name in disabled if selection.enables(name)] == []


def test_oro_service_worker_debug_turns_on_oro_sws_log() -> None:
    assert debug_selection({"ORO_SERVICE_WORKER_DEBUG": "1"}).enables("sw:fetch")
    assert not debug_selection({"ORO_SERVICE_WORKER_DEBUG": "0"}).enables("sw:fetch")
    assert not debug_selection({"DEBUG": "*,-sw", "ORO_SERVICE_WORKER_DEBUG": "1"}).enables("sw")


@given(st.text(max_size=60))
def test_any_value_parses_and_a_refused_name_holds_what_no_namespace_has(value: str) -> None:
    selection = debug_selection({"DEBUG": value})

    for name in selection.refused:
        assert name == "-" or any(not (c.isascii() and (c.isalnum() or c in "_.:*-")) for c in name)
    for name in (*selection.names, *selection.skips):
        assert terminal_safe(name) == name


@contextlib.contextmanager
def cli_logging() -> Iterator[None]:
    """The root logger without pytest's handlers (which it adds as each test runs), so that the
    CLI sets up its own; then as it was."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    for handler in saved:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
        root.setLevel(level)


def test_the_terminal_shows_the_debug_records_of_the_named_parts_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEBUG", "conduit,-conduit:quiet")
    with cli_logging():
        log_to_terminal(verbose=False)
        logging.getLogger("oro_conduit").debug("client %s connected", "a\x1b[2Jb")
        logging.getLogger("oro_conduit.quiet").debug("left out")
        logging.getLogger("oro_framework.windows").debug("not named")
        logging.getLogger("oro_framework.windows").warning("a warning shows")

    assert capsys.readouterr().err.splitlines() == [
        "DEBUG oro_conduit: client a\\x1b[2Jb connected",
        "WARNING oro_framework.windows: a warning shows",
    ]


def test_a_debug_value_with_escapes_is_refused_shown_escaped_and_the_rest_applies(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEBUG", "\x1b]0;owned\x07,conduit,\u202eevil")
    with cli_logging():
        log_to_terminal(verbose=False)
        logging.getLogger("oro_conduit").debug("still on")

    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "warning: DEBUG: ignoring '\\x1b]0;owned\\x07': a name is letters, digits and "
        "'_ . : * -' (DEBUG=conduit, DEBUG='*,-windows')",
        "warning: DEBUG: ignoring '\\u202eevil': a name is letters, digits and "
        "'_ . : * -' (DEBUG=conduit, DEBUG='*,-windows')",
        "DEBUG oro_conduit: still on",
    ]


def test_debug_conduit_shows_the_conduits_log_in_oro_run(tmp_path) -> None:
    (tmp_path / "oro.toml").write_text('[meta]\nname = "debug"\n')
    (tmp_path / "index.html").write_text("<!doctype html><title>debug</title>")
    environ = headless_environ({"DEBUG": "conduit"})

    with OroProcess(*run_arguments(tmp_path, "--headless", "--port", "0"), environ=environ) as oro:
        oro.launch_url()
        line = until(
            lambda: next(
                (line for line in oro.stderr().splitlines() if "oro_conduit" in line), None
            ),
            "the Conduit's log line",
        )
    assert line.startswith("INFO oro_conduit: Conduit listening on ws://127.0.0.1:")
