"""The ``[tar]`` config keys, declared once as the fields of :class:`TarSettings`."""

from __future__ import annotations

from typing import Final, final

from oro_framework import setting, validators
from oro_framework.records import record

__all__ = ["TarSettings"]

MEBIBYTE: Final = 1024 * 1024


@final
@record
class TarSettings:
    """The ``[tar]`` keys of one host: the bounds every page's archives stay within."""

    max_archives: int = setting(
        32,
        "Most tar archives one page may have open at once; one more is refused with RangeError "
        "ERR_TAR_TOO_MANY_ARCHIVES.",
        validator=validators.positive,
    )
    max_entries: int = setting(
        100_000,
        "Most entries an archive may have; one with more is refused as it is opened (or "
        "appended to) with RangeError ERR_TAR_TOO_MANY_ENTRIES (the tar-bomb guard on counts).",
        validator=validators.positive,
    )
    max_extract_bytes: int = setting(
        1024 * MEBIBYTE,
        "Most bytes one extraction may write (the sum of the entries' sizes); a larger archive "
        "is refused before anything is written, with RangeError ERR_TAR_TOO_LARGE (the tar-bomb "
        "guard on sizes).",
        validator=validators.positive,
    )
    max_buffer_bytes: int = setting(
        64 * MEBIBYTE,
        "Largest archive held in memory (fromBuffer, createInMemory, toBuffer); a larger one "
        "is refused with RangeError ERR_TAR_BUFFER_TOO_LARGE. It is held in the host's memory "
        "budget too.",
        validator=validators.positive,
    )
    max_read_bytes: int = setting(
        16 * MEBIBYTE,
        "Most bytes one tar.read call answers; readStream() reads in chunks below it. A larger "
        "size is refused with RangeError ERR_OUT_OF_RANGE.",
        validator=validators.positive,
    )
