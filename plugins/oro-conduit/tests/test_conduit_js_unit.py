"""The plugin's JS unit tests (``node --test plugins/oro-conduit/tests/js/``) as part of pytest:
the JS codec against the shared vectors, round trips and fuzz; and ``tsc --checkJs`` (strict) on
``oro:conduit`` and its codec."""

from __future__ import annotations

from pathlib import Path

from oro_framework.testing import run_node_tests, type_check_js

TESTS = Path(__file__).parent / "js"


def test_conduit_js_unit_tests_pass() -> None:
    run_node_tests(TESTS, minimum=30)


def test_conduit_js_modules_type_check_with_their_jsdoc() -> None:
    type_check_js(TESTS / "tsconfig.json")
