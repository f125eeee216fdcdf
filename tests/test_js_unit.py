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

import pytest

from oro_framework.testing import js_api_dev_dependencies, run_node_tests

MINIMUM_NODE = (18, 17)


def _check_node_version() -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is required for the js-api unit tests"
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


def test_js_api_unit_tests_pass() -> None:
    _check_node_version()
    js_api = js_api_dev_dependencies()
    run_node_tests("js-api/tests/", cwd=js_api.parent)
