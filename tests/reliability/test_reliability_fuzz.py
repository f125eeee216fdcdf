"""10,000 hostile IPC requests over HTTP and 10,000 mangled Conduit frames against a host with
every plugin of the repository: never a 500, never a dead host, and a bystander client keeps
getting its answers throughout.

The cases come from a seeded generator (not hypothesis): the point is volume against one live
server, and a failure prints the exact request so it can be replayed."""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any, Final
from urllib.parse import quote

import anyio
import oro_ai.plugin
import oro_conduit.plugin
import oro_fs.plugin
import pytest
import trio_websocket
from _census import Census, settled
from _rawhttp import RawConnection
from oro_conduit import STATE
from oro_conduit.codec import decode_frame, encode_frame

from oro_framework.core import application, diagnostics, os, permissions, ping, platform
from oro_framework.testing import live_server, make_host

pytestmark = pytest.mark.anyio

CASES: Final = 10_000
CONNECTIONS: Final = 20
SEED: Final = 20261122
PLUGINS: Final = [
    ping,
    platform,
    os,
    diagnostics,
    permissions,
    application,
    oro_fs.plugin,
    oro_conduit.plugin,
    oro_ai.plugin,
]
# Routes that end the app (or its last window) on purpose: a fuzzer calling them proves nothing.
ENDS_THE_APP: Final = {"application.exit", "window.close"}
PARAMETER_NAMES: Final = [
    "path", "dest", "src", "fd", "id", "value", "size", "offset", "length", "position", "mode",
    "flags", "recursive", "force", "encoding", "name", "index", "targetWindowIndex", "url",
    "width", "height", "atime", "mtime", "uid", "gid", "prefix", "data", "model", "scale",
    "indices", "key", "to", "options", "seq", "x", "",
]  # fmt: skip
HOSTILE_VALUES: Final = [
    "", "0", "-1", "1", "2147483648", "-9" * 60, "9" * 110, "1e309", "-1e309", "NaN",
    "Infinity", "true", "false", "null", "[]", "[1,2,3]", '{"a":1}', '{"__proto__":{}}',
    '"quoted"', "../../etc/passwd", "/etc/passwd", "resources:oro.toml", "data:", "temp:x",
    "\u0000", "a\u0000b", "\ud800", "☃/❄", "x" * 5000, "/" * 300, ".", "..", "~", "%00",
    "0x10", "1.5", "-0", "ipc://ping", "javascript:alert(1)", "http://evil.example/",
]  # fmt: skip
METHODS: Final = ["GET", "GET", "POST", "PUT", "DELETE", "PATCH"]


def _value(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return rng.choice(HOSTILE_VALUES)
    return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(1, 40)))


def _quoted(text: str) -> str:
    """Percent-encoded, lone surrogates included (as a broken client would send them)."""
    return quote(text, safe="", errors="surrogatepass")


def _case(
    rng: random.Random, routes: list[str], credential: str
) -> tuple[str, str, bytes, list[tuple[str, str]]]:
    """One request: method, target, body, extra headers. Most carry window 0's credential, as
    a page's requests do, so that what is kept per window is fuzzed too; some a mangled one."""
    route = rng.choice(routes) if rng.random() < 0.9 else _value(rng)
    params = [(rng.choice(PARAMETER_NAMES), _value(rng)) for _ in range(rng.randrange(0, 5))]
    query = "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in params)
    body = b""
    if rng.random() < 0.3:
        body = rng.choice([rng.randbytes(rng.randrange(1, 2048)), json.dumps(params).encode()])
    headers: list[tuple[str, str]] = []
    if rng.random() < 0.2:
        headers.append(("x-ipc-uri", f"ipc://{_quoted(route)}?{query}"))
        target = "/ipc"
    else:
        target = f"/ipc/{_quoted(route)}?{query}"
    chance = rng.random()
    if chance < 0.8:
        headers.append(("x-oro-window", credential))
    elif chance < 0.9:
        printable = "".join(c for c in _value(rng) if " " <= c <= "~")
        headers.append(("x-oro-window", printable.strip()))
    return rng.choice(METHODS), target, body, headers


async def test_ten_thousand_hostile_ipc_requests_never_get_a_500(figures: Any) -> None:
    # A short route timeout turns a handler that hangs on bad input into a visible 408.
    config = {"ipc.timeout_ms": 5000}
    async with make_host(PLUGINS, config=config) as host, live_server(host) as server:
        routes = sorted(route.name for route in host.routes if route.name not in ENDS_THE_APP)
        statuses: Counter[int] = Counter()
        server_errors: list[str] = []
        await server.session_cookie()  # redeemed once, before the workers share it
        credential = server.window_credential(0)
        baseline = Census.of()

        async def fuzz(worker: int) -> None:
            rng = random.Random(SEED + worker)
            connection = await RawConnection.open(server)
            try:
                for _ in range(CASES // CONNECTIONS):
                    method, target, body, headers = _case(rng, routes, credential)
                    try:
                        reply = await connection.request(method, target, body, headers)
                    except anyio.EndOfStream:
                        # The server may close after a refusal (413 past the discard limit).
                        await connection.stream.aclose()
                        connection = await RawConnection.open(server)
                        statuses[0] += 1
                        continue
                    statuses[reply.status] += 1
                    # 501 is NotSupportedError, a documented answer (window.eval headless), and
                    # 507 the host's memory budget refusing a hostile size.
                    if reply.status in (408, 500) or (reply.status > 501 and reply.status != 507):
                        server_errors.append(f"{method} {target} {headers} -> {reply.body[:300]!r}")
            finally:
                await connection.stream.aclose()

        with anyio.fail_after(600):
            async with anyio.create_task_group() as task_group:
                for worker in range(CONNECTIONS):
                    task_group.start_soon(fuzz, worker)
        assert server_errors == [], "\n".join(server_errors[:20])
        assert statuses[408] == 0, "a handler hung on hostile input"
        async with await RawConnection.open(server) as after_fuzz:
            assert (await after_fuzz.request("GET", "/ipc/ping")).status == 200
        after = await settled(baseline, slack_descriptors=8)
        assert after.descriptors <= baseline.descriptors + 8
    tried = sum(statuses.values())
    figures(
        f"/ipc fuzz: {tried} requests over {CONNECTIONS} connections, statuses "
        f"{dict(sorted(statuses.items()))}, no 500; fds {baseline.descriptors} → "
        f"{after.descriptors}"
    )


def _mangled_frame(rng: random.Random, routes: list[str]) -> bytes:
    options: dict[str, Any] = {"route": rng.choice(routes), "seq": f"F{rng.randrange(10**6)}"}
    for _ in range(rng.randrange(0, 4)):
        options[rng.choice(PARAMETER_NAMES) or "k"] = _value(rng).replace("\ud800", "?")
    frame = bytearray(encode_frame(options, rng.randbytes(rng.randrange(0, 64))))
    mangling = rng.randrange(5)
    if mangling == 0:
        return bytes(frame)
    if mangling == 1:
        return bytes(frame[: rng.randrange(0, len(frame) + 1)])
    if mangling == 2:
        for _ in range(rng.randrange(1, 8)):
            frame[rng.randrange(len(frame))] = rng.randrange(256)
        return bytes(frame)
    if mangling == 3:
        return rng.randbytes(rng.randrange(0, 300))
    return bytes(frame) + rng.randbytes(rng.randrange(1, 64))


async def test_ten_thousand_mangled_conduit_frames_leave_other_clients_served(
    figures: Any,
) -> None:
    async with make_host(PLUGINS) as host:
        conduit = host.stash[STATE]
        routes = sorted(route.name for route in host.routes if route.name not in ENDS_THE_APP)
        base = f"ws://127.0.0.1:{conduit.port}"
        rng = random.Random(SEED)
        closes: Counter[int] = Counter()
        answered = 0
        pings = 0
        fuzzing_done = anyio.Event()

        async def bystander() -> None:
            nonlocal pings
            url = f"{base}/bystander/0?key={conduit.key}"
            async with trio_websocket.open_websocket_url(url) as socket:
                while not fuzzing_done.is_set():
                    await socket.send_message(encode_frame({"route": "ping", "seq": "B"}))
                    reply = decode_frame(await socket.get_message())
                    assert json.loads(reply.payload)["data"] == "pong"
                    pings += 1

        async def count_answers(socket: trio_websocket.WebSocketConnection) -> None:
            nonlocal answered
            while True:
                decode_frame(await socket.get_message())
                answered += 1

        async def fuzz() -> None:
            sent = 0
            while sent < CASES:
                url = f"{base}/fuzzer/0?key={conduit.key}"
                async with trio_websocket.open_websocket_url(url) as socket:
                    try:
                        async with anyio.create_task_group() as task_group:
                            task_group.start_soon(count_answers, socket)
                            while sent < CASES:
                                sent += 1
                                await socket.send_message(_mangled_frame(rng, routes))
                            task_group.cancel_scope.cancel()
                    except* trio_websocket.ConnectionClosed as group:
                        # Sender and reader both see the one close.
                        first = group.exceptions[0]
                        assert isinstance(first, trio_websocket.ConnectionClosed)
                        closes[int(first.reason.code)] += 1
            fuzzing_done.set()

        with anyio.fail_after(600):
            async with anyio.create_task_group() as task_group:
                task_group.start_soon(bystander)
                task_group.start_soon(fuzz)
        assert pings > 0
        assert set(closes) <= {1007, 1009, 1008}, closes
    figures(
        f"Conduit fuzz: {CASES} frames, {answered} answered, closes {dict(closes)}; "
        f"bystander: {pings} pings, all answered"
    )
