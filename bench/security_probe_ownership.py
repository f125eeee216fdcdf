"""Issue 71's rows of the security probe (ownership boundaries), run by bench/security_probe.py:
host state attacked through the pages' own routes, in a real ``oro run --headless`` host.

* ``data:permissions.json grants`` — the page writes ``{"app": {"camera": "granted"}}`` there
  with ``fs.writeFile``: does ``permissions.query`` then say ``granted``?
* ``store writer follows a link`` — the page plants ``data:.permissions.json.<pid>`` links to
  ``resources:index.html`` for the next 300 pids, then the user runs ``oro config permissions
  --reset``: is ``index.html`` still the app's?
* ``store grown 60 MiB: peak RSS`` — the page appends 60 MiB of made-up sites to
  ``data:permissions.json`` and asks ``permissions.query``: the host's peak RSS.
* ``store nested 200,000 deep`` — the same with 200,000 ``[``: a 500?
* ``/dev/fd/0, sandbox off`` — ``fs.readFile`` of ``/dev/fd/0``, ``/dev/stdin`` and
  ``/proc/self/fd/0`` in a ``FS_SANDBOX=0`` app: how many answered.
* ``window.send host events`` — window 1 sends window 0 each event the host sends pages
  (``dropin``, ``applicationurl``, ``online``, ``offline``, ``permissionchange``,
  ``geolocationposition``, ``backend:x``): how many were accepted.
* ``oro config permissions escapes`` — a store whose site names hold OSC/CSI escapes and a bidi
  override: do they reach the terminal raw?
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import httpx
from _probe_kit import (
    GIB,
    MIB,
    Outcome,
    Page,
    ProbeHost,
    Row,
    Settings,
    answer_error,
    held,
    host,
    window_page,
)

GRANT: Final = {"app": {"camera": "granted", "microphone": "granted", "geolocation": "granted"}}
HOST_EVENTS: Final = (
    "dropin",
    "applicationurl",
    "online",
    "offline",
    "permissionchange",
    "geolocationposition",
    "backend:x",
)
ESCAPED_SITE: Final = "https://a.example\x1b]0;pwned\x07\x1b[2J\u202eevil"

ROWS: Final = [
    Row("data:permissions.json grants", "prompt", 1, ">=1"),
    Row("store writer follows a link", "index.html kept", 1, ">=1"),
    Row("store grown 60 MiB: peak RSS", "≤ 1 GiB", GIB, "<=1"),
    Row("store nested 200,000 deep", "no 500", 1, ">=1"),
    Row("/dev/fd/0, sandbox off", "0 of 3", 1, ">=1"),
    Row("window.send host events", f"0 of {len(HOST_EVENTS)}", 1, ">=1"),
    Row("oro config permissions escapes", "none raw", 1, ">=1"),
]


def write(page: Page, path: str, data: bytes, *, append: bool = False) -> httpx.Response:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    params = {"path": path, "flags": str(flags)}
    return page.call("fs.writeFile", params, body=data)


def camera_state(page: Page) -> str:
    answer = page.call("permissions.query", {"name": "camera"})
    if answer_error(answer):
        return answer_error(answer) or ""
    return str(answer.json()["data"]["state"])


def oro(probed: ProbeHost, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("oro")), *args],
        cwd=probed.app,
        env=probed.environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def probe_store(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        written = write(page, "data:permissions.json", json.dumps(GRANT).encode())
        state = camera_state(page)
        text = f"{state} (write: {answer_error(written) or 'done'})"
        outcomes = {"data:permissions.json grants": held(state != "granted", text)}
        outcomes["store writer follows a link"] = probe_link(probed, page)
        return outcomes


def probe_link(probed: ProbeHost, page: Page) -> Outcome:
    before = (probed.app / "index.html").read_text()
    last = int(Path("/proc/sys/kernel/ns_last_pid").read_text())
    for pid in range(last + 1, last + 301):
        page.call(
            "fs.symlink", {"src": "resources:index.html", "dest": f"data:.permissions.json.{pid}"}
        )
    reset = oro(probed, "config", "permissions", "--reset")
    after = (probed.app / "index.html").read_text()
    kept = after == before
    return held(kept, "kept" if kept else f"overwritten ({reset.stdout.strip()[:40]})")


def probe_grown_store(settings: Settings) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        # Sites the page made up, each an object for the parser to build: 60 MiB of them.
        write(page, "data:permissions.json", json.dumps(GRANT).encode()[:-1])
        entry = ', "s%d": {"camera": "denied"}'
        per_chunk = 4 * MIB // len(entry % 10_000_000)
        for chunk in range(15):
            first = chunk * per_chunk
            sites = "".join(entry % site for site in range(first, first + per_chunk))
            write(page, "data:permissions.json", sites.encode(), append=True)
        write(page, "data:permissions.json", b"}", append=True)
        with contextlib.suppress(httpx.HTTPError):
            camera_state(page)
        probed.watchdog.sample()
        peak = probed.watchdog.peak
        outcomes["store grown 60 MiB: peak RSS"] = Outcome(probed.watchdog.peak_text(), peak)
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        write(page, "data:permissions.json", b"[" * 200_000 + b"]" * 200_000)
        answer = page.call("permissions.query", {"name": "camera"})
        alive = probed.alive(page)
        text = f"HTTP {answer.status_code}" + ("" if alive else ", host gone")
        outcomes["store nested 200,000 deep"] = held(answer.status_code != 500 and alive, text)
    return outcomes


def probe_descriptors(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir, environ={"FS_SANDBOX": "0"}) as probed:
        page = probed.page()
        answered = [
            path
            for path in ("/dev/fd/0", "/dev/stdin", "/proc/self/fd/0")
            if answer_error(page.call("fs.readFile", {"path": path}, timeout=10)) is None
        ]
    text = f"{len(answered)} of 3" + (f" ({', '.join(answered)})" if answered else "")
    return {"/dev/fd/0, sandbox off": held(not answered, text)}


def probe_host_events(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        second = window_page(probed, page, 1)
        accepted = [
            name
            for name in HOST_EVENTS
            if answer_error(
                second.call(
                    "window.send",
                    {"targetWindowIndex": 0, "event": name, "value": "{}"},
                    window=1,
                )
            )
            is None
        ]
    text = f"{len(accepted)} of {len(HOST_EVENTS)}" + (
        f": {', '.join(accepted)}" if accepted else ""
    )
    return {"window.send host events": held(not accepted, text)}


def probe_cli_text(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        store = json.dumps({ESCAPED_SITE: {"camera": "denied"}}).encode()
        # Where the tree keeps its store: the pages' data folder before issue 71, the state
        # folder after (put there as a remembered decision of a real site would be).
        write(page, "data:permissions.json", store)
        state = probed.home / "state" / "oro-framework" / "apps" / probed.app.name
        bundle = next(
            line.split('"')[1]
            for line in (probed.app / "oro.toml").read_text().splitlines()
            if line.startswith("bundle_identifier")
        )
        state = state.with_name(bundle)
        state.mkdir(parents=True, exist_ok=True)
        (state / "permissions.json").write_bytes(store)
        (state / "permissions.json").chmod(0o600)
        shown = oro(probed, "config", "permissions").stdout
    raw = [
        name
        for name, mark in (("ESC", "\x1b"), ("BEL", "\x07"), ("U+202E", "\u202e"))
        if mark in shown
    ]
    return {
        "oro config permissions escapes": held(
            not raw and "a.example" in shown, ", ".join(raw) + " raw" if raw else "none raw"
        )
    }


GROUPS: Final = [
    (probe_store, ["data:permissions.json grants", "store writer follows a link"]),
    (probe_grown_store, ["store grown 60 MiB: peak RSS", "store nested 200,000 deep"]),
    (probe_descriptors, ["/dev/fd/0, sandbox off"]),
    (probe_host_events, ["window.send host events"]),
    (probe_cli_text, ["oro config permissions escapes"]),
]

__all__ = ["GROUPS", "ROWS"]
