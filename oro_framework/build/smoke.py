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
_ISOLATED_ARGUMENTS: Final = ("-c", "application.single_instance=false")
"""The check's start is no launch of the app: it never hands over to a running copy."""


def _isolated_folders(home: Path) -> dict[str, str]:
    """The XDG folders inside ``home``, the runtime one (single-instance sockets) included,
    each made private as the XDG spec wants: nothing the app finds there is the user's."""
    folders = {
        "XDG_DATA_HOME": home / "data",
        "XDG_CONFIG_HOME": home / "config",
        "XDG_CACHE_HOME": home / "cache",
        "XDG_STATE_HOME": home / "state",
        "XDG_RUNTIME_DIR": home / "run",
        "TMPDIR": home / "tmp",
    }
    for folder in folders.values():
        folder.mkdir(mode=0o700)
    return {name: str(folder) for name, folder in folders.items()}


def check_starts(executable: Path, work: Path) -> str:
    """Start ``executable --headless --port 0`` with a clean environment and its own data,
    config, cache and runtime folders, single instance off, wait for its launch URL, stop it;
    return the URL.

    A copy of the app the author has open (the same bundle identifier) never sees this start:
    with single instance on, the built app would hand its launch to that copy and exit, and the
    build would fail although the app is fine.

    :raises BuildError: it exits or stays silent instead (the message quotes its output).
    """
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work, prefix="start-") as home:
        environment = {
            "HOME": home,
            "PATH": "/usr/bin:/bin",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            **_isolated_folders(Path(home)),
        }
        with subprocess.Popen(
            [str(executable), "--headless", "--port", "0", *_ISOLATED_ARGUMENTS],
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
