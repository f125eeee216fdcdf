"""JavaScript unit tests under Node, js-api's pinned dev dependencies, and TypeScript checks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import platformdirs
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
    js_api = _checkout_js_api()
    if js_api is None:
        pytest.fail(
            "js-api's dev dependencies exist only in a source checkout of oro-framework "
            "(type_check_js works without one)",
            pytrace=False,
        )
    installed = js_api / "node_modules" / ".package-lock.json"
    lock = js_api / "package-lock.json"
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


_TSC: Final = Path("node_modules", "typescript", "bin", "tsc")
_PINNED_TYPESCRIPT: Final = Path(__file__).with_name("typescript")
"""The package.json and package-lock.json of the TypeScript an installed oro-framework runs
(the version js-api/ pins, which a test keeps equal)."""


def _checkout_js_api() -> Path | None:
    """``js-api/`` of the source checkout this package runs from, if it does."""
    js_api = Path(__file__).resolve().parents[2] / "js-api"
    return js_api if (js_api / "package-lock.json").is_file() else None


def _installed_typescript() -> Path:
    """The folder holding the pinned TypeScript of :data:`_PINNED_TYPESCRIPT`, installed with
    ``npm ci`` once per version into the user's cache (an installed package's folder may not
    be writable), into a folder of its own first and then renamed into place, so that test
    processes starting together never see half an install."""
    lock = json.loads((_PINNED_TYPESCRIPT / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/typescript"]["version"]
    target = Path(platformdirs.user_cache_dir("oro-framework")) / f"typescript-{version}"
    if (target / _TSC).is_file():
        return target
    npm = _require_program("npm", "to install TypeScript for type_check_js")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(_PINNED_TYPESCRIPT / name, staging / name)
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=staging,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert result.returncode == 0, (
            f"npm ci of TypeScript {version} in {staging} failed:\n{result.stdout}{result.stderr}"
        )
        staging.rename(target)
    except OSError:
        # Another process put its install there first: that one serves.
        if not (target / _TSC).is_file():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def type_check_js(config: Path) -> None:
    """Run the pinned TypeScript (``tsc -p config``) and fail with its report unless the
    project type-checks: how a plugin proves its JS module agrees with its JSDoc and with the
    declarations of the modules it imports (a ``tsconfig`` with ``checkJs`` and ``strict``,
    whose ``files`` name ``find_js_api() / "index.d.ts"`` for oro-framework's modules).

    In a source checkout of oro-framework it is js-api's (:func:`js_api_dev_dependencies`);
    elsewhere the same version, installed with npm on first use into the user's cache
    (``~/.cache/oro-framework/typescript-<version>``). Needs ``node`` and, once, ``npm``.
    """
    node = _require_program("node", "to run tsc")
    folder = js_api_dev_dependencies() if _checkout_js_api() else _installed_typescript()
    tsc = folder / _TSC
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
