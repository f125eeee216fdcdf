"""How much memory this process took: for tests that check an operation stays within a bound
(issue 39: a page's `exec` of `yes` took the host to 9.7 GB)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["peak_rss"]


@contextmanager
def peak_rss() -> Iterator[list[int]]:
    """This process's peak resident memory within the block, in bytes: the list holds it once
    the block ends. Linux: writing ``5`` to ``/proc/self/clear_refs`` resets the peak
    (``VmHWM``) to the current RSS, so the figure is what the block took at its highest."""
    Path("/proc/self/clear_refs").write_text("5")
    found: list[int] = []
    yield found
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            found.append(int(line.split()[1]) * 1024)
