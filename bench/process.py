"""Child processes from a real headless Chromium page (``node:child_process``), against Python's
``subprocess`` in this process, measured in the same run.

Rows:

* ``spawn→exit true`` — p50 of ``spawn('true')`` until its ``close`` event (the child started,
  exited and both output streams ended), one at a time; the baseline is
  ``subprocess.run(['true'])``.
* ``stdout <size>`` — MiB/s of a child's stdout (``head -c <size> /dev/zero``) reaching the
  page's ``data`` events; the baseline reads the same child's pipe in 64 KiB reads.

Each for the page with the Conduit (``conduit``: output as a credit-controlled stream on the
page's socket) and without it (``fetch``: the same stream as a fetch body).

Columns: ours, python, ratio and goal. The ratio is ours ÷ python: time for spawn→exit (lower
is better), MiB/s for stdout (higher is better). Issue 78 set the goal of stdout over the
Conduit: at least half Python's pace (``>=0.5``); the other rows have none (``-``).

Run: ``.venv/bin/python bench/process.py [--quick]``
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_process.plugin
from _shared import GOAL_WIDTH, goal, parse_arguments

from oro_framework.testing import launch_chromium, open_app_page, served_app

APP = Path(__file__).resolve().parents[1] / "examples" / "minimal"
MIB = 1 << 20
CHUNK = 64 * 1024

PAGE = """async ([mode, count, size, conduit, programs]) => {
  const { spawn } = (await import('node:child_process')).default
  const [truePath, headPath] = programs
  const ipc = await import('oro:ipc')
  const previous = conduit ? null : ipc.setTransport(null)
  const run = (command, args, onData) => new Promise((resolve, reject) => {
    const child = spawn(command, args)
    child.on('error', reject)
    if (onData) child.stdout.on('data', onData)
    else child.stdout.resume()
    child.stderr.resume()
    child.on('close', (code) => resolve(code))
  })
  try {
    if (mode === 'spawn') {
      const times = []
      for (let i = 0; i < count + 5; i++) {
        const started = performance.now()
        const code = await run(truePath, [])
        if (code !== 0) throw new Error(`true exited with ${code}`)
        if (i >= 5) times.push(performance.now() - started)
      }
      return { times }
    }
    let received = 0
    const started = performance.now()
    await run(headPath, ['-c', String(size), '/dev/zero'], (chunk) => { received += chunk.length })
    return { received, seconds: (performance.now() - started) / 1000 }
  } finally {
    if (previous) ipc.setTransport(previous)
  }
}"""


def python_spawn(count: int) -> list[float]:
    times = []
    for index in range(count + 5):
        started = time.perf_counter()
        subprocess.run(["true"], check=True)
        if index >= 5:
            times.append((time.perf_counter() - started) * 1000)
    return times


def python_stdout(size: int) -> float:
    """MiB/s of ``head -c size /dev/zero`` read through a pipe."""
    started = time.perf_counter()
    with subprocess.Popen(["head", "-c", str(size), "/dev/zero"], stdout=subprocess.PIPE) as child:
        assert child.stdout is not None
        received = 0
        while chunk := child.stdout.read1(CHUNK):
            received += len(chunk)
    assert received == size
    return size / MIB / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few runs, small output (smoke run)")
    quick = parse_arguments(parser).quick
    count, size = (10, 16 * MIB) if quick else (100, 256 * MIB)
    programs = [shutil.which(name) for name in ("true", "head")]
    config = {"process.allow": programs}
    with (
        launch_chromium() as browser,
        served_app([oro_conduit.plugin, oro_process.plugin], app_dir=APP, config=config) as app,
    ):
        page = open_app_page(browser, app)

        def ours(mode: str, conduit: bool) -> Any:
            return page.evaluate(PAGE, [mode, count, size, conduit, programs])

        print(f"{'case':<30}{'ours':>14}{'python':>14}{'ratio':>8}{'goal':>{GOAL_WIDTH}}")
        base = statistics.median(python_spawn(count))
        for conduit in (True, False):
            via = "conduit" if conduit else "fetch"
            mine = statistics.median(ours("spawn", conduit)["times"])
            print(
                f"{f'spawn→exit true ({via})':<30}{mine:>11.2f} ms{base:>11.2f} ms"
                f"{mine / base:>8.2f}{goal(None)}"
            )
        base = python_stdout(size)
        for conduit in (True, False):
            via = "conduit" if conduit else "fetch"
            run = ours("stdout", conduit)
            assert run["received"] == size, run
            mine = size / MIB / run["seconds"]
            print(
                f"{f'stdout {size // MIB} MiB ({via})':<30}{mine:>9.0f} MiB/s{base:>9.0f} MiB/s"
                f"{mine / base:>8.2f}{goal('>=0.5' if conduit else None)}"
            )


if __name__ == "__main__":
    main()
