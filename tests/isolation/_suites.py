"""Running a plugin's own test suite, unchanged, with its plugin in a process of its own
(``ORO_TEST_ISOLATE=1``: the test kit isolates the plugin modules a test gives it): every test
passes isolated but those marked ``in_process``, which read the plugin's state in the host's
process and are skipped with their reason. One test file per suite, so that two workers run
them side by side."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

IN_PROCESS_SKIP = "runs in process only: "
"""How the kit's pytest plugin words the skip of an ``in_process`` test."""


def assert_suite_passes_isolated(plugin: str, tmp_path: Path) -> None:
    """Run ``plugins/<plugin>/tests`` with its plugin isolated and check every outcome."""
    report = tmp_path / "report.xml"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"plugins/{plugin}/tests",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
        ],
        cwd=ROOT,
        env={**os.environ, "ORO_TEST_ISOLATE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    # The failures' own text first: the tail of the output is mostly pytest's durations.
    failures = _failures(report) if report.exists() else ""
    assert run.returncode == 0, failures + run.stdout[-6000:] + run.stderr[-3000:]
    cases = ElementTree.parse(report).getroot().iter("testcase")
    outcomes: dict[str, list[str]] = {"passed": [], "skipped": []}
    for case in cases:
        name = f"{case.get('classname')}.{case.get('name')}"
        skipped = case.find("skipped")
        assert case.find("failure") is None, name
        assert case.find("error") is None, name
        if skipped is None:
            outcomes["passed"].append(name)
        else:
            # Only a test marked in_process may be skipped, and only for that reason.
            assert skipped.get("message", "").startswith(IN_PROCESS_SKIP), (name, skipped.attrib)
            outcomes["skipped"].append(name)
    # Most of the suite runs isolated: the skipped tests are the few that read host.stash.
    assert len(outcomes["passed"]) > 4 * len(outcomes["skipped"]), outcomes


def _failures(report: Path) -> str:
    """Each failing or erring test of ``report`` with the first 4,000 characters of its text."""
    parts = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        for outcome in (case.find("failure"), case.find("error")):
            if outcome is not None:
                text = (outcome.text or outcome.get("message") or "")[:4000]
                parts.append(f"{case.get('classname')}.{case.get('name')}:\n{text}\n")
    return "".join(parts)
