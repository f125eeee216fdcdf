"""secureStorage.* against a real gnome-keyring-daemon: round trips, per-app and per-scope
isolation, the value cap, encodings, and what libsecret's own secret-tool sees from outside."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from _keyring import Keyring
from oro_secure_storage import plugin

from oro_framework import (
    InvalidArgumentError,
    NotAllowedError,
    OutOfRangeError,
    SecurityError,
)
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

APP = "com.example.notes"


@asynccontextmanager
async def app_host(keyring: Keyring, app: str = APP, **config: Any) -> AsyncIterator[MemoryClient]:
    settings = {"meta.bundle_identifier": app, **config}
    async with make_host([plugin], config=settings, environ=keyring.environ) as host:
        yield MemoryClient(host)


async def call(client: MemoryClient, route: str, **fields: Any) -> Any:
    return raise_for_error(await client.call(route, **fields))


async def test_set_get_keys_remove_clear_round_trip(keyring: Keyring) -> None:
    async with app_host(keyring) as client:
        assert await call(client, "secureStorage.set", key="token", value="s3cret") == {
            "scope": "default",
            "key": "token",
        }
        await call(client, "secureStorage.set", key="refresh", value="r-2")
        got = await call(client, "secureStorage.get", key="token")
        assert got == {"scope": "default", "key": "token", "value": "s3cret", "encoding": "utf8"}
        assert (await call(client, "secureStorage.keys"))["keys"] == ["refresh", "token"]

        await call(client, "secureStorage.set", key="token", value="replaced")
        assert (await call(client, "secureStorage.get", key="token"))["value"] == "replaced"
        assert (await call(client, "secureStorage.keys"))["keys"] == ["refresh", "token"]

        assert (await call(client, "secureStorage.remove", key="token"))["removed"] is True
        assert (await call(client, "secureStorage.remove", key="token"))["removed"] is False
        assert (await call(client, "secureStorage.get", key="token"))["value"] is None

        assert (await call(client, "secureStorage.clear"))["removed"] == 1
        assert (await call(client, "secureStorage.keys"))["keys"] == []


async def test_values_survive_the_host(keyring: Keyring) -> None:
    async with app_host(keyring) as client:
        await call(client, "secureStorage.set", key="token", value="kept")
    async with app_host(keyring) as client:
        assert (await call(client, "secureStorage.get", key="token"))["value"] == "kept"


async def test_two_apps_never_see_each_others_items(keyring: Keyring) -> None:
    async with app_host(keyring, app="com.example.a") as first:
        await call(first, "secureStorage.set", key="token", value="of a")
        async with app_host(keyring, app="com.example.ab") as second:
            assert (await call(second, "secureStorage.get", key="token"))["value"] is None
            assert (await call(second, "secureStorage.keys"))["keys"] == []
            assert (await call(second, "secureStorage.clear"))["removed"] == 0
            assert (await call(second, "secureStorage.remove", key="token"))["removed"] is False
            await call(second, "secureStorage.set", key="token", value="of ab")
        assert (await call(first, "secureStorage.get", key="token"))["value"] == "of a"


async def test_scopes_are_separate(keyring: Keyring) -> None:
    async with app_host(keyring) as client:
        await call(client, "secureStorage.set", scope="work", key="token", value="w")
        await call(client, "secureStorage.set", scope="home", key="token", value="h")
        await call(client, "secureStorage.set", scope="home", key="other", value="o")
        assert (await call(client, "secureStorage.get", scope="work", key="token"))["value"] == "w"
        assert (await call(client, "secureStorage.keys", scope="work"))["keys"] == ["token"]
        assert (await call(client, "secureStorage.keys"))["keys"] == []
        assert (await call(client, "secureStorage.clear", scope="home"))["removed"] == 2
        assert (await call(client, "secureStorage.keys", scope="work"))["keys"] == ["token"]


async def test_base64_keeps_bytes_and_utf8_refuses_to_read_them_as_text(keyring: Keyring) -> None:
    data = bytes(range(256))
    written = base64.b64encode(data).decode()
    async with app_host(keyring) as client:
        await call(client, "secureStorage.set", key="k", value=written, encoding="base64")
        got = await call(client, "secureStorage.get", key="k", encoding="base64")
        assert base64.b64decode(got["value"]) == data
        reply = await client.call("secureStorage.get", key="k")
        assert isinstance(reply.error, InvalidArgumentError)
        assert reply.error.code == "ERR_ENCODING_INVALID_ENCODED_DATA"
        text = await call(client, "secureStorage.set", key="t", value="héllo ✓")
        assert text["key"] == "t"
        got = await call(client, "secureStorage.get", key="t", encoding="base64")
        assert base64.b64decode(got["value"]) == "héllo ✓".encode()


async def test_a_value_over_the_cap_is_a_range_error_and_nothing_is_kept(keyring: Keyring) -> None:
    async with app_host(keyring, **{"secure_storage.max_value_bytes": 8}) as client:
        await call(client, "secureStorage.set", key="k", value="12345678")
        reply = await client.call("secureStorage.set", key="k", value="123456789")
        assert isinstance(reply.error, OutOfRangeError)
        assert reply.error.to_dict()["type"] == "RangeError"
        assert reply.status == 413
        assert (await call(client, "secureStorage.get", key="k"))["value"] == "12345678"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"value": "v"}, "ERR_MISSING_ARGS"),
        ({"key": "k"}, "ERR_MISSING_ARGS"),
        ({"key": "", "value": "v"}, "ERR_INVALID_ARG_VALUE"),
        ({"key": "a\0b", "value": "v"}, "ERR_INVALID_ARG_TYPE"),
        ({"key": "\ud800", "value": "v"}, "ERR_INVALID_ARG_TYPE"),
        ({"key": "k", "value": "v", "encoding": "hex"}, "ERR_INVALID_ARG_VALUE"),
        ({"key": "k", "value": "not base64!", "encoding": "base64"}, "ERR_INVALID_ARG_VALUE"),
        ({"key": "k", "value": 7}, "ERR_INVALID_ARG_TYPE"),
        ({"key": "k", "value": "v", "scope": ""}, "ERR_INVALID_ARG_VALUE"),
    ],
)
async def test_bad_fields_are_typed_errors(
    keyring: Keyring, fields: dict[str, Any], code: str
) -> None:
    async with app_host(keyring) as client:
        reply = await client.call("secureStorage.set", **fields)
        assert isinstance(reply.error, InvalidArgumentError)
        assert reply.error.code == code
        assert reply.status == 400
        assert (await call(client, "secureStorage.keys"))["keys"] == []


async def test_a_long_key_is_a_range_error(keyring: Keyring) -> None:
    async with app_host(keyring) as client:
        reply = await client.call("secureStorage.get", key="k" * 1025)
        assert isinstance(reply.error, OutOfRangeError)
        assert (await call(client, "secureStorage.get", key="k" * 1024))["value"] is None


async def test_fields_in_a_json_body_arrive_as_written(keyring: Keyring) -> None:
    body = b'{"key": "null", "value": "007", "scope": "true"}'
    async with app_host(keyring) as client:
        await call(client, "secureStorage.set", body=body)
        got = await call(client, "secureStorage.get", body=b'{"key": "null", "scope": "true"}')
        assert got["value"] == "007"
        assert got["scope"] == "true"


async def test_routes_are_refused_when_the_permission_is_off(keyring: Keyring) -> None:
    async with app_host(keyring, **{"permissions.allow_secure_storage": False}) as client:
        reply = await client.call("secureStorage.keys")
        assert isinstance(reply.error, NotAllowedError)


async def test_secret_tool_sees_the_item_with_its_app_and_scope(keyring: Keyring) -> None:
    async with app_host(keyring) as client:
        await call(client, "secureStorage.set", scope="work", key="token", value="s3cret")
    found = keyring.secret_tool("lookup", "oro:app", APP, "oro:scope", "work", "oro:key", "token")
    assert found.returncode == 0, found.stderr
    assert found.stdout == "s3cret"
    other_app = keyring.secret_tool("lookup", "oro:app", "com.example.other", "oro:key", "token")
    assert other_app.stdout == ""


async def test_a_locked_keyring_is_a_security_error_naming_the_fix(keyring: Keyring) -> None:
    async with app_host(keyring) as client:
        await call(client, "secureStorage.set", key="token", value="s3cret")
        keyring.lock()
        reply = await client.call("secureStorage.get", key="token")
        assert isinstance(reply.error, SecurityError)
        assert reply.error.code == "ERR_SECRET_STORE_LOCKED"
        assert "unlock the default keyring" in str(reply.error)
        # Refused, not answered from anywhere else, and the host still serves.
        again = await client.call("secureStorage.keys")
        assert isinstance(again.error, SecurityError)


async def test_a_host_talks_to_the_keyring_over_one_connection_and_the_keyring_survives(
    keyring: Keyring,
) -> None:
    # gnome-keyring-daemon aborts when clients connect, call and hang up in quick succession
    # (gnome-keyring#195); a store that connected per call took the user's keyring down.
    with keyring.callers() as callers:
        async with app_host(keyring) as client:
            for round_ in range(40):
                await call(client, "secureStorage.set", key=f"k{round_}", value="v")
                assert (await call(client, "secureStorage.get", key=f"k{round_}"))["value"] == "v"
                await call(client, "secureStorage.keys")
                await call(client, "secureStorage.remove", key=f"k{round_}")
    assert len(callers) == 1, callers
    assert keyring.alive()
