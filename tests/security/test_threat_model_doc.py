"""docs/security.md's threat model names, for each thing a page cannot do, the test that proves
it: every test it names must exist, so that a renamed or deleted test cannot leave a line
without its proof."""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
SECURITY = REPOSITORY / "docs" / "security.md"
# `path/test_x.py::test_name` or, after one, `::test_other` (same file).
REFERENCE = re.compile(r"`(?:((?:tests|plugins)/[\w/.-]+\.py))?::(test_\w+)")


def named_tests() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for line in SECURITY.read_text().splitlines():
        current = None
        for match in REFERENCE.finditer(line):
            current = match.group(1) or current
            assert current is not None, f"'::{match.group(2)}' without a file before it: {line}"
            found.append((current, match.group(2)))
    return found


def test_the_threat_model_names_tests_that_exist() -> None:
    tests = named_tests()
    assert len(tests) >= 30, "the threat model lost its table"
    missing = [
        f"{path}::{name}"
        for path, name in tests
        if not (REPOSITORY / path).is_file()
        or not re.search(rf"def {name}\b", (REPOSITORY / path).read_text())
    ]
    assert missing == []
