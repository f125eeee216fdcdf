"""Page values to SQLite values and back, in Oro's encoding.

JSON has no 64-bit integer and no bytes, so Oro tags them: an integer travels as
``{"type": "integer", "value": "<decimal>"}`` both ways (the page makes a ``Number`` of it when
it is safe, else a ``BigInt``), bytes as ``{"encoding": "base64", "data": "..."}``. A JSON number
binds as an integer when it is integral and fits 64 bits, else as a real; ``true``/``false`` as
1/0. ``{"type": "float" | "text", "value": ...}`` force a type. Any other object or array binds
as its JSON text, as Oro's ``param.str()`` does. Reals SQLite holds as infinities answer
``{"type": "float", "value": "Infinity"}`` (JSON has no such number).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Sequence
from typing import Any, Final

from oro_framework import InvalidArgumentError, InvalidJSONError
from oro_sqlite.errors import bad_value

__all__ = [
    "SQLValue",
    "decode_params",
    "decode_value",
    "encode_value",
    "row_weight",
    "value_size",
]

SQLValue = int | float | str | bytes | None

_INT64_MIN: Final = -(1 << 63)
_INT64_END: Final = 1 << 63
_INTEGER_TEXT: Final = re.compile(r"[+-]?[0-9]+")
_VALUE_OVERHEAD: Final = 64
"""Bytes a value costs in a row besides its text: the Python objects, a tagged integer's dict."""


def _fits(number: int) -> bool:
    return _INT64_MIN <= number < _INT64_END


def _text(value: str, index: int) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (JSON can carry one, UTF-8 cannot): SQLite text is UTF-8.
        raise bad_value(index, "valid Unicode text (it holds a lone surrogate)") from None
    return value


def _number(value: int | float, index: int) -> int | float:
    if isinstance(value, int):
        return value if _fits(value) else float(value)
    if not math.isfinite(value):
        raise bad_value(index, "a finite number")
    if value.is_integer() and _fits(int(value)):
        return int(value)
    return value


def _tagged(value: dict[str, Any], index: int) -> SQLValue:
    kind = value.get("type")
    inner = value.get("value")
    if kind == "integer":
        if isinstance(inner, str):
            text = inner.strip()
            if _INTEGER_TEXT.fullmatch(text) and _fits(int(text)):
                return int(text)
            return _text(inner, index)
        if isinstance(inner, int | float) and not isinstance(inner, bool):
            if isinstance(inner, float) and not math.isfinite(inner):
                raise bad_value(index, "a finite integer")
            number = int(inner)
            return number if _fits(number) else float(number)
    elif kind == "float" and isinstance(inner, int | float) and not isinstance(inner, bool):
        if not math.isfinite(inner):
            raise bad_value(index, "a finite number")
        return float(inner)
    elif kind == "float" and inner in ("Infinity", "-Infinity"):
        return math.inf if inner == "Infinity" else -math.inf
    elif kind == "text" and isinstance(inner, str):
        return _text(inner, index)
    if value.get("encoding") == "base64":
        data = value.get("data")
        try:
            return base64.b64decode(data if isinstance(data, str) else "", validate=True)
        except (binascii.Error, ValueError):
            raise bad_value(index, "base64 data") from None
    return _text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), index)


def _decode(value: Any, index: int) -> SQLValue:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return _number(value, index)
    if isinstance(value, str):
        return _text(value, index)
    if isinstance(value, dict):
        return _tagged(value, index)
    return _text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), index)


def decode_value(value: Any, index: int) -> SQLValue:
    """One page value (JSON-decoded) as SQLite binds it; ``index`` (from 1) names it in an
    error.

    :raises InvalidArgumentError: a value that cannot be bound.
    """
    return _decode(value, index)


def decode_params(raw: Any) -> list[SQLValue]:
    """The ``params`` of a request: a JSON array (or its text, as Oro's JS sends it) of page
    values; absent is none.

    :raises InvalidJSONError: text that is not JSON.
    :raises InvalidArgumentError: not an array, or a value that cannot be bound.
    """
    if raw is None:
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError as error:
            raise InvalidJSONError(f"params is not JSON: {error}") from None
        except RecursionError:
            raise InvalidJSONError("params is nested too deeply") from None
    if not isinstance(raw, list):
        raise InvalidArgumentError.invalid("params", "a JSON array")
    return [_decode(value, index) for index, value in enumerate(raw, start=1)]


def encode_value(value: Any) -> Any:
    """One column value as the page receives it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"type": "float", "value": "Infinity" if value > 0 else "-Infinity"}
    return {"encoding": "base64", "data": base64.b64encode(value).decode("ascii")}


def value_size(row: Sequence[Any]) -> int:
    """What a row weighs against ``max_result_bytes``: text and blob lengths, 8 per number."""
    return sum(len(value) if isinstance(value, str | bytes) else 8 for value in row)


def row_weight(row: Sequence[Any]) -> int:
    """What a row holds in memory once encoded for the page (a blob as its base64 text), for
    the host's memory budget."""
    weight = 0
    for value in row:
        if isinstance(value, bytes):
            weight += (len(value) + 2) // 3 * 4
        elif isinstance(value, str):
            weight += len(value)
        weight += _VALUE_OVERHEAD
    return weight
