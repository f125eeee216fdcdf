"""Which descriptors this process holds: for tests that check an operation leaks none.

Compare sets, not counts: in a long test run something else in the process (a socket of an
earlier test, collected by the garbage collector) may close a descriptor while the operation
runs, and a count then fails a test that leaked nothing, or hides one that did.
"""

from __future__ import annotations

import os

__all__ = ["open_descriptors", "opened_since"]


def open_descriptors() -> dict[int, str]:
    """Every descriptor of this process and what it points to (``readlink`` of
    ``/proc/self/fd``; Linux)."""
    found = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            found[int(name)] = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # the listing's own descriptor, closed by now
            continue
    return found


def opened_since(before: dict[int, str]) -> dict[int, str]:
    """Descriptors open now that were not open in ``before`` (a number reused for another
    target counts as new): ``{}`` when nothing was left open."""
    return {fd: target for fd, target in open_descriptors().items() if before.get(fd) != target}
