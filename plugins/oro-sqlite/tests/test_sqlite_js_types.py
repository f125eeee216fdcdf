"""tsc (strict, ``--checkJs``) over oro:sqlite's JavaScript with its JSDoc, against the
declarations of the modules it imports (``js-api/index.d.ts``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from oro_framework.testing import js_api_dev_dependencies

CONFIG = Path(__file__).resolve().parent / "js" / "tsconfig.js.json"


def test_the_module_type_checks_with_its_jsdoc() -> None:
    js_api = js_api_dev_dependencies()
    node = shutil.which("node")
    if node is None:
        pytest.fail("'node' is required to run tsc but was not found on PATH", pytrace=False)
    tsc = js_api / "node_modules" / "typescript" / "bin" / "tsc"
    result = subprocess.run(
        [node, str(tsc), "-p", str(CONFIG)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
