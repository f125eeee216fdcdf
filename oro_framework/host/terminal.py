"""Text for the terminal that a page, an app or a plugin chose (docs/security.md, "Text on the
terminal"): a site name, a route's doc, a plugin's error, a page's console message.

A terminal obeys what it is sent: an ESC starts a sequence that may retitle the window, clear
the screen or move the cursor (``\\x1b]0;title\\x07``, ``\\x1b[2J``), and a bidirectional
override or isolate (U+202E...) reorders what follows it on the line. :func:`terminal_safe`
writes such characters as Python writes them in a string literal (``\\x1b``, ``\\u202e``),
visible rather than dropped, so that the user sees something was there; every other character,
printable text, is left as it is. :class:`TerminalFormatter` does the same to each log line's
arguments (what a page or a plugin chose), leaving the line the host wrote itself as it is."""

from __future__ import annotations

import copy
import logging
import operator
import re
from collections.abc import Mapping
from typing import Any, Final, final

__all__ = ["TerminalFormatter", "terminal_json", "terminal_safe"]

_NON_TEXT: Final = (
    # C0 controls, DEL and C1 controls: ESC (and the C1 CSI, U+009B) starts every escape.
    "\x00-\x1f\x7f-\x9f"
    # The bidirectional marks, embeddings, overrides and isolates.
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    # The line and paragraph separators, which some terminals and splitlines() end a line at.
    "\u2028\u2029"
    # Lone surrogates (a file name's undecodable bytes): no encoding writes them.
    "\ud800-\udfff"
)
_UNSAFE: Final = re.compile(f"[{_NON_TEXT}]")
_UNSAFE_IN_LINES: Final = re.compile(f"(?![\n\t])[{_NON_TEXT}]")
_NAMED: Final = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    named = _NAMED.get(character)
    if named is not None:
        return named
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control character, bidirectional control, line separator and lone
    surrogate written as an escape (``\\x1b``, ``\\n``, ``\\u202e``); everything else as it is.

    :param multiline: keep newlines and tabs (text laid out in lines, a traceback).
    """
    pattern = _UNSAFE_IN_LINES if multiline else _UNSAFE
    return pattern.sub(_escape, text)


def terminal_json(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with what :func:`terminal_safe`
    escapes written as ``\\u`` escapes, which every JSON parser reads back as the same string.
    The raw newlines of an indented document are its layout and stay; ``json.dumps`` has
    escaped those inside strings already."""
    return _UNSAFE_IN_LINES.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


@final
class _Shown:
    """A log argument that formats as its text made :func:`terminal_safe`, with ``%s``,
    ``%r`` and ``%a`` alike; ``%d``, ``%x`` and ``%f`` take the number it holds (a
    ``Decimal``, a NumPy integer), as they would have."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return terminal_safe(str(self.value))

    def __repr__(self) -> str:
        return terminal_safe(repr(self.value))

    def __format__(self, spec: str) -> str:
        return terminal_safe(format(self.value, spec))

    def __int__(self) -> int:
        return int(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __index__(self) -> int:
        return operator.index(self.value)


def _shown(value: object) -> object:
    # A built-in number cannot hold an escape: the common case, left as it is.
    return value if value is None or isinstance(value, int | float) else _Shown(value)


class TerminalFormatter(logging.Formatter):
    """A formatter for a terminal: each argument of a record (what the host names: a page's
    path, an event, an origin, an error a plugin raised) is :func:`terminal_safe`, newlines
    included, so that it cannot end the line and forge another. The message the host wrote
    keeps its newlines and tabs, as does a traceback; any other control character in them is
    escaped too. The record itself is left as it is for the other handlers."""

    def format(self, record: logging.LogRecord) -> str:
        shown = copy.copy(record)
        if isinstance(record.msg, str):
            shown.msg = terminal_safe(record.msg, multiline=True)
        else:
            shown.msg = _Shown(record.msg)
        if isinstance(record.args, Mapping):
            shown.args = {key: _shown(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            shown.args = tuple(_shown(value) for value in record.args)
        if record.exc_text:
            shown.exc_text = terminal_safe(record.exc_text, multiline=True)
        return super().format(shown)

    def formatException(self, ei: Any) -> str:
        return terminal_safe(super().formatException(ei), multiline=True)

    def formatStack(self, stack_info: str) -> str:
        return terminal_safe(super().formatStack(stack_info), multiline=True)
