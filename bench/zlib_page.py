"""gzip from a real headless Chromium page (``oro:zlib`` and ``node:zlib``), against Python's
``zlib`` in this process on the same bytes, measured in the same run.

Rows (MiB/s of input, the median of a few runs):

* ``gzip <size> (<via>)`` — ``oro:zlib``'s ``gzip(buffer)`` of the whole input, one request; the
  baseline is ``zlib.compressobj(wbits=31)`` on the same bytes.
* ``gunzip <size> (<via>)`` — ``oro:zlib``'s ``gunzip`` of that output; the baseline
  ``zlib.decompressobj(wbits=31)``.
* ``createGzip <size> (conduit)`` — ``node:zlib``'s Transform fed 64 KiB writes (one host
  request per write, in order); the baseline compresses the same 64 KiB pieces with one
  compressobj.

Each one-shot row for the page with the Conduit (``conduit``: the bytes as WebSocket frames)
and without it (``fetch``: a POST body and the reply's body). The input is this repository's
docs repeated to the size: text, as apps compress.

Columns: ours, python, ratio and goal. The ratio is ours ÷ python in MiB/s (higher is better);
it measures what the bridge costs on top of the same zlib. Issue 30 set no goal, so the goal
column is ``-``.

Run: ``.venv/bin/python bench/zlib_page.py [--quick]`` (not ``bench/zlib.py``: with ``bench/``
first on ``sys.path``, that name would shadow the standard library's ``zlib`` in every bench)
"""

from __future__ import annotations

import argparse
import statistics
import time
import zlib
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_zlib.plugin
from _shared import GOAL_WIDTH, goal, parse_arguments

from oro_framework.testing import launch_chromium, open_app_page, served_app

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "examples" / "minimal"
MIB = 1 << 20
PIECE = 64 * 1024

PAGE = """async ([mode, corpus, size, runs, conduit]) => {
  const oro = await import('oro:zlib')
  const nodeZlib = (await import('node:zlib')).default
  const { Buffer } = await import('oro:buffer')
  const ipc = await import('oro:ipc')
  const previous = conduit ? null : ipc.setTransport(null)
  const unit = new TextEncoder().encode(corpus)
  const input = new Uint8Array(size)
  for (let at = 0; at < size; at += unit.length) input.set(unit.subarray(0, size - at), at)
  const seconds = []
  try {
    for (let run = 0; run < runs; run++) {
      if (mode === 'gzip') {
        const started = performance.now()
        await oro.gzip(input)
        seconds.push((performance.now() - started) / 1000)
      } else if (mode === 'gunzip') {
        const packed = await oro.gzip(input)
        const started = performance.now()
        const plain = await oro.gunzip(packed)
        seconds.push((performance.now() - started) / 1000)
        if (plain.length !== size) throw new Error(`gunzip gave ${plain.length} bytes`)
      } else {
        const gzip = nodeZlib.createGzip()
        let out = 0
        gzip.on('data', (chunk) => { out += chunk.length })
        const started = performance.now()
        const done = new Promise((resolve, reject) => {
          gzip.on('end', resolve)
          gzip.on('error', reject)
        })
        for (let at = 0; at < size; at += 65536) {
          if (!gzip.write(input.subarray(at, at + 65536))) {
            await new Promise((resolve) => gzip.once('drain', resolve))
          }
        }
        gzip.end()
        await done
        seconds.push((performance.now() - started) / 1000)
        if (out === 0) throw new Error('createGzip gave nothing')
      }
    }
    return seconds
  } finally {
    if (previous) ipc.setTransport(previous)
  }
}"""


def corpus() -> str:
    docs = sorted((ROOT / "docs").glob("*.md"))
    return "".join(path.read_text(encoding="utf-8") for path in docs)


def make_input(text: str, size: int) -> bytes:
    unit = text.encode()
    return (unit * (size // len(unit) + 1))[:size]


def python_seconds(mode: str, data: bytes, runs: int) -> float:
    times = []
    packer = zlib.compressobj(wbits=31)
    packed = packer.compress(data) + packer.flush()
    for _ in range(runs):
        started = time.perf_counter()
        if mode == "gzip":
            packer = zlib.compressobj(wbits=31)
            packer.compress(data)
            packer.flush()
        elif mode == "gunzip":
            unpacker = zlib.decompressobj(wbits=31)
            assert len(unpacker.decompress(packed)) == len(data)
        else:
            packer = zlib.compressobj(wbits=31)
            for at in range(0, len(data), PIECE):
                packer.compress(data[at : at + PIECE])
            packer.flush()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few runs, small input (smoke run)")
    quick = parse_arguments(parser).quick
    size, runs = (2 * MIB, 3) if quick else (8 * MIB, 7)
    text = corpus()
    data = make_input(text, size)
    with (
        launch_chromium() as browser,
        served_app([oro_conduit.plugin, oro_zlib.plugin], app_dir=APP) as app,
    ):
        page = open_app_page(browser, app)

        def ours(mode: str, conduit: bool) -> float:
            seconds: Any = page.evaluate(PAGE, [mode, text, size, runs, conduit])
            return statistics.median(seconds)

        print(f"{'case':<30}{'ours':>14}{'python':>14}{'ratio':>8}{'goal':>{GOAL_WIDTH}}")
        cases = [("gzip", True), ("gzip", False), ("gunzip", True), ("gunzip", False)]
        cases.append(("createGzip", True))
        for mode, conduit in cases:
            via = "conduit" if conduit else "fetch"
            mine = size / MIB / ours(mode, conduit)
            base = size / MIB / python_seconds(mode, data, runs)
            print(
                f"{f'{mode} {size // MIB} MiB ({via})':<30}{mine:>9.0f} MiB/s{base:>9.0f} MiB/s"
                f"{mine / base:>8.2f}{goal(None)}"
            )


if __name__ == "__main__":
    main()
