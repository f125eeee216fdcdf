"""The last step of a build: the built app starts, headless, from its own folder, and serves.

A freeze that misses a module fails only when the app runs; this catches it while the author
is still at the build, not when a user opens the app.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Final

from oro_framework.host.errors import BuildError

__all__ = ["SERVING_LINE", "check_starts"]

SERVING_LINE: Final = re.compile(r"^oro: serving .* at (http://127\.0\.0\.1:\d+/\S*)$")
_START_TIMEOUT: Final = 60.0


def check_starts(executable: Path, work: Path) -> str:
    """Start ``executable --headless --port 0`` with a clean environment and its own data
    folders, wait for its launch URL, stop it; return the URL.

    :raises BuildError: it exits or stays silent instead (the message quotes its output).
    """
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work, prefix="start-") as home:
        environment = {
            "HOME": home,
            "PATH": "/usr/bin:/bin",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
        }
        with subprocess.Popen(
            [str(executable), "--headless", "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=environment,
            text=True,
        ) as process:
            assert process.stdout is not None
            output: list[str] = []
            deadline = time.monotonic() + _START_TIMEOUT
            try:
                with selectors.DefaultSelector() as selector:
                    selector.register(process.stdout, selectors.EVENT_READ)
                    while time.monotonic() < deadline:
                        if not selector.select(deadline - time.monotonic()):
                            break
                        line = process.stdout.readline()
                        if not line:
                            break
                        output.append(line.rstrip("\n"))
                        found = SERVING_LINE.match(output[-1])
                        if found:
                            return found.group(1)
            finally:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
    tail = " | ".join(output[-5:]) or "no output"
    raise BuildError(f"the built app did not start: {executable} --headless printed: {tail}")
