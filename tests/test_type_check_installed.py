"""``type_check_js`` from an installed oro-framework, as a plugin author runs it: the wheel built
from this repository, installed on its own, imported by a process whose working directory is
outside the repository; its TypeScript is the pinned one, installed into the user's cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _clipnotes import install_distributions
from uv import find_uv_bin

REPOSITORY = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
from pathlib import Path

import oro_framework
from oro_framework import find_js_api
from oro_framework.testing import type_check_js

print(Path(oro_framework.__file__).parent)
print(find_js_api())
type_check_js(Path(sys.argv[1]))
"""

MODULE = """
    import { request } from 'oro:ipc'

    /** @param {string} text @returns {Promise<{ id: number }>} */
    export async function add (text) {
      return await request('notes.add', { text })
    }
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("installed-framework")
    out = root / "dist"
    subprocess.run(
        [find_uv_bin(), "build", "--wheel", "--quiet", "--out-dir", str(out), str(REPOSITORY)],
        check=True,
        timeout=600,
    )
    [wheel] = out.glob("oro_framework-*.whl")
    return install_distributions(root / "site", wheel)


def check_module(site: Path, project: Path, module: str) -> subprocess.CompletedProcess[str]:
    """Write ``module`` as ``notes.js`` and a strict ``checkJs`` tsconfig in ``project``, and
    run ``type_check_js`` on it with the installed framework; cwd ``project``."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "notes.js").write_text(textwrap.dedent(module).lstrip())
    (project / "check.py").write_text(SCRIPT.lstrip())
    js_api = site / "oro_framework" / "js-api"
    config = {
        "compilerOptions": {
            "allowJs": True,
            "checkJs": True,
            "strict": True,
            "noEmit": True,
            "target": "ES2022",
            "module": "ESNext",
            "moduleResolution": "Bundler",
            "lib": ["ES2022", "DOM"],
            "types": [],
        },
        "files": [str(js_api / "index.d.ts"), "notes.js"],
    }
    (project / "tsconfig.json").write_text(json.dumps(config, indent=2))
    return subprocess.run(
        [sys.executable, "check.py", str(project / "tsconfig.json")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        # The installed copy first, before the checkout the environment's editable install
        # names; the cache (where TypeScript goes) the test's own. HOME stays: npm's cache.
        env={**os.environ, "PYTHONPATH": str(site), "XDG_CACHE_HOME": str(project / "cache")},
        timeout=900,
    )


def test_type_check_js_runs_the_pinned_tsc_outside_a_checkout(site: Path, tmp_path: Path) -> None:
    result = check_module(site, tmp_path / "plugin", MODULE)
    assert result.returncode == 0, result.stdout + result.stderr
    package, js_api = result.stdout.splitlines()[:2]
    assert Path(package) == site / "oro_framework"
    assert Path(js_api) == site / "oro_framework" / "js-api"
    # The js-api version of TypeScript, installed into the (test's) user cache.
    pinned = json.loads((REPOSITORY / "js-api" / "package.json").read_text())
    version = pinned["devDependencies"]["typescript"]
    installed = tmp_path / "plugin" / "cache" / "oro-framework" / f"typescript-{version}"
    assert (installed / "node_modules" / "typescript" / "bin" / "tsc").is_file()


def test_type_check_js_fails_with_tscs_report_outside_a_checkout(
    site: Path, tmp_path: Path
) -> None:
    wrong = MODULE.replace("request('notes.add', { text })", "request(42, { text })")
    result = check_module(site, tmp_path / "plugin", wrong)
    assert result.returncode == 1
    assert (
        "notes.js(5,24): error TS2345: Argument of type 'number' is not assignable to parameter "
        "of type 'string'."
    ) in result.stderr


def test_the_pinned_typescript_is_js_apis() -> None:
    shipped = REPOSITORY / "oro_framework" / "testing" / "typescript" / "package.json"
    ours = json.loads(shipped.read_text())["devDependencies"]["typescript"]
    theirs = json.loads((REPOSITORY / "js-api" / "package.json").read_text())
    assert ours == theirs["devDependencies"]["typescript"]
