"""Config values: the types a key may have, checking a value against one, and parsing the text
of environment variables and CLI arguments. Pure functions."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final, final

__all__ = [
    "ScreenLength",
    "check_value",
    "describe_value",
    "parse_bool_word",
    "parse_text_value",
    "screen_length_pixels",
    "type_name",
]


@final
class ScreenLength:
    """The declared type of a key holding a window length (``window.width``): pixels, an
    integer, or Oro's ``"N%"`` of the screen, a string. Values are ``int`` or ``str``; this class
    only names the type."""


_PERCENTAGE: Final = re.compile(r"(\d+(?:\.\d+)?)\s*%")

TYPE_NAMES: Final[dict[type, str]] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "list of strings",
    ScreenLength: 'integer or "N%"',
}
_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off"})


def type_name(kind: type) -> str:
    """How docs and errors call a config type (``boolean``, ``list of strings``...)."""
    return TYPE_NAMES[kind]


def check_value(kind: type, value: Any) -> Any:
    """Return ``value`` as ``kind`` if it is one (an int is a valid number).

    :raises TypeError: it is not; the message says what was expected and what was given.
    """
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
    elif kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif kind is str:
        if isinstance(value, str):
            return str(value)
    elif kind is list and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [str(item) for item in value]
    elif kind is ScreenLength:
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, str) and _PERCENTAGE.fullmatch(value.strip()):
            return value.strip()
    raise TypeError(f"expects {type_name(kind)}, got {describe_value(value)}")


def parse_text_value(kind: type, text: str) -> Any:
    """Parse a value given as text (environment variable, CLI argument) into ``kind``.

    Booleans accept ``1/true/yes/on`` and ``0/false/no/off``; lists accept a JSON array or
    whitespace-separated words (as Oro joins arrays).

    :raises ValueError: the text does not denote a value of ``kind``.
    """
    stripped = text.strip()
    if kind is bool:
        word = parse_bool_word(stripped)
        if word is not None:
            return word
    elif kind is int:
        try:
            return int(stripped, 10)
        except ValueError:
            pass
    elif kind is float:
        try:
            return float(stripped)
        except ValueError:
            pass
    elif kind is str:
        return text
    elif kind is ScreenLength:
        if _PERCENTAGE.fullmatch(stripped):
            return stripped
        try:
            return int(stripped, 10)
        except ValueError:
            pass
    elif kind is list:
        if stripped.startswith("["):
            try:
                return check_value(list, json.loads(stripped))
            except (ValueError, TypeError):
                pass
        else:
            return stripped.split()
    raise ValueError(f"expects {type_name(kind)}, got {text!r}")


def screen_length_pixels(value: int | str, extent: int | None, fallback: int) -> int:
    """``value`` of a :class:`ScreenLength` key in pixels: an integer as it is, ``"N%"`` as that
    share of the screen's ``extent`` (its width or height); ``fallback`` when the screen is not
    known (``None``: headless, where the screen is the browser's)."""
    if isinstance(value, int):
        return value
    match = _PERCENTAGE.fullmatch(value.strip())
    if match is None or extent is None:
        return fallback
    return max(1, round(extent * float(match.group(1)) / 100))


def parse_bool_word(text: str) -> bool | None:
    """``1/true/yes/on`` → True, ``0/false/no/off`` → False (any case, spaces ignored), else
    ``None``. Config text and IPC parameters accept the same words."""
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def describe_value(value: Any) -> str:
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}.get(
        type(value), "table" if isinstance(value, Mapping) else type(value).__name__
    )
    return f"{kind} {json.dumps(value, default=str)}"
