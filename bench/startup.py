"""Start-up: ``oro run --headless`` to its first answered ping, and ``oro --version``.

Both are measured in the same run against a floor started the same way:

* ``oro run --headless`` of a one-page app in a temporary directory, from spawn until the launch
  URL it prints has been opened (the session cookie) and ``/ipc/ping`` answered ``pong``; against
  a bare hypercorn hello ASGI app on trio, from spawn until its first answer.
* ``oro --version`` wall time against ``python -c pass``.

``--quick`` does few rounds. Each row is the median of its rounds. Goal (issue 17): ``oro run``
within 3 times the hypercorn hello app; ``oro --version`` has none (it shows what importing the
host and every installed plugin costs each command).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import (
    BARE_HYPERCORN_APP,
    BARE_HYPERCORN_URL,
    print_ratio_header,
    print_ratio_row,
    seconds_to_first_pong,
)

ORO = str(Path(sys.executable).with_name("oro"))
LAUNCH_URL = re.compile(r"http://127\.0\.0\.1:\d+/\?oro_launch=\S+")
ORO_TOML = """[meta]
name = "Startup Bench"
bundle_identifier = "dev.oro.startup-bench"
"""


def _oro_run(app: Path) -> float:
    return seconds_to_first_pong([ORO, "run", str(app), "--headless"], LAUNCH_URL)


def _baseline() -> float:
    return seconds_to_first_pong(
        [sys.executable, "-c", BARE_HYPERCORN_APP], BARE_HYPERCORN_URL, stream="stderr"
    )


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    rounds = 2 if "--quick" in sys.argv else 7
    with tempfile.TemporaryDirectory() as directory:
        app = Path(directory)
        (app / "oro.toml").write_text(ORO_TOML)
        (app / "index.html").write_text("<!doctype html><title>startup</title>\n")
        run, bare, version, python = [], [], [], []
        for _ in range(rounds):  # interleaved, so both sides see the same machine
            run.append(_oro_run(app))
            bare.append(_baseline())
            version.append(_wall([ORO, "--version"]))
            python.append(_wall([sys.executable, "-c", "pass"]))
    print_ratio_header()
    print_ratio_row(
        "oro run to first ping",
        statistics.median(run),
        "hypercorn hello",
        statistics.median(bare),
        "<=3",
    )
    print_ratio_row(
        "oro --version", statistics.median(version), "python -c pass", statistics.median(python)
    )


if __name__ == "__main__":
    main()
