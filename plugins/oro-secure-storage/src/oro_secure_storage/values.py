"""What a request may name and keep: keys, scopes and values, checked and converted.

Keys and scopes become D-Bus strings (attributes of the item), which must be UTF-8 without NUL:
anything else would make the bus drop the connection, so it is refused here with a typed error.
Values are text (``utf8``) or bytes written as base64 (``base64``), as in Oro.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final, Literal

from oro_framework import InvalidArgumentError, OutOfRangeError, Params

__all__ = [
    "DEFAULT_SCOPE",
    "MAX_KEY_CHARS",
    "MAX_SCOPE_CHARS",
    "Encoding",
    "decode_value",
    "encode_value",
    "encoding_of",
    "text_field",
]

DEFAULT_SCOPE: Final = "default"
"""The scope of a call that names none."""
MAX_KEY_CHARS: Final = 1024
MAX_SCOPE_CHARS: Final = 256
BAD_VALUE: Final = "ERR_INVALID_ARG_VALUE"
NOT_TEXT: Final = "ERR_ENCODING_INVALID_ENCODED_DATA"
"""A stored value that is not UTF-8, read as text (Node's TextDecoder code for the same)."""

Encoding = Literal["utf8", "base64"]
_ENCODINGS: Final[dict[str, Encoding]] = {"utf8": "utf8", "utf-8": "utf8", "base64": "base64"}
_CONTENT_TYPES: Final[dict[Encoding, str]] = {
    "utf8": "text/plain",
    "base64": "application/octet-stream",
}


def text_field(params: Params, name: str, limit: int, *, default: str | None = None) -> str:
    """Parameter ``name``: 1 to ``limit`` characters of Unicode text without NUL (``default``
    when absent, required without one)."""
    value = params.require_str(name) if default is None else params.get_str(name, default)
    if not value:
        raise InvalidArgumentError(f"'{name}' must not be empty", code=BAD_VALUE, parameter=name)
    if len(value) > limit:
        raise OutOfRangeError(
            f"'{name}' holds {len(value)} characters; at most {limit} are allowed",
            parameter=name,
            limit=limit,
        )
    if "\0" in value:
        raise InvalidArgumentError.invalid(name, "a string without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError.invalid(name, "a string of Unicode text") from None
    return value


def encoding_of(params: Params) -> Encoding:
    """``encoding``: ``utf8`` (the default; ``utf-8`` too) or ``base64``."""
    name = params.get_str("encoding", "utf8")
    encoding = _ENCODINGS.get(name.lower())
    if encoding is None:
        raise InvalidArgumentError(
            f"Invalid 'encoding' given in parameters: expected 'utf8' or 'base64', got {name!r}",
            code=BAD_VALUE,
            parameter="encoding",
        )
    return encoding


def encode_value(value: str, encoding: Encoding, limit: int) -> tuple[bytes, str]:
    """The bytes ``value`` stands for and the content type they are kept with.

    :raises InvalidArgumentError: not text (lone surrogates), or not base64.
    :raises OutOfRangeError: more than ``limit`` bytes.
    """
    if encoding == "base64":
        try:
            secret = base64.b64decode(value.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raise InvalidArgumentError(
                "Invalid 'value' given in parameters: expected base64 text",
                code=BAD_VALUE,
                parameter="value",
            ) from None
    else:
        try:
            secret = value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgumentError.invalid("value", "a string of Unicode text") from None
    if len(secret) > limit:
        raise OutOfRangeError(
            f"'value' holds {len(secret)} bytes; secure_storage.max_value_bytes allows {limit}",
            parameter="value",
            limit=limit,
        )
    return secret, _CONTENT_TYPES[encoding]


def decode_value(secret: bytes, encoding: Encoding) -> str:
    """``secret`` as the page reads it: text, or base64.

    :raises InvalidArgumentError: ``ERR_ENCODING_INVALID_ENCODED_DATA``: read as text, but the
        bytes are not UTF-8 (they were kept as base64).
    """
    if encoding == "base64":
        return base64.b64encode(secret).decode("ascii")
    try:
        return secret.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgumentError(
            "The stored value is not UTF-8 text; read it with encoding 'base64'",
            code=NOT_TEXT,
        ) from None
