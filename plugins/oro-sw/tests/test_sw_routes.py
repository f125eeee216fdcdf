"""The serviceWorker.* routes in memory: the host's record of registrations, typed errors for
scripts and scopes outside the app, and storage that survives a restart of the host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _sw_support import kept_host
from oro_sw.state import FILE_NAME
from oro_sw.urls import registration_id

from oro_framework import ConfigError, Host
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

ORIGIN = "http://127.0.0.1:4100"


async def ok(client: MemoryClient, route: str, **params: Any) -> Any:
    return raise_for_error(await client.call(route, **params))


async def failure(client: MemoryClient, route: str, **params: Any) -> tuple[str, str]:
    reply = await client.call(route, **params)
    assert reply.error is not None, reply
    return type(reply.error).__name__, reply.error.message


async def registered(client: MemoryClient, script: str = "/sw.js", **params: Any) -> Any:
    answer = await ok(client, "serviceWorker.register", scriptURL=ORIGIN + script, **params)
    return answer["registration"]


async def test_register_records_the_script_with_its_directory_as_scope(
    client: MemoryClient,
) -> None:
    record = await registered(client, "/workers/api.js")

    assert record == {
        "id": registration_id(f"{ORIGIN}/workers/"),
        "scope": f"{ORIGIN}/workers/",
        "scriptURL": f"{ORIGIN}/workers/api.js",
        "state": "registering",
        "origin": ORIGIN,
        "workerURL": "",
    }


async def test_registering_a_scope_again_updates_the_same_record(client: MemoryClient) -> None:
    first = await registered(client, "/sw.js", scope=ORIGIN + "/")
    again = await registered(client, "/sw.js?v=2", scope=ORIGIN + "/", state="activated")

    assert again["id"] == first["id"]
    assert again["scriptURL"] == f"{ORIGIN}/sw.js?v=2"
    assert again["state"] == "activated"
    listed = await ok(client, "serviceWorker.getRegistrations", origin=ORIGIN)
    assert listed == {"registrations": [again]}


@pytest.mark.parametrize(
    "script",
    [
        "http://example.com/sw.js",
        "https://127.0.0.1:4100/sw.js",
        "data:text/javascript,1",
        "blob:http://127.0.0.1:4100/x",
        "http://user@127.0.0.1:4100/sw.js",
        "http://127.0.0.1/sw.js",
    ],
)
async def test_a_worker_script_outside_the_app_is_a_security_error(
    client: MemoryClient, script: str
) -> None:
    error_type, message = await failure(client, "serviceWorker.register", scriptURL=script)

    assert error_type == "SecurityError"
    assert "outside the app" in message


@pytest.mark.parametrize(
    ("scope", "error"),
    [
        (f"{ORIGIN}/ipc/", "InvalidArgumentError"),
        (f"{ORIGIN}/oro/events", "InvalidArgumentError"),
        ("/relative/", "InvalidArgumentError"),
        ("http://127.0.0.1:9/", "SecurityError"),
    ],
)
async def test_a_bad_scope_is_a_typed_error(client: MemoryClient, scope: str, error: str) -> None:
    assert (
        await failure(client, "serviceWorker.register", scriptURL=f"{ORIGIN}/sw.js", scope=scope)
    )[0] == error


async def test_get_registration_finds_the_longest_matching_scope(client: MemoryClient) -> None:
    root = await registered(client, "/sw.js")
    nested = await registered(client, "/app/sw.js")

    assert await ok(
        client, "serviceWorker.getRegistration", scope=f"{ORIGIN}/app/page.html?x=1"
    ) == {"registration": nested}
    assert await ok(client, "serviceWorker.getRegistration", scope=f"{ORIGIN}/other") == {
        "registration": root
    }
    assert await ok(client, "serviceWorker.getRegistration", scope="http://127.0.0.1:4101/") == {}


async def test_update_state_records_the_engine_states(client: MemoryClient) -> None:
    record = await registered(client)

    for state in ("installing", "installed", "activating", "activated"):
        answer = await ok(client, "serviceWorker.updateState", id=record["id"], state=state)
        assert answer["registration"]["state"] == state
    assert (await failure(client, "serviceWorker.updateState", id=record["id"], state="bored"))[
        0
    ] == "InvalidArgumentError"
    assert (await failure(client, "serviceWorker.updateState", id=record["id"]))[
        0
    ] == "InvalidArgumentError"


@pytest.mark.parametrize(
    ("route", "params"),
    [
        ("serviceWorker.unregister", {}),
        ("serviceWorker.skipWaiting", {}),
        ("serviceWorker.updateState", {"state": "activated"}),
        ("serviceWorker.storage", {}),
        ("serviceWorker.storage.get", {"key": "k"}),
        ("serviceWorker.storage.set", {"key": "k", "value": "v"}),
        ("serviceWorker.storage.remove", {"key": "k"}),
        ("serviceWorker.storage.clear", {}),
    ],
)
async def test_an_unknown_registration_is_not_found(
    client: MemoryClient, route: str, params: dict[str, str]
) -> None:
    assert (await failure(client, route, id="0123456789abcdef", **params))[0] == "NotFoundError"


async def test_storage_sets_gets_removes_and_clears(client: MemoryClient) -> None:
    identifier = (await registered(client))["id"]

    await ok(client, "serviceWorker.storage.set", id=identifier, key="a", value="1")
    await ok(client, "serviceWorker.storage.set", id=identifier, key="b", value="ü")
    assert await ok(client, "serviceWorker.storage.get", id=identifier, key="b") == {"value": "ü"}
    assert await ok(client, "serviceWorker.storage.get", id=identifier, key="c") == {"value": None}
    assert await ok(client, "serviceWorker.storage.remove", id=identifier, key="a") == {
        "removed": True
    }
    assert await ok(client, "serviceWorker.storage.remove", id=identifier, key="a") == {
        "removed": False
    }
    assert await ok(client, "serviceWorker.storage", id=identifier) == {"storage": {"b": "ü"}}
    await ok(client, "serviceWorker.storage.clear", id=identifier)
    assert await ok(client, "serviceWorker.storage", id=identifier) == {"storage": {}}


async def test_storage_refuses_an_empty_key_and_a_too_large_value(client: MemoryClient) -> None:
    identifier = (await registered(client))["id"]

    assert (await failure(client, "serviceWorker.storage.set", id=identifier, key="", value="v"))[
        0
    ] == "OutOfRangeError"
    too_large = "x" * (1024 * 1024 + 1)
    assert (
        await failure(client, "serviceWorker.storage.set", id=identifier, key="k", value=too_large)
    )[0] == "OutOfRangeError"


async def test_unregister_and_reset_forget_records_and_storage(client: MemoryClient) -> None:
    first = (await registered(client, "/a/sw.js"))["id"]
    await registered(client, "/b/sw.js")
    await ok(client, "serviceWorker.storage.set", id=first, key="k", value="v")

    await ok(client, "serviceWorker.unregister", id=first)
    assert (await failure(client, "serviceWorker.storage", id=first))[0] == "NotFoundError"
    assert await ok(client, "serviceWorker.reset") == {"removed": 1}
    assert await ok(client, "serviceWorker.getRegistrations") == {"registrations": []}


async def test_records_and_storage_survive_a_restart_of_the_host(tmp_path: Path) -> None:
    app, data = tmp_path / "app", tmp_path / "data"
    app.mkdir()
    (app / "index.html").write_text("<!doctype html>")
    async with kept_host(app, data) as first:
        client = MemoryClient(first)
        identifier = (await registered(client))["id"]
        await ok(client, "serviceWorker.storage.set", id=identifier, key="k", value="kept")
        state = first.paths.state
    # The host's state folder, which no page reaches (issue 71), not the pages' data folder.
    assert (state / FILE_NAME).is_file()
    assert not (data / FILE_NAME).exists()

    async with kept_host(app, data) as second:
        client = MemoryClient(second)
        assert await ok(client, "serviceWorker.storage.get", id=identifier, key="k") == {
            "value": "kept"
        }


async def test_a_damaged_store_starts_empty(tmp_path: Path) -> None:
    app, data = tmp_path / "app", tmp_path / "data"
    app.mkdir()
    data.mkdir()
    (data / FILE_NAME).write_text("{not json")

    async with kept_host(app, data) as host:
        assert await ok(MemoryClient(host), "serviceWorker.getRegistrations") == {
            "registrations": []
        }


async def test_routes_need_the_service_worker_permission() -> None:
    import oro_sw.plugin

    async with make_host(
        [oro_sw.plugin], config={"permissions_allow_service_worker": False}
    ) as host:
        reply = await MemoryClient(host).call("serviceWorker.getRegistrations")
        args = host.hooks.page_args(host, window=0, origin=ORIGIN)
    assert reply.error is not None
    assert type(reply.error).__name__ == "NotAllowedError"
    # Nor does any page register the configured workers.
    assert args == {}


async def test_page_args_carry_the_configured_scripts(host: Host) -> None:
    assert host.hooks.page_args(host, window=0, origin=ORIGIN) == {
        "serviceWorker": {"scripts": [], "workers": [], "autoRegister": True}
    }


async def test_configured_scripts_are_read_in_oros_flattened_spelling() -> None:
    import oro_sw.plugin

    config = {
        "webview_service-workers": "./sw.js workers/api.js ./sw.js",
        "webview_auto_register_service_workers": False,
    }
    async with make_host([oro_sw.plugin], config=config) as host:
        args = host.hooks.page_args(host, window=0, origin=ORIGIN)
    assert args == {
        "serviceWorker": {
            "scripts": ["/sw.js", "/workers/api.js"],
            "workers": [
                {"script": "/sw.js", "scope": "/"},
                {"script": "/workers/api.js", "scope": "/workers/"},
            ],
            "autoRegister": False,
        }
    }


async def test_oros_table_form_maps_scopes_to_scripts(tmp_path: Path) -> None:
    import oro_sw.plugin

    (tmp_path / "oro.toml").write_text(
        '[webview.service-workers]\n"/" = "/service-worker.js"\n"/api" = "./api/sw.js"\n'
    )
    async with make_host([oro_sw.plugin], app_dir=tmp_path) as host:
        args = host.hooks.page_args(host, window=0, origin=ORIGIN)
    assert args["serviceWorker"]["workers"] == [
        {"script": "/service-worker.js", "scope": "/"},
        {"script": "/api/sw.js", "scope": "/api/"},
    ]


@pytest.mark.parametrize("scope", ["relative/", "/ipc", "/a/../..", "//evil/"])
async def test_a_table_scope_outside_the_app_is_a_config_error(tmp_path: Path, scope: str) -> None:
    import oro_sw.plugin

    (tmp_path / "oro.toml").write_text(f'[webview.service-workers]\n"{scope}" = "/sw.js"\n')
    with pytest.raises(ConfigError, match="service-workers"):
        async with make_host([oro_sw.plugin], app_dir=tmp_path):
            pass


@pytest.mark.parametrize(
    "entry", ["../sw.js", "http://example.com/sw.js", "//evil/sw.js", "./", "/ipc/x.js"]
)
async def test_a_configured_script_outside_the_app_is_a_config_error(entry: str) -> None:
    import oro_sw.plugin

    with pytest.raises(ConfigError, match="service-workers"):
        async with make_host([oro_sw.plugin], config={"webview.service-workers": entry}):
            pass


async def test_a_value_in_the_body_is_kept_exactly(client: MemoryClient) -> None:
    identifier = (await registered(client))["id"]

    # As a query value '"x"' would be JSON-decoded to 'x'; the body is taken as it is.
    await ok(client, "serviceWorker.storage.set", body='"x" ü'.encode(), id=identifier, key="k")

    assert await ok(client, "serviceWorker.storage.get", id=identifier, key="k") == {
        "value": '"x" ü'
    }
    bad = await failure(client, "serviceWorker.storage.set", body=b"\xff", id=identifier, key="k")
    assert bad[0] == "InvalidArgumentError"


async def test_a_page_cannot_grow_the_hosts_record_without_bound(
    client: MemoryClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 71: the record is the host's file, kept whole in its memory and rewritten on each
    change: storage past its bound and registrations past theirs are refused, typed, and what
    was kept stays."""
    import oro_sw.store

    monkeypatch.setattr(oro_sw.store, "MAX_STORE_CHARACTERS", 100)
    monkeypatch.setattr(oro_sw.store, "MAX_RECORDS", 3)
    identifier = (await registered(client))["id"]
    await ok(client, "serviceWorker.storage.set", id=identifier, key="a", value="x" * 90)
    full = await failure(
        client, "serviceWorker.storage.set", id=identifier, key="b", value="x" * 10
    )
    # Replacing a value with one as large fits: what it replaces is given back.
    await ok(client, "serviceWorker.storage.set", id=identifier, key="a", value="y" * 90)
    for index in range(2):
        await registered(client, f"/more{index}/sw.js")
    many = await failure(client, "serviceWorker.register", scriptURL=f"{ORIGIN}/more9/sw.js")

    assert full == ("OutOfRangeError", "Service Worker storage is full (100 characters in all)")
    assert many == ("OutOfRangeError", "Too many Service Worker registrations (at most 3)")
    kept = await ok(client, "serviceWorker.storage.get", id=identifier, key="a")
    assert kept == {"value": "y" * 90}
