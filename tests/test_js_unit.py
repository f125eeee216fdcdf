"""The js-api unit tests (``node --test js-api/tests/``) as part of the pytest run.

They cover the parts of the core JS modules that need no browser: the SSE parser, parameter and
URL encoding, error rehydration, ``ipc://`` URL mapping, ``oro:ipc`` end to end against a real
HTTP server, the node:events/path/buffer shims, the TypeScript declarations (tsc) and the
vendored bundles. Node.js is required; the dev dependencies of ``js-api/package.json``
(typescript, esbuild and the shimmed packages) are installed with ``npm ci`` when missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
JS_API = REPOSITORY / "js-api"
MINIMUM_NODE = (18, 17)


def _require(program: str, purpose: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(
            f"'{program}' is required {purpose} but was not found on PATH: install Node.js "
            f">= {'.'.join(map(str, MINIMUM_NODE))} with npm (e.g. `apt-get install nodejs npm`)",
            pytrace=False,
        )
    return path


def _check_node_version(node: str) -> None:
    output = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    match = re.match(r"v(\d+)\.(\d+)", output.strip())
    if match is None or (int(match[1]), int(match[2])) < MINIMUM_NODE:
        pytest.fail(
            f"Node.js >= {'.'.join(map(str, MINIMUM_NODE))} is required for the js-api tests, "
            f"found {output.strip()!r}",
            pytrace=False,
        )


def _install_dev_dependencies() -> None:
    installed = JS_API / "node_modules" / ".package-lock.json"
    lock = JS_API / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = _require("npm", "to install the js-api dev dependencies")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=JS_API,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, f"npm ci in js-api/ failed:\n{result.stdout}{result.stderr}"


def test_js_api_unit_tests_pass() -> None:
    node = _require("node", "to run the js-api unit tests")
    _check_node_version(node)
    _install_dev_dependencies()
    result = subprocess.run(
        [node, "--test", "js-api/tests/"],
        cwd=REPOSITORY,
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
