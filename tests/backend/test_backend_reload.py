"""Issue 52: ``oro dev`` swaps a saved ``backend.py`` into the running host
(:func:`~oro_framework.host.app_backend.reload_backend`). A real host over real sockets: a
page's next call runs the new code (and the app's module beside it, imported afresh), a
command the new code dropped is gone, a broken save answers ``ERR_BACKEND_IMPORT`` until the
next one, and a backend with host hooks is refused (``oro dev`` restarts the host for it)
while the old commands keep answering.

Before, there was no such swap: every save restarted the host and closed its window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _apps import write_app

from oro_framework.core import backend as core_backend
from oro_framework.core import ping
from oro_framework.host.app_backend import BackendSwapRefused, reload_backend
from oro_framework.testing import live_server, make_host
from oro_framework.testing.server import LiveServer

pytestmark = pytest.mark.anyio

_BACKEND = """
from oro_framework.backend import command

import helper


@command
def answer() -> str:
    return "{answer} " + helper.WORD


@command
def {extra}() -> str:
    return "{extra}"
"""
_HOOKS = """
from oro_framework import hookimpl
from oro_framework.backend import command


@command
def answer() -> str:
    return "hooked"


@hookimpl
def oro_configure(host):
    pass
"""


async def _call(server: LiveServer, route: str) -> dict[str, Any]:
    async with server.client() as client:
        response = await client.get(
            f"/ipc/{route}", headers={"X-Oro-Window": server.window_credential(0)}
        )
    reply: dict[str, Any] = response.json()
    return reply


def _save(app: Path, answer: str, extra: str, word: str) -> None:
    (app / "helper.py").write_text(f"WORD = {word!r}\n", encoding="utf-8")
    text = _BACKEND.replace("{answer}", answer).replace("{extra}", extra)
    (app / "backend.py").write_text(text, encoding="utf-8")


async def test_a_saved_backend_is_swapped_into_the_running_host(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", "")
    _save(app, "one", "first", "apple")
    async with (
        make_host([core_backend, ping], app_dir=app) as host,
        live_server(host) as server,
    ):
        before = await _call(server, "backend.answer")

        (app / "backend.py").write_text("def broken(:\n", encoding="utf-8")
        broken = reload_backend(host, app / "backend.py")
        while_broken = await _call(server, "backend.answer")

        _save(app, "two", "second", "pear")
        fixed = reload_backend(host, app / "backend.py")
        after = await _call(server, "backend.answer")
        added = await _call(server, "backend.second")
        dropped = await _call(server, "backend.first")

        (app / "backend.py").write_text(_HOOKS, encoding="utf-8")
        with pytest.raises(BackendSwapRefused):
            reload_backend(host, app / "backend.py")
        kept = await _call(server, "backend.answer")

    assert before["data"] == "one apple"
    assert broken.error is not None
    assert while_broken["err"]["code"] == "ERR_BACKEND_IMPORT"
    assert "backend.py:1" in while_broken["err"]["message"]
    assert fixed.error is None
    assert after["data"] == "two pear"  # helper.py beside it was imported afresh too
    assert added["data"] == "second"
    assert dropped["err"]["type"] == "NotFoundError"
    assert kept["data"] == "two pear"
