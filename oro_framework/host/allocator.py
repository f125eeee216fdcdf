"""glibc's allocator tuned for what a host does: buffer large, short-lived blocks for pages (a
zlib output, a file read, a child's output) from many worker threads.

Left alone, glibc raises its mmap threshold to the size of each large block freed (up to
32 MiB), so later blocks below it come from per-thread arenas (up to 8 per core), where freed
memory stays in the process. The memory budget (:mod:`.memory`) then bounds what plugins hold
while the RSS keeps what they held: 64 concurrent 64 MiB zlib writes, refused past a 512 MiB
budget, left the host at 0.8-1.0 GiB; with a fixed 1 MiB threshold and 2 arenas, at 0.6 GiB
(bench/security_probe.py). Blocks of 1 MiB and more then go straight back to the system.
"""

from __future__ import annotations

import sys
from typing import Final

__all__ = ["tune_allocator"]

_M_MMAP_THRESHOLD: Final = -3
_M_ARENA_MAX: Final = -8
MMAP_THRESHOLD_BYTES: Final = 1024 * 1024
ARENAS: Final = 2


def tune_allocator() -> bool:
    """Fix glibc's mmap threshold and arena count for this process (idempotent); ``False``
    where the C library is not glibc (musl, macOS, Windows), which is left as it is."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # here, not at import: the host module is imported by every oro command

    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it, and mallopt's meaning
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) and mallopt(_M_ARENA_MAX, ARENAS))
