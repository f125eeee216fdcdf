"""oro-sqlite's own suite passes with oro-sqlite in a process of its own (``_suites.py``)."""

from __future__ import annotations

from pathlib import Path

from tests.isolation._suites import assert_suite_passes_isolated


def test_sqlites_own_suite_passes_with_it_isolated(tmp_path: Path) -> None:
    assert_suite_passes_isolated("oro-sqlite", tmp_path)
