"""The plugin's JS unit tests (``node --test plugins/oro-conduit/tests/js/``) as part of pytest:
the JS codec against the shared vectors, round trips and fuzz; and ``tsc --checkJs`` (strict) on
``oro:conduit`` and its codec."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

TESTS = Path(__file__).parent / "js"


def test_conduit_js_unit_tests_pass() -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js (>= 18.17) is required for the Conduit JS unit tests"
    result = subprocess.run(
        [node, "--test", str(TESTS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = (result.stdout + result.stderr)[-30000:]
    assert result.returncode == 0, report
    passed = re.search(r"^# pass (\d+)$", result.stdout, flags=re.MULTILINE)
    assert passed is not None, report
    assert int(passed[1]) >= 30, report
    assert re.search(r"^# fail 0$", result.stdout, flags=re.MULTILINE), report
    assert re.search(r"^# skipped 0$", result.stdout, flags=re.MULTILINE), report


def _js_api_typescript() -> Path:
    """js-api's pinned TypeScript, installed with ``npm ci`` when missing (as tests/test_js_unit
    does for the core modules)."""
    js_api = Path(__file__).resolve().parents[3] / "js-api"
    tsc = js_api / "node_modules" / "typescript" / "bin" / "tsc"
    if not tsc.is_file():
        npm = shutil.which("npm")
        assert npm is not None, "npm is required to install js-api's dev dependencies"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=js_api,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return tsc


def test_conduit_js_modules_type_check_with_their_jsdoc() -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is required to type-check the Conduit JS modules"
    result = subprocess.run(
        [node, str(_js_api_typescript()), "-p", str(TESTS / "tsconfig.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
