"""Issue 50, JSON request bodies. Bodies were held in the host's memory budget, their parse was
not: at about 26 times the body, twelve concurrent 15 MiB bodies to a backend command took the
host to 4.2 GiB (5.8 GiB for a command returning its input), `sqlite.open` to 1.3-3.1 GiB while
other windows stalled. Malformed JSON (deep nesting, 5,000-digit ints, `NaN`) was a 500, and a
result JSON cannot carry logged a traceback per call.

The memory tests run the real `oro run --headless` on an app with a `backend.py`, attacked over
HTTP as a page would, and read the host process's peak RSS (`VmHWM`); a watchdog kills a host
past 1.5 GiB, so that the old code fails them without taking the machine down."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import signal
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oro_framework import Request
from oro_framework.testing import RoutePlugin, live_server, make_host, process_memory
from oro_framework.testing.process import OroProcess, headless_environ, until

KIB: Final = 1 << 10
MIB: Final = 1 << 20
BODY: Final = 15 * MIB
CALLS: Final = 12
PEAK_BOUND: Final = 768 * MIB
"""The default 512 MiB budget, plus the interpreter, the plugins and what is not a page's."""
KILL_AT: Final = 1536 * MIB
"""The watchdog's line: the old code went to 4-6 GiB, which would take the machine down."""

BACKEND: Final = """\
from typing import Any

from oro_framework.backend import command


@command
def count(n: int) -> int:
    return n


@command
def take(items: list[dict[str, int]]) -> int:
    return len(items)


@command
def echo(value: Any) -> Any:
    return value


@command
def nan() -> float:
    return float("nan")


@command
def deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value
"""


# -- the host -------------------------------------------------------------------------------


class Watchdog:
    """Samples the host's ``VmRSS`` (a safety, not a measure: ``VmHWM`` is the peak) and
    SIGKILLs it past :data:`KILL_AT`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.killed = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def memory(self, field: str) -> int:
        """``VmRSS`` or ``VmHWM`` of the host in bytes; 0 once it is gone."""
        return process_memory(field, self.pid)

    def _watch(self) -> None:
        while not self._done.wait(0.02):
            if self.memory("VmRSS") > KILL_AT and not self.killed:
                self.killed = True
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        self._done.set()
        self._thread.join()


class Page:
    """A window's page seen from the wire: the session cookie and the window's credential its
    launch URL hands over."""

    def __init__(self, origin: str, launch_url: str) -> None:
        self.origin = origin
        self.client = httpx.Client(
            timeout=120, limits=httpx.Limits(max_connections=None, max_keepalive_connections=32)
        )
        answer = self.client.get(launch_url)
        assert answer.status_code == 303, answer.status_code
        self.credential = parse_qs(urlsplit(answer.headers["location"]).fragment)["oro_window"][0]

    def call(
        self, route: str, body: bytes | None = None, *, content_type: str | None = None
    ) -> httpx.Response:
        headers = {"X-Oro-Window": self.credential}
        if content_type is not None:
            headers["Content-Type"] = content_type
        return self.client.request(
            "POST" if body is not None else "GET",
            f"{self.origin}/ipc/{route}",
            content=body,
            headers=headers,
        )


class App:
    """``oro run --headless`` of an app with :data:`BACKEND`, the SQLite plugin and the default
    budget; the interpreter's ``PYTHONPATH`` decides which tree's host runs."""

    def __init__(self, directory: Path) -> None:
        unique = uuid.uuid4().hex[:12]
        app = directory / f"app-{unique}"
        app.mkdir()
        (app / "index.html").write_text("<!doctype html><title>bodies</title>\n")
        (app / "oro.toml").write_text(
            f'[meta]\nname = "bodies"\nbundle_identifier = "dev.oro.bodies.{unique}"\n'
        )
        (app / "backend.py").write_text(BACKEND)
        # Short: the single-instance socket lies in TMPDIR, and a Unix socket's path is short.
        self._home = tempfile.TemporaryDirectory(prefix="oro-json-", dir="/tmp")
        home = Path(self._home.name)
        (home / "tmp").mkdir(parents=True)
        environ = headless_environ(
            {
                "TMPDIR": str(home / "tmp"),
                "XDG_DATA_HOME": str(home / "data"),
                "XDG_CACHE_HOME": str(home / "cache"),
                "XDG_CONFIG_HOME": str(home / "config"),
                "XDG_STATE_HOME": str(home / "state"),
            }
        )
        self.oro = OroProcess("run", str(app), "--headless", environ=environ, timeout=60)
        self.watchdog = Watchdog(self.oro.process.pid)
        self.launch_url = self.oro.launch_url()
        self.page = Page(self.launch_url.split("/?", 1)[0], self.launch_url)
        self.pages = [self.page]

    def window_page(self, window: int) -> Page:
        """The page of window ``window``: a page holds at most a few calls at once
        (``ipc.max_held_connections_per_page``), an attacker opens windows."""
        page = Page(self.page.origin, self.oro.window_launch_url(window=window))
        self.pages.append(page)
        return page

    def is_serving(self) -> bool:
        return self.oro.process.poll() is None and self.page.call("ping").text.count("pong") == 1

    def close(self) -> None:
        for page in self.pages:
            page.client.close()
        self.watchdog.close()
        self.oro.__exit__()
        self._home.cleanup()


@contextlib.contextmanager
def running_app(directory: Path) -> Iterator[App]:
    app = App(directory)
    try:
        yield app
    finally:
        app.close()


def error_of(response: httpx.Response) -> dict[str, Any] | None:
    """The ``err`` of an error envelope; ``None`` for data."""
    decoded = response.json()
    assert {"source", "id"} <= decoded.keys(), decoded
    err: dict[str, Any] | None = decoded.get("err")
    return err


# -- memory ---------------------------------------------------------------------------------


def _records(count: int) -> list[dict[str, int]]:
    return [{"a": 1}] * count


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


SHAPES: Final[dict[str, tuple[str, Callable[[], bytes]]]] = {
    # A list where the command takes an int: refused with TypeError, once parsed.
    "refused": ("backend.count", lambda: _json({"n": _records(BODY // 10)})),
    "list[dict]": ("backend.take", lambda: _json({"items": _records(BODY // 10)})),
    "echo": ("backend.echo", lambda: _json({"value": [1] * (BODY // 3)})),
    "sqlite.open": ("sqlite.open", lambda: _json({"pad": _records(BODY // 10)})),
}
"""The probe's shapes: route and body, each about 15 MiB of JSON."""


def _bodies(shape: str) -> list[bytes]:
    body = SHAPES[shape][1]()
    if shape != "sqlite.open":
        return [body] * CALLS
    # Each call opens a database of its own.
    return [b'{"id": "d%d", "path": ":memory:", ' % call + body[1:] for call in range(CALLS)]


@pytest.mark.parametrize(
    ("shape", "content_type"),
    [*((shape, "application/json") for shape in SHAPES), ("sqlite.open", "text/plain")],
    ids=[*SHAPES, "sqlite.open as text"],
)
def test_twelve_concurrent_15_mib_json_bodies_stay_within_the_budget(
    tmp_path: Path, shape: str, content_type: str
) -> None:
    """Each body is under `ipc.max_body_bytes` (16 MiB); the host parses what the budget holds,
    refuses the rest with 507 before parsing it, and keeps answering another window's ping.
    JSON sent as text is parsed when the handler asks rather than ahead: in the budget too."""
    route = SHAPES[shape][0]
    bodies = _bodies(shape)
    with running_app(tmp_path) as app:
        pages = [app.window_page(window) for window in range(1, CALLS + 1)]
        calls_done = threading.Event()
        pings_meanwhile: list[bool] = []

        def ping_until_done() -> None:
            while not calls_done.is_set():
                answered = app.page.call("ping").text.count("pong") == 1
                pings_meanwhile.append(answered and not calls_done.is_set())

        def call(page: Page, body: bytes) -> httpx.Response | httpx.HTTPError:
            try:
                return page.call(route, body, content_type=content_type)
            except httpx.HTTPError as error:
                return error

        with ThreadPoolExecutor(max_workers=CALLS + 1) as pool:
            pinging = pool.submit(ping_until_done)
            results = list(pool.map(call, pages, bodies))
            calls_done.set()
            pinging.result()
        peak = app.watchdog.memory("VmHWM")
        assert not app.watchdog.killed, f"the host passed {KILL_AT // MIB} MiB"
        assert peak < PEAK_BOUND, f"the host peaked at {peak / MIB:.0f} MiB"
        statuses = []
        for result in results:
            assert isinstance(result, httpx.Response), result
            err = error_of(result)
            statuses.append(result.status_code)
            if err is None:
                assert result.status_code == 200
            else:
                # Parsed and refused by the command, or refused by the budget or a cap.
                assert (result.status_code, err["type"], err["code"]) in {
                    (400, "TypeError", "ERR_INVALID_ARG_TYPE"),
                    (413, "RangeError", "ERR_OUT_OF_RANGE"),
                    (507, "RangeError", "ERR_OUT_OF_MEMORY"),
                }, (result.status_code, err)
        assert any(pings_meanwhile), "no ping was answered while the bodies were in the host"
        assert app.is_serving()


def test_one_15_mib_json_body_is_parsed_and_echoed_whole(tmp_path: Path) -> None:
    """The budget refuses what it cannot hold, not what it can: a command returning its 15 MiB
    input answers it, encoded in slices held in the budget."""
    value = [1] * (BODY // 3)
    with running_app(tmp_path) as app:
        answer = app.page.call(
            "backend.echo", json.dumps({"value": value}).encode(), content_type="application/json"
        )
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json()["data"] == value
        assert app.watchdog.memory("VmHWM") < PEAK_BOUND


# -- malformed bodies and results JSON cannot carry ------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with running_app(tmp_path_factory.mktemp("json-bodies")) as running:
        yield running


def _nested(opening: bytes, closing: bytes) -> st.SearchStrategy[bytes]:
    return st.integers(min_value=1, max_value=100_000).map(
        lambda depth: opening * depth + b"1" + closing * depth
    )


NASTY_TEXTS: Final = st.one_of(
    _nested(b"[", b"]"),
    _nested(b'{"n":', b"}"),
    st.integers(min_value=4301, max_value=50_000).map(
        lambda digits: b'{"n":' + b"9" * digits + b"}"
    ),
    st.sampled_from(
        [
            b'{"n": NaN}',
            b'{"n": Infinity}',
            b'{"n": -Infinity}',
            b"NaN",
            b'{"n": 1e999999}',
            b'{"n": "\\ud800"}',
            b'{"path": "\\udfff", "id": "\\ud800"}',
            b'{"n": 1, "n": 2}',
            b'{"path": ":memory:", "path": ":memory:"}',
            b"\xff\xfe{}",
            b'{"path": "\xed\xa0\x80"}',
            b'{"path": "\xc3"}',
            b"",
            b"{",
            b'{"n": 1} x',
            b"\x00{",
            b"\xef\xbb\xbf{}",
        ]
    ),
    st.binary(max_size=64),
    st.text(max_size=64).map(lambda text: text.encode("utf-8", "surrogatepass")),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=NASTY_TEXTS,
    route=st.sampled_from(["backend.count", "backend.take", "sqlite.open"]),
    content_type=st.sampled_from([None, "application/json", "text/plain;charset=utf-8"]),
)
@example(body=b"[" * 100_000 + b"]" * 100_000, route="backend.count", content_type=None)
@example(body=b'{"n": ' + b"9" * 5000 + b"}", route="backend.count", content_type=None)
@example(body=b'{"n": NaN}', route="backend.count", content_type="application/json")
def test_malformed_json_is_a_typed_client_error_and_the_host_keeps_serving(
    app: App, body: bytes, route: str, content_type: str | None
) -> None:
    answer = app.page.call(route, body, content_type=content_type)
    assert answer.status_code < 500, (answer.status_code, answer.text[:300])
    err = error_of(answer)
    if answer.status_code >= 400:
        assert err is not None
        assert err["type"], err
        assert err["code"], err
    assert app.is_serving()


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("backend.count", b'{"n": ' + b"9" * 5000 + b"}"),
        ("backend.count", b'{"n": NaN}'),
        ("backend.count", b"[" * 100_000 + b"]" * 100_000),
        ("sqlite.open", b"[" * 5_000 + b"]" * 5_000),
        ("sqlite.open", b'{"path": \xff}'),
    ],
    ids=["5000-digit int", "NaN", "100k deep, parsed ahead", "5k deep", "invalid UTF-8"],
)
def test_each_kind_of_malformed_json_is_a_syntax_error(app: App, route: str, body: bytes) -> None:
    answer = app.page.call(route, body, content_type="application/json")
    err = error_of(answer)
    assert err is not None
    assert (answer.status_code, err["type"], err["code"]) == (
        400,
        "SyntaxError",
        "ERR_INVALID_JSON",
    )


@pytest.mark.parametrize(
    ("route", "body"),
    [("backend.nan", b"{}"), ("backend.deep", b'{"depth": 100000}')],
    ids=["NaN", "nested 100k deep"],
)
def test_a_result_json_cannot_carry_is_a_typed_error_and_one_short_log_line(
    app: App, route: str, body: bytes
) -> None:
    """The probe: one deep result logged a 160 KB traceback per 100-byte request."""
    logged = len(app.oro.stderr())
    answers = [app.page.call(route, body, content_type="application/json") for _ in range(5)]
    for answer in answers:
        err = error_of(answer)
        assert err is not None
        assert (answer.status_code, err["type"]) == (500, "InternalError"), err
    assert app.is_serving()

    # stderr is read on a thread of its own: wait for the lines naming the route, one a call.
    def written_once_logged() -> str:
        text = app.oro.stderr()[logged:]
        return text if text.count(f"'{route}'") >= len(answers) else ""

    written = until(written_once_logged, f"a log line naming {route} for each call")
    assert "Traceback" not in written
    lines = [line for line in written.splitlines() if f"'{route}'" in line]
    assert len(lines) == len(answers), lines
    assert all(len(line) < KIB for line in lines), [len(line) for line in lines]


@pytest.mark.anyio
@pytest.mark.parametrize("result", ["deep", "nan", "object"])
async def test_a_plugin_routes_result_json_cannot_carry_is_logged_in_one_line(
    result: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The router encodes a plugin route's result: nested past the recursion limit, NaN or an
    object is a typed error for the page and one record without a traceback for the log."""

    async def answer(request: Request) -> Any:
        if result == "nan":
            return {"value": math.nan}
        if result == "object":
            return {"value": object()}
        value: Any = []
        for _ in range(100_000):
            value = [value]
        return value

    async with (
        make_host([RoutePlugin({"test.result": answer})]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        with caplog.at_level(logging.ERROR, logger="oro_framework.router"):
            answered = await client.get("/ipc/test.result")
        err = answered.json()["err"]
        assert (answered.status_code, err["type"], err["code"]) == (
            500,
            "InternalError",
            "ERR_RESULT_NOT_JSON",
        )
        records = [record for record in caplog.records if record.name == "oro_framework.router"]
        assert len(records) == 1, records
        assert records[0].exc_info is None
        assert len(records[0].getMessage()) < KIB
        assert (await client.get("/ipc/test.result")).status_code == 500
