"""tsc (strict, ``--checkJs``) over oro:child_process's JavaScript with its JSDoc, against the
declarations of the modules it imports (``js-api/index.d.ts``)."""

from __future__ import annotations

from pathlib import Path

from oro_framework.testing import type_check_js

CONFIG = Path(__file__).resolve().parent / "js" / "tsconfig.js.json"


def test_the_module_type_checks_with_its_jsdoc() -> None:
    type_check_js(CONFIG)
