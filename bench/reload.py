"""``oro dev``'s live-reload round trip: a file of the app saved → the page reloaded and running
(its module script ran and the event channel is open again), against the same page reloaded by
the browser itself (``page.reload()``) in the same run.

The difference is what the loop adds: the watcher noticing the save and waiting out the burst
(``STEP_MS``), the ``devreload`` event travelling to the page. Needs a system Chromium.

Goal: at most 2.5x the browser's own reload. No document states one; the loop adds a fixed
~80-100 ms (the 50 ms burst wait, the watcher's latency, the event), so the ratio moves with the
reload itself: 1.6x on a ~150 ms reload (issue 16's closing note), 2.0-2.2x on a ~75 ms one.

    python bench/reload.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _shared import parse_arguments, print_ratio_header, print_ratio_row
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from oro_framework.testing import launch_chromium
from oro_framework.testing.process import OroProcess, headless_environ

_INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>reload bench</title>
<script type="module" src="main.js"></script></head>
<body data-marker="{marker}"></body></html>
"""
_MAIN = """// {marker}
import {{ whenReady }} from 'oro:bootstrap'
sessionStorage.loads = String(Number(sessionStorage.loads ?? 0) + 1)
whenReady().then(() => {{ globalThis.ready = true }})
"""
_LOADS = "() => globalThis.ready === true ? Number(sessionStorage.loads) : 0"


def _loads(page: Page) -> int:
    try:
        loads: int = page.evaluate(_LOADS)
    except PlaywrightError:  # the page is navigating
        return 0
    return loads


def _round_trip(page: Page, action: Callable[[], object], timeout: float = 30.0) -> float:
    """Seconds from ``action`` until the page loaded once more and is running."""
    before = _loads(page)
    started = time.perf_counter()
    action()
    deadline = started + timeout
    while _loads(page) <= before:
        if time.perf_counter() > deadline:
            raise TimeoutError("the page did not reload")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="A few rounds (CI).")
    rounds = 3 if parse_arguments(parser).quick else 20
    with tempfile.TemporaryDirectory() as directory:
        app = Path(directory)
        (app / "oro.toml").write_text(
            '[meta]\nname = "reload-bench"\nbundle_identifier = "dev.oro.bench-reload"\n',
            encoding="utf-8",
        )
        (app / "index.html").write_text(_INDEX.format(marker=0), encoding="utf-8")
        (app / "main.js").write_text(_MAIN.format(marker=0), encoding="utf-8")
        with (
            OroProcess("dev", str(app), "--headless", environ=headless_environ()) as oro,
            launch_chromium() as browser,
        ):
            page = browser.new_page()
            page.goto(oro.launch_url())
            _round_trip(page, lambda: page.reload())  # warm: caches, the first reload

            def save(name: str, text: str) -> Callable[[], object]:
                return lambda: (app / name).write_text(text, encoding="utf-8")

            cases: dict[str, list[float]] = {"save index.html": [], "save main.js": []}
            baseline: list[float] = []
            for marker in range(1, rounds + 1):
                cases["save index.html"].append(
                    _round_trip(page, save("index.html", _INDEX.format(marker=marker)))
                )
                cases["save main.js"].append(
                    _round_trip(page, save("main.js", _MAIN.format(marker=marker)))
                )
                baseline.append(_round_trip(page, lambda: page.reload()))
    base = statistics.median(baseline)
    print_ratio_header()
    for case, times in cases.items():
        print_ratio_row(case, statistics.median(times), "page.reload()", base, "<=2.5")


if __name__ == "__main__":
    main()
