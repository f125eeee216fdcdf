"""``--load N`` of every bench (bench/_shared.py's ``parse_arguments``): N busy processes run
while the bench measures, and none outlives it, whether it ends, fails or is killed."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPT = f"""
import argparse, os, sys
sys.path.insert(0, {str(BENCH)!r})
from _shared import parse_arguments
parse_arguments(argparse.ArgumentParser())
print(" ".join(str(pid) for pid in _children()), flush=True)
sys.stdin.readline()
sys.exit(int(os.environ.get("EXIT", "0")))
"""
CHILDREN = """
def _children():
    with open(f"/proc/self/task/{os.getpid()}/children") as file:
        return [int(pid) for pid in file.read().split()]
"""


def _busy(pid: int) -> bool:
    """Whether ``pid`` is still a running (not a reaped nor a zombie) process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _start(load: int, **environ: str) -> tuple[subprocess.Popen[str], list[int]]:
    bench = subprocess.Popen(
        [sys.executable, "-c", CHILDREN + SCRIPT, "--load", str(load)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **environ},
    )
    assert bench.stdout is not None
    return bench, [int(pid) for pid in bench.stdout.readline().split()]


def test_load_runs_busy_processes_until_the_bench_ends() -> None:
    bench, busy = _start(2)

    running = [_busy(pid) for pid in busy]
    bench.communicate("\n")

    assert running == [True, True]
    assert not any(_busy(pid) for pid in busy)


def test_a_failing_bench_stops_its_busy_processes() -> None:
    bench, busy = _start(1, EXIT="3")

    _, stderr = bench.communicate("\n")

    assert "1 busy processes run beside this bench" in stderr
    assert not any(_busy(pid) for pid in busy)


def test_the_busy_processes_of_a_killed_bench_end_on_their_own() -> None:
    bench, busy = _start(2)
    exits = [os.pidfd_open(pid) for pid in busy]

    bench.send_signal(signal.SIGKILL)
    bench.wait()
    # Reparented, each sees its parent gone at its next check (every million iterations); a
    # pidfd becomes readable when its process exits.
    try:
        for pidfd in exits:
            select.select([pidfd], [], [], 30)
    finally:
        for pidfd in exits:
            os.close(pidfd)

    assert not any(_busy(pid) for pid in busy)
