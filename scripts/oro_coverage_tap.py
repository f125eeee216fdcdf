"""How scripts/oro_coverage.py reads one suite's run: the TAP ``oro test`` prints and the page
problems on its standard error (modules answered 404, exports a module lacks)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

_TAP: Final = re.compile(r"^(not ok|ok) \d+\b ?-? ?(.*)$")
_SKIP: Final = re.compile(r"#\s*(SKIP|TODO)\b", re.I)
_SERVED_404: Final = re.compile(r"(?:script|other|fetch) /oro/([\w\-/]+)\.js answered 404")
# A specifier the import map lacks is fetched as a URL of its own scheme, which Chromium refuses.
_UNMAPPED: Final = re.compile(r"(?:^GET |Access to script at ')(?:socket|oro|node):([\w\-/]+)")
_NO_EXPORT: Final = re.compile(
    r"requested module '([^']+)' does not provide an export named '([^']+)'"
)
_CANNOT_LOAD: Final = re.compile(r"cannot load (\S+): (.*)")


@dataclass
class Suite:
    """One suite's outcome."""

    name: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    status: str = "ran"
    """``ran`` (TAP to its end), ``timeout``, ``not loaded`` or ``crashed``."""
    load_error: str | None = None
    missing_modules: list[str] = field(default_factory=list)
    missing_exports: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    assertion_calls: int = 0
    """``t.<assert>(`` calls in the suite's sources: its size when it did not load."""

    @property
    def total(self) -> int:
        return self.passed + self.failed

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 0.0


def parse_tap(name: str, stdout: str, stderr: str) -> Suite:
    """A :class:`Suite` from what ``oro test`` printed: the TAP on ``stdout``, the page's
    problems (``error:`` lines) on ``stderr``."""
    suite = Suite(name)
    ended = _read_tap(suite, stdout)
    _read_problems(suite, stderr)
    for description in suite.failures:
        _note_missing_exports(suite, description)
    if suite.load_error is not None and suite.passed == 0 and suite.failed <= 1:
        suite.status = "not loaded"
    elif any("timed out" in problem for problem in suite.problems):
        suite.status = "timeout"
    elif not ended:
        suite.status = "crashed"
    return suite


def _read_tap(suite: Suite, stdout: str) -> bool:
    """Count the TAP lines of ``stdout`` into ``suite``; whether the plan line (the end) came."""
    ended = False
    for line in stdout.splitlines():
        match = _TAP.match(line)
        if match is not None:
            description = match.group(2)
            if _SKIP.search(description):
                suite.skipped += 1
            elif match.group(1) == "ok":
                suite.passed += 1
            else:
                suite.failed += 1
                suite.failures.append(description)
                loading = _CANNOT_LOAD.match(description)
                if loading is not None and suite.load_error is None:
                    suite.load_error = loading.group(2)
        elif line.startswith("# SKIP"):
            suite.skipped += 1
        elif re.match(r"^1\.\.\d+$", line):
            ended = True
    return ended


def _read_problems(suite: Suite, stderr: str) -> None:
    """The page's problems (``error:`` lines of ``stderr``) and the modules and exports they
    show missing, into ``suite``."""
    for line in stderr.splitlines():
        text = line.removeprefix("error:").strip()
        if not line.startswith("error:") or not text or text == "the page reported:":
            continue
        if text not in suite.problems:
            suite.problems.append(text)
        for module in [*_SERVED_404.findall(text), *_UNMAPPED.findall(text)]:
            if f"oro:{module}" not in suite.missing_modules:
                suite.missing_modules.append(f"oro:{module}")
        _note_missing_exports(suite, text)


def _note_missing_exports(suite: Suite, text: str) -> None:
    for module, export in _NO_EXPORT.findall(text):
        entry = f"{_module_name(module)}.{export}"
        if entry not in suite.missing_exports:
            suite.missing_exports.append(entry)


def _module_name(url: str) -> str:
    """``http://127.0.0.1:1234/oro/fs/promises.js`` as ``oro:fs/promises``."""
    found = re.search(r"/oro/([\w\-/]+)\.js", url)
    return f"oro:{found.group(1)}" if found else url
