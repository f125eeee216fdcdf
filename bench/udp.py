"""UDP from a real headless Chromium page (``node:dgram``), against a raw Python socket.

Every case talks to the same echo peer, a Python thread on 127.0.0.1 sending each datagram
straight back. "ours" is page → host → echo peer → host → page; the baseline is a plain Python
socket in this process doing the same against the same peer, measured in the same run.

Rows:

* ``rtt <size>`` — p50 of one datagram there and back, one at a time.
* ``rate <size>`` — datagrams/s echoed with 32 KiB in flight (a lost datagram is counted after
  300 ms of silence and replaced).
* ``loss at N/s`` — 1 KiB datagrams offered at N per second for 2 s: how many of the echoes
  never came back.

Each for the page with the Conduit (``conduit``: sends batched over the page's IPC Conduit,
datagrams back as binary frames) and without it (``fetch+sse``: sends over fetch, datagrams back
on the event stream).

Columns: ours, raw python, datagrams lost (ours, and raw in brackets; rate and loss rows), ratio
and goal. The ratio is ours ÷ raw: p50 round trip for ``rtt`` (lower is better), datagrams/s for
``rate`` and the share of datagrams delivered (shown in %) for ``loss`` (higher is better).
Goals (issue 12): rate at least half of raw (missed by far, 0.01-0.09x in its closing note: each
datagram crosses Chromium, a WebSocket and the page's event loop, issue 17's hot path); no loss
at 5k/s, i.e. delivered at least 1x raw. Issue 12 set none for rtt or the other offered rates.

Run: ``.venv/bin/python bench/udp.py [--quick]``
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_udp.plugin
from _shared import GOAL_WIDTH, goal, parse_arguments

from oro_framework.testing import launch_chromium, open_app_page, served_app

APP = Path(__file__).resolve().parents[1] / "examples" / "minimal"
SIZES = (("1 KiB", 1024), ("60 KiB", 60 * 1024))
RATES = (1000, 5000, 10000)
IN_FLIGHT = 32 * 1024
"""Bytes in flight in the rate rows (32 datagrams of 1 KiB, 1 of 60 KiB): more than the
system's default socket buffers (208 KiB) hold at once would measure their overflow."""
STALL_S = 0.3

PAGE = """async ([echoPort, mode, size, count, rate, seconds, conduit]) => {
  const dgram = (await import('node:dgram')).default
  const ipc = await import('oro:ipc')
  const socket = dgram.createSocket('udp4')
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
  let previous = null
  if (!conduit) {
    // Disconnected but still registered: its frames come as events of the page's stream.
    socket.conduit.shouldReconnect = false
    socket.conduit.socket?.close()
    previous = ipc.setTransport(null)
  } else {
    await socket.conduit.connected
  }
  await new Promise((resolve) => socket.connect(echoPort, '127.0.0.1', resolve))
  const payload = new Uint8Array(size).fill(120)
  let onMessage = () => {}
  socket.on('message', (message) => onMessage(message))
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
  try {
    if (mode === 'rtt') {
      const times = []
      for (let i = 0; i < count + 20; i++) {
        const started = performance.now()
        await new Promise((resolve) => { onMessage = resolve; socket.send(payload) })
        if (i >= 20) times.push(performance.now() - started)
      }
      return { times }
    }
    if (mode === 'rate') {
      const window = Math.max(1, Math.floor(IN_FLIGHT / size))
      let sent = 0; let received = 0; let lost = 0; let outstanding = 0
      let finish; const done = new Promise((resolve) => { finish = resolve })
      let stall = null
      const refill = () => {
        while (outstanding < window && sent < count) { sent++; outstanding++; socket.send(payload) }
        clearTimeout(stall)
        if (received + lost >= count) return finish()
        stall = setTimeout(() => { lost += outstanding; outstanding = 0; refill() }, STALL)
      }
      onMessage = () => { received++; outstanding--; refill() }
      const started = performance.now()
      refill()
      await done
      return { received, lost, seconds: (performance.now() - started) / 1000 }
    }
    let received = 0
    onMessage = () => { received++ }
    const started = performance.now()
    let sent = 0
    const total = rate * seconds
    while (sent < total) {
      const due = Math.min(total, Math.floor((performance.now() - started) / 1000 * rate) + 1)
      while (sent < due) { sent++; socket.send(payload) }
      await wait(5)
    }
    await wait(500)
    return { sent, received }
  } finally {
    socket.close()
    if (previous) ipc.setTransport(previous)
  }
}""".replace("IN_FLIGHT", str(IN_FLIGHT)).replace("STALL", str(int(STALL_S * 1000)))


@contextmanager
def echo_peer() -> Iterator[int]:
    """A thread echoing every datagram on a loopback port; yields the port."""
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, address = peer.recvfrom(65536)
            except TimeoutError:
                continue
            peer.sendto(data, address)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield peer.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        peer.close()


@contextmanager
def raw_client(port: int) -> Iterator[socket.socket]:
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    client.bind(("127.0.0.1", 0))
    client.connect(("127.0.0.1", port))
    client.settimeout(STALL_S)
    try:
        yield client
    finally:
        client.close()


def raw_rtt(port: int, size: int, count: int) -> list[float]:
    payload = b"x" * size
    times = []
    with raw_client(port) as client:
        for index in range(count + 20):
            started = time.perf_counter()
            client.send(payload)
            client.recv(65536)
            if index >= 20:
                times.append((time.perf_counter() - started) * 1000)
    return times


def raw_rate(port: int, size: int, count: int) -> dict[str, float]:
    payload = b"x" * size
    window = max(1, IN_FLIGHT // size)
    sent = received = lost = outstanding = 0
    with raw_client(port) as client:
        started = time.perf_counter()
        while received + lost < count:
            while outstanding < window and sent < count:
                client.send(payload)
                sent += 1
                outstanding += 1
            try:
                client.recv(65536)
            except TimeoutError:
                lost += outstanding
                outstanding = 0
                continue
            received += 1
            outstanding -= 1
        return {"received": received, "lost": lost, "seconds": time.perf_counter() - started}


def raw_loss(port: int, rate: int, seconds: int) -> dict[str, int]:
    payload = b"x" * 1024
    counts = {"received": 0}
    with raw_client(port) as client:

        def receive() -> None:
            while True:
                try:
                    client.recv(65536)
                except (TimeoutError, OSError):
                    return
                counts["received"] += 1

        receiver = threading.Thread(target=receive)
        receiver.start()
        started = time.perf_counter()
        sent, total = 0, rate * seconds
        while sent < total:
            due = min(total, int((time.perf_counter() - started) * rate) + 1)
            while sent < due:
                client.send(payload)
                sent += 1
            time.sleep(0.005)
        receiver.join()
    return {"sent": sent, "received": counts["received"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few datagrams (smoke run)")
    quick = parse_arguments(parser).quick
    rtt_count, rate_count, seconds = (50, 500, 1) if quick else (500, 5000, 2)
    with (
        echo_peer() as port,
        launch_chromium() as browser,
        # The echo peer is on loopback, which pages reach only when oro.toml names it.
        served_app(
            [oro_conduit.plugin, oro_udp.plugin],
            app_dir=APP,
            config={"udp.allow_private": [f"127.0.0.1:{port}"]},
        ) as app,
    ):
        page = open_app_page(browser, app)

        def ours(mode: str, size: int, count: int, rate: int, conduit: bool) -> Any:
            return page.evaluate(PAGE, [port, mode, size, count, rate, seconds, conduit])

        print(
            f"{'case':<30}{'ours':>12}{'raw python':>14}{'lost (raw)':>14}{'ratio':>8}"
            f"{'goal':>{GOAL_WIDTH}}"
        )
        for label, size in SIZES:
            base = statistics.median(raw_rtt(port, size, rtt_count))
            for conduit in (True, False):
                via = "conduit" if conduit else "fetch+sse"
                mine = statistics.median(ours("rtt", size, rtt_count, 0, conduit)["times"])
                print(
                    f"{f'rtt {label} ({via})':<30}{mine:>9.3f} ms{base:>11.3f} ms{'':>14}"
                    f"{mine / base:>8.2f}{goal(None)}"
                )
        for label, size in SIZES:
            count = rate_count if size <= 1024 else rate_count // 5
            base_run = raw_rate(port, size, count)
            base = base_run["received"] / base_run["seconds"]
            for conduit in (True, False):
                via = "conduit" if conduit else "fetch+sse"
                run = ours("rate", size, count, 0, conduit)
                mine = run["received"] / run["seconds"]
                lost = f"{run['lost']} ({base_run['lost']})"
                print(
                    f"{f'rate {label} ({via})':<30}{mine:>10.0f}/s{base:>12.0f}/s{lost:>14}"
                    f"{mine / base:>8.3g}{goal('>=0.5')}"
                )
        for rate in RATES:
            offered = raw_loss(port, rate, seconds)
            base_share = offered["received"] / offered["sent"]
            for conduit in (True, False):
                via = "conduit" if conduit else "fetch+sse"
                run = ours("loss", 1024, 0, rate, conduit)
                share = run["received"] / run["sent"]
                lost = f"{run['sent'] - run['received']} ({offered['sent'] - offered['received']})"
                print(
                    f"{f'loss at {rate}/s ({via})':<30}{share:>12.1%}{base_share:>14.1%}{lost:>14}"
                    f"{share / base_share:>8.3g}{goal('>=1' if rate == 5000 else None)}"
                )
        page.context.close()


if __name__ == "__main__":
    main()
