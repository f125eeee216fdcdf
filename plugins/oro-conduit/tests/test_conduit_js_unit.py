"""The plugin's JS unit tests (``node --test plugins/oro-conduit/tests/js/``) as part of pytest:
the JS codec against the shared vectors, round trips and fuzz; and ``tsc --checkJs`` (strict) on
``oro:conduit`` and its codec."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from oro_framework.testing import js_api_dev_dependencies, run_node_tests

TESTS = Path(__file__).parent / "js"


def test_conduit_js_unit_tests_pass() -> None:
    run_node_tests(TESTS, minimum=30)


def test_conduit_js_modules_type_check_with_their_jsdoc() -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is required to type-check the Conduit JS modules"
    tsc = js_api_dev_dependencies() / "node_modules" / "typescript" / "bin" / "tsc"
    result = subprocess.run(
        [node, str(tsc), "-p", str(TESTS / "tsconfig.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
