"""The plugin's JS unit tests (``node --test plugins/oro-conduit/tests/js/``) as part of pytest:
the JS codec against the shared vectors, round trips and fuzz."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

TESTS = Path(__file__).parent / "js"


def test_conduit_js_unit_tests_pass() -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js (>= 18.17) is required for the Conduit JS unit tests"
    result = subprocess.run(
        [node, "--test", str(TESTS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = (result.stdout + result.stderr)[-30000:]
    assert result.returncode == 0, report
    passed = re.search(r"^# pass (\d+)$", result.stdout, flags=re.MULTILINE)
    assert passed is not None, report
    assert int(passed[1]) >= 30, report
    assert re.search(r"^# fail 0$", result.stdout, flags=re.MULTILINE), report
    assert re.search(r"^# skipped 0$", result.stdout, flags=re.MULTILINE), report
