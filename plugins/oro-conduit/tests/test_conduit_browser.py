"""oro:conduit in a real headless Chromium against the real bridge and Conduit server: IPC over
the socket with the same results and errors as fetch, fallback and reconnection, pause/resume,
host events, relays, pushes, and the JS codec on the shared vectors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from oro_conduit import STATE, ConduitServer, plugin, send
from playwright.sync_api import Browser, Page

import oro_framework.core.application
import oro_framework.core.diagnostics
import oro_framework.core.ping
from oro_framework import (
    ByteStream,
    EventStream,
    InvalidArgumentError,
    NotSupportedError,
    Request,
    SecurityError,
)
from oro_framework.testing import RoutePlugin, ServedApp, WebKitBrowser, open_app_page, served_app

VECTORS = Path(__file__).parent / "vectors.json"


async def _echo(request: Request) -> dict[str, Any]:
    return {"params": dict(request.params), "window": request.window}


async def _body(request: Request) -> bytes:
    return request.body


async def _json_body(request: Request) -> Any:
    return request.json()


async def _events(request: Request) -> EventStream:
    async def produce() -> AsyncIterator[Any]:
        for number in range(request.params.get_int("count", 3)):
            yield {"n": number}
        if request.params.get_bool("fail"):
            raise InvalidArgumentError.invalid("fail", "no failure")

    return EventStream(produce())


async def _chunks(request: Request) -> ByteStream:
    async def produce() -> AsyncIterator[bytes]:
        yield b"abc"
        yield b"def"

    return ByteStream(produce())


async def _big(request: Request) -> ByteStream:
    async def produce() -> AsyncIterator[bytes]:
        for _ in range(64):
            yield b"x" * 65536

    return ByteStream(produce())


BIG_STREAMS_CLOSED = {"count": 0}
"""How many ``test.big`` streams the host has closed (finished, cancelled or cut)."""


async def _big_closing(request: Request) -> ByteStream:
    async def produce() -> AsyncIterator[bytes]:
        try:
            for _ in range(64):
                yield b"x" * 65536
        finally:
            BIG_STREAMS_CLOSED["count"] += 1

    return ByteStream(produce())


async def _huge(request: Request) -> ByteStream:
    async def produce() -> AsyncIterator[bytes]:
        for index in range(4):
            yield bytes([index]) * (300 * 1024)

    return ByteStream(produce())


FILE_SIZE = {"bytes": 0}
"""What ``test.file`` answers with: a test changes it between calls (a file that changes)."""


async def _file(request: Request) -> bytes:
    return b"f" * FILE_SIZE["bytes"]


async def _security(request: Request) -> None:
    raise SecurityError("path escapes the sandbox", path="../x")


async def _unsupported(request: Request) -> None:
    raise NotSupportedError("not on this platform")


async def _internal(request: Request) -> None:
    raise RuntimeError("boom")


async def _enoent(request: Request) -> None:
    await anyio.Path("/definitely/not/here.txt").read_bytes()


async def _slow(request: Request) -> None:
    await anyio.sleep(30)


ROUTES = RoutePlugin(
    {
        "test.echo": _echo,
        "test.body": _body,
        "test.json": _json_body,
        "test.events": _events,
        "test.chunks": _chunks,
        "test.big": _big,
        "test.big-closing": _big_closing,
        "test.huge": _huge,
        "test.file": _file,
        "test.security": _security,
        "test.unsupported": _unsupported,
        "test.internal": _internal,
        "test.enoent": _enoent,
    },
    permission="test",
    declare=True,
)
SLOW = RoutePlugin({"slow.wait": _slow}, name="slow", permission="slow", declare=True, timeout=0.2)
OFF = RoutePlugin({"off.call": _echo}, name="off", permission="off", declare=True)
PLUGINS = [
    oro_framework.core.ping,
    oro_framework.core.diagnostics,
    oro_framework.core.application,
    plugin,
    ROUTES,
    SLOW,
    OFF,
]
CONFIG = {"permissions.allow_off": False, "ipc.max_body_bytes": 64 * 1024}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    directory = tmp_path_factory.mktemp("conduit-app")
    (directory / "index.html").write_text(
        "<!doctype html><html><head><title>conduit</title></head><body></body></html>"
    )
    with served_app(PLUGINS, app_dir=directory, config=CONFIG) as served:
        yield served


def _open(browser: Browser | WebKitBrowser, app: ServedApp) -> Page:
    page = open_app_page(browser, app)
    page.evaluate(
        """async () => {
            const { transport } = await import('oro:conduit')
            await transport().conduit.connected
        }"""
    )
    return page


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    page = _open(browser, app)
    try:
        yield page
    finally:
        page.context.close()


async def _enable(server: ConduitServer) -> None:
    server.enable()


def ipc_frames_received(app: ServedApp) -> int:
    """Frames the host received from pages' IPC Conduits."""
    server = app.host.stash[STATE]
    return sum(
        client.frames_received for name, client in server.clients.items() if name.startswith("ipc-")
    )


# Runs `call` (an async function of `request`) over the installed transport and over fetch.
BOTH_TRANSPORTS = """async () => {
    const ipc = await import('oro:ipc')
    const { transport } = await import('oro:conduit')
    const run = (__CALL__)
    const describe = async () => {
        try {
            const value = await run(ipc.request)
            if (value instanceof Uint8Array) return { bytes: Array.from(value) }
            if (value && typeof value[Symbol.asyncIterator] === 'function') {
                // Byte chunk boundaries carry no meaning (fetch coalesces them): compare bytes.
                const items = []
                const bytes = []
                try {
                    for await (const item of value) {
                        if (item instanceof Uint8Array) bytes.push(...item)
                        else items.push(item)
                    }
                } catch (e) {
                    items.push({ thrown: e.name, code: e.code })
                }
                return { items, bytes }
            }
            return { value }
        } catch (e) {
            return { error: { name: e.name, code: e.code, message: e.message, errno: e.errno,
                              syscall: e.syscall, path: e.path, isError: e instanceof Error } }
        }
    }
    const overConduit = await describe()
    const conduitName = ipc.getTransport().name
    const previous = ipc.setTransport(null)
    const overFetch = await describe()
    ipc.setTransport(previous)
    return { overConduit, overFetch, conduitName, active: transport().conduit.isActive }
}"""

CALLS = {
    "data": "(request) => request('test.echo', { a: 1, s: 'x y', list: [1, 2] })",
    "bare value": "(request) => request('test.echo', 'hello')",
    "bytes body and reply": (
        "(request) => request('test.body', {}, { body: new Uint8Array([0, 1, 255]) })"
    ),
    "json body": "(request) => request('test.json', {}, { body: { k: [1, 'two'] } })",
    "event stream": "(request) => request('test.events', { count: 3 }, { responseType: 'stream' })",
    "error mid-stream": "(request) => request('test.events', { count: 1, fail: true })",
    "byte stream": "(request) => request('test.chunks', {}, { responseType: 'stream' })",
    "text reply": "(request) => request('test.body', {}, { body: 'héllo', responseType: 'text' })",
    "null data": "(request) => request('test.json', {}, { body: 'null' })",
    "array data": "(request) => request('test.json', {}, { body: '[1, \"two\"]' })",
    "data as bytes": "(request) => request('test.echo', { a: 1 }, { responseType: 'bytes' })",
    "bytes as text": (
        "(request) => request('test.body', {}, { body: new Uint8Array([104, 105]), "
        "responseType: 'text' })"
    ),
    "empty bytes": "(request) => request('test.body', {}, { body: new Uint8Array(0) })",
    "NotFoundError": "(request) => request('no.such.route')",
    "TypeError missing": "(request) => request('test.json')",
    "SyntaxError": "(request) => request('test.json', {}, { body: 'not json' })",
    "SecurityError": "(request) => request('test.security')",
    "NotAllowedError": "(request) => request('off.call')",
    "RangeError": "(request) => request('test.body', {}, { body: new Uint8Array(70000) })",
    "TimeoutError": "(request) => request('slow.wait')",
    "AbortError": """(request) => {
        const controller = new AbortController()
        setTimeout(() => controller.abort(), 50)
        return request('slow.wait', {}, { signal: controller.signal })
    }""",
    "client TimeoutError": "(request) => request('slow.wait', {}, { timeout: 50 })",
    "NotSupportedError": "(request) => request('test.unsupported')",
    "InternalError": "(request) => request('test.internal')",
    "ErrnoError": "(request) => request('test.enoent')",
}


@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
def test_ipc_over_conduit_answers_exactly_as_over_fetch(
    page: Page, app: ServedApp, call: str
) -> None:
    before = ipc_frames_received(app)
    result = page.evaluate(BOTH_TRANSPORTS.replace("__CALL__", call))
    assert result["conduitName"] == "conduit"
    assert result["active"] is True
    assert ipc_frames_received(app) > before, "the call did not travel over the Conduit"
    assert result["overConduit"] == result["overFetch"]
    outcome = result["overConduit"]
    assert "error" in outcome or "value" in outcome or "items" in outcome or "bytes" in outcome


def test_error_types_arrive_as_real_errors_with_their_codes(page: Page) -> None:
    errors = {}
    for name in ("NotFoundError", "NotAllowedError", "ErrnoError", "TimeoutError", "AbortError"):
        result = page.evaluate(BOTH_TRANSPORTS.replace("__CALL__", CALLS[name]))
        errors[name] = (
            result["overConduit"]["error"]["name"],
            result["overConduit"]["error"]["code"],
        )
    assert errors == {
        "NotFoundError": ("NotFoundError", "NOT_FOUND_ERR"),
        "NotAllowedError": ("NotAllowedError", "NOT_ALLOWED_ERR"),
        "ErrnoError": ("ErrnoError", "ENOENT"),
        "TimeoutError": ("TimeoutError", "TIMEOUT_ERR"),
        "AbortError": ("AbortError", "ABORT_ERR"),
    }


def test_page_args_carry_the_conduit_port_and_key(page: Page, app: ServedApp) -> None:
    server = app.host.stash[STATE]
    conduit = page.evaluate("() => globalThis.__args.conduit")
    # sharedKey: Socket's name of the key (its bridge.cc), which Socket's own code reads.
    assert conduit == {
        "hostname": "127.0.0.1",
        "port": server.port,
        "key": server.key,
        "sharedKey": server.key,
    }
    assert "conduit_shared_key" not in page.evaluate("() => globalThis.__args.config")


def test_the_pool_holds_the_open_conduits_with_oros_defaults(page: Page) -> None:
    """Oro's api/conduit.d.ts: `pool` is the set of Conduit instances, and the reconnection
    defaults carry Oro's names and values."""
    answer = page.evaluate(
        """async () => {
          const c = await import('oro:conduit')
          const before = c.pool.size
          const extra = new c.Conduit()
          await extra.connected
          const added = c.pool.has(extra) && c.pool.size === before + 1
          extra.close()
          return [before >= 1, added, c.pool.has(extra), c.pool.size === before,
                  c.DEFAULT_MAX_RECONNECT_RETRIES, c.DEFAULT_INITIAL_RECONNECT_TIMEOUT,
                  c.DEFAULT_MAX_RECONNECT_TIMEOUT]
        }"""
    )
    assert answer == [True, True, False, True, 32, 500, 30000]


def test_codec_agrees_with_the_vectors_in_chromium(page: Page) -> None:
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    failures = page.evaluate(
        """async (vectors) => {
            const { decode, encode, FrameError } = await import('oro:conduit/codec')
            const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (p) => parseInt(p, 16))
            const same = (a, b) => JSON.stringify(a) === JSON.stringify(b)
            const failures = []
            for (const v of vectors.valid) {
                const body = fromHex(v.body)
                const payload = new Uint8Array(body.length * v.repeat)
                for (let i = 0; i < v.repeat; i++) payload.set(body, i * body.length)
                const head = fromHex(v.head)
                const message = new Uint8Array(head.length + payload.length)
                message.set(head)
                message.set(payload, head.length)
                const raw = decode(message, { raw: true })
                if (!same(raw.options, v.options)) failures.push(['options', v.name])
                if (!same(decode(message).options, v.values)) failures.push(['values', v.name])
                if (!same(Array.from(raw.payload), Array.from(payload))) {
                    failures.push(['payload', v.name])
                }
                const encoded = v.canonical ? Array.from(encode(v.options, payload)) : null
                if (encoded && !same(encoded, Array.from(message))) {
                    failures.push(['encode', v.name])
                }
            }
            for (const v of vectors.invalid) {
                try {
                    decode(fromHex(v.hex))
                    failures.push(['accepted', v.name])
                } catch (e) {
                    if (!(e instanceof FrameError) || !e.message.includes(v.error)) {
                        failures.push(['error', v.name])
                    }
                }
            }
            return failures
        }""",
        vectors,
    )
    assert failures == []


def test_fallback_to_fetch_while_stopped_and_reopen_when_back(page: Page, app: ServedApp) -> None:
    server = app.host.stash[STATE]
    page.evaluate(
        """async () => {
            const { transport } = await import('oro:conduit')
            globalThis.__reopened = new Promise((resolve) => {
                transport().conduit.addEventListener('reopen', () => resolve(true), { once: true })
            })
        }"""
    )
    app.call(server.disable)
    try:
        answers = page.evaluate(
            """async () => {
                const { request, getTransport } = await import('oro:ipc')
                const { transport } = await import('oro:conduit')
                while (transport().conduit.isActive) await new Promise((r) => setTimeout(r, 10))
                const answers = []
                for (let i = 0; i < 3; i++) answers.push(await request('ping'))
                let error = null
                try { await request('no.such.route') } catch (e) { error = e.name }
                return { answers, error, transport: getTransport().name }
            }"""
        )
        assert answers == {
            "answers": ["pong"] * 3,
            "error": "NotFoundError",
            "transport": "conduit",
        }
    finally:
        app.call(_enable, server)
    assert page.evaluate("() => globalThis.__reopened") is True
    before = ipc_frames_received(app)
    assert page.evaluate("async () => (await import('oro:ipc')).request('ping')") == "pong"
    assert ipc_frames_received(app) > before


def test_pause_and_resume_reconnect_the_page(page: Page, app: ServedApp) -> None:
    server = app.host.stash[STATE]
    key, port = server.key, server.port
    page.evaluate(
        """async () => {
            const { transport } = await import('oro:conduit')
            globalThis.__reopened = new Promise((resolve) => {
                transport().conduit.addEventListener('reopen', () => resolve(true), { once: true })
            })
        }"""
    )
    app.call(app.host.pause)
    try:
        assert page.evaluate("async () => (await import('oro:ipc')).request('ping')") == "pong"
    finally:
        app.call(app.host.resume)
    assert page.evaluate("() => globalThis.__reopened") is True
    assert (server.key, server.port) == (key, port)
    before = ipc_frames_received(app)
    assert page.evaluate("async () => (await import('oro:ipc')).request('ping')") == "pong"
    assert ipc_frames_received(app) > before


def test_host_events_arrive_once_whichever_channel_is_first(page: Page, app: ServedApp) -> None:
    page.evaluate(
        """async () => {
            const { getState } = await import('oro:bootstrap')
            const { transport } = await import('oro:conduit')
            globalThis.__dispatched = []
            globalThis.__overSSE = 0
            globalThis.__overConduit = 0
            globalThis.addEventListener('filedidchange', (e) => {
                globalThis.__dispatched.push(e.detail.n)
            })
            getState().channel.addEventListener('filedidchange', () => {
                globalThis.__overSSE += 1
            })
            transport().conduit.addEventListener('message', (e) => {
                if (e.data.options.event === 'filedidchange') globalThis.__overConduit += 1
            })
        }"""
    )
    for number in range(20):
        app.emit("filedidchange", {"n": number}, window=0)
    page.wait_for_function("() => globalThis.__overSSE === 20 && globalThis.__overConduit === 20")
    assert page.evaluate("() => globalThis.__dispatched") == list(range(20))


def test_two_conduits_relay_to_each_other(page: Page) -> None:
    received = page.evaluate(
        """async () => {
            const { Conduit } = await import('oro:conduit')
            const alice = new Conduit({ id: 'alice' })
            const bob = new Conduit({ id: 'bob' })
            await Promise.all([alice.connected, bob.connected])
            const got = new Promise((resolve) => bob.receive((error, message) => resolve(message)))
            const sent = alice.send({ to: 'bob', kind: 'hello' }, new Uint8Array([1, 2, 3]))
            // Bounded: a relay that never comes fails here, not at pytest's hang guard.
            const late = new Promise((_, reject) => {
                setTimeout(() => reject(new Error('no relay within 30 s')), 30000)
            })
            const message = await Promise.race([got, late])
            alice.close()
            bob.close()
            const afterClose = alice.send({ to: 'bob' })
            const payload = Array.from(message.payload)
            return { sent, afterClose, options: message.options, payload }
        }"""
    )
    assert received == {
        "sent": True,
        "afterClose": False,
        "options": {"from": "alice", "kind": "hello"},
        "payload": [1, 2, 3],
    }


def test_python_push_reaches_the_page_over_the_socket_and_by_event_when_down(
    page: Page, app: ServedApp
) -> None:
    page.evaluate(
        """async () => {
            const { Conduit } = await import('oro:conduit')
            globalThis.__got = []
            const live = new Conduit({ id: 'live' })
            const down = new Conduit({ id: 'down', connect: false })
            for (const conduit of [live, down]) {
                conduit.receive((error, m) => {
                    globalThis.__got.push([conduit.id, m.options.kind, Array.from(m.payload)])
                })
            }
            await live.connected
        }"""
    )
    assert app.call(send, app.host, "live", {"kind": "socket"}, b"\x01") is True
    assert app.call(send, app.host, "down", {"kind": "event"}, b"\x02\x03") is False
    page.wait_for_function("() => globalThis.__got.length === 2")
    got = page.evaluate("() => globalThis.__got")
    assert sorted(got) == [["down", "event", [2, 3]], ["live", "socket", [1]]]


def test_status_diagnostics_and_shared_key_from_the_page(page: Page, app: ServedApp) -> None:
    server = app.host.stash[STATE]
    result = page.evaluate(
        """async () => {
            const { Conduit } = await import('oro:conduit')
            const status = await Conduit.status()
            const diagnostics = await Conduit.diagnostics()
            const active = await Conduit.waitForActiveState()
            const key = await Conduit.getSharedKey()
            let refused = null
            try { await Conduit.setSharedKey('short') } catch (e) { refused = e.name }
            return { status, handles: diagnostics.handles.count, active, key, refused }
        }"""
    )
    assert result["status"] == {"port": server.port, "isActive": True, "sharedKey": server.key}
    assert result["handles"] >= 1
    assert result["active"] is True
    assert result["key"] == server.key
    assert result["refused"] == "TypeError"


def test_showcase_panel_shows_status_and_relays(browser: Browser | WebKitBrowser) -> None:
    showcase = Path(__file__).resolve().parents[3] / "examples" / "showcase"
    with served_app(PLUGINS, app_dir=showcase, config=CONFIG) as served:
        page = open_app_page(browser, served)
        try:
            page.wait_for_function(
                "() => document.getElementById('conduit-status').textContent.includes('isActive')"
            )
            status = json.loads(page.text_content("#conduit-status") or "{}")
            assert status["isActive"] is True
            assert status["ipcTransport"] == "conduit"
            page.click("#conduit-send")
            page.wait_for_function(
                "() => document.getElementById('conduit-relay').textContent.includes('A → B → A')"
            )
            assert "hello over the Conduit" in (page.text_content("#conduit-relay") or "")
        finally:
            page.context.close()


def test_a_slowly_read_stream_holds_the_host_back(page: Page, app: ServedApp) -> None:
    first = page.evaluate(
        """async () => {
            const { request } = await import('oro:ipc')
            // Flow control over the socket: nothing handed over to fetch for this one.
            const { transport } = await import('oro:conduit')
            globalThis.__bulk = transport().bulkBytes
            transport().bulkBytes = Infinity
            const stream = await request('test.big', {}, { responseType: 'stream' })
            globalThis.__big = stream[Symbol.asyncIterator]()
            return (await globalThis.__big.next()).value.length
        }"""
    )
    assert first > 0
    app.call(anyio.wait_all_tasks_blocked)
    server = app.host.stash[STATE]
    (credit,) = [
        credit
        for name, client in server.clients.items()
        if name.startswith("ipc-")
        for credit in client.credits.values()
    ]
    assert credit.in_flight <= 1024 * 1024
    assert credit.sent < 64 * 65536
    rest = page.evaluate(
        """async () => {
            const { transport } = await import('oro:conduit')
            transport().bulkBytes = globalThis.__bulk
            let total = 0
            for (;;) {
                const { done, value } = await globalThis.__big.next()
                if (done) return total
                total += value.length
            }
        }"""
    )
    assert first + rest == 64 * 65536


def test_a_stream_the_page_cancels_is_closed_on_the_host_at_once(
    page: Page, app: ServedApp
) -> None:
    closed = BIG_STREAMS_CLOSED["count"]
    page.evaluate(
        """async () => {
            const { request } = await import('oro:ipc')
            const { transport } = await import('oro:conduit')
            const bulk = transport().bulkBytes
            transport().bulkBytes = Infinity
            try {
                const stream = await request('test.big-closing', {}, { responseType: 'stream' })
                const chunks = stream[Symbol.asyncIterator]()
                await chunks.next()
                await chunks.return()
                // The cancel frame went before this request on the same socket.
                await request('test.echo', { value: 1 })
            } finally {
                transport().bulkBytes = bulk
            }
        }"""
    )
    app.call(anyio.wait_all_tasks_blocked)
    # Without the page's cancel frame the host would hold the stream (and its handler) until
    # the request's timeout: the credit would still be waiting for an acknowledgement.
    assert BIG_STREAMS_CLOSED["count"] == closed + 1
    server = app.host.stash[STATE]
    assert [
        credit
        for name, client in server.clients.items()
        if name.startswith("ipc-")
        for credit in client.credits.values()
    ] == []


def test_bulk_bodies_are_handed_over_to_fetch_byte_exact(page: Page, app: ServedApp) -> None:
    before = app.host.stash[STATE].bulk.handed_over
    result = page.evaluate(
        """async () => {
            const { request, write } = await import('oro:ipc')
            const digest = async (bytes) => Array.from(
                new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
            // Distinct parameters: a call whose reply was handed over goes straight over
            // fetch the next time (see the next test), and each of these must be handed over.
            const whole = await request('test.big', { call: 1 })
            const chunks = []
            const streamed = { responseType: 'stream' }
            for await (const chunk of await request('test.big', { call: 2 }, streamed)) {
                chunks.push(...chunk.slice(0, 1))
            }
            const huge = await request('test.huge', { call: 3 })
            const hugeChunks = []
            for await (const chunk of await request('test.huge', { call: 4 }, streamed)) {
                hugeChunks.push(chunk.length)
            }
            const big = new Uint8Array(300 * 1024).map((_, i) => i % 251)
            let refused = null
            try { await write('test.body', {}, big) } catch (e) { refused = e.name }
            return { length: whole.length, digest: await digest(whole), streamed: chunks.length,
                     refused, huge: await digest(huge),
                     hugeStreamed: hugeChunks.reduce((a, b) => a + b, 0) }
        }"""
    )
    assert result["length"] == 64 * 65536
    expected = list(hashlib.sha256(b"x" * 64 * 65536).digest())
    assert result["digest"] == expected
    assert result["streamed"] >= 1
    # Over fetch, as a 300 KiB body must go: the bridge's cap answers, as for fetch.
    assert result["refused"] == "RangeError"
    server = app.host.stash[STATE]
    huge = b"".join(bytes([index]) * (300 * 1024) for index in range(4))
    assert result["huge"] == list(hashlib.sha256(huge).digest())
    assert result["hugeStreamed"] == len(huge)
    assert server.bulk.handed_over >= before + 4
    assert len(server.bulk) == 0


def test_a_call_whose_reply_was_handed_over_goes_straight_over_fetch_next_time(
    page: Page, app: ServedApp
) -> None:
    server = app.host.stash[STATE]
    before = server.bulk.handed_over
    result = page.evaluate(
        """async () => {
            const { request } = await import('oro:ipc')
            const digest = async (bytes) => Array.from(
                new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
            const digests = []
            for (let call = 0; call < 3; call++) {
                digests.push(await digest(await request('test.huge', { file: 'same' })))
            }
            digests.push(await digest(await request('test.huge', { file: 'other' })))
            return digests
        }"""
    )
    huge = b"".join(bytes([index]) * (300 * 1024) for index in range(4))
    assert result == [list(hashlib.sha256(huge).digest())] * 4
    # Handed over the first time for each set of parameters; the repeats went over fetch.
    assert server.bulk.handed_over == before + 2
    assert len(server.bulk) == 0

    # Once the reply over fetch is small again, the call goes back over the socket.
    read = """async () => {
        const { request } = await import('oro:ipc')
        return (await request('test.file', { name: 'f' })).length
    }"""
    sizes = []
    for size in (400 * 1024, 400 * 1024, 1024, 400 * 1024):
        FILE_SIZE["bytes"] = size
        sizes.append(page.evaluate(read))
    assert sizes == [400 * 1024, 400 * 1024, 1024, 400 * 1024]
    # The first and the last 400 KiB were handed over; the second and the 1 KiB went over fetch.
    assert server.bulk.handed_over == before + 4
