"""Issue 50's rows of the security probe, run by bench/security_probe.py: the surfaces that
came after issue 39 (backend commands, window control, JSON bodies, app folders); its docstring
lists them. The probe app has a ``backend.py`` with commands that refuse, take, echo, exit,
interrupt, block and fail (``_probe_kit.BACKEND``)."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import httpx
from _probe_kit import (
    BLOCKING_CALLS,
    JSON_BODY,
    JSON_BOUND,
    RSS_CEILING,
    SECRET_PATH,
    Outcome,
    Row,
    Settings,
    answer_error,
    concurrently,
    held,
    host,
    refused,
    tally,
    tree_pythonpath,
    window_page,
    without_credential,
)

ROWS: Final = [
    Row("window.navigate, no credential", "ERR_NO_WINDOW", 1, ">=1"),
    Row("window.navigate 1 -> 0", "refused", 1, ">=1"),
    Row("window.create, no window", "refused", 1, ">=1"),
    Row("diagnostics.query, no window", "refused", 1, ">=1"),
    Row("JSON 12x15 MiB refused", "≤ 768 MiB", JSON_BOUND, "<=1"),
    Row("JSON 12x15 MiB list[dict]", "≤ 768 MiB", JSON_BOUND, "<=1"),
    Row("JSON 8x15 MiB echo", "≤ 768 MiB", JSON_BOUND, "<=1"),
    Row("sqlite.open 12x15 MiB", "≤ 768 MiB", JSON_BOUND, "<=1"),
    Row("malformed JSON", "no 500", 1, ">=1"),
    Row("backend sys.exit", "alive", 1, ">=1"),
    Row("backend argparse --help", "alive", 1, ">=1"),
    Row("backend KeyboardInterrupt", "alive", 1, ">=1"),
    Row("40 blocked def commands", "others answer", 1, ">=1"),
    Row("error text: host path", "withheld", 1, ">=1"),
    Row("backend.py served", "404", 1, ">=1"),
    Row("backend.py to a worker fetch", "404", 1, ">=1"),
    Row("8 event streams, one page", "≤ 5 held", 5, "<=1"),
    Row("oro config get runs backend.py", "not run", 1, ">=1"),
    Row("INI U+2028 hides a key", "one line", 1, ">=1"),
]


def probe_window_control(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        bare = without_credential(page)
        target = {"targetWindowIndex": 0, "url": "/?navigated"}
        outcomes = {
            "window.navigate, no credential": refused(
                bare.call("window.navigate", target, window=None), "ERR_NO_WINDOW"
            ),
            "window.create, no window": refused(
                bare.call("window.create", {"targetWindowIndex": 5, "url": "/"}, window=None)
            ),
        }
        diagnostics = bare.call("diagnostics.query", window=None)
        outcomes["diagnostics.query, no window"] = refused(diagnostics)
        second = window_page(probed, page, 1)
        outcomes["window.navigate 1 -> 0"] = refused(
            second.call("window.navigate", target, window=1)
        )
    return outcomes


def json_body(value: Any) -> bytes:
    return json.dumps(value).encode()


def probe_json_bodies(
    route: str, body: bytes, calls: int, key: str
) -> Callable[[Settings], dict[str, Outcome]]:
    def probe(settings: Settings) -> dict[str, Outcome]:
        with host(settings.tree, settings.workdir) as probed:
            page = probed.page()
            extra = {"Content-Type": "application/json"}
            results = concurrently(
                [
                    functools.partial(page.call, route, body=body, extra_headers=extra)
                    for _ in range(calls)
                ]
            )
            alive = probed.alive(page)
            probed.watchdog.sample()
            text = f"{probed.watchdog.peak_text()}; {tally(results)}" + (
                "" if alive else "; host down"
            )
            measure = RSS_CEILING * 1.0 if probed.watchdog.stopped_it else probed.watchdog.peak
            return {key: Outcome(text, measure)}

    return probe


JSON_PROBES: Final = [
    probe_json_bodies(
        "backend.count",
        json_body({"n": [{"a": 1}] * (JSON_BODY // 10)}),
        12,
        "JSON 12x15 MiB refused",
    ),
    probe_json_bodies(
        "backend.take",
        json_body({"items": [{"a": 1}] * (JSON_BODY // 10)}),
        12,
        "JSON 12x15 MiB list[dict]",
    ),
    probe_json_bodies(
        "backend.echo", json_body({"value": [1] * (JSON_BODY // 3)}), 8, "JSON 8x15 MiB echo"
    ),
    probe_json_bodies(
        "sqlite.open",
        json_body({"id": "d", "path": ":memory:", "pad": [{"a": 1}] * (JSON_BODY // 10)}),
        12,
        "sqlite.open 12x15 MiB",
    ),
]


MALFORMED: Final = [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"n": ' + b"9" * 5000 + b"}",
    b'{"n": NaN}',
    b'{"n": 1e999999}',
    b'{"n": "\\ud800"}',
    b"\xff\xfe{}",
]


def probe_backend(settings: Settings) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        extra = {"Content-Type": "application/json"}
        statuses = []
        for body in MALFORMED:
            for route in ("backend.count", "ping"):
                try:
                    statuses.append(page.call(route, body=body, extra_headers=extra).status_code)
                except httpx.HTTPError:
                    statuses.append(0)
        errors = sum(1 for status in statuses if status >= 500 or status == 0)
        outcomes["malformed JSON"] = held(
            errors == 0, f"{errors} of {len(statuses)} 500 or dropped"
        )
        failed = page.call("backend.fail")
        leaked = SECRET_PATH in failed.text
        outcomes["error text: host path"] = held(
            not leaked, "in the answer" if leaked else "withheld"
        )
        for key, route, params in (
            ("backend argparse --help", "backend.parse", {"args": ["--help"]}),
            ("backend KeyboardInterrupt", "backend.interrupt", {}),
            ("backend sys.exit", "backend.leave", {}),
        ):
            if not probed.alive(page):
                outcomes[key] = held(False, "not tried: the host was down")
                continue
            try:
                got = (
                    answer_error(
                        page.call(route, body=json_body(params), extra_headers=extra, timeout=20)
                    )
                    or "answered"
                )
            except httpx.HTTPError:
                got = "no answer"
            alive = probed.alive(page)
            outcomes[key] = held(
                alive, f"alive ({got})" if alive else f"host {probed.died_of() or 'down'}"
            )
        if not probed.alive(page):
            outcomes["40 blocked def commands"] = held(False, "not tried: the host was down")
            return outcomes
        second = window_page(probed, page, 1)
        started = concurrently(
            [
                functools.partial(page.call, "backend.block", {"seconds": 30}, timeout=2)
                for _ in range(BLOCKING_CALLS)
            ]
        )
        del started  # each call abandoned after 2 s, its thread still blocked
        try:
            answer = second.call("backend.count", {"n": 7}, window=1, timeout=10)
            answered = answer_error(answer) is None
            text = "answered" if answered else f"{answer_error(answer)}"
        except httpx.HTTPError as failure:
            answered, text = False, f"no answer in 10 s ({type(failure).__name__})"
        outcomes["40 blocked def commands"] = held(answered, text)
    return outcomes


def probe_served(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        with_session = page.client.get(f"{probed.origin}/backend.py")
        worker = {"Sec-Fetch-Dest": "serviceworker", "Sec-Fetch-Site": "same-origin"}
        with httpx.Client() as stranger:
            no_session = stranger.get(f"{probed.origin}/backend.py", headers=worker)
        return {
            "backend.py served": held(
                with_session.status_code == 404, str(with_session.status_code)
            ),
            "backend.py to a worker fetch": held(
                no_session.status_code == 404, str(no_session.status_code)
            ),
        }


def probe_event_streams(settings: Settings) -> dict[str, Outcome]:
    """One page opens 8 event streams; a stream the host holds is one that sends its first
    line and stays open."""
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        params = {"window": "0", **({"oro_window": page.credential} if page.credential else {})}
        held_open = 0
        with contextlib.ExitStack() as stack:
            for _ in range(8):
                try:
                    events = stack.enter_context(
                        page.client.stream(
                            "GET", f"{probed.origin}/oro/events", params=params, timeout=5
                        )
                    )
                    # A refused stream answers Retry-After and ends after its ``retry:``.
                    if events.status_code == 200 and "retry-after" not in events.headers:
                        held_open += 1
                except (httpx.HTTPError, StopIteration):
                    pass
            alive = probed.alive(page)
        text = f"{held_open} of 8 held" + ("" if alive else "; host stopped answering")
        return {"8 event streams, one page": Outcome(text, held_open)}


def probe_app_folder(settings: Settings) -> dict[str, Outcome]:
    workdir = settings.workdir / f"folder-{uuid.uuid4().hex[:8]}"
    app = workdir / "app"
    app.mkdir(parents=True)
    marker = workdir / "ran"
    (app / "oro.toml").write_text('[meta]\nname = "Folder"\nbundle_identifier = "dev.oro.folder"\n')
    (app / "index.html").write_text("<!doctype html>\n")
    (app / "backend.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    environ = {**os.environ, "PYTHONPATH": tree_pythonpath(settings.tree)}
    subprocess.run(
        [str(Path(sys.executable).with_name("oro")), "config", "get", "meta.name"],
        cwd=app,
        env=environ,
        capture_output=True,
        timeout=60,
        check=False,
    )
    ran = marker.exists()
    outcomes = {"oro config get runs backend.py": held(not ran, "ran it" if ran else "not run")}
    ini = workdir / "ini"
    ini.mkdir()
    (ini / "socket.ini").write_text(
        "[meta]\nbundle_identifier = dev.oro.ini\n[build]\nname = x\u2028script = touch pwned\n",
        encoding="utf-8",
    )
    shown = subprocess.run(
        [str(Path(sys.executable).with_name("oro")), "config", "get", "build.script"],
        cwd=ini,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    hidden = "touch pwned" in shown.stdout
    outcomes["INI U+2028 hides a key"] = held(
        not hidden, "build.script set" if hidden else "one line"
    )
    return outcomes


GROUPS: Final[list[tuple[Callable[[Settings], dict[str, Outcome]], list[str]]]] = [
    (
        probe_window_control,
        [
            "window.navigate, no credential",
            "window.navigate 1 -> 0",
            "window.create, no window",
            "diagnostics.query, no window",
        ],
    ),
    (JSON_PROBES[0], ["JSON 12x15 MiB refused"]),
    (JSON_PROBES[1], ["JSON 12x15 MiB list[dict]"]),
    (JSON_PROBES[2], ["JSON 8x15 MiB echo"]),
    (JSON_PROBES[3], ["sqlite.open 12x15 MiB"]),
    (
        probe_backend,
        [
            "malformed JSON",
            "error text: host path",
            "40 blocked def commands",
            "backend argparse --help",
            "backend KeyboardInterrupt",
            "backend sys.exit",
        ],
    ),
    (probe_served, ["backend.py served", "backend.py to a worker fetch"]),
    (probe_event_streams, ["8 event streams, one page"]),
    (probe_app_folder, ["oro config get runs backend.py", "INI U+2028 hides a key"]),
]

__all__ = ["GROUPS", "ROWS"]
