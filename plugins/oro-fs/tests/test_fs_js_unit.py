"""The oro-fs JS unit tests (``node --test plugins/oro-fs/tests/js/``) as part of the pytest run.

They cover what needs no host: flag/mode/time/path/encoding handling (encodings checked against
Node's own Buffer), descriptor ids, Stats/Dirent against Node's for real files, the modules'
exports against their ``.d.ts``, ``js-api/index.d.ts`` being regenerated with ``oro:fs``, and
tsc (strict) over the declarations and the JSDoc. ``oro:*`` specifiers resolve as the page's
import map resolves them (``tests/js/support/hooks.mjs``). Everything that talks to the host
runs in Chromium (``test_fs_browser.py``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
JS_API = REPOSITORY / "js-api"
TESTS = Path(__file__).resolve().parent / "js"


def _require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"'{program}' is required for the oro-fs JS tests (install Node.js >= 20)")
    return path


def _install_dev_dependencies() -> None:
    """typescript comes from js-api's pinned dev dependencies (as tests/test_js_unit.py does)."""
    installed = JS_API / "node_modules" / ".package-lock.json"
    lock = JS_API / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    result = subprocess.run(
        [_require("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=JS_API,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, f"npm ci in js-api/ failed:\n{result.stdout}{result.stderr}"


def test_fs_js_unit_tests_pass() -> None:
    node = _require("node")
    _install_dev_dependencies()
    result = subprocess.run(
        [node, "--import", "./support/register.mjs", "--test", "."],
        cwd=TESTS,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-30000:]
    passed = re.search(r"^# pass (\d+)$", result.stdout, flags=re.MULTILINE)
    assert passed is not None, report[-30000:]
    assert int(passed[1]) > 0, "node --test ran no test"
    assert re.search(r"^# fail 0$", result.stdout, flags=re.MULTILINE), report[-30000:]
    assert re.search(r"^# skipped 0$", result.stdout, flags=re.MULTILINE), report[-30000:]
