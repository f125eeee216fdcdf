"""``oro run`` in a subprocess for this repository's tests: the kit's :class:`OroProcess` plus
where the showcase lives."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from oro_framework.testing.process import LAUNCH_URL, ORO, OroProcess, headless_environ, until

__all__ = [
    "LAUNCH_URL",
    "ORO",
    "REPOSITORY",
    "SHOWCASE",
    "OroProcess",
    "headless_environ",
    "run_arguments",
    "run_oro",
    "until",
]

REPOSITORY = Path(__file__).resolve().parents[1]
SHOWCASE = REPOSITORY / "examples" / "showcase"


def run_arguments(app: Path, *extra: str) -> Sequence[str]:
    return ("run", str(app), *extra)


def run_oro(
    *arguments: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """One ``oro`` command run to its end in ``cwd`` with the headless environment (plus
    ``env``); its output captured as text, its exit status left to the caller."""
    return subprocess.run(
        [str(ORO), *arguments],
        cwd=cwd,
        env=headless_environ(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
