"""Load held: bench/load.py drives a real ``oro run --headless`` with 10, 100 and 1,000 concurrent
fetch clients and 10 and 100 Conduit clients; every request is answered, and the host's
descriptors and threads come back to where they started (memory may grow, within a bound)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench" / "load.py"
RSS_GROWTH_MIB = 64.0
"""Allocator arenas and caches warmed by the load stay; a leak per request would exceed this."""


def test_concurrent_ipc_over_fetch_and_conduit_has_no_errors_and_settles(
    tmp_path: Path, figures: Any
) -> None:
    report_file = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", str(report_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(report_file.read_text())
    rows, census = report["rows"], report["census"]
    ours = [row for row in rows if row["transport"] != "bare hypercorn"]
    assert {row["clients"] for row in ours if row["transport"] == "conduit"} == {10, 100}
    assert {row["clients"] for row in ours if row["transport"] != "conduit"} == {10, 100, 1000}
    for row in ours:
        assert row["errors"] == 0, row
        assert row["requests"] >= 1000, row
    before, settled = census["before"], census["settled"]
    assert settled["descriptors"] <= before["descriptors"] + 2, census
    assert settled["threads"] <= before["threads"] + 2, census
    assert settled["rss_mib"] <= before["rss_mib"] + RSS_GROWTH_MIB, census
    for row in ours:
        figures(
            f"{row['clients']} clients over {row['transport']}: {row['requests']} requests, "
            f"{row['errors']} errors, {row['per_second']:.0f}/s, p99 {row['p99_ms']:.1f} ms"
        )
    figures(f"host fds/threads/RSS before {before}, after {census['after']}, settled {settled}")
