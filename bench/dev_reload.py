"""``oro dev``'s backend round trip: ``backend.py`` saved → the page's next backend call
answered by the new code (the backend swapped inside the running host; the page is not
reloaded), against a whole host restart measured in the same run (``oro.toml`` saved → the
restarted host's page answering a backend call), which is what every save of ``backend.py``
cost before issue 52.

Two rows: a working save (the new answer), a broken save (the page's call answering
``ERR_BACKEND_IMPORT``). Needs a system Chromium.

Goal: at most 0.25x the restart. No document states one; the swap costs the watcher's latency
and burst wait (~50-250 ms) plus one import, where a restart costs a host start (imports of
every plugin, ~1-3 s) and a page reload.

    python bench/dev_reload.py [--quick]
"""

from __future__ import annotations

import argparse
import re
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

_CONFIG = '[meta]\nname = "{name}"\nbundle_identifier = "dev.oro.bench-dev-reload"\n'
_INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>dev reload bench</title></head>
<body></body></html>
"""
_BACKEND = """from oro_framework.backend import command


@command
def answer() -> str:
    return "{answer}"
"""
_CALL = """async () => {
    try { return await (await import('oro:backend')).default.answer() } catch (error) {
        return error.code ?? String(error)
    }
}"""
GOAL = "<=0.25"
_SWAPS = r"^oro dev: the host reloads backend\.py itself"


def _answer(page: Page) -> str | None:
    try:
        answer: str = page.evaluate(_CALL)
    except PlaywrightError:  # the page is navigating (a restart)
        return None
    return answer


def _round_trip(page: Page, action: Callable[[], object], expected: str) -> float:
    """Seconds from ``action`` until the page's backend call answers ``expected``."""
    started = time.perf_counter()
    action()
    deadline = started + 60.0
    while _answer(page) != expected:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the page's backend call never answered {expected!r}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="A few rounds (CI).")
    rounds = 2 if parse_arguments(parser).quick else 8
    with tempfile.TemporaryDirectory() as directory:
        app = Path(directory)
        (app / "oro.toml").write_text(_CONFIG.format(name="r0"), encoding="utf-8")
        (app / "index.html").write_text(_INDEX, encoding="utf-8")
        (app / "backend.py").write_text(_BACKEND.format(answer="a0"), encoding="utf-8")

        def save(name: str, text: str) -> Callable[[], object]:
            return lambda: (app / name).write_text(text, encoding="utf-8")

        with (
            OroProcess("dev", str(app), "--headless", environ=headless_environ()) as oro,
            launch_chromium() as browser,
        ):
            page = browser.new_page()
            page.goto(oro.launch_url())
            # Printed once the host watches backend.py: perhaps read already with the URL.
            if not any(re.match(_SWAPS, line) for line in oro.lines):
                oro.wait_for_line(_SWAPS)
            swapped: list[float] = []
            broken: list[float] = []
            restarts: list[float] = []
            for round_ in range(1, rounds + 1):
                good = f"a{round_}"
                broken.append(
                    _round_trip(page, save("backend.py", "def (:\n"), "ERR_BACKEND_IMPORT")
                )
                swapped.append(
                    _round_trip(page, save("backend.py", _BACKEND.format(answer=good)), good)
                )
                # The floor: a whole restart, the page answering again from the new host.
                restarts.append(_restart(page, oro, app, round_, good))
    base = statistics.median(restarts)
    print_ratio_header()
    print_ratio_row("save backend.py", statistics.median(swapped), "host restart", base, GOAL)
    print_ratio_row("save broken backend", statistics.median(broken), "host restart", base, GOAL)


def _restart(page: Page, oro: OroProcess, app: Path, round_: int, good: str) -> float:
    """Seconds from saving a valid new ``oro.toml`` until the restarted host's page (a new boot)
    answers its backend call."""
    boot = page.evaluate("() => globalThis.__args.devBoot")
    started = time.perf_counter()
    (app / "oro.toml").write_text(_CONFIG.format(name=f"r{round_}"), encoding="utf-8")
    deadline = started + 60.0
    while True:
        try:
            current = page.evaluate("() => globalThis.__args?.devBoot ?? null")
        except PlaywrightError:
            current = None
        if current not in (None, boot) and _answer(page) == good:
            break
        if time.perf_counter() > deadline:
            raise TimeoutError("the host did not restart")
    elapsed = time.perf_counter() - started
    oro.wait_for_line(_SWAPS)  # the new host watches backend.py before the next round saves it
    return elapsed


if __name__ == "__main__":
    main()
