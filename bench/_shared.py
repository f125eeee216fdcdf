"""Pieces the benchmarks share (imported as ``_shared``: bench scripts run with ``bench/`` on
``sys.path``)."""

from __future__ import annotations

import argparse
import atexit
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal

import anyio
import anyio.abc
import h11
import httpx
import trio
import trio_websocket

from oro_framework import Request, RouteTable, hookimpl

BARE_HYPERCORN_APP = """
import json, trio, hypercorn.config, hypercorn.trio
body = json.dumps({"source": "ping", "id": "0", "data": "pong"}, separators=(",", ":")).encode()
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
config = hypercorn.config.Config()
config.bind = ["127.0.0.1:0"]
config.keep_alive_max_requests = 2**31 - 1
config.backlog = 4096  # as the host's, so both take a burst of 1,000 connections
config.accesslog = None
trio.run(hypercorn.trio.serve, app, config)
"""
"""The floor of the start-up and load benchmarks: a bare hypercorn (trio) ASGI app answering
every request with the ping's JSON reply, run with ``python -c``; it logs its URL on stderr."""

BARE_HYPERCORN_URL = re.compile(r"http://127\.0\.0\.1:(\d+)")


def spawn_until(
    command: list[str],
    pattern: re.Pattern[str],
    *,
    stream: Literal["stdout", "stderr"] = "stdout",
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.Popen[str], re.Match[str]]:
    """Start ``command`` and read its ``stream`` until a line matches ``pattern`` (the other
    stream goes to /dev/null). The caller ends the process.

    :raises RuntimeError: the command exited without printing such a line.
    """
    pipe, null = subprocess.PIPE, subprocess.DEVNULL
    process = subprocess.Popen(
        command,
        stdout=pipe if stream == "stdout" else null,
        stderr=pipe if stream == "stderr" else null,
        text=True,
        env=env,
    )
    output = process.stdout if stream == "stdout" else process.stderr
    assert output is not None
    for line in output:
        found = pattern.search(line)
        if found:
            return process, found
    raise RuntimeError(f"{command[0]} exited with {process.wait()} before printing {pattern}")


class EchoPlugin:
    """Route ``bench.echo``: the request body straight back."""

    name = "bench-echo"

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        async def echo(request: Request) -> bytes:
            return request.body

        routes.add("bench.echo", echo, permission="runtime")


_BUSY_LOOP = """
import os, sys
while os.getppid() == int(sys.argv[1]):  # ends with the bench, even one killed
    for _ in range(1_000_000):
        pass
"""


def start_busy(count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` busy processes (a core each, at the bench's priority); end them with
    :func:`stop_busy`, or they end once this process has."""
    return [
        subprocess.Popen([sys.executable, "-c", _BUSY_LOOP, str(os.getpid())]) for _ in range(count)
    ]


def stop_busy(processes: list[subprocess.Popen[bytes]]) -> None:
    """End what :func:`start_busy` started."""
    for process in processes:
        process.kill()
        process.wait()


def parse_arguments(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """``parser``'s arguments with ``--load N`` added: with it, ``N`` busy processes run from
    here until the bench ends, so that every row, ours and its floor alike, is measured on a
    loaded machine (a user's is rarely idle)."""
    parser.add_argument(
        "--load",
        type=int,
        default=0,
        metavar="N",
        help="measure with N busy processes running beside (a loaded machine)",
    )
    arguments = parser.parse_args()
    if arguments.load > 0:
        atexit.register(stop_busy, start_busy(arguments.load))
        print(f"{arguments.load} busy processes run beside this bench", file=sys.stderr)
    return arguments


def p50_p99(times: list[float]) -> tuple[float, float]:
    """Median and 99th percentile of ``times``."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def per_call(function: Callable[[], Awaitable[Any]], calls: int, rounds: int) -> float:
    """Median seconds per call over ``rounds`` rounds of ``calls`` calls."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            await function()
        samples.append((time.perf_counter() - started) / calls)
    return statistics.median(samples)


def _ping_until_pong(client: httpx.Client, url: str) -> None:
    while True:
        try:
            if "pong" in client.get(url).text:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.002)


def seconds_to_first_pong(
    command: list[str],
    pattern: re.Pattern[str],
    *,
    stream: Literal["stdout", "stderr"] = "stdout",
    env: Mapping[str, str] | None = None,
) -> float:
    """Seconds from spawning ``command`` until ``pattern``'s URL answers ``pong``: a launch URL
    is opened first (the session cookie), then ``/ipc/ping`` is asked. The process is ended."""
    started = time.perf_counter()
    process, found = spawn_until(command, pattern, stream=stream, env=env)
    try:
        url = found.group(0)
        with httpx.Client(timeout=10) as client:
            if "?oro_launch=" in url:
                client.get(url)
                url = url.split("/?", 1)[0] + "/ipc/ping"
            _ping_until_pong(client, url)
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


GOAL_WIDTH = 8
"""Width of the goal column every table ends with, after its ratio."""


def goal(bound: str | None) -> str:
    """The goal column for a ratio: ``"<=1.3"`` (ours at most 1.3 times the baseline), ``">=1"``
    (at least as fast), or ``None`` where a row has no goal (printed ``-``)."""
    return f"{bound or '-':>{GOAL_WIDTH}}"


def print_ratio_header() -> None:
    """The header of a table of :func:`print_ratio_row` rows."""
    print(
        f"{'case':<26}{'ours µs':>10}  {'baseline':<20}{'base µs':>11}{'ratio':>10}"
        f"{'goal':>{GOAL_WIDTH}}"
    )


def print_ratio_row(
    case: str, ours: float, baseline: str, base: float, bound: str | None = None
) -> None:
    """One row: our seconds per call against the baseline's, the ratio ours ÷ baseline, and
    the goal for that ratio (see :func:`goal`)."""
    print(
        f"{case:<26}{ours * 1e6:>10.2f}  {baseline:<20}{base * 1e6:>11.2f}{ours / base:>10.3g}"
        f"{goal(bound)}"
    )


async def raw_websocket_echo(request: trio_websocket.WebSocketRequest) -> None:
    """The WebSocket floor: every message straight back (no key, no frames, no router)."""
    socket = await request.accept()
    while True:
        try:
            await socket.send_message(await socket.get_message())
        except trio_websocket.ConnectionClosed:
            return


Respond = Callable[[bytes, bytes, int], tuple[bytes, str]]
"""A raw floor's answer to a request: ``(target, body, body size)`` → ``(bytes, content type)``."""


async def raw_http(stream: anyio.abc.SocketStream, respond: Respond, *, keep_body: bool) -> None:
    """A floor's HTTP/1.1: keep-alive, CORS open, nothing else; each request answered in one
    write by ``respond``. ``keep_body=False`` only counts a body's bytes (an upload floor must
    not pay for keeping 64 MiB)."""
    connection = h11.Connection(h11.SERVER)
    body = bytearray()
    size = 0
    target = b""
    async with stream:
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                try:
                    connection.receive_data(await stream.receive())
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    connection.receive_data(b"")
                continue
            if isinstance(event, h11.Request):
                target = bytes(event.target)
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if keep_body:
                    body += event.data
            elif isinstance(event, h11.EndOfMessage):
                answer, content_type = respond(target, bytes(body), size)
                headers = [
                    ("content-length", str(len(answer))),
                    ("content-type", content_type),
                    ("access-control-allow-origin", "*"),
                ]
                head = connection.send(h11.Response(status_code=200, headers=headers))
                await stream.send(head + connection.send(h11.Data(data=answer)))
                connection.send(h11.EndOfMessage())
                connection.start_next_cycle()
                body.clear()
                size = 0
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return


def _echo(target: bytes, body: bytes, size: int) -> tuple[bytes, str]:
    if target.startswith(b"/bytes/"):
        return bytes(int(target.removeprefix(b"/bytes/"))), "application/octet-stream"
    return body or b"pong", "application/octet-stream"


async def raw_http_echo(stream: anyio.abc.SocketStream) -> None:
    """The fetch floor: a body comes straight back; ``GET /bytes/<n>`` answers ``n`` bytes (in
    one write); anything else ``pong``."""
    await raw_http(stream, _echo, keep_body=True)


async def serve_raw_floors(*, task_status: anyio.abc.TaskStatus[tuple[int, int]]) -> None:
    """Both floors on free loopback ports until cancelled: ``(websocket port, http port)``."""
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=0)
    async with trio.open_nursery() as nursery:
        server = await nursery.start(
            trio_websocket.serve_websocket, raw_websocket_echo, "127.0.0.1", 0, None
        )
        nursery.start_soon(listener.serve, raw_http_echo)
        task_status.started((server.port, listener.extra(anyio.abc.SocketAttribute.local_port)))
