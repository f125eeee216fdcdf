"""The Conduit frame codec: pure functions, no I/O (``docs/conduit.md`` is the specification).

One WebSocket binary message carries one frame::

    u8 option count
    per option: u8 key length, key (UTF-8), u16 BE value length, value (UTF-8)
    u16 BE body length, body

This is the Oro Runtime's framing. Its one extension: a body longer than 65,535 bytes is sent
with the length field ``0xFFFF`` and runs to the end of the message. A frame valid in Oro's
framing (the length field equals the bytes that follow) therefore decodes exactly as Oro decodes
it, and a long body is never truncated. Anything else is a :class:`FrameError`.
"""

from __future__ import annotations

import json
import math
import re
import struct
from collections.abc import Mapping
from dataclasses import field
from typing import Final, final

from oro_framework.records import record

__all__ = [
    "MAX_KEY_BYTES",
    "MAX_OPTIONS",
    "MAX_SHORT_BODY",
    "MAX_VALUE_BYTES",
    "Frame",
    "FrameError",
    "OptionValue",
    "decode_frame",
    "decode_value",
    "encode_frame",
    "encode_value",
]

MAX_OPTIONS: Final = 255
MAX_KEY_BYTES: Final = 255
MAX_VALUE_BYTES: Final = 65_535
MAX_SHORT_BODY: Final = 65_535
"""The largest body Oro's u16 length field can state; longer bodies use the extension."""

OptionValue = str | int | float | bool | None
"""What an option value decodes to: ``true``/``false``/``null``, numbers, else the string."""

_U16: Final = struct.Struct(">H")
_INTEGER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DECIMAL: Final = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
# Beyond these, a JavaScript number would not hold the value the text states: such text stays a
# string in both codecs so that they agree.
_MAX_SAFE_INTEGER: Final = 2**53 - 1
_MAX_DECIMAL_DIGITS: Final = 15


@final
class FrameError(ValueError):
    """A message that is not a valid frame; ``str(error)`` is the reason sent with close 1007."""


@final
@record
class Frame:
    """A decoded frame: ``options`` as the raw strings sent, ``payload`` as the body bytes."""

    options: dict[str, str] = field(default_factory=dict)
    payload: bytes = b""

    @property
    def values(self) -> dict[str, OptionValue]:
        """``options`` with each value decoded by :func:`decode_value`."""
        return {key: decode_value(value) for key, value in self.options.items()}


def decode_value(text: str) -> OptionValue:
    """Oro's option value decoding: ``true``, ``false``, ``null``, decimal integers (within
    ±(2**53-1)) and decimals (at most 15 digits) become those values; anything else, including
    ``007``, ``1e3`` and ``NaN``, stays the string."""
    if text == "true":
        return True
    if text == "false":
        return False
    if text == "null":
        return None
    if _INTEGER.fullmatch(text):
        number = int(text)
        return number if abs(number) <= _MAX_SAFE_INTEGER else text
    if _DECIMAL.fullmatch(text) and sum(char.isdigit() for char in text) <= _MAX_DECIMAL_DIGITS:
        return float(text)
    return text


def encode_value(value: OptionValue) -> str:
    """The text of an option value: strings as they are, ``true``/``false``/``null``, numbers in
    their shortest form (``1.0`` is ``1``, as in JavaScript).

    :raises FrameError: a number that is not finite.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FrameError(f"option value {value!r} is not a finite number")
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    return value


def _utf8_sort_key(item: tuple[bytes, bytes]) -> bytes:
    return item[0]


def encode_frame(options: Mapping[str, OptionValue], payload: bytes = b"") -> bytes:
    """Encode one frame; options sorted by the UTF-8 bytes of their keys.

    :raises FrameError: more than 255 options, an empty key, a key over 255 or a value over
        65,535 UTF-8 bytes.
    """
    if len(options) > MAX_OPTIONS:
        raise FrameError(f"a frame holds at most {MAX_OPTIONS} options, got {len(options)}")
    encoded: list[tuple[bytes, bytes]] = []
    for key, value in options.items():
        key_bytes = key.encode()
        value_bytes = encode_value(value).encode()
        if not key_bytes or len(key_bytes) > MAX_KEY_BYTES:
            raise FrameError(f"option key {key!r} must be 1 to {MAX_KEY_BYTES} UTF-8 bytes")
        if len(value_bytes) > MAX_VALUE_BYTES:
            raise FrameError(f"value of option {key!r} exceeds {MAX_VALUE_BYTES} UTF-8 bytes")
        encoded.append((key_bytes, value_bytes))
    encoded.sort(key=_utf8_sort_key)
    parts = [bytes((len(encoded),))]
    for key_bytes, value_bytes in encoded:
        parts += (bytes((len(key_bytes),)), key_bytes, _U16.pack(len(value_bytes)), value_bytes)
    parts += (_U16.pack(min(len(payload), MAX_SHORT_BODY)), bytes(payload))
    return b"".join(parts)


def decode_frame(message: bytes | bytearray | memoryview) -> Frame:
    """Decode one frame (a whole WebSocket message). A repeated key keeps its last value, as
    Oro's decoder does.

    :raises FrameError: truncated header, invalid UTF-8, an empty key, or a body length field that
        disagrees with the bytes that follow (other than the ``0xFFFF`` extension).
    """
    # Every IPC call decodes one frame: plain bytes indexing, and error texts built only when
    # there is an error (quoting each key for a message never sent was a fifth of the decode).
    data = message if isinstance(message, bytes) else memoryview(message).cast("B").tobytes()
    size = len(data)
    if size < 1:
        raise FrameError("empty message: a frame starts with its option count")
    count = data[0]
    offset = 1
    options: dict[str, str] = {}
    for index in range(count):
        if offset + 1 > size:
            raise FrameError(f"truncated frame: option {index} has no key length")
        key_length = data[offset]
        offset += 1
        if key_length == 0:
            raise FrameError(f"option {index} has an empty key")
        end = offset + key_length
        if end + 2 > size:
            raise FrameError(f"truncated frame: option {index} is cut short")
        try:
            key = data[offset:end].decode()
        except UnicodeDecodeError:
            raise FrameError(f"key of option {index} is not valid UTF-8") from None
        value_length = (data[end] << 8) | data[end + 1]
        offset = end + 2
        end = offset + value_length
        if end > size:
            raise FrameError(f"truncated frame: value of option {_quoted(key)} is cut short")
        try:
            options[key] = data[offset:end].decode()
        except UnicodeDecodeError:
            raise FrameError(f"value of option {_quoted(key)} is not valid UTF-8") from None
        offset = end
    if offset + 2 > size:
        raise FrameError("truncated frame: the body length is missing")
    stated = (data[offset] << 8) | data[offset + 1]
    offset += 2
    remaining = size - offset
    if remaining != stated and not (stated == MAX_SHORT_BODY and remaining > MAX_SHORT_BODY):
        raise FrameError(f"body length field says {stated} bytes but {remaining} follow")
    return Frame(options, data[offset:])


def _quoted(key: str) -> str:
    # JSON quoting, as JavaScript's JSON.stringify: both codecs give the same reasons.
    return json.dumps(key, ensure_ascii=False)
