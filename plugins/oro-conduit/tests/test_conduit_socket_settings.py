"""Socket's Conduit settings (socketsupply/socket src/runtime/core/services/conduit.cc,
ipc/routes.cc): ``[application.conduit] shared_key`` (and the flattened
``[application] conduit_shared_key``), the fixed port beside it, the
``SOCKET_RUNTIME_CONDUIT_*`` variables, keys of 8 characters or more, and the origins a
handshake may come from. Real host, real sockets; hostile clients get 403 and the others
keep being served."""

from __future__ import annotations

import socket
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import trio_websocket
from oro_conduit import STATE, ConduitServer, plugin

from oro_framework import ConfigWarning, InvalidArgumentError
from oro_framework.core import ping
from oro_framework.testing import make_host

pytestmark = pytest.mark.anyio


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def _app(
    tmp_path: Path, ini: str, environ: dict[str, str] | None = None
) -> AsyncIterator[tuple[ConduitServer, list[str]]]:
    (tmp_path / "socket.ini").write_text(ini, encoding="utf-8")
    (tmp_path / "index.html").write_text("<!doctype html>", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with make_host([plugin, ping], app_dir=tmp_path, environ=environ) as host:
            said = [str(w.message) for w in caught if issubclass(w.category, ConfigWarning)]
            yield host.stash[STATE], said


def _url(server: ConduitServer, key: str, client: str = "1") -> str:
    return f"ws://127.0.0.1:{server.port}/c1/{client}?key={key}"


async def _status(server: ConduitServer, key: str, **options: Any) -> int:
    """101 for an accepted handshake (then a ping is answered), else the refusal's status."""
    try:
        async with trio_websocket.open_websocket_url(_url(server, key), **options):
            return 101
    except trio_websocket.ConnectionRejected as rejected:
        return rejected.status_code


@pytest.mark.parametrize(
    "section", ["[application.conduit]\nshared_key", "[application]\nconduit_shared_key"]
)
async def test_socket_s_key_and_port_are_the_conduit_s(tmp_path: Path, section: str) -> None:
    port = _free_port()
    key = "socket-app-key-0123456789"
    port_line = "port" if section.startswith("[application.conduit]") else "conduit_port"
    ini = f"{section} = {key}\n{port_line} = {port}\n"
    async with _app(tmp_path, ini) as (server, said):
        assert (server.port, server.key) == (port, key)
        assert server.page_args("http://127.0.0.1:1")["conduit"]["sharedKey"] == key  # type: ignore[index]
        assert await _status(server, key) == 101
        assert await _status(server, key[:-1]) == 403
    # Fixed key and port: a Socket app lets other clients in; oro says once whom it refuses.
    assert [line for line in said if "conduit.allow_origins" in line], said


async def test_socket_s_environment_variables_set_the_key_and_port(tmp_path: Path) -> None:
    port = _free_port()
    environ = {
        "SOCKET_RUNTIME_CONDUIT_SHARED_KEY": "from-the-environment",
        "SOCKET_RUNTIME_CONDUIT_PORT": str(port),
        "SOCKET_RUNTIME_CONDUIT_HOSTNAME": "0.0.0.0",
    }
    async with _app(tmp_path, "[meta]\ntitle = x\n", environ) as (server, said):
        assert (server.port, server.key) == (port, "from-the-environment")
    assert any("SOCKET_RUNTIME_CONDUIT_HOSTNAME=0.0.0.0" in line for line in said), said


async def test_a_key_of_8_to_15_characters_is_used_with_one_warning(tmp_path: Path) -> None:
    async with _app(tmp_path, "[application.conduit]\nshared_key = eight-ch\n") as (server, said):
        assert server.key == "eight-ch"
        assert await _status(server, "eight-ch") == 101
    assert len([line for line in said if "conduit.shared_key has 8 characters" in line]) == 1


async def test_a_key_under_8_characters_is_replaced_by_a_random_one(tmp_path: Path) -> None:
    async with _app(tmp_path, "[application.conduit]\nshared_key = short\n") as (server, said):
        assert server.key != "short"
        assert len(server.key) >= 43
        assert await _status(server, "short") == 403
        assert await _status(server, server.key) == 101
    assert any("conduit.shared_key has 5 characters" in line for line in said), said


async def test_listed_origins_pass_others_are_refused_and_star_is_socket_s_any(
    tmp_path: Path,
) -> None:
    key = "k" * 20
    ini = (
        f"[application.conduit]\nshared_key = {key}\n"
        '[conduit]\nallow_origins = "http://localhost:5173"\n'
    )
    async with _app(tmp_path, ini) as (server, _):
        dev = [(b"Origin", b"http://localhost:5173")]
        evil = [(b"Origin", b"https://evil.example")]
        opaque = [(b"Origin", b"null")]
        assert await _status(server, key, extra_headers=dev) == 101
        assert await _status(server, key, extra_headers=evil) == 403
        assert await _status(server, key, extra_headers=opaque) == 403
        # A listed origin with a wrong key is still refused; the server keeps serving.
        assert await _status(server, "x" * 20, extra_headers=dev) == 403
        assert await _status(server, key) == 101
    async with _app(tmp_path, f"{ini}\n[conduit]\nallow_origins = *\n") as (server, said):
        assert await _status(server, key, extra_headers=evil) == 101
    assert any('allow_origins = ["*"]' in line for line in said), said


async def test_set_shared_key_takes_socket_s_8_characters_and_refuses_fewer(
    tmp_path: Path,
) -> None:
    async with _app(tmp_path, "[meta]\ntitle = x\n") as (server, _):
        host = server.host
        short = await host.call("internal.conduit.setSharedKey", {"sharedKey": "seven77"})
        assert isinstance(short.error, InvalidArgumentError), short
        assert "at least 8" in str(short.error)
        changed = await host.call("internal.conduit.setSharedKey", {"sharedKey": "eight-ch"})
        assert changed.data == {"sharedKey": "eight-ch"}
        assert await _status(server, "eight-ch") == 101
