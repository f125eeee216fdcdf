"""The terminal end of a page's console (``oro_framework/gui/console.py``, docs/debugging.md):
what an untrusted page writes becomes one clean line, and a flood is cut to 50 lines a second
per window with one line saying how many were dropped."""

from __future__ import annotations

import io
import unicodedata

from _oro_process import until
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.cli.common import parse_overrides, with_devtools
from oro_framework.gui.console import (
    LINES_PER_SECOND,
    MAX_LINE,
    ConsolePrinter,
    console_line,
    printed_levels,
)
from oro_framework.host.windows.debugging import ConsoleMessage

BIDI = {"\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


@given(text=st.text(), source=st.text(max_size=600), line=st.integers(0, 10**6))
def test_no_page_text_puts_a_control_character_or_a_second_line_on_the_terminal(
    text: str, source: str, line: int
) -> None:
    printed = console_line(ConsoleMessage(3, "error", text, source, line))
    assert printed.startswith("oro: window 3: error: ")
    assert not [c for c in printed if unicodedata.category(c) == "Cc"]
    assert not BIDI & set(printed)
    assert len(printed) <= len("oro: window 3: error: ") + MAX_LINE + 500 + 40


def test_an_ansi_escape_is_printed_as_plain_text() -> None:
    message = ConsoleMessage(0, "warning", "\x1b[2J\x1b]0;title\x07gone\r\nnext", "/a.js", 4)
    assert console_line(message) == (
        "oro: window 0: warning: \\x1b[2J\\x1b]0;title\\x07gone\\r\\nnext (/a.js:4)"
    )


def test_the_levels_printed_by_default_with_v_and_quiet() -> None:
    assert printed_levels(verbose=False, quiet=False) == {"error", "warning"}
    assert {"log", "info"} <= printed_levels(verbose=True, quiet=False)
    assert printed_levels(verbose=True, quiet=True) == frozenset()


def test_a_flood_prints_fifty_lines_a_second_then_says_how_many_it_dropped() -> None:
    now = [100.0]
    stream = io.StringIO()
    printer = ConsolePrinter(
        printed_levels(verbose=False, quiet=False), stream, clock=lambda: now[0]
    )
    for number in range(LINES_PER_SECOND + 30):
        printer.submit(ConsoleMessage(2, "error", f"flood {number}"))
    printer.submit(ConsoleMessage(1, "error", "window 1 is not held up"))
    printer.submit(ConsoleMessage(2, "log", "not printed without -v"))
    now[0] += 1.5
    printer.submit(ConsoleMessage(2, "error", "after the flood"))

    def written() -> list[str]:
        text = stream.getvalue()
        return text.splitlines() if text.endswith("after the flood\n") else []

    lines = until(written, "the printer writes")
    floods = [line for line in lines if line.startswith("oro: window 2: error: flood")]
    assert len(floods) == LINES_PER_SECOND
    assert "oro: window 1: error: window 1 is not held up" in lines
    assert lines[-2:] == [
        f"oro: window 2: 30 console messages dropped (more than {LINES_PER_SECOND}/s)",
        "oro: window 2: error: after the flood",
    ]
    assert not any("not printed" in line for line in lines)


def test_devtools_are_on_with_the_flag_or_under_oro_dev_unless_its_config_says_off() -> None:
    assert parse_overrides(with_devtools((), devtools=False)) == {}
    on = {"webview.devtools": "true"}
    assert parse_overrides(with_devtools(("webview.devtools=false",), devtools=True)) == on
    assert parse_overrides(with_devtools((), devtools=False, dev_child=True)) == on
    off = ("webview.devtools=false",)
    assert parse_overrides(with_devtools(off, devtools=False, dev_child=True)) == {
        "webview.devtools": "false"
    }
