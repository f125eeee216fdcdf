"""IPC under load: requests/s and latency at 10, 100 and 1,000 concurrent clients, against a bare
hypercorn app in the same run, and what the host holds before, after and once settled.

The host is the real ``oro run --headless`` of examples/minimal in its own process (HTTP IPC
bridge on with a random key, Conduit on a fixed port), so its descriptors, threads and memory are
read from /proc/<pid> without the load generator's own. The baseline is a bare hypercorn (trio)
ASGI app answering the same JSON in a process of its own: the ratio is what the bridge, router
and envelope cost on top of the HTTP server we build on.

Clients are raw: fetch clients are asyncio streams with a hand-written HTTP/1.1 keep-alive loop
(httpx's own CPU would dominate at this load); Conduit clients are trio-websocket connections
sending Oro frames one after another. Every client makes its share of the requests in turn.

Columns: clients, transport, requests, errors, requests/s, p50 and p99 (ms), then ratio =
ours ÷ baseline requests/s at the same number of clients (1.00 on baseline rows; higher is
better) and its goal. Fetch: at least 0.8x bare hypercorn, issue 17's fetch goal (a call at most
1.2x a raw HTTP echo) as requests/s; issue 10 measured 0.35-0.85x, so it is not met at every
level yet. Conduit: at least 1x bare hypercorn over fetch (issue 5 made it the fast path for all
IPC; issue 10 measured 1.4-1.7x).

Run: ``.venv/bin/python bench/load.py [--quick] [--json FILE]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import trio
import trio_websocket
from _shared import (
    BARE_HYPERCORN_APP,
    BARE_HYPERCORN_URL,
    GOAL_WIDTH,
    goal,
    p50_p99,
    parse_arguments,
    spawn_until,
)
from oro_conduit.codec import decode_frame, encode_frame

REPOSITORY = Path(__file__).resolve().parents[1]
APP = REPOSITORY / "examples" / "minimal"
LAUNCH_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/\?oro_launch=")
GOALS = {"fetch /ipc/ping": ">=0.8", "conduit": ">=1"}
"""The goal of each transport's ratio (the baseline rows have none)."""


@dataclass
class Row:
    clients: int
    transport: str
    requests: int
    errors: int
    per_second: float
    p50_ms: float
    p99_ms: float
    ratio: float = 1.0


@dataclass
class Census:
    descriptors: int
    threads: int
    rss_mib: float

    @classmethod
    def of(cls, pid: int) -> Census:
        with open(f"/proc/{pid}/statm") as statm:
            rss_pages = int(statm.read().split()[1])
        return cls(
            len(os.listdir(f"/proc/{pid}/fd")),
            len(os.listdir(f"/proc/{pid}/task")),
            round(rss_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1),
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start_host(key: str, conduit_port: int) -> tuple[subprocess.Popen[str], int]:
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DISPLAY", "WAYLAND_DISPLAY") and not name.startswith("ORO_")
    }
    environ |= {
        "ORO_HTTP_IPC_ENABLE": "true",
        "ORO_HTTP_IPC_SHARED_KEY": key,
        "ORO_CONDUIT_SHARED_KEY": key,
    }
    process, found = spawn_until(
        [
            str(Path(sys.executable).with_name("oro")),
            "run",
            str(APP),
            "--headless",
            "-c",
            f"conduit.port={conduit_port}",
        ],
        LAUNCH_URL,
        env=environ,
    )
    return process, int(found.group(1))


def _start_baseline() -> tuple[subprocess.Popen[str], int]:
    process, found = spawn_until(
        [sys.executable, "-c", BARE_HYPERCORN_APP], BARE_HYPERCORN_URL, stream="stderr"
    )
    return process, int(found.group(1))


async def _fetch_client(
    port: int, target: bytes, requests: int, key: str
) -> tuple[list[float], int]:
    """One keep-alive connection making ``requests`` GETs in turn: latencies and errors."""
    request = (
        b"GET "
        + target
        + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-ORO-Auth: %s\r\n\r\n" % (port, key.encode())
    )
    times: list[float] = []
    errors = 0
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(requests):
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            body = await reader.readexactly(length)
            times.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200") or b'"pong"' not in body:
                errors += 1
    except (OSError, asyncio.IncompleteReadError, AttributeError):
        errors += requests - len(times)
    finally:
        writer.close()
    return times, errors


async def _fetch_load(port: int, target: bytes, clients: int, total: int, key: str) -> Row:
    each = max(1, total // clients)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(_fetch_client(port, target, each, key) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    times = [t for latencies, _ in results for t in latencies]
    errors = sum(count for _, count in results)
    p50, p99 = p50_p99(times or [0.0])
    return Row(clients, "", len(times), errors, len(times) / elapsed, p50 * 1000, p99 * 1000)


async def _conduit_load(port: int, key: str, clients: int, total: int) -> Row:
    each = max(1, total // clients)
    times: list[float] = []
    errors = 0

    async def client(number: int) -> None:
        nonlocal errors
        url = f"ws://127.0.0.1:{port}/load{number}/0?key={key}"
        try:
            async with trio_websocket.open_websocket_url(url) as connection:
                for sequence in range(each):
                    started = time.perf_counter()
                    await connection.send_message(
                        encode_frame({"route": "ping", "seq": f"R{sequence}"})
                    )
                    message = await connection.get_message()
                    if isinstance(message, str):  # Oro frames are binary
                        raise TypeError("a text message where a frame was due")
                    reply = decode_frame(message)
                    times.append(time.perf_counter() - started)
                    if json.loads(reply.payload).get("data") != "pong":
                        errors += 1
        except (OSError, trio_websocket.HandshakeError, trio_websocket.ConnectionClosed):
            errors += 1

    started = time.perf_counter()
    async with trio.open_nursery() as nursery:
        for number in range(clients):
            nursery.start_soon(client, number)
    elapsed = time.perf_counter() - started
    p50, p99 = p50_p99(times or [0.0])
    return Row(clients, "conduit", len(times), errors, len(times) / elapsed, p50 * 1000, p99 * 1000)


def _settle(pid: int, baseline: Census, seconds: float = 15.0) -> Census:
    """The host's census once its descriptors came back (or after ``seconds``)."""
    deadline = time.monotonic() + seconds
    current = Census.of(pid)
    while current.descriptors > baseline.descriptors + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        current = Census.of(pid)
    return current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (CI)")
    parser.add_argument("--json", type=Path, help="also write rows and censuses to this file")
    options = parse_arguments(parser)
    levels = (10, 100, 1000)
    total = 2000 if options.quick else 20000
    key = secrets.token_urlsafe(24)
    conduit_port = _free_port()
    host, port = _start_host(key, conduit_port)
    baseline_server, baseline_port = _start_baseline()
    rows: list[Row] = []
    try:
        before = Census.of(host.pid)
        asyncio.run(_fetch_load(port, b"/ipc/ping", 4, 200, key))  # warm-up
        for clients in levels:
            floor = asyncio.run(_fetch_load(baseline_port, b"/", clients, total, key))
            floor.transport = "bare hypercorn"
            ours = asyncio.run(_fetch_load(port, b"/ipc/ping", clients, total, key))
            ours.transport = "fetch /ipc/ping"
            ours.ratio = ours.per_second / floor.per_second
            rows += [floor, ours]
        for clients in levels[:2]:
            conduit = trio.run(_conduit_load, conduit_port, key, clients, total)
            conduit.ratio = conduit.per_second / rows[2 * levels.index(clients)].per_second
            rows.append(conduit)
        after = Census.of(host.pid)
        settled = _settle(host.pid, before)
    finally:
        for process in (host, baseline_server):
            process.terminate()
            process.wait(timeout=30)
    header = f"{'clients':>7}  {'transport':<16} {'requests':>8} {'errors':>6} {'req/s':>8} "
    print(header + f"{'p50 ms':>8} {'p99 ms':>8}  ratio{'goal':>{GOAL_WIDTH}}")
    for row in rows:
        print(
            f"{row.clients:>7}  {row.transport:<16} {row.requests:>8} {row.errors:>6} "
            f"{row.per_second:>8.0f} {row.p50_ms:>8.2f} {row.p99_ms:>8.2f}  {row.ratio:5.2f}"
            f"{goal(GOALS.get(row.transport))}"
        )
    print(
        f"host: before {before}, after {after}, settled {settled}",
        file=sys.stderr,
    )
    if options.json:
        report: dict[str, Any] = {
            "rows": [asdict(row) for row in rows],
            "census": {
                "before": asdict(before),
                "after": asdict(after),
                "settled": asdict(settled),
            },
        }
        options.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
