"""Start-up: ``oro run --headless`` to its first answered ping, and ``oro --version``.

Both are measured in the same run against a floor started the same way:

* ``oro run --headless`` of a one-page app in a temporary directory, from spawn until the launch
  URL it prints has been opened (the session cookie) and ``/ipc/ping`` answered ``pong``; against
  a bare hypercorn hello ASGI app on trio, from spawn until its first answer.
* ``oro --version`` wall time against ``python -c pass``.

``--quick`` does few rounds. Each row is the median of its rounds. Goal (issue 17): ``oro run``
within 3 times the hypercorn hello app; ``oro --version`` has none (it shows what importing the
host and every installed plugin costs each command).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _shared import print_ratio_header, print_ratio_row

ORO = str(Path(sys.executable).with_name("oro"))
LAUNCH_URL = re.compile(r"(http://127\.0\.0\.1:\d+/\?oro_launch=\S+)")
BASELINE_APP = """
import trio, hypercorn.config, hypercorn.trio
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"4")]})
    await send({"type": "http.response.body", "body": b"pong"})
config = hypercorn.config.Config()
config.bind = ["127.0.0.1:0"]
trio.run(hypercorn.trio.serve, app, config)
"""
ORO_TOML = """[meta]
name = "Startup Bench"
bundle_identifier = "dev.oro.startup-bench"
"""


def _ping_until_pong(client: httpx.Client, url: str) -> None:
    while True:
        try:
            if "pong" in client.get(url).text:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.002)


def _oro_run(app: Path) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [ORO, "run", str(app), "--headless"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = LAUNCH_URL.search(line)
            if found:
                break
        else:
            raise RuntimeError(f"oro run exited with {process.wait()} before printing its URL")
        launch = found.group(1)
        base = launch.split("/?", 1)[0]
        with httpx.Client(timeout=10) as client:
            client.get(launch)
            _ping_until_pong(client, f"{base}/ipc/ping")
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


def _baseline() -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", BASELINE_APP],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            found = re.search(r"(http://127\.0\.0\.1:\d+)", line)
            if found:
                break
        else:
            raise RuntimeError(f"baseline exited with {process.wait()}")
        with httpx.Client(timeout=10) as client:
            _ping_until_pong(client, found.group(1) + "/")
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    rounds = 2 if "--quick" in sys.argv else 7
    with tempfile.TemporaryDirectory() as directory:
        app = Path(directory)
        (app / "oro.toml").write_text(ORO_TOML)
        (app / "index.html").write_text("<!doctype html><title>startup</title>\n")
        run, bare, version, python = [], [], [], []
        for _ in range(rounds):  # interleaved, so both sides see the same machine
            run.append(_oro_run(app))
            bare.append(_baseline())
            version.append(_wall([ORO, "--version"]))
            python.append(_wall([sys.executable, "-c", "pass"]))
    print_ratio_header()
    print_ratio_row(
        "oro run to first ping",
        statistics.median(run),
        "hypercorn hello",
        statistics.median(bare),
        "<=3",
    )
    print_ratio_row(
        "oro --version", statistics.median(version), "python -c pass", statistics.median(python)
    )


if __name__ == "__main__":
    main()
