"""The real ``oro`` command of this environment, run as a process against a test keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from _keyring import HANG_GUARD

ORO = Path(sys.executable).parent / "oro"


def oro(
    *arguments: str, environ: dict[str, str], stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``oro ARGUMENTS`` with the keyring's variables over this process's environment."""
    assert ORO.is_file(), f"{ORO} is missing: install oro-framework into this environment"
    return subprocess.run(
        [str(ORO), *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **environ},
        cwd=cwd,
        timeout=HANG_GUARD,
        check=False,
    )
