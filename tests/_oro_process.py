"""``oro run`` in a subprocess for this repository's tests: the kit's :class:`OroProcess` plus
where the showcase lives."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from oro_framework.testing.process import LAUNCH_URL, ORO, OroProcess, headless_environ

__all__ = [
    "LAUNCH_URL",
    "ORO",
    "REPOSITORY",
    "SHOWCASE",
    "OroProcess",
    "headless_environ",
    "run_arguments",
]

REPOSITORY = Path(__file__).resolve().parents[1]
SHOWCASE = REPOSITORY / "examples" / "showcase"


def run_arguments(app: Path, *extra: str) -> Sequence[str]:
    return ("run", str(app), *extra)
