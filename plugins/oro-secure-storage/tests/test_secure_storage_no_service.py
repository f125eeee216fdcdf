"""No Secret Service, no secret kept: every route answers NotSupportedError
ERR_NO_SECRET_SERVICE naming the fix, nothing is written anywhere instead, and the host keeps
serving its other routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _keyring import gnome_keyring, private_bus
from oro_secure_storage import plugin

from oro_framework import NotSupportedError, Request
from oro_framework.testing import MemoryClient, RoutePlugin, make_host, raise_for_error

pytestmark = pytest.mark.anyio

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("secureStorage.set", {"key": "token", "value": "s3cret"}),
    ("secureStorage.get", {"key": "token"}),
    ("secureStorage.remove", {"key": "token"}),
    ("secureStorage.clear", {}),
    ("secureStorage.keys", {}),
]


async def echo(request: Request) -> Any:
    return request.params.get("value")


async def assert_no_service(environ: dict[str, str], data_dir: Path, why: str) -> None:
    plugins = [plugin, RoutePlugin({"test.echo": echo})]
    async with make_host(plugins, environ=environ, data_dir=data_dir) as host:
        client = MemoryClient(host)
        for route, fields in CALLS:
            reply = await client.call(route, **fields)
            assert isinstance(reply.error, NotSupportedError), route
            assert reply.error.code == "ERR_NO_SECRET_SERVICE"
            assert reply.status == 501
            message = str(reply.error)
            assert why in message
            assert "gnome-keyring" in message
            assert "KeePassXC" in message
            assert "session D-Bus" in message
        assert raise_for_error(await client.call("test.echo", value="still here")) == "still here"
    # No fallback: nothing was written in the app's data directory.
    assert files_under(data_dir) == []


def files_under(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


async def test_no_session_bus(tmp_path: Path) -> None:
    await assert_no_service({}, tmp_path / "data", "DBUS_SESSION_BUS_ADDRESS is not set")


async def test_a_session_bus_address_where_nothing_listens(tmp_path: Path) -> None:
    address = f"unix:path={tmp_path / 'no-bus-here'}"
    environ = {"DBUS_SESSION_BUS_ADDRESS": address}
    await assert_no_service(environ, tmp_path / "data", "cannot connect to the session bus")


async def test_a_session_bus_without_a_secret_service(tmp_path: Path) -> None:
    with private_bus(tmp_path / "bus") as address:
        environ = {"DBUS_SESSION_BUS_ADDRESS": address}
        await assert_no_service(environ, tmp_path / "data", "org.freedesktop.secrets")


async def test_the_keyring_going_away_is_answered_and_coming_back_is_served(
    tmp_path: Path,
) -> None:
    with gnome_keyring(tmp_path / "keyring") as keyring:
        async with make_host([plugin], environ=keyring.environ) as host:
            client = MemoryClient(host)
            raise_for_error(await client.call("secureStorage.set", key="k", value="kept"))
            keyring.stop()
            reply = await client.call("secureStorage.get", key="k")
            assert isinstance(reply.error, NotSupportedError)
            assert reply.error.code == "ERR_NO_SECRET_SERVICE"
            keyring.start()
            got = raise_for_error(await client.call("secureStorage.get", key="k"))
            assert got["value"] == "kept"
