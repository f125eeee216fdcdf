"""Issue 50: a backend command cannot end the host. ``sys.exit``, ``argparse`` on the page's
arguments (``--help`` exits 0), ``KeyboardInterrupt`` and a cancellation that is not the host's
own (asyncio's ``CancelledError``, a ``trio.Cancelled`` raised by hand) leave a command, in a
worker thread or on the loop, as a typed ``BackendError`` for that call; the host process goes
on serving that page and every other window.

The real ``oro run --headless`` in a subprocess, called over HTTP as a page calls it: before, the
first of these calls ended the process (``--help`` with exit status 0)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from _apps import write_app

from oro_framework.testing.process import OroProcess, headless_environ, until

BACKEND = """
import argparse
import asyncio
import sys
from collections.abc import AsyncIterator

import trio

from oro_framework.backend import command


@command
def ok() -> str:
    return "ok"


@command
async def ok_async() -> str:
    return "ok"


@command
def cli(args: list[str]) -> str:
    argparse.ArgumentParser(prog="cli").parse_args(args)
    return "parsed"


@command
async def cli_async(args: list[str]) -> str:
    argparse.ArgumentParser(prog="cli").parse_args(args)
    return "parsed"


@command
def leave() -> None:
    sys.exit(0)


@command
async def leave_async() -> None:
    sys.exit(3)


@command
async def leave_streaming() -> AsyncIterator[int]:
    yield 1
    sys.exit(0)


@command
def interrupt() -> None:
    raise KeyboardInterrupt


@command
async def interrupt_async() -> None:
    raise KeyboardInterrupt


@command
def asyncio_cancelled() -> None:
    raise asyncio.CancelledError()


@command
async def asyncio_cancelled_async() -> None:
    raise asyncio.CancelledError()


@command
def trio_cancelled() -> None:
    raise trio.Cancelled._create()


@command
async def trio_cancelled_async() -> None:
    raise trio.Cancelled._create()


@command
async def generator_exit_async() -> None:
    raise GeneratorExit


@command
async def generator_exit_streaming() -> AsyncIterator[int]:
    yield 1
    raise GeneratorExit


closed: list[str] = []


@command
async def endless() -> AsyncIterator[int]:
    try:
        while True:
            yield 1
            await trio.sleep(0.01)
    finally:
        closed.append("endless")


@command
async def closed_streams() -> list[str]:
    return closed


@command
async def group_async() -> None:
    raise BaseExceptionGroup("two", [SystemExit(0), KeyboardInterrupt()])
"""


class Window:
    """One window's page of the running app, seen from the wire: the session its launch URL
    opened and the credential its redirect handed over."""

    def __init__(self, oro: OroProcess, index: int) -> None:
        self.client = httpx.Client(timeout=60)
        launched = self.client.get(oro.window_launch_url(window=index))
        assert launched.status_code == 303, launched.text
        self.origin = f"{launched.url.scheme}://{launched.url.netloc.decode()}"
        self.credential = parse_qs(urlsplit(launched.headers["location"]).fragment)["oro_window"][0]

    def call(self, route: str, **fields: Any) -> httpx.Response:
        return self.client.post(
            f"{self.origin}/ipc/{route}",
            content=json.dumps(fields).encode(),
            headers={"X-Oro-Window": self.credential, "Content-Type": "application/json"},
        )


@pytest.fixture(scope="module")
def oro(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OroProcess]:
    app = write_app(tmp_path_factory.mktemp("containment"), BACKEND)
    with OroProcess("run", str(app), "--headless", environ=headless_environ()) as process:
        process.launch_url()
        yield process


@pytest.fixture(scope="module")
def windows(oro: OroProcess) -> Iterator[tuple[Window, Window]]:
    first, second = Window(oro, 0), Window(oro, 1)
    yield first, second
    first.client.close()
    second.client.close()


def error_of(response: httpx.Response) -> dict[str, Any]:
    err: dict[str, Any] = response.json()["err"]
    return err


def assert_still_serving(oro: OroProcess, windows: tuple[Window, Window]) -> None:
    for window in windows:
        for route in ("backend.ok", "backend.ok_async", "ping"):
            answer = window.call(route)
            assert answer.status_code == 200, answer.text
    assert oro.process.poll() is None, oro.stderr()


@pytest.mark.parametrize(
    ("route", "fields", "exception"),
    [
        ("backend.cli", {"args": ["--help"]}, "SystemExit"),
        ("backend.cli_async", {"args": ["--help"]}, "SystemExit"),
        ("backend.cli", {"args": ["--no-such-option"]}, "SystemExit"),
        ("backend.leave", {}, "SystemExit"),
        ("backend.leave_async", {}, "SystemExit"),
        ("backend.interrupt", {}, "KeyboardInterrupt"),
        ("backend.interrupt_async", {}, "KeyboardInterrupt"),
        ("backend.asyncio_cancelled", {}, "CancelledError"),
        ("backend.asyncio_cancelled_async", {}, "CancelledError"),
        ("backend.trio_cancelled", {}, "Cancelled"),
        ("backend.trio_cancelled_async", {}, "Cancelled"),
        ("backend.generator_exit_async", {}, "GeneratorExit"),
        ("backend.group_async", {}, "BaseExceptionGroup"),
    ],
)
def test_an_exit_or_a_foreign_cancellation_is_that_calls_error(
    oro: OroProcess,
    windows: tuple[Window, Window],
    route: str,
    fields: dict[str, Any],
    exception: str,
) -> None:
    answer = windows[0].call(route, **fields)
    assert answer.status_code == 500, answer.text
    err = error_of(answer)
    assert err["type"] == "BackendError"
    assert err["code"] == "ERR_BACKEND_EXCEPTION"
    assert err["exception"] == exception
    assert err["command"] == route.removeprefix("backend.")
    assert_still_serving(oro, windows)


@pytest.mark.parametrize(
    ("route", "exception"),
    [
        ("backend.leave_streaming", "SystemExit"),
        ("backend.generator_exit_streaming", "GeneratorExit"),
    ],
)
def test_an_exit_in_the_middle_of_a_stream_ends_that_stream_only(
    oro: OroProcess, windows: tuple[Window, Window], route: str, exception: str
) -> None:
    with windows[0].client.stream(
        "POST",
        f"{windows[0].origin}/ipc/{route}",
        content=b"{}",
        headers={"X-Oro-Window": windows[0].credential, "Accept": "text/event-stream"},
    ) as streamed:
        text = "".join(streamed.iter_text())
    assert "data: 1" in text
    assert "event: error" in text
    assert f'"exception":"{exception}"' in text
    assert_still_serving(oro, windows)


def test_the_hosts_own_cancellation_still_ends_a_stream(
    oro: OroProcess, windows: tuple[Window, Window]
) -> None:
    """The other side: when the page leaves a stream, the command is cancelled as before (its
    ``finally`` runs) rather than answered as a failure."""
    with windows[0].client.stream(
        "POST",
        f"{windows[0].origin}/ipc/backend.endless",
        content=b"{}",
        headers={"X-Oro-Window": windows[0].credential, "Accept": "text/event-stream"},
    ) as streamed:
        for line in streamed.iter_lines():
            if line.startswith("data:"):
                break
    until(
        lambda: windows[1].call("backend.closed_streams").json()["data"] == ["endless"],
        "the stream's finally ran once the page left",
    )
    assert_still_serving(oro, windows)
