"""The benchmarks keep running: each prints its table ending with a ratio column and the goal
beside it (no timing asserted: whether a goal is met is the benchmark's to show, not a test's).
Each runs twice: on a quiet machine and on a loaded one (``--load 2``: two busy processes the
bench starts and stops), a goal being met only when both tables meet it.

scripts/test runs this file alone, before the parallel suite and without it (timing needs an
otherwise idle machine), with ``-s``: CI's log shows every table as its bench ends."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
GOAL = re.compile(r"^(<=|>=)\d+(\.\d+)?$")


@pytest.mark.parametrize(
    "script",
    [
        "router.py",
        "ipc.py",
        "fs.py",
        "conduit.py",
        "ai.py",
        "dnslookup.py",
        "sw.py",
        "modules.py",
        "reload.py",
        "dev_reload.py",
        "install.py",
        "startup.py",
        "window.py",
        "engines.py",
        "desktop.py",
        "process.py",
        "zlib_page.py",
        "sqlite.py",
        "build.py",
        "security_probe.py",
        "compat.py",
        "backend.py",
        "schemes.py",
        "isolation.py",
    ],
)
@pytest.mark.parametrize("load", [[], ["--load", "2"]], ids=["quiet", "loaded"])
def test_benchmark_prints_a_table_with_ratios(script: str, load: list[str]) -> None:
    command = [str(BENCH / script), "--quick", *load]
    result = subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    # The table, for `pytest -s` to show: scripts/test's benchmark step prints every one, with
    # what a benchmark says beside it (bench/startup.py's start-up profile, per-round details).
    print(f"\n== bench/{script} {' '.join(command[1:])}")
    print(result.stdout)
    print(result.stderr, file=sys.stderr)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.split()[-2:] == ["ratio", "goal"]
    assert len(rows) >= 2
    for row in rows:
        *_, ratio, goal = row.split()
        assert float(ratio) > 0, row
        assert goal == "-" or GOAL.match(goal), row
