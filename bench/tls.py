"""TCP and TLS from a real headless Chromium page (``node:net``, ``node:tls``), against Python
sockets doing the same in the same run.

Every case talks to the same echo peer, a Python thread per connection on 127.0.0.1 sending
every byte straight back (over TLS with a certificate from a private CA, or plain TCP). "ours"
is page → host → echo peer → host → page; the baseline is Python's ``socket``/``ssl`` in this
process against the same peer.

Rows:

* ``throughput tls|tcp`` — MB/s echoed (16 MiB with ``--quick``, else 128 MiB; higher is
  better): the page writes 64 KiB chunks as Node code does (``write()`` until it returns false,
  then ``drain``) and reads the echo; the baseline writes 64 KiB chunks and reads the echo from
  one non-blocking socket. Goal (issue 13): at least half of raw for TLS; the same for TCP, which
  asks less of the host.
* ``connect+handshake tls`` — p50 from ``tls.connect()`` to ``secureConnect`` (lower is better);
  the baseline a Python ``ssl`` client's connect + handshake. Goal (issue 13): at most 1.5 times
  raw.
* ``connect tcp`` — p50 from ``net.connect()`` to ``connect``. No goal: a raw loopback connect
  (~0.1 ms) is far below the one IPC round trip a page's connect needs.
* ``websocket echo floor`` — what the page's transport alone gives: the page echoes the same
  bytes through a raw WebSocket to a Python trio-websocket echo server (256 KiB reads, as the
  Conduit's), with the same writes. Every page byte of ``net``/``tls`` crosses such a socket
  twice, so this is the ceiling of the throughput rows on this machine (no goal of its own).

Both issue 13 goals are missed by far (its closing note: throughput 0.03x, handshake 5-7x): the
page's transport is issue 17's hot path, and the handshake pays one IPC round trip on top of the
raw one, so about 2x is a page API's floor there.

Run: ``.venv/bin/python bench/tls.py [--quick]``
"""

from __future__ import annotations

import argparse
import queue
import selectors
import socket
import ssl
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_tls.plugin
import trio
import trio_websocket
import trustme
from _shared import GOAL_WIDTH, goal, parse_arguments

from oro_framework.testing import launch_chromium, open_app_page, served_app

APP = Path(__file__).resolve().parents[1] / "examples" / "minimal"
CHUNK = 64 * 1024

FLOOR_PAGE = """async ([port, total]) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`)
  ws.binaryType = 'arraybuffer'
  await new Promise((resolve) => { ws.onopen = resolve })
  const chunk = new Uint8Array(CHUNK).fill(120)
  let received = 0
  let wake = () => {}
  ws.onmessage = (event) => { received += event.data.byteLength; wake() }
  const started = performance.now()
  for (let sent = 0; sent < total; sent += chunk.length) {
    ws.send(chunk)
    // At most 1 MiB unanswered, as net.js keeps in flight.
    while (sent + chunk.length - received > (1 << 20)) await new Promise((r) => { wake = r })
  }
  while (received < total) await new Promise((r) => { wake = r })
  const seconds = (performance.now() - started) / 1000
  ws.close()
  return { seconds }
}""".replace("CHUNK", str(CHUNK))

PAGE = """async ([port, mode, total, count, ca, secure]) => {
  const net = (await import('node:net')).default
  const tls = (await import('node:tls')).default
  const open = () => new Promise((resolve, reject) => {
    const socket = secure
      ? tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => resolve(socket))
      : net.connect({ host: '127.0.0.1', port }, () => resolve(socket))
    socket.once('error', reject)
  })
  if (mode === 'connect') {
    const times = []
    for (let i = 0; i < count + 5; i++) {
      const started = performance.now()
      const socket = await open()
      if (i >= 5) times.push(performance.now() - started)
      await new Promise((resolve) => { socket.once('close', resolve); socket.destroy() })
    }
    return { times }
  }
  const socket = await open()
  const chunk = new Uint8Array(CHUNK).fill(120)
  let received = 0
  const echoed = new Promise((resolve) => socket.on('data', (data) => {
    received += data.length
    if (received >= total) resolve()
  }))
  const started = performance.now()
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve))
  }
  await echoed
  const seconds = (performance.now() - started) / 1000
  socket.destroy()
  return { seconds }
}""".replace("CHUNK", str(CHUNK))


@contextmanager
def echo_peer(context: ssl.SSLContext | None) -> Iterator[int]:
    """A thread per connection echoing everything on a loopback port; yields the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def echo(connection: socket.socket) -> None:
        with connection:
            try:
                stream = (
                    context.wrap_socket(connection, server_side=True) if context else connection
                )
                while data := stream.recv(256 * 1024):
                    stream.sendall(data)
            except (OSError, ssl.SSLError):
                return

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connection.settimeout(30)
            threading.Thread(target=echo, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()


@contextmanager
def websocket_echo() -> Iterator[int]:
    """A trio-websocket echo server on a loopback port, in a thread; yields the port."""
    ready: queue.Queue[int] = queue.Queue()
    cancel: list[trio.CancelScope] = []
    token: list[trio.lowlevel.TrioToken] = []

    async def echo(request: trio_websocket.WebSocketRequest) -> None:
        socket = await request.accept()
        with suppress(trio_websocket.ConnectionClosed):
            while True:
                await socket.send_message(await socket.get_message())

    async def serve() -> None:
        with trio.CancelScope() as scope:
            cancel.append(scope)
            token.append(trio.lowlevel.current_trio_token())
            async with trio.open_nursery() as nursery:
                server = await nursery.start(
                    partial(
                        trio_websocket.serve_websocket,
                        echo,
                        "127.0.0.1",
                        0,
                        None,
                        receive_buffer_size=256 * 1024,
                        max_message_size=1 << 20,
                    )
                )
                ready.put(server.port)

    thread = threading.Thread(target=trio.run, args=(serve,), daemon=True)
    thread.start()
    try:
        yield ready.get(timeout=30)
    finally:
        trio.from_thread.run_sync(cancel[0].cancel, trio_token=token[0])
        thread.join()


def raw_connect(port: int, context: ssl.SSLContext | None) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    return context.wrap_socket(sock, server_hostname="localhost") if context else sock


def raw_connect_times(port: int, context: ssl.SSLContext | None, count: int) -> list[float]:
    times = []
    for index in range(count + 5):
        started = time.perf_counter()
        sock = raw_connect(port, context)
        if index >= 5:
            times.append((time.perf_counter() - started) * 1000)
        sock.close()
    return times


def raw_throughput(port: int, context: ssl.SSLContext | None, total: int) -> float:
    """MB/s of ``total`` bytes echoed with 64 KiB writes, from one thread that writes while the
    socket takes bytes and reads what comes back (an ``SSLSocket`` must not be shared between
    threads)."""
    sock = raw_connect(port, context)
    sock.setblocking(False)
    chunk = memoryview(b"x" * CHUNK)
    sent = received = 0
    pending = chunk[:0]
    started = time.perf_counter()
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
        while received < total:
            writing = sent < total or len(pending) > 0
            selector.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if writing else 0))
            for _, events in selector.select(30):
                if events & selectors.EVENT_READ:
                    with suppress(ssl.SSLWantReadError, BlockingIOError):
                        received += len(sock.recv(256 * 1024))
                        # Records OpenSSL already decrypted do not make the socket readable.
                        while isinstance(sock, ssl.SSLSocket) and sock.pending():
                            received += len(sock.recv(256 * 1024))
                if events & selectors.EVENT_WRITE and writing:
                    if not pending:
                        pending = chunk
                        sent += CHUNK
                    with suppress(ssl.SSLWantWriteError, BlockingIOError):
                        pending = pending[sock.send(pending) :]
    seconds = time.perf_counter() - started
    sock.close()
    return total / seconds / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="less data (smoke run)")
    quick = parse_arguments(parser).quick
    total, count = (16 << 20, 20) if quick else (128 << 20, 100)
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost", "127.0.0.1").configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    ca = authority.cert_pem.bytes().decode()
    with (
        launch_chromium() as browser,
        # The peers are on loopback, which pages reach only when oro.toml names it.
        served_app(
            [oro_conduit.plugin, oro_tls.plugin],
            app_dir=APP,
            config={"tcp.allow_private": ["127.0.0.1"]},
        ) as app,
    ):
        page = open_app_page(browser, app)
        print(f"{'case':<28}{'ours':>14}{'raw python':>14}{'ratio':>8}{'goal':>{GOAL_WIDTH}}")
        floor = 0.0
        for label, peer_context, client_context in (
            ("tls", server, client),
            ("tcp", None, None),
        ):
            with echo_peer(peer_context) as port:
                secure = peer_context is not None
                base = raw_throughput(port, client_context, total)
                run = page.evaluate(PAGE, [port, "throughput", total, 0, ca, secure])
                mine = total / run["seconds"] / 1e6
                print(
                    f"{f'throughput {label}':<28}{mine:>9.1f} MB/s{base:>9.1f} MB/s"
                    f"{mine / base:>8.3g}{goal('>=0.5')}"
                )
                if not floor:
                    with websocket_echo() as floor_port:
                        floor_run = page.evaluate(FLOOR_PAGE, [floor_port, total])
                    floor = total / floor_run["seconds"] / 1e6
                    print(
                        f"{'websocket echo floor':<28}{floor:>9.1f} MB/s{base:>9.1f} MB/s"
                        f"{floor / base:>8.3g}{goal(None)}"
                    )
                base_times = raw_connect_times(port, client_context, count)
                times: Any = page.evaluate(PAGE, [port, "connect", 0, count, ca, secure])["times"]
                mine_p50 = statistics.median(times)
                base_p50 = statistics.median(base_times)
                case = "connect+handshake tls" if secure else "connect tcp"
                print(
                    f"{case:<28}{mine_p50:>11.3f} ms{base_p50:>11.3f} ms"
                    f"{mine_p50 / base_p50:>8.2f}{goal('<=1.5' if secure else None)}"
                )
        page.context.close()


if __name__ == "__main__":
    main()
