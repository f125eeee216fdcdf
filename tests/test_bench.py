"""The benchmarks keep running: each prints its table with a ratio column (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


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
        "install.py",
        "startup.py",
    ],
)
def test_benchmark_prints_a_table_with_ratios(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.split()[-1] == "ratio"
    assert len(rows) >= 2
    for row in rows:
        assert float(row.split()[-1]) > 0
