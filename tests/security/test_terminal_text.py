"""Text a page, an app or a plugin chose, on the terminal of ``oro`` (issue 71, item 5;
``oro_framework/host/terminal.py``): every control character, bidirectional control, line
separator and lone surrogate is written as an escape, visible, and printable text is left as it
is; a log line escapes what its arguments carry. What ``oro``'s commands print of such text, and
the CLI's own log lines: tests/test_cli_terminal_text.py."""

from __future__ import annotations

import json
import logging
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from oro_framework.gui.console import console_line
from oro_framework.host.terminal import TerminalFormatter, terminal_json, terminal_safe
from oro_framework.host.windows.debugging import ConsoleMessage

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil"
# Any text, lone surrogates included (a file name's undecodable bytes, a page's broken UTF-16).
ANY_TEXT = st.text(st.characters(exclude_categories=()))
BIDI = {
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
}


def _is_text(character: str) -> bool:
    """What a terminal shows as it is: not a control (C0, DEL, C1), a surrogate, a line or
    paragraph separator, nor a bidirectional control."""
    return unicodedata.category(character) not in ("Cc", "Cs", "Zl", "Zp") and character not in BIDI


def _unsafe(text: str, allowed: str = "") -> list[str]:
    return [c for c in text if not _is_text(c) and c not in allowed]


@given(ANY_TEXT)
def test_no_text_reaches_the_terminal_with_a_control_character_or_a_bidi_control(text: str) -> None:
    shown = terminal_safe(text)
    lines = terminal_safe(text, multiline=True)

    assert _unsafe(shown) == []
    assert _unsafe(lines, allowed="\n\t") == []
    assert terminal_safe(shown) == shown  # escapes are printable text themselves
    assert lines.count("\n") == text.count("\n")


@given(st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_printable_text_is_left_as_it_is(text: str) -> None:
    text = "".join(c for c in text if c not in BIDI)
    assert terminal_safe(text) == text
    assert terminal_safe(text, multiline=True) == text


@given(ANY_TEXT)
def test_each_hidden_character_is_shown_as_its_escape(text: str) -> None:
    shown = terminal_safe(text)
    # As Python writes them in a string literal: \\x1b, \\n, \\u202e, \\ud800.
    expected = "".join(c if _is_text(c) else c.encode("unicode_escape").decode() for c in text)
    assert shown == expected


def test_terminal_escapes_and_bidi_overrides_are_made_visible() -> None:
    assert terminal_safe(HOSTILE) == SHOWN
    assert terminal_safe("a\nb\tc\r\x9b\x7f\ud800") == "a\\nb\\tc\\r\\x9b\\x7f\\ud800"
    assert terminal_safe("a\nb\tc\x1b", multiline=True) == "a\nb\tc\\x1b"
    # Joiners, no-break spaces and scripts written right to left are text.
    printable = "naïve 漢字 \u05e9\u05dc\u05d5\u05dd \U0001f468\u200d\U0001f467\u00a0!"
    assert terminal_safe(printable) == printable


@given(st.recursive(ANY_TEXT | st.none() | st.integers(), st.lists, max_leaves=8))
def test_json_for_the_terminal_reads_back_as_the_same_value(value: object) -> None:
    text = terminal_json(json.dumps({"value": value}, indent=2, ensure_ascii=False))
    assert _unsafe(text, allowed="\n") == []
    assert json.loads(text) == {"value": value}


def test_the_page_console_shows_a_pages_escapes_instead_of_dropping_them() -> None:
    message = ConsoleMessage(0, "warning", HOSTILE + "\r\nnext", "/a\u202e.js", 4)
    assert console_line(message) == f"oro: window 0: warning: {SHOWN}\\r\\nnext (/a\\u202e.js:4)"


# -------------------------------------------------------------------------------------------------
# Log lines
# -------------------------------------------------------------------------------------------------


def _record(message: str, *args: object, exc_info: bool = False) -> logging.LogRecord:
    return logging.LogRecord(
        "oro_framework.bridge",
        logging.WARNING,
        __file__,
        1,
        message,
        args,
        sys.exc_info() if exc_info else None,
    )


def test_a_log_lines_arguments_are_escaped_and_the_hosts_own_lines_kept() -> None:
    formatter = TerminalFormatter("%(levelname)s %(name)s: %(message)s")
    record = _record(
        "page %s asked %r for %d (%.1f s)\n  then:\t%s", HOSTILE, HOSTILE, 3, 2.5, None
    )

    line = formatter.format(record)

    assert line == (
        f"WARNING oro_framework.bridge: page {SHOWN} asked '{SHOWN}' for 3 (2.5 s)\n  then:\tNone"
    )
    assert record.args == (HOSTILE, HOSTILE, 3, 2.5, None)  # other handlers get the record


def _raise(error: Exception) -> None:
    raise error


def test_a_traceback_in_a_log_line_keeps_its_lines_and_shows_its_escapes() -> None:
    formatter = TerminalFormatter("%(message)s")
    try:
        _raise(ValueError(HOSTILE))
    except ValueError:
        record = _record("the %(what)s failed", {"what": "route\x1b[2J"}, exc_info=True)
    lines = formatter.format(record).splitlines()

    assert lines[0] == "the route\\x1b[2J failed"
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == f"ValueError: {SHOWN}"
