"""How much memory a process took: for tests that check an operation stays within a bound
(issue 39: a page's `exec` of `yes` took the host to 9.7 GB)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["peak_rss", "process_memory"]


def process_memory(field: str, pid: int | None = None) -> int:
    """A memory line of a process's ``/proc/<pid>/status`` in bytes (``VmRSS``: resident now;
    ``VmHWM``: its own high-water mark), of this process by default; 0 once the process is
    gone or a zombie (which has no memory lines). ``VmHWM`` rather than ``getrusage``'s
    ``ru_maxrss``: that starts at what the parent held when it forked, since Linux keeps the old
    memory's peak across ``exec``."""
    try:
        text = Path(f"/proc/{'self' if pid is None else pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


@contextmanager
def peak_rss() -> Iterator[list[int]]:
    """This process's peak resident memory within the block, in bytes: the list holds it once
    the block ends. Linux: writing ``5`` to ``/proc/self/clear_refs`` resets the peak
    (``VmHWM``) to the current RSS, so the figure is what the block took at its highest."""
    Path("/proc/self/clear_refs").write_text("5")
    found: list[int] = []
    yield found
    found.append(process_memory("VmHWM"))
