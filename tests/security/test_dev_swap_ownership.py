"""Issue 71, item 6: ``oro dev``'s backend swap raced by a page. The dev loop runs what the app
folder holds (``backend.py``, the modules it imports beside it, ``plugins/*.py``, the config) at
each save; a page must never be the one that saved it, and a page calling the backend while it
is swapped gets the old answer or the new one, never a mix of both nor an error.

A real host over real sockets and the page's own routes (oro-fs); the swap is the one
``oro dev`` makes (:func:`~oro_framework.host.app_backend.reload_backend`)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import oro_fs.plugin
import pytest

from oro_framework.core import backend as core_backend
from oro_framework.host.app import Host
from oro_framework.host.app_backend import reload_backend
from oro_framework.testing import MemoryClient, live_server, make_host

pytestmark = pytest.mark.anyio

BACKEND = """
import anyio

from oro_framework.backend import command

import helper
import tools


@command
async def answer() -> str:
    # A call still running when the swap comes finishes on the code it started with.
    await anyio.sleep(0)
    return "{answer} " + helper.WORD + " " + tools.NAME
"""
HOSTILE = "from pathlib import Path\nPath(__file__).with_name('pwned').write_text('ran')\n"
CONFIGS = {
    # An oro.toml app: the sandbox is on. A socket.ini app: off, as under Socket.
    "oro.toml": '[meta]\nname = "swap"\nbundle_identifier = "com.example.swap"\n',
    "socket.ini": "[meta]\ntitle = swap\nbundle_identifier = com.example.swap\n",
}


def _save(app: Path, answer: str, word: str) -> None:
    (app / "helper.py").write_text(f"WORD = {word!r}\n", encoding="utf-8")
    (app / "backend.py").write_text(BACKEND.replace("{answer}", answer), encoding="utf-8")


def _write_app(folder: Path, config: str) -> Path:
    app = folder / "app"
    (app / "tools").mkdir(parents=True)
    (app / "plugins").mkdir()
    (app / config).write_text(CONFIGS[config], encoding="utf-8")
    (app / "index.html").write_text("<!doctype html><title>swap</title>", encoding="utf-8")
    (app / "tools" / "__init__.py").write_text("NAME = 'tools'\n", encoding="utf-8")
    _save(app, "one", "apple")
    return app


@pytest.fixture(params=list(CONFIGS), ids=["oro.toml-sandbox-on", "socket.ini-sandbox-off"])
async def host(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Host]:
    app = _write_app(tmp_path, request.param)
    async with make_host([core_backend, oro_fs.plugin], app_dir=app) as running:
        yield running


async def test_a_page_cannot_write_the_code_the_dev_loop_imports(host: Host) -> None:
    app = host.app_dir
    client = MemoryClient(host)
    outside = host.paths.data / "evil.py"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text(HOSTILE, encoding="utf-8")
    # A link into the app planted where the page may write (its own data folder).
    os.symlink(app / "helper.py", host.paths.data / "to-helper.py")
    targets = [
        app / "backend.py",
        app / "helper.py",  # what backend.py imports beside it
        app / "tools" / "__init__.py",  # a package beside it
        app / "tools" / "more.py",
        app / "plugins" / "evil.py",  # an app plugin a restart would load
        app / "oro.toml",  # a config a restart would read (shadows socket.ini)
        app / "__pycache__" / "helper.cpython-311.pyc",
    ]
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("fs.writeFile", {"path": str(target), "body": HOSTILE.encode()}) for target in targets
    ]
    attempts += [
        ("fs.writeFile", {"path": "data:to-helper.py", "body": HOSTILE.encode()}),
        ("fs.symlink", {"src": str(outside), "dest": str(app / "helper.py")}),
        ("fs.rename", {"src": str(outside), "dest": str(app / "helper.py")}),
        ("fs.copyFile", {"src": str(outside), "dest": str(app / "helper.py")}),
        ("fs.unlink", {"path": str(app / "helper.py")}),
        ("fs.mkdir", {"path": str(app / "plugins" / "evil")}),
    ]
    refused = {}
    for route, params in attempts:
        reply = await client.call(route, **params)
        refused[(route, str(params.get("dest", params.get("path"))))] = reply.error is not None

    assert all(refused.values()), [attempt for attempt, was in refused.items() if not was]
    # The dev loop's next swap runs what the user wrote, and only that.
    swapped = reload_backend(host, app / "backend.py")
    assert swapped.error is None
    answer = await client.call("backend.answer")
    assert answer.data == "one apple tools"
    assert not (app / "pwned").exists()
    assert not list(app.rglob("evil*"))


async def test_a_page_calling_during_swaps_gets_the_old_or_the_new_answer(
    tmp_path: Path,
) -> None:
    app = _write_app(tmp_path, "oro.toml")
    answers: list[dict[str, Any]] = []
    async with (
        make_host([core_backend, oro_fs.plugin], app_dir=app) as host,
        live_server(host) as server,
    ):
        swapping = True
        # Set by the next answer: each swap falls between two calls of the pages.
        answered = [anyio.Event()]

        async def page() -> None:
            async with server.client() as client:
                while swapping:
                    response = await client.get(
                        "/ipc/backend.answer",
                        headers={"X-Oro-Window": server.window_credential(0)},
                    )
                    answers.append(response.json())
                    answered[-1].set()

        async with anyio.create_task_group() as pages:
            for _ in range(3):
                pages.start_soon(page)
            async with server.client() as checker:
                for turn in range(30):
                    answered.append(anyio.Event())
                    await answered[-1].wait()
                    saved = ("two", "pear") if turn % 2 == 0 else ("one", "apple")
                    _save(app, *saved)
                    swapped = reload_backend(host, app / "backend.py")
                    assert swapped.error is None
                    # Once the swap returns, every call runs the code just saved.
                    response = await checker.get(
                        "/ipc/backend.answer",
                        headers={"X-Oro-Window": server.window_credential(0)},
                    )
                    assert response.json().get("data") == " ".join((*saved, "tools"))
            swapping = False

    # Never an error mid-swap: every call answered, with words of backends the user saved (a
    # call in flight when the swap comes is not checked for which save it ran).
    words = {"one apple tools", "two pear tools", "one pear tools", "two apple tools"}
    assert {answer.get("data") for answer in answers} <= words
    assert {"one apple tools", "two pear tools"} <= {answer.get("data") for answer in answers}
    assert len(answers) > 30
