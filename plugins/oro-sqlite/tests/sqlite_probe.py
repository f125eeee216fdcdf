"""A host with oro-sqlite in a process of its own, fed what the outside probe of issue 39 fed
it; run by ``test_sqlite_probes.py``. A crash of SQLite (SIGSEGV) ends this process, not the
test run, and shows as its exit status; what each call answered and the process's peak RSS
are printed as one JSON object.

Run: ``python sqlite_probe.py fts3|randomblob|budget``
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import oro_sqlite.plugin

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host, process_memory

CONCURRENT = 8


def outcome(reply: Any) -> dict[str, Any]:
    if reply.error is None:
        return {"ok": True}
    error = reply.error.to_dict()
    return {"ok": False, "type": error["type"], "code": error["code"], "status": reply.error.status}


async def fts3(host: Host) -> list[dict[str, Any]]:
    """The crash input: a tokenizer pointer of the page's choosing, then a table that calls
    it; and the one-argument form that answers a pointer."""
    client = MemoryClient(host)
    await client.call("sqlite.open", id="m", path=":memory:")
    answers = []
    for sql in (
        "SELECT fts3_tokenizer('simple')",
        "SELECT fts3_tokenizer('evil', x'4141414141414141')",
        "CREATE VIRTUAL TABLE v USING fts3(tokenize=evil)",
        "INSERT INTO v VALUES ('boom')",
    ):
        answers.append(outcome(await client.call("sqlite.exec", id="m", sql=sql)))
    bound = await client.call(
        "sqlite.exec",
        id="m",
        sql="SELECT fts3_tokenizer('evil2', ?)",
        params=[{"encoding": "base64", "data": "QUFBQUFBQUE="}],
    )
    answers.append(outcome(bound))
    answers.append(outcome(await client.call("sqlite.exec", id="m", sql="SELECT 1 AS alive")))
    return answers


async def concurrently(host: Host, sql: str, statements: int = CONCURRENT) -> list[dict[str, Any]]:
    """``sql`` on ``statements`` databases of one page at once."""
    client = MemoryClient(host)
    answers: list[dict[str, Any]] = []
    for index in range(statements):
        await client.call("sqlite.open", id=f"d{index}", path=":memory:")

    async def one(index: int) -> None:
        answers.append(outcome(await client.call("sqlite.exec", id=f"d{index}", sql=sql)))

    async with anyio.create_task_group() as tasks:
        for index in range(statements):
            tasks.start_soon(one, index)
    return answers


PROBES: dict[str, tuple[dict[str, Any], Callable[[Host], Awaitable[list[dict[str, Any]]]]]] = {
    "fts3": ({}, fts3),
    # SQLITE_LIMIT_LENGTH (max_value_bytes) refuses each before SQLite allocates it.
    "randomblob": ({}, lambda host: concurrently(host, "SELECT randomblob(999000000)")),
    # With the value limit lifted, SQLite's heap limit (max_heap_bytes) is what refuses.
    "heap": (
        {"sqlite.max_value_bytes": 1_000_000_000},
        lambda host: concurrently(host, "SELECT randomblob(999000000)"),
    ),
    # Each answer under max_result_bytes (15 rows of 1 MB), all together over the budget.
    "budget": (
        {"ipc.memory_budget_bytes": 64 << 20},
        lambda host: concurrently(
            host,
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15) "
            "SELECT randomblob(1000000) AS b FROM c",
        ),
    ),
}


async def main(probe: str) -> None:
    config, run = PROBES[probe]
    async with make_host([oro_sqlite.plugin], config=config) as host:
        answers = await run(host)
        used = host.memory.used
    peak = process_memory("VmHWM")
    print(json.dumps({"answers": answers, "peak_rss": peak, "budget_used": used}))


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], backend="trio")
