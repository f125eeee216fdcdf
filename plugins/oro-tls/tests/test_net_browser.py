"""oro:net in a real headless Chromium against the real host, with real TCP peers on loopback:
a 1 MiB echo round trip in order, write() → false → drain, end/close order, half-open, a page
server a Python client connects to, ECONNREFUSED, Node's argument errors, AbortSignal, sockets
closed when the page goes away, and pause()/resume() backpressure. Every wait waits for an
event; every connect has a timeout."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import oro_conduit.plugin
import oro_tls.plugin
import pytest
from _certs import TIMEOUT, tcp_echo_server
from playwright.sync_api import Browser, Page

from oro_framework import Host, hookimpl
from oro_framework.testing import ServedApp, app_page, served_app

PLUGINS = [oro_conduit.plugin, oro_tls.plugin]


class PageClosed:
    """Test plugin: ``closed`` is set once the host has run every ``oro_page_closed`` hook
    (``trylast``: after oro-tls closed the page's sockets)."""

    name = "test-page-closed"

    def __init__(self) -> None:
        self.closed = threading.Event()

    @hookimpl(trylast=True)
    def oro_page_closed(self, host: Host, window: int) -> None:
        self.closed.set()


PAGE_CLOSED = PageClosed()


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([*PLUGINS, PAGE_CLOSED]) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


@pytest.fixture
def echo() -> Iterator[int]:
    with tcp_echo_server() as (_host, port):
        yield port


# Helpers every page script gets: `connected(socket)` resolves once `connect` (rejects on
# `error`, fails after 10 s); `next(emitter, event)` the next event's arguments; `info(error)`
# an error's Node fields; `attempt(f)` what `f` throws (null if nothing); `within(promise)`
# the promise, failing after 10 s.
PRELUDE = """
const net = (await import('node:net')).default
const { Buffer } = await import('node:buffer')
const within = (promise, ms = 10000, what = 'event') => Promise.race([promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))])
const next = (emitter, event) => within(new Promise((resolve) =>
  emitter.once(event, (...args) => resolve(args))), 10000, event)
const connected = (s, event = 'connect') => within(new Promise((resolve, reject) => {
  s.once('error', reject)
  s.once(event, () => { s.removeListener('error', reject); resolve(s) })
}), 10000, event)
const info = (e) => e && ({ name: e.name, code: e.code, message: e.message,
  errno: e.errno ?? null, syscall: e.syscall ?? null, address: e.address ?? null,
  port: e.port ?? null })
const attempt = (f) => { try { f(); return null } catch (e) { return info(e) } }
const record = (s, events) => {
  for (const name of ['connect', 'ready', 'end', 'finish', 'timeout', 'drain']) {
    s.on(name, () => events.push(name))
  }
  s.on('close', (hadError) => events.push(`close ${hadError}`))
  s.on('error', (e) => events.push(`error ${e.code}`))
  return s
}
const closed = (s) => next(s, 'close')
"""


def in_page(page: Page, body: str, arg: Any = None) -> Any:
    """Run an async function body with `net`, `Buffer`, the PRELUDE helpers and `arg`."""
    return page.evaluate(f"async (arg) => {{ {PRELUDE} {body} }}", arg)


def test_a_mebibyte_makes_the_round_trip_in_order(page: Page, echo: int) -> None:
    result = in_page(
        page,
        """
        const events = []
        const s = record(net.connect({ port: arg, host: '127.0.0.1' }), events)
        const state = [s.connecting, s.pending, s.readyState]
        await connected(s)
        const ends = [s.remoteAddress, s.remotePort, s.remoteFamily, s.localAddress,
                      typeof s.localPort, s.address().family, s.readyState, s.pending]
        const size = 1024 * 1024
        const data = Buffer.alloc(size)
        for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 10)) & 0xff
        const chunks = []
        let length = 0
        const all = new Promise((resolve) => s.on('data', (chunk) => {
          chunks.push(chunk)
          length += chunk.length
          if (length >= size) resolve()
        }))
        let writes = 0
        for (let offset = 0; offset < size; offset += 10000) {
          s.write(data.subarray(offset, offset + 10000)); writes++
        }
        await within(all, 20000, 'echo')
        const echoed = Buffer.concat(chunks)
        const same = echoed.equals(data)
        const isBuffer = chunks.every((c) => Buffer.isBuffer(c))
        s.end()
        await closed(s)
        return { state, ends, same, isBuffer, length, writes, events,
                 bytes: [s.bytesRead, s.bytesWritten], after: [s.readyState, s.destroyed] }
        """,
        echo,
    )
    assert result["state"] == [True, True, "opening"]
    assert result["ends"] == ["127.0.0.1", echo, "IPv4", "127.0.0.1", "number", "IPv4", "open", False]
    assert result["same"] is True
    assert result["isBuffer"] is True
    assert result["length"] == 1024 * 1024
    # The echo server closes once we end: 'end' (its FIN), our 'finish', then 'close'.
    events = [event for event in result["events"] if event != "drain"]
    assert events[:2] == ["connect", "ready"]
    assert sorted(events[2:4]) == ["end", "finish"]
    assert events[4:] == ["close false"]
    assert result["bytes"] == [1024 * 1024, 1024 * 1024]
    assert result["after"] == ["closed", True]
