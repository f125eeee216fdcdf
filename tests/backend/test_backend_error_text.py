"""Issue 50: what a page reads when a backend command fails. The exception's type and the
command, never the app's exception text nor where the host keeps files: paths as the page names
them (``data:notes/a.md``, ``resources:index.html``, relative to the app's folder) or none at
all. The full text goes to the host's log; ``[backend] error_details = true`` and ``oro dev``
(the developer's own pages) show it to the page too. A real host over real sockets.

Before, a page read ``ValueError: <the app's text>``, an ``OSError``'s absolute host path in
``path`` and the message, and an absolute ``where`` for a backend that does not import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from _apps import write_app

from oro_framework.cli.dev_child import DevPlugin
from oro_framework.core import backend as core_backend
from oro_framework.core import ping
from oro_framework.testing import live_server, make_host, read_sse
from oro_framework.testing.server import LiveServer

pytestmark = pytest.mark.anyio

SECRET_PATH = "/home/probe-user/private/notes.txt"
SECRET_TEXT = "token sk-live-0123456789"

BACKEND = f"""
from collections.abc import AsyncIterator
from pathlib import Path

from oro_framework import NotFoundError, Request
from oro_framework.backend import command

HERE = Path(__file__).resolve().parent


@command
def fails() -> None:
    raise ValueError("{SECRET_TEXT} in {SECRET_PATH}")


@command
def outside() -> None:
    raise OSError(2, "No such file or directory: {SECRET_TEXT}", "{SECRET_PATH}")


@command
def in_data(request: Request) -> None:
    open(request.host.paths.data / "notes" / "missing.md")


@command
def in_resources() -> None:
    open(HERE / "public" / "missing.html")


@command
def in_app() -> None:
    open(HERE / "assets" / "missing.txt")


@command
def renamed() -> None:
    raise FileExistsError(17, "File exists", str(HERE / "assets" / "a"), "{SECRET_PATH}")


@command
def typed() -> None:
    raise NotFoundError("no note 'groceries'", code="ERR_NO_NOTE")


@command
async def streamed() -> AsyncIterator[int]:
    yield 1
    raise RuntimeError("{SECRET_TEXT}")
"""


@asynccontextmanager
async def serving(
    app: Path, plugins: tuple[object, ...] = (), config: dict[str, Any] | None = None
) -> AsyncIterator[LiveServer]:
    config = {"webview.root": "public", **(config or {})}
    async with (
        make_host([core_backend, ping, *plugins], app_dir=app, config=config) as host,
        live_server(host) as served,
    ):
        yield served


@pytest.fixture
def app(tmp_path: Path) -> Path:
    app = write_app(tmp_path / "notes", BACKEND)
    (app / "public").mkdir()
    (app / "public" / "index.html").write_text("<!doctype html><title>notes</title>\n")
    return app


async def answer(server: LiveServer, route: str) -> tuple[str, dict[str, Any]]:
    """The text the page receives for ``route`` from window 0, and its ``err``."""
    async with server.client() as client:
        response = await client.get(
            f"/ipc/{route}", headers={"X-Oro-Window": server.window_credential(0)}
        )
    err: dict[str, Any] = response.json()["err"]
    return response.text, err


def host_paths(server: LiveServer) -> list[str]:
    paths = server.host.paths
    return [str(path) for path in (paths.app, paths.data, paths.temp, paths.resources)]


def assert_nothing_of_the_host(server: LiveServer, text: str) -> None:
    for secret in (SECRET_PATH, SECRET_TEXT, *host_paths(server)):
        assert secret not in text


async def test_an_exception_shows_its_type_not_its_text(
    app: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with serving(app) as server:
        text, err = await answer(server, "backend.fails")
        assert err == {
            "type": "BackendError",
            "code": "ERR_BACKEND_EXCEPTION",
            "message": "backend.fails raised ValueError (details in the host's log)",
            "exception": "ValueError",
            "command": "fails",
        }
        assert_nothing_of_the_host(server, text)
        # An error the app raises on purpose is its answer, message and all.
        _, typed = await answer(server, "backend.typed")
        assert typed["message"] == "no note 'groceries'"
    # The host's log has everything.
    assert SECRET_TEXT in caplog.text
    assert SECRET_PATH in caplog.text
    assert "Traceback" in caplog.text


@pytest.mark.parametrize(
    ("route", "path"),
    [
        ("backend.outside", None),
        ("backend.in_data", "data:notes/missing.md"),
        ("backend.in_resources", "resources:missing.html"),
        ("backend.in_app", "assets/missing.txt"),
        ("backend.renamed", "assets/a"),
    ],
)
async def test_an_os_error_names_paths_as_the_page_does_or_not_at_all(
    app: Path, caplog: pytest.LogCaptureFixture, route: str, path: str | None
) -> None:
    caplog.set_level(logging.INFO)
    async with serving(app) as server:
        text, err = await answer(server, route)
        assert err["type"] == "ErrnoError"
        assert err["code"] in ("ENOENT", "EEXIST")
        assert err.get("path") == path
        if path is not None:
            assert err["message"].endswith(f" '{path}'")
        assert "dest" not in err  # the other path of a rename lies outside the app
        assert_nothing_of_the_host(server, text)
        logged = caplog.text
    assert SECRET_PATH in logged or str(server.host.paths.app) in logged


async def test_a_stream_that_fails_shows_its_type_not_its_text(app: Path) -> None:
    async with (
        serving(app) as server,
        server.client() as client,
        client.stream(
            "GET",
            "/ipc/backend.streamed",
            headers={"X-Oro-Window": server.window_credential(0)},
        ) as response,
    ):
        events = [event async for event in read_sse(response)]
    assert [event.data for event in events if event.event is None] == ["1"]
    (failure,) = [event for event in events if event.event == "error"]
    assert '"exception":"RuntimeError"' in failure.data
    assert SECRET_TEXT not in failure.data


async def test_a_backend_that_does_not_import_shows_where_in_the_app_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app = write_app(tmp_path / "broken", "import helpers\n", name="src/backend.py")
    (app / "src" / "helpers.py").write_text(f"raise RuntimeError({SECRET_TEXT!r})\n")
    (app / "oro.toml").write_text(
        (app / "oro.toml").read_text() + '\n[backend]\nmodule = "src/backend.py"\n'
    )
    (app / "public").mkdir()
    async with serving(app) as server:
        text, err = await answer(server, "backend.anything")
        assert err["code"] == "ERR_BACKEND_IMPORT"
        assert err["exception"] == "RuntimeError"
        assert err["where"] == "src/helpers.py:1"
        assert_nothing_of_the_host(server, text)
    assert SECRET_TEXT in caplog.text


async def test_error_details_and_oro_dev_show_the_text_to_the_page(app: Path) -> None:
    async with serving(app, config={"backend.error_details": True}) as server:
        _, err = await answer(server, "backend.fails")
        assert err["message"] == f"ValueError: {SECRET_TEXT} in {SECRET_PATH}"
        _, outside = await answer(server, "backend.outside")
        assert outside["path"] == SECRET_PATH
    # oro dev's pages are the developer's own: they read it without the setting.
    async with serving(app, (DevPlugin("boot", echo=lambda line: None),)) as server:
        _, err = await answer(server, "backend.fails")
        assert err["message"] == f"ValueError: {SECRET_TEXT} in {SECRET_PATH}"
