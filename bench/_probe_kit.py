"""The security probe's parts shared by its rows (bench/security_probe.py and
bench/security_probe_ownership.py): the probed ``oro run --headless`` host, its pages as seen
from the wire, the memory watchdog and how a row's outcome is told."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

import httpx

from oro_framework.testing.memory import process_memory
from oro_framework.testing.process import OroProcess, headless_environ

REPOSITORY: Final = Path(__file__).resolve().parents[1]
KIB: Final = 1 << 10
MIB: Final = 1 << 20
GIB: Final = 1 << 30
RSS_CEILING: Final = 2 * GIB
"""The watchdog SIGKILLs a host whose RSS passes this (the old code went to 9.7 GB)."""
WATCH_SECONDS: Final = 0.05
MAX_CHILDREN: Final = 8
ZLIB_STREAMS: Final = 64
DATABASES: Final = 32
UPSTREAM: Final = "127.0.0.1:9"
JSON_BODY: Final = 15 * MIB
JSON_BOUND: Final = 768 * MIB
"""The host under the default 512 MiB budget plus its own baseline (issue 50)."""
BLOCKING_CALLS: Final = 40
ZLIB_OUTPUT: Final = 64 * MIB
"""What each stream write inflates to: [zlib] max_output_bytes, the most one write may make."""

CONFIG: Final = """\
[meta]
name = "Security probe"
bundle_identifier = "dev.oro.securityprobe.{unique}"

[process]
allow = ["yes", "sleep"]
max_children = {max_children}

[ai.upstreams.x]
base_url = "http://{upstream}/v1"
models = ["m"]
"""


BACKEND: Final = """\
import argparse
import sys
import time
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
def parse(args: list[str]) -> str:
    argparse.ArgumentParser(prog="parse").parse_args(args)
    return "parsed"


@command
def leave() -> None:
    sys.exit(0)


@command
def interrupt() -> None:
    raise KeyboardInterrupt


@command
def block(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@command
def fail() -> None:
    raise OSError(2, "No such file or directory", "{secret}")
"""
SECRET_PATH: Final = "/home/probe-user/private/notes.txt"


# -- the host ------------------------------------------------------------------------------


def tree_pythonpath(tree: Path) -> str:
    """``PYTHONPATH`` that makes the venv's ``oro`` run ``tree``'s host and plugins (it comes
    before the editable installs)."""
    sources = sorted(str(path) for path in tree.glob("plugins/*/src"))
    return ":".join([*sources, str(tree)])


class Watchdog:
    """Reads the host's ``VmRSS``/``VmHWM`` every 50 ms, keeps the peak, and SIGKILLs the host
    past :data:`RSS_CEILING`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.stopped_it = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _read(self) -> tuple[int, int] | None:
        rss = process_memory("VmRSS", self.pid)
        if rss == 0:  # gone, or a zombie (no memory lines)
            return None
        return rss, process_memory("VmHWM", self.pid)

    def sample(self) -> None:
        read = self._read()
        if read is None:
            return
        rss, hwm = read
        self.peak = max(self.peak, hwm, rss)
        if rss > RSS_CEILING and not self.stopped_it:
            self.stopped_it = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def _watch(self) -> None:
        while not self._done.wait(WATCH_SECONDS):
            self.sample()

    def close(self) -> None:
        self.sample()
        self._done.set()
        self._thread.join()

    def peak_text(self) -> str:
        return "> 2 GiB (probe stopped it)" if self.stopped_it else size_text(self.peak)


def size_text(size: float) -> str:
    return f"{size / GIB:.2f} GiB" if size >= GIB else f"{size / MIB:.0f} MiB"


class Page:
    """One browser page of the host, as seen from the wire: its session cookie and, where the
    tree issues one, its window credential."""

    def __init__(self, origin: str, launch_url: str) -> None:
        self.origin = origin
        self.client = httpx.Client(
            timeout=120, limits=httpx.Limits(max_connections=None, max_keepalive_connections=64)
        )
        answer = self.client.get(launch_url)
        if answer.status_code != 303:
            raise RuntimeError(f"launch URL answered {answer.status_code}")
        found = parse_qs(urlsplit(answer.headers["location"]).fragment).get("oro_window")
        self.credential = found[0] if found else None

    def headers(self, window: int | None) -> dict[str, str]:
        """The page's own credential, plus ``X-IPC-Window-Index`` naming ``window`` (what the
        old client sent for its own window, and a forgery for any other)."""
        headers = {} if window is None else {"X-IPC-Window-Index": str(window)}
        if self.credential:
            headers["X-Oro-Window"] = self.credential
        return headers

    def call(
        self,
        route: str,
        params: dict[str, Any] | None = None,
        *,
        window: int | None = 0,
        body: bytes | None = None,
        extra_headers: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> httpx.Response:
        query = {**(params or {})}
        if window is not None:
            query["index"] = str(window)
        return self.client.request(
            "POST" if body is not None else "GET",
            f"{self.origin}/ipc/{route}",
            params=query,
            headers={**self.headers(window), **(extra_headers or {})},
            content=body,
            timeout=timeout,
        )

    def close(self) -> None:
        self.client.close()


def answer_error(response: httpx.Response) -> str | None:
    """``"Type CODE"`` of an error envelope, ``None`` for data (JSON or bytes)."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return None if response.is_success else f"HTTP {response.status_code}"
    try:
        err = response.json().get("err")
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}"
    if not err:
        return None
    return f"{err.get('type') or err.get('name') or 'Error'} {err.get('code', '')}".strip()


class ProbeHost:
    """``oro run --headless`` of a fresh app directory, on ``tree``'s code, watched."""

    def __init__(
        self, tree: Path, workdir: Path, *, config: str = "", environ: dict[str, str] | None = None
    ) -> None:
        unique = uuid.uuid4().hex[:12]
        app = workdir / f"app-{unique}"
        app.mkdir()
        (app / "index.html").write_text("<!doctype html><title>probe</title>\n")
        (app / "oro.toml").write_text(
            CONFIG.format(unique=unique, max_children=MAX_CHILDREN, upstream=UPSTREAM) + config
        )
        (app / "backend.py").write_text(BACKEND.replace("{secret}", SECRET_PATH))
        self.app = app
        home = workdir / f"home-{unique}"
        (home / "tmp").mkdir(parents=True)
        # Every directory the app gets lies in the probe's temporary directory.
        environ = headless_environ(
            {
                "PYTHONPATH": tree_pythonpath(tree),
                "TMPDIR": str(home / "tmp"),
                "XDG_DATA_HOME": str(home / "data"),
                "XDG_CACHE_HOME": str(home / "cache"),
                "XDG_CONFIG_HOME": str(home / "config"),
                "XDG_STATE_HOME": str(home / "state"),
                **(environ or {}),
            }
        )
        self.home = home
        self.environ = environ
        self.pages: list[Page] = []
        self.oro = OroProcess("run", str(app), "--headless", environ=environ, timeout=60)
        self.watchdog = Watchdog(self.oro.process.pid)
        try:
            self.launch_url = self.oro.launch_url()
        except BaseException:
            self.close()
            raise
        self.origin = self.launch_url.split("/?", 1)[0]

    def page(self, launch_url: str | None = None) -> Page:
        page = Page(self.origin, launch_url or self.launch_url)
        self.pages.append(page)
        return page

    def alive(self, page: Page) -> bool:
        """The host runs and answers ``page``'s ping."""
        if self.oro.process.poll() is not None:
            return False
        try:
            return "pong" in page.call("ping", timeout=10).text
        except httpx.HTTPError:
            return False

    def died_of(self) -> str:
        """How the host ended (``SIGSEGV``, ``exit 1``...), ``""`` while it runs."""
        code = self.oro.process.poll()
        if code is None:
            return ""
        if code < 0:
            return signal.Signals(-code).name
        return f"exit {code}"

    def stop(self, signum: signal.Signals = signal.SIGTERM) -> int | None:
        """Send ``signum`` and wait up to 15 s for the exit code (then SIGKILL)."""
        if self.oro.process.poll() is None:
            self.oro.send_signal(signum)
        try:
            return self.oro.process.wait(timeout=15)
        except Exception:
            self.oro.kill()
            return None

    def close(self) -> None:
        for page in self.pages:
            page.close()
        self.stop()
        self.watchdog.close()
        self.oro.__exit__()


@contextlib.contextmanager
def host(tree: Path, workdir: Path, **options: Any) -> Iterator[ProbeHost]:
    started = ProbeHost(tree, workdir, **options)
    try:
        yield started
    finally:
        started.close()


def concurrently(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response | Exception]:
    """Every call at once, each on its own thread; a transport failure is its exception."""

    def run(call: Callable[[], httpx.Response]) -> httpx.Response | Exception:
        try:
            return call()
        except httpx.HTTPError as error:
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def tally(results: list[httpx.Response | Exception]) -> str:
    """``"3 answered, 5 RangeError ERR_OUT_OF_MEMORY"``: what the page got, by kind."""
    kinds: Counter[str] = Counter()
    for result in results:
        if isinstance(result, Exception):
            kinds["dropped"] += 1
        else:
            error = answer_error(result)
            kinds["answered" if error is None else error] += 1
    return ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())


# -- the rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    text: str
    measure: float
    """Compared with the row's bound; ``nan`` when the row could not run."""


@dataclass(frozen=True)
class Row:
    key: str
    bound_text: str
    bound: float
    goal: str


def held(closed: bool, text: str) -> Outcome:
    return Outcome(text, 1.0 if closed else 0.0)


@dataclass(frozen=True)
class Settings:
    tree: Path
    workdir: Path
    quick: bool


def without_credential(page: Page) -> Page:
    """``page``'s session cookie alone: a Worker's or another client's request."""
    bare = Page.__new__(Page)
    bare.origin, bare.client, bare.credential = page.origin, page.client, None
    return bare


def window_page(probed: ProbeHost, page: Page, index: int) -> Page:
    """Window ``index``'s page, opened from the launch URL ``window.create`` answered."""
    created = page.call("window.create", {"targetWindowIndex": index, "url": "/"})
    if answer_error(created):
        raise RuntimeError(f"window.create: {answer_error(created)}")
    launch = created.json()["data"].get("launchUrl")
    if not launch:
        raise RuntimeError("window.create gave no launchUrl")
    return probed.page(launch if launch.startswith("http") else probed.origin + launch)


def refused(answer: httpx.Response, *codes: str) -> Outcome:
    error = answer_error(answer)
    if error is None:
        return held(False, "done")
    return held(any(error.endswith(code) for code in codes) or not codes, error)


def error_text(failure: BaseException) -> str:
    message = " ".join(str(failure).split())[:70]
    return f"error: {type(failure).__name__}: {message}"
