"""scripts/oro_coverage.py reads `oro test`'s output as it is printed (the run itself is not
part of the suite: it takes minutes and measures, it does not gate)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).parents[1] / "scripts" / "oro_coverage.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("oro_coverage", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


TAP = """TAP version 13
# suite - one
ok 1 first
not ok 2 second
  ---
    operator: ok
  ...
ok 3 third # SKIP not here
# SKIP a skipped test

1..3
# tests 3
# pass  2
# fail  1
"""


def test_a_run_is_counted_from_its_tap_lines() -> None:
    suite = load_script().parse_tap("one", TAP, "")

    assert (suite.passed, suite.failed, suite.skipped, suite.status) == (1, 1, 2, "ran")
    assert suite.failures == ["second"]


def test_a_suite_that_did_not_load_names_the_modules_the_page_could_not_get() -> None:
    stdout = (
        "TAP version 13\nnot ok 1 cannot load /webview.js: TypeError: Failed to fetch "
        "dynamically imported module: http://127.0.0.1:1/webview.js\n\n1..1\n"
    )
    stderr = (
        "error: the page reported:\n"
        "error:   console error: Access to script at 'socket:fetch' from origin 'x' has been "
        "blocked by CORS policy\n"
        "error:   GET socket:internal/events failed: net::ERR_FAILED\n"
        "error:   script /oro/module.js answered 404\n"
        "error:   uncaught SyntaxError: The requested module 'http://127.0.0.1:1/oro/os.js' "
        "does not provide an export named 'hrtime'\n"
    )
    suite = load_script().parse_tap("webview", stdout, stderr)

    assert suite.status == "not loaded"
    assert suite.load_error.startswith("TypeError: Failed to fetch")
    assert suite.missing_modules == ["oro:fetch", "oro:internal/events", "oro:module"]
    assert suite.missing_exports == ["oro:os.hrtime"]


def test_a_run_cut_short_is_a_timeout() -> None:
    stderr = "error: timed out after 60 s\n"
    suite = load_script().parse_tap("hooks", "TAP version 13\nok 1 a\nnot ok 2 b\n", stderr)

    assert (suite.passed, suite.failed, suite.status) == (1, 1, "timeout")
