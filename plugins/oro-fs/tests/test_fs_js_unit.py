"""The oro-fs JS unit tests (``node --test plugins/oro-fs/tests/js/``) as part of the pytest run.

They cover what needs no host: flag/mode/time/path/encoding handling (encodings checked against
Node's own Buffer), descriptor ids, Stats/Dirent against Node's for real files, the modules'
exports against their ``.d.ts``, ``js-api/index.d.ts`` being regenerated with ``oro:fs``, and
tsc (strict) over the declarations and the JSDoc. ``oro:*`` specifiers resolve as the page's
import map resolves them (``tests/js/support/hooks.mjs``). Everything that talks to the host
runs in Chromium (``test_fs_browser.py``).
"""

from __future__ import annotations

from pathlib import Path

from oro_framework.testing import js_api_dev_dependencies, run_node_tests

TESTS = Path(__file__).resolve().parent / "js"


def test_fs_js_unit_tests_pass() -> None:
    js_api_dev_dependencies()  # typescript, for the tsc cases
    run_node_tests(".", cwd=TESTS, node_options=["--import", "./support/register.mjs"])
