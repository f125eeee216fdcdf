"""What running a Socket/Oro app unchanged costs, against baselines measured in the same run.

Rows (per call, median of several rounds):

* ``config: socket.ini`` — loading an app's config from Socket's INI (read, mapped onto our
  keys, typed). Baseline: loading the same config from the oro.toml ``oro init --from`` writes
  for it. Goal ≤ 3: the INI is read once per run, and the mapping is a table lookup per key.
* ``module: socket: imports`` — ``GET`` of an app module whose ``socket:`` imports the bridge
  rewrites (the answer is cached by file version). Baseline: ``GET`` of a module of the same
  size without specifiers, sent as the file. Goal ≤ 1.5.
* ``page: Oro's meta CSP`` — ``GET`` of a page whose ``<meta>`` CSP allows Oro's schemes (the
  bridge adds oro's transports to it). Baseline: the same page without the policy. Goal ≤ 1.3:
  every page gets the preload injected anyway; the policy adds one parse of one element.

Run: ``.venv/bin/python bench/compat.py [--quick]``
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import httpx
from _shared import parse_arguments, per_call, print_ratio_header, print_ratio_row

from oro_framework.cli.common import build_host
from oro_framework.host.config import load_config
from oro_framework.host.config.ini_map import ini_file_as_toml
from oro_framework.testing import live_server, make_host

SOCKET_INI = """
[build]
copy = "src"
name = "bench-app"
env = USER, TMPDIR

[webview]
root = "/"

[meta]
bundle_identifier = "dev.oro.bench.compat"
title = "Bench"
version = 1.0.0

[window]
height = 50%
width = 50%
"""
CSP = (
    '<meta http-equiv="Content-Security-Policy" content="connect-src http://localhost:8080 '
    "ipc://* file://* socket:*; child-src 'none'; img-src https: data: file:;\">"
)
PAGE = "<!doctype html><html><head>{meta}<title>t</title></head><body><h1>hi</h1></body></html>"
IMPORTS = "import fs from 'socket:fs/promises'\nimport os from 'socket:os'\n"


def write_app(root: Path) -> Path:
    """An app with the files both columns of each row fetch."""
    (root / "src").mkdir(parents=True)
    body = "export const values = [\n" + "  'text that names no module',\n" * 2000 + "]\n"
    (root / "src" / "ported.js").write_text(IMPORTS + body)
    (root / "src" / "plain.js").write_text("// " + "x" * (len(IMPORTS) - 4) + "\n" + body)
    (root / "src" / "csp.html").write_text(PAGE.format(meta=CSP))
    (root / "src" / "plain.html").write_text(PAGE.format(meta=" " * len(CSP)))
    return root


async def main(calls: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ini_app = Path(folder) / "ini"
        ini_app.mkdir()
        (ini_app / "socket.ini").write_text(SOCKET_INI)
        toml_app = Path(folder) / "toml"
        toml_app.mkdir()
        host = build_host(ini_app, skip_broken=True, use_config_file=False)
        host.close()
        registry = host.config_keys
        (toml_app / "oro.toml").write_text(ini_file_as_toml(ini_app / "socket.ini", registry)[0])

        async def load_ini() -> None:
            load_config(registry, path=ini_app / "socket.ini")

        async def load_toml() -> None:
            load_config(registry, path=toml_app / "oro.toml")

        app = write_app(Path(folder) / "served")
        async with (
            make_host(app_dir=app, config={"webview.root": "src"}) as served,
            live_server(served) as server,
            server.client() as client,
        ):

            def getter(path: str) -> Callable[[], Awaitable[httpx.Response]]:
                async def get() -> httpx.Response:
                    response = await client.get(path)
                    assert response.status_code == 200, (path, response.status_code)
                    return response

                return get

            print_ratio_header()
            for name, ours, baseline_name, baseline, bound in [
                ("config: socket.ini", load_ini, "same as oro.toml", load_toml, "<=3"),
                (
                    "module: socket: imports",
                    getter("/ported.js"),
                    "plain module",
                    getter("/plain.js"),
                    "<=1.5",
                ),
                (
                    "page: Oro's meta CSP",
                    getter("/csp.html"),
                    "page without one",
                    getter("/plain.html"),
                    "<=1.3",
                ),
            ]:
                ours_time = await per_call(ours, calls, rounds)
                base_time = await per_call(baseline, calls, rounds)
                print_ratio_row(name, ours_time, baseline_name, base_time, bound)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few iterations (smoke run)")
    arguments = parse_arguments(parser)
    calls, rounds = (50, 3) if arguments.quick else (500, 7)
    anyio.run(main, calls, rounds, backend="trio")
