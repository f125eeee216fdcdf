"""The ``[zlib]`` config keys, declared once as the fields of :class:`ZlibSettings`."""

from __future__ import annotations

from typing import Final, final

from oro_framework import setting, validators
from oro_framework.records import record

__all__ = ["ZlibSettings"]

MEBIBYTE: Final = 1024 * 1024


@final
@record
class ZlibSettings:
    """The ``[zlib]`` keys of one host: the bounds every page's compression stays within."""

    max_input_bytes: int = setting(
        16 * MEBIBYTE,
        "Largest input of one zlib call or stream write, in bytes; a larger one is refused with "
        "RangeError ERR_ZLIB_INPUT_TOO_LARGE (ipc.max_body_bytes bounds every request body too).",
        validator=validators.positive,
    )
    max_output_bytes: int = setting(
        64 * MEBIBYTE,
        "Most bytes one inflate call or stream write may produce (the zip-bomb guard); more is "
        "refused with RangeError ERR_BUFFER_TOO_LARGE. A page's maxOutputLength can only lower it.",
        validator=validators.positive,
    )
    max_streams: int = setting(
        64,
        "Most zlib streams one page may have open at once; one more is refused with RangeError "
        "ERR_ZLIB_TOO_MANY_STREAMS.",
        validator=validators.positive,
    )
