"""The staging folders a build of the app's build steps writes beside its output
(``.<output>.staging-<pid>-<random>``), and the ones a killed build left: one description for
the build steps, which remove them before building, and ``oro clean``."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Final

__all__ = ["STAGING_MARK", "abandoned_staging"]

STAGING_MARK: Final = ".staging-"
"""Between the output's name and the building process's id in a staging folder's name."""


def abandoned_staging(output: Path) -> list[Path]:
    """The staging folders beside ``output`` that a killed build left (their process is gone;
    links are none of them): what the next build and ``oro clean`` remove."""
    prefix = f".{output.name}{STAGING_MARK}"
    found: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in sorted(output.parent.iterdir()):
            if not entry.name.startswith(prefix) or entry.is_symlink():
                continue
            pid = entry.name[len(prefix) :].partition("-")[0]
            if pid.isdigit() and not _is_running(int(pid)):
                found.append(entry)
    return found


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
