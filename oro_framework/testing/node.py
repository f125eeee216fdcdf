"""JavaScript unit tests under Node, and js-api's pinned dev dependencies."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

__all__ = ["js_api_dev_dependencies", "run_in_node", "run_node_tests", "type_check_js"]


def _require_program(program: str, purpose: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(
            f"'{program}' is required {purpose} but was not found on PATH: install Node.js "
            ">= 18.17 with npm (e.g. `apt-get install nodejs npm`)",
            pytrace=False,
        )
    return path


def run_in_node(
    body: str,
    *,
    imports: str,
    values: Mapping[str, Any],
    directory: Path,
    timeout: float = 60,
) -> Any:
    """Run ``body``, the body of an async function returning JSON, as an ES module under
    ``node`` and answer what it returned: the Node half of a differential test, which runs the
    same body in a page and compares. ``imports`` are the module's import lines (``import dns
    from 'node:dns'``); each of ``values`` becomes a constant of that name (its JSON).
    """
    node = _require_program("node", "to run a script under Node")
    constants = "".join(f"const {name} = {json.dumps(value)}\n" for name, value in values.items())
    script = directory / "differential-script.mjs"
    script.write_text(
        f"{imports}\n{constants}"
        f"const result = await (async () => {{ {body} }})()\n"
        "console.log(JSON.stringify(result))\n"
    )
    completed = subprocess.run(
        [node, str(script)], capture_output=True, text=True, check=True, timeout=timeout
    )
    return json.loads(completed.stdout)


def js_api_dev_dependencies() -> Path:
    """Install ``js-api/``'s pinned dev dependencies (typescript, esbuild, the shimmed packages)
    with ``npm ci`` unless they are current, and return the ``js-api`` directory. Only in a source
    checkout of oro-framework, where tests type-check and bundle the JS modules."""
    js_api = Path(__file__).resolve().parents[2] / "js-api"
    installed = js_api / "node_modules" / ".package-lock.json"
    lock = js_api / "package-lock.json"
    if not lock.is_file():
        pytest.fail(f"{js_api} is not a source checkout of js-api/", pytrace=False)
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return js_api
    npm = _require_program("npm", "to install the js-api dev dependencies")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=js_api,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, f"npm ci in js-api/ failed:\n{result.stdout}{result.stderr}"
    return js_api


def type_check_js(config: Path) -> None:
    """Run js-api's pinned TypeScript (``tsc -p config``) and fail with its report unless the
    project type-checks: how a plugin proves its JS module agrees with its JSDoc and with the
    declarations of the modules it imports (a ``tsconfig`` with ``checkJs`` and ``strict``)."""
    node = _require_program("node", "to run tsc")
    tsc = js_api_dev_dependencies() / "node_modules" / "typescript" / "bin" / "tsc"
    result = subprocess.run(
        [node, str(tsc), "-p", str(config)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _failures(tap: str, context: int = 14) -> str:
    """The ``not ok`` blocks of a TAP report (at most 5, each with what follows it)."""
    lines = tap.splitlines()
    starts = [index for index, line in enumerate(lines) if line.lstrip().startswith("not ok")]
    blocks = ["\n".join(lines[index : index + context]) for index in starts[:5]]
    return "".join(f"{block}\n...\n" for block in blocks)


def run_node_tests(
    *paths: str | Path,
    cwd: Path | None = None,
    node_options: Sequence[str] = (),
    minimum: int = 1,
) -> str:
    """Run ``node [node_options] --test paths...`` and fail unless at least ``minimum`` tests
    ran, none failed and none was skipped (a skipped test never counts as passing). Returns
    node's report."""
    node = _require_program("node", "to run JavaScript unit tests")
    result = subprocess.run(
        [node, *node_options, "--test", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    # The failures last: a long run's tail alone may not reach them, and a CI log shows a tail.
    report = (result.stdout + result.stderr)[-20000:] + "\n" + _failures(result.stdout)
    assert result.returncode == 0, report
    passed = re.search(r"^# pass (\d+)$", result.stdout, flags=re.MULTILINE)
    assert passed is not None, report
    assert int(passed[1]) >= minimum, f"node --test ran {passed[1]} tests, expected {minimum}+"
    assert re.search(r"^# fail 0$", result.stdout, flags=re.MULTILINE), report
    assert re.search(r"^# skipped 0$", result.stdout, flags=re.MULTILINE), report
    return result.stdout
