"""The reliability suite prints what it held: figures recorded with the ``figures`` fixture are
listed at the end of the pytest run ("reliability figures")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

_FIGURES: list[tuple[str, str]] = []


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """``figures("10,000 requests over 50 connections: 0 errors")``: one line of the report."""

    def record(line: str) -> None:
        _FIGURES.append((request.node.name, line))

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _FIGURES:
        return
    terminalreporter.section("reliability figures")
    for test, line in _FIGURES:
        terminalreporter.write_line(f"{test}: {line}")
