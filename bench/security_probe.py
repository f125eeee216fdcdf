"""Issue 39's outside probe, repeatable: a real ``oro run --headless`` host attacked only over
HTTP, as a page an attacker controls would (the launch URL's session cookie, the window
credential its redirect hands over where the tree has one, and forged ``X-IPC-Window-Index: N``
headers and ``index=N`` parameters for other windows).

Rows (each in a fresh host where it measures memory or may kill the host):

* ``fts3_tokenizer`` — ``SELECT fts3_tokenizer('evil', x'41..41')`` then ``CREATE VIRTUAL TABLE
  v USING fts3(tokenize=evil)`` on ``:memory:``: is the host alive afterwards?
* ``exec yes maxBuffer=Inf`` — ``child_process.exec`` of ``yes`` with ``maxBuffer=Infinity``
  (what ``spawnSync`` sends): the host's peak RSS and what the page got.
* ``randomblob x8`` — concurrent ``SELECT randomblob(999000000)``, one database each: peak RSS.
* ``zlib 64 stream writes`` — 64 inflate streams, each written at once with input that
  inflates to 64 MiB (``[zlib] max_output_bytes``, the most one write may make): peak RSS.
* ``forged: children / zlib streams / databases`` — how many the page got across forged
  windows against the per-window limit; ``forged: window 1's child`` — window 1's child
  (started with window 1's own credential, from a ``window.create`` launch URL opened by
  another client) listed or killed by the page naming window 1.
* ``tcp.connect loopback / 169.254.169.254`` — allowed (connected or tried) or ``EACCES``.
* ``PRAGMA writable_schema=1``, ``300 KB header``, ``application.config base_url`` (an
  ``[ai.upstreams.x]`` table with ``base_url = "http://127.0.0.1:9/v1"``) and ``SIGTERM, page
  open`` (``LookupError``/``Traceback`` on the host's stderr).

Issue 50's rows (the surfaces that came after: backend commands, window control, JSON bodies,
app folders). The probe app has a ``backend.py`` with commands that refuse, take, echo, exit,
interrupt, block and fail:

* ``window.navigate, no credential`` / ``window.navigate 1 -> 0`` / ``window.create, no
  window`` — a request that proves no window, and window 1's page acting on window 0.
* ``diagnostics.query, no window`` — what a request with the session cookie alone reads.
* ``JSON 12x15 MiB refused`` / ``list[dict]`` / ``echo 8x15 MiB`` / ``sqlite.open 12x15 MiB``
  — concurrent JSON bodies: the host's peak RSS (bound 768 MiB, the 512 MiB budget plus the
  host's own baseline).
* ``malformed JSON`` — deep nesting, a 5,000-digit int, ``NaN``: how many got a 500.
* ``backend sys.exit`` / ``argparse --help`` / ``KeyboardInterrupt`` — is the host alive after.
* ``40 blocked def commands`` — does another window's command answer within 10 s.
* ``error text: host path`` — does a command's ``OSError`` hand the page an absolute path.
* ``backend.py served`` / ``backend.py to a worker fetch`` — with the session, and with only
  ``Sec-Fetch-Dest: serviceworker``.
* ``8 event streams, one page`` — how many the host holds open for one page.
* ``oro config get runs backend.py`` — does reading the app folder write the backend's marker.
* ``INI U+2028 hides a key`` — ``[build] name = x<U+2028>script = ...``: is ``build.script`` set.

Issue 71's rows (ownership boundaries: host state through the pages' routes, host events,
page text in the CLI) are bench/security_probe_ownership.py's; its docstring lists them.

Peak RSS is the host's ``VmHWM``. For safety a watchdog reads ``VmRSS`` every 50 ms and SIGKILLs
the host past 2 GiB; the row then says ``> 2 GiB (probe stopped it)``.

Columns: probe, before (with ``--compare``), after, bound, ratio and goal. The ratio is the
after column ÷ the bound: peak RSS ÷ 1 GiB and counts ÷ the limit (goal ``<=1``); a yes/no row
is 1 when the hole is closed and 0 when it is open (goal ``>=1``). A row that cannot be set up
says ``error: ...`` and its ratio is ``nan``. Nothing is asserted: the table shows it.

Run: ``.venv/bin/python bench/security_probe.py [--quick] [--only TEXT] [--tree PATH] [--compare
/work/before]`` (``--only``: the groups with a row whose name contains TEXT)
(``--tree``: the source tree the host runs, put first on its ``PYTHONPATH``; default this
repository. ``--compare OLD``: OLD as before, ``--tree`` as after, in one table.)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import math
import signal
import socket
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Final

import httpx
from _probe_kit import (
    DATABASES,
    GIB,
    MAX_CHILDREN,
    MIB,
    REPOSITORY,
    RSS_CEILING,
    UPSTREAM,
    ZLIB_OUTPUT,
    ZLIB_STREAMS,
    Outcome,
    Page,
    ProbeHost,
    Row,
    Settings,
    answer_error,
    concurrently,
    error_text,
    held,
    host,
    tally,
)
from _shared import GOAL_WIDTH, goal, parse_arguments
from security_probe_ownership import GROUPS as OWNERSHIP_GROUPS
from security_probe_ownership import ROWS as OWNERSHIP_ROWS
from security_probe_surfaces import GROUPS as SURFACES_GROUPS
from security_probe_surfaces import ROWS as SURFACES_ROWS

ROWS: Final = [
    Row("fts3_tokenizer", "alive", 1, ">=1"),
    Row("exec yes maxBuffer=Inf", "≤ 1 GiB", GIB, "<=1"),
    Row("randomblob x8", "≤ 1 GiB", GIB, "<=1"),
    Row("zlib 64 stream writes", "≤ 1 GiB", GIB, "<=1"),
    Row("forged: children", f"≤ {MAX_CHILDREN}", MAX_CHILDREN, "<=1"),
    Row("forged: zlib streams", f"≤ {ZLIB_STREAMS}", ZLIB_STREAMS, "<=1"),
    Row("forged: databases", f"≤ {DATABASES}", DATABASES, "<=1"),
    Row("forged: window 1's child", "unseen", 1, ">=1"),
    Row("tcp.connect loopback", "EACCES", 1, ">=1"),
    Row("tcp.connect 169.254.169.254", "EACCES", 1, ">=1"),
    Row("PRAGMA writable_schema=1", "refused", 1, ">=1"),
    Row("300 KB header", "431", 1, ">=1"),
    Row("application.config base_url", "withheld", 1, ">=1"),
    Row("SIGTERM, page open", "no errors", 1, ">=1"),
    *SURFACES_ROWS,
    *OWNERSHIP_ROWS,
]


def open_memory_database(page: Page, database: str, window: int = 0) -> httpx.Response:
    return page.call("sqlite.open", {"id": database, "path": ":memory:"}, window=window)


def sql(page: Page, database: str, statement: str, timeout: float = 120) -> httpx.Response:
    return page.call("sqlite.exec", {"id": database, "sql": statement}, timeout=timeout)


def probe_fts3(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        opened = open_memory_database(page, "d")
        if answer_error(opened):
            raise RuntimeError(f"sqlite.open: {answer_error(opened)}")
        answers = []
        for statement in (
            "SELECT fts3_tokenizer('evil', x'4141414141414141')",
            "CREATE VIRTUAL TABLE v USING fts3(tokenize=evil)",
        ):
            try:
                answers.append(answer_error(sql(page, "d", statement)) or "ran")
            except httpx.HTTPError:
                answers.append("no answer")
        if probed.alive(page):
            text = f"alive ({answers[0]}; {answers[1]})"
            return {"fts3_tokenizer": held(True, text)}
        with contextlib.suppress(subprocess.TimeoutExpired):
            probed.oro.process.wait(timeout=5)
        died = probed.died_of()
        text = f"{died} (host died)" if died else "host runs but does not answer"
        return {"fts3_tokenizer": held(False, text)}


def probe_exec(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        params = {"command": "yes", "args": "[]", "id": "yes-1", "maxBuffer": "Infinity"}
        try:
            answer = page.call("child_process.exec", params, body=b"", timeout=60)
            error = answer_error(answer)
            got = error if error else f"{len(answer.content) // MIB} MiB answer"
        except httpx.HTTPError as failure:
            got = "no answer" if probed.watchdog.stopped_it else f"{type(failure).__name__}"
        probed.watchdog.sample()
        text = f"{probed.watchdog.peak_text()}; page got {got}"
        measure = RSS_CEILING * 1.0 if probed.watchdog.stopped_it else probed.watchdog.peak
        return {"exec yes maxBuffer=Inf": Outcome(text, measure)}


def probe_randomblob(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        for index in range(8):
            opened = open_memory_database(page, f"blob{index}")
            if answer_error(opened):
                raise RuntimeError(f"sqlite.open: {answer_error(opened)}")
        results = concurrently(
            [
                functools.partial(sql, page, f"blob{index}", "SELECT randomblob(999000000) AS b")
                for index in range(8)
            ]
        )
        probed.watchdog.sample()
        text = f"{probed.watchdog.peak_text()}; {tally(results)}"
        measure = RSS_CEILING * 1.0 if probed.watchdog.stopped_it else probed.watchdog.peak
        return {"randomblob x8": Outcome(text, measure)}


def probe_zlib_writes(settings: Settings) -> dict[str, Outcome]:
    inflated = ZLIB_OUTPUT
    packed = zlib.compress(bytes(inflated), 9)
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        streams = []
        for _ in range(ZLIB_STREAMS):
            opened = page.call("zlib.stream.open", {"mode": "inflate"})
            if answer_error(opened):
                raise RuntimeError(f"zlib.stream.open: {answer_error(opened)}")
            streams.append(opened.json()["data"]["id"])
        results = concurrently(
            [
                functools.partial(
                    page.call, "zlib.stream.write", {"id": stream, "flush": "sync"}, body=packed
                )
                for stream in streams
            ]
        )
        probed.watchdog.sample()
        text = f"{probed.watchdog.peak_text()}; {tally(results)}"
        measure = RSS_CEILING * 1.0 if probed.watchdog.stopped_it else probed.watchdog.peak
        return {"zlib 64 stream writes": Outcome(text, measure)}


def count_accepted(answers: list[httpx.Response]) -> int:
    return sum(1 for answer in answers if answer_error(answer) is None)


def probe_forged_windows(page: Page, probed: ProbeHost, quick: bool) -> dict[str, Outcome]:
    def across(limit: int, full: int) -> range:
        # --quick: a few windows past the limit still shows whether the limit holds.
        return range(limit + 4 if quick else full)

    windows = across(MAX_CHILDREN, 38)
    children = [
        page.call(
            "child_process.spawn",
            {"command": "sleep", "args": '["60"]', "id": f"forged-{window}"},
            window=window,
        )
        for window in windows
    ]
    started = count_accepted(children)
    outcomes = {"forged: children": Outcome(f"{started} of {len(windows)} started", started)}
    windows = across(ZLIB_STREAMS, 256)
    streams = [page.call("zlib.stream.open", {"mode": "deflate"}, window=w) for w in windows]
    opened = count_accepted(streams)
    outcomes["forged: zlib streams"] = Outcome(f"{opened} of {len(windows)} opened", opened)
    windows = across(DATABASES, 128)
    databases = [open_memory_database(page, f"forged-{w}", window=w) for w in windows]
    opened = count_accepted(databases)
    outcomes["forged: databases"] = Outcome(f"{opened} of {len(windows)} opened", opened)
    outcomes["forged: window 1's child"] = probe_other_window(page, probed)
    return outcomes


def probe_other_window(page: Page, probed: ProbeHost) -> Outcome:
    """Window 1's page (another client that opened window 1's launch URL) starts a child; the
    attacking page names window 1 to list and kill it."""
    created = page.call("window.create", {"targetWindowIndex": 1, "url": "/"})
    if answer_error(created):
        raise RuntimeError(f"window.create: {answer_error(created)}")
    launch = created.json()["data"].get("launchUrl")
    if not launch:
        raise RuntimeError("window.create gave no launchUrl")
    victim = probed.page(launch if launch.startswith("http") else probed.origin + launch)
    spawned = victim.call(
        "child_process.spawn", {"command": "sleep", "args": '["60"]', "id": "victim"}, window=1
    )
    if answer_error(spawned):
        raise RuntimeError(f"window 1's spawn: {answer_error(spawned)}")
    listed = page.call("child_process.list", window=1)
    seen = answer_error(listed) is None and any(
        child.get("id") == "victim" for child in listed.json()["data"]
    )
    killed = page.call("child_process.kill", {"id": "victim", "signal": "SIGKILL"}, window=1)
    was_killed = answer_error(killed) is None and bool(killed.json()["data"].get("killed"))
    if seen or was_killed:
        what = " and ".join(
            part for part, done in (("listed", seen), ("killed", was_killed)) if done
        )
        return held(False, f"{what} it")
    error = answer_error(killed) or "not killed"
    return held(True, f"unseen (kill: {error.split()[-1]})")


def probe_tcp(page: Page) -> dict[str, Outcome]:
    outcomes = {}
    with socket.create_server(("127.0.0.1", 0)) as listener:
        targets = {
            "tcp.connect loopback": ("127.0.0.1", listener.getsockname()[1]),
            "tcp.connect 169.254.169.254": ("169.254.169.254", 80),
        }
        for index, (key, (address, port)) in enumerate(targets.items()):
            params = {"id": f"tcp-{index}", "address": address, "port": port, "timeout": 1500}
            answer = page.call("tcp.connect", params)
            error = answer_error(answer)
            if error is None:
                outcomes[key] = held(False, "connected")
                page.call("tcp.close", {"id": f"tcp-{index}"})
            elif error.endswith("EACCES"):
                outcomes[key] = held(True, "EACCES")
            else:
                outcomes[key] = held(False, f"tried ({error.split()[-1]})")
    return outcomes


def probe_writable_schema(page: Page) -> dict[str, Outcome]:
    opened = open_memory_database(page, "schema")
    if answer_error(opened):
        raise RuntimeError(f"sqlite.open: {answer_error(opened)}")
    error = answer_error(sql(page, "schema", "PRAGMA writable_schema=1"))
    page.call("sqlite.close", {"id": "schema"})
    key = "PRAGMA writable_schema=1"
    return {key: held(error is not None, f"refused ({error})" if error else "allowed")}


def probe_header(page: Page) -> dict[str, Outcome]:
    try:
        status = str(page.call("ping", extra_headers={"X-Pad": "a" * 300_000}).status_code)
    except httpx.HTTPError as failure:
        status = f"dropped ({type(failure).__name__})"
    return {"300 KB header": held(status == "431", status)}


def probe_config(page: Page) -> dict[str, Outcome]:
    text = page.call("application.config").text
    key = "application.config base_url"
    return {key: held(UPSTREAM not in text, "served" if UPSTREAM in text else "withheld")}


def probe_shared_host(settings: Settings) -> dict[str, Outcome]:
    """The rows that neither measure memory nor may kill the host, in one host (the forged
    windows last: they fill window 0's quotas)."""
    outcomes: dict[str, Outcome] = {}
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        outcomes.update(
            guarded(probe_tcp, page, ["tcp.connect loopback", "tcp.connect 169.254.169.254"])
        )
        outcomes.update(guarded(probe_writable_schema, page, ["PRAGMA writable_schema=1"]))
        outcomes.update(guarded(probe_header, page, ["300 KB header"]))
        outcomes.update(guarded(probe_config, page, ["application.config base_url"]))
        forged = [row.key for row in ROWS if row.key.startswith("forged")]
        outcomes.update(
            guarded(lambda p: probe_forged_windows(p, probed, settings.quick), page, forged)
        )
    return outcomes


def probe_sigterm(settings: Settings) -> dict[str, Outcome]:
    with host(settings.tree, settings.workdir) as probed:
        page = probed.page()
        params = {"window": "0", **({"oro_window": page.credential} if page.credential else {})}
        with page.client.stream(
            "GET", f"{probed.origin}/oro/events", params=params, timeout=30
        ) as events:
            lines = events.iter_lines()
            first = next(lines)
            if not first.startswith(":"):
                raise RuntimeError(f"event channel said {first!r}")
            code = probed.stop(signal.SIGTERM)
            with contextlib.suppress(httpx.HTTPError):
                for _ in lines:
                    pass
        probed.oro.wait()
        errors = probed.oro.stderr()
    lookups, tracebacks = errors.count("LookupError"), errors.count("Traceback")
    if lookups or tracebacks:
        text = f"{lookups} LookupError, {tracebacks} Traceback (exit {code})"
        return {"SIGTERM, page open": held(False, text)}
    return {"SIGTERM, page open": held(True, f"none (exit {code})")}


def guarded(
    probe: Callable[[Page], dict[str, Outcome]], page: Page, keys: list[str]
) -> dict[str, Outcome]:
    """``probe``'s rows, or each of ``keys`` saying why it could not run."""
    try:
        return probe(page)
    except Exception as failure:
        return dict.fromkeys(keys, Outcome(error_text(failure), math.nan))


GROUPS: Final[list[tuple[Callable[[Settings], dict[str, Outcome]], list[str]]]] = [
    (probe_fts3, ["fts3_tokenizer"]),
    (probe_exec, ["exec yes maxBuffer=Inf"]),
    (probe_randomblob, ["randomblob x8"]),
    (probe_zlib_writes, ["zlib 64 stream writes"]),
    (
        probe_shared_host,
        [
            "forged: children",
            "forged: zlib streams",
            "forged: databases",
            "forged: window 1's child",
            "tcp.connect loopback",
            "tcp.connect 169.254.169.254",
            "PRAGMA writable_schema=1",
            "300 KB header",
            "application.config base_url",
        ],
    ),
    (probe_sigterm, ["SIGTERM, page open"]),
    *SURFACES_GROUPS,
    *OWNERSHIP_GROUPS,
]


def probe_tree(tree: Path, quick: bool, only: str | None = None) -> dict[str, Outcome]:
    """Every row (or those whose group has a key containing ``only``) against ``tree``'s code;
    a row that failed to run says why."""
    outcomes: dict[str, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="oro-security-probe-") as workdir:
        settings = Settings(tree, Path(workdir), quick)
        for probe, keys in selected(only):
            print(f"probing {tree}: {', '.join(keys)}", file=sys.stderr)
            try:
                found = probe(settings)
            except Exception as failure:
                found = {"": Outcome(error_text(failure), math.nan)}
            for key in keys:
                outcomes[key] = (
                    found.get(key) or found.get("") or Outcome("error: no answer", math.nan)
                )
    return outcomes


def selected(
    only: str | None,
) -> list[tuple[Callable[[Settings], dict[str, Outcome]], list[str]]]:
    if only is None:
        return GROUPS
    return [(probe, keys) for probe, keys in GROUPS if any(only in key for key in keys)]


# -- the table ------------------------------------------------------------------------------


def ratio(outcome: Outcome, row: Row) -> str:
    value = outcome.measure / row.bound
    return "nan" if math.isnan(value) else f"{value:.3g}"


def print_table(rows: list[Row], columns: dict[str, dict[str, Outcome]]) -> None:
    *_, last = columns.values()
    cells = [
        [row.key, *(column[row.key].text for column in columns.values()), row.bound_text]
        for row in rows
    ]
    header = ["probe", *columns, "bound"]
    widths = [max(len(line[i]) for line in [header, *cells]) + 2 for i in range(len(header))]

    def line(parts: list[str], tail: str) -> str:
        return "".join(part.ljust(width) for part, width in zip(parts, widths, strict=True)) + tail

    print(line(header, f"{'ratio':>8}{'goal':>{GOAL_WIDTH}}"))
    for row, parts in zip(rows, cells, strict=True):
        print(line(parts, f"{ratio(last[row.key], row):>8}{goal(row.goal)}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer forged windows (smoke run)")
    parser.add_argument(
        "--tree", type=Path, default=REPOSITORY, help="the source tree the host runs"
    )
    parser.add_argument("--compare", type=Path, help="an older tree, probed as 'before'")
    parser.add_argument("--only", help="only the groups with a row whose name contains this")
    arguments = parse_arguments(parser)
    columns: dict[str, dict[str, Outcome]] = {}
    trees = (
        {"before": arguments.compare, "after": arguments.tree}
        if arguments.compare
        else {"result": arguments.tree}
    )
    for name, tree in trees.items():
        columns[name] = probe_tree(tree.resolve(), arguments.quick, arguments.only)
    keys = {key for _, group in selected(arguments.only) for key in group}
    print_table([row for row in ROWS if row.key in keys], columns)


if __name__ == "__main__":
    main()
