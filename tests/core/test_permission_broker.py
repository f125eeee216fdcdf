"""The permission broker decides what pages ask of the web platform, per origin and kind, in
one order: config, the app (``oro_permission_request``), what the user said, then the user.

These run a real host headless, over its real routes. Headless there is no window to prompt in,
so where a test needs the user's answer it stands in for the prompt by replacing
``host.windows.ask_permission`` (the one seam between the broker and a toolkit's dialog; the
dialogs themselves are tried in real windows of both engines in
``tests/test_window_permissions.py``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oro_framework.core.permissions
from oro_framework import PermissionRegistry, hookimpl
from oro_framework.host.app import Host
from oro_framework.host.permission_broker import (
    APP_SITE,
    PERMISSION_KINDS,
    STORE_NAME,
    PermissionAnswer,
    PermissionRequest,
    read_decisions,
    remember_decisions,
    reset_decisions,
)
from oro_framework.testing import MemoryClient, make_host
from tests.core._broker_stand_ins import Decider, Prompt, stand_in

pytestmark = pytest.mark.anyio

PLUGINS = [oro_framework.core.permissions]


_prompt = stand_in


async def _events(host: Host, *, wait: float = 0.2) -> list[Any]:
    seen: list[Any] = []
    async with host.events.subscribe() as stream:
        with anyio.move_on_after(wait):
            async for event in stream:
                seen.append(event)
    return seen


@pytest.fixture
async def host() -> AsyncIterator[Host]:
    async with make_host(PLUGINS) as running:
        yield running


async def test_a_kind_nobody_has_decided_is_prompt_and_headless_asking_denies(host: Host) -> None:
    client = MemoryClient(host)
    query = await client.call("permissions.query", name="camera")
    asked = await client.call("permissions.request", name="camera")

    assert query.data == {"name": "camera", "state": "prompt"}
    # No window to ask in: denied for this run, and said so.
    assert asked.data == {"name": "camera", "state": "denied"}


async def test_config_denies_without_asking_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    async with make_host(PLUGINS, config={"permissions.allow_camera": False}) as host:
        prompt = Prompt(PermissionAnswer(allowed=True))
        _prompt(host, prompt, monkeypatch)
        broker = host.permission_broker
        allowed = await broker.decide(broker.request(["camera"], "app", 0))
        reply = await MemoryClient(host).call("permissions.query", name="camera")

    assert allowed is False
    assert prompt.questions == []
    assert reply.data == {
        "name": "camera",
        "state": "denied",
        "reason": "Runtime permission is disabled for 'camera'",
    }


@pytest.mark.parametrize("kind", ["camera", "microphone"])
async def test_socket_user_media_false_denies_the_camera_and_the_microphone(kind: str) -> None:
    async with make_host(PLUGINS, config={"permissions.allow_user_media": False}) as host:
        state = await host.permission_broker.state(kind, "app")
        geolocation = await host.permission_broker.state("geolocation", "app")

    assert state.state == "denied"
    assert state.reason == "Runtime permission is disabled for 'user_media'"
    assert geolocation.state == "prompt"


async def test_a_kind_no_plugin_declares_is_denied(host: Host) -> None:
    # notifications are oro-desktop's permission, not installed in this host.
    state = await host.permission_broker.state("notifications", "app")
    allowed = await host.permission_broker.decide(
        host.permission_broker.request(["notifications"], "app", None)
    )

    assert (state.state, allowed) == ("denied", False)
    assert state.reason == "No installed plugin declares the permission 'notifications'"


async def test_the_apps_hook_decides_before_the_user_and_sees_the_proven_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decider = Decider(lambda request: request.kinds == ("camera",))
    async with make_host([*PLUGINS, decider]) as host:
        prompt = Prompt(PermissionAnswer(allowed=True))
        _prompt(host, prompt, monkeypatch)
        broker = host.permission_broker
        camera = await broker.decide(broker.request(["camera"], "app", 3))
        both = await broker.decide(broker.request(["camera", "microphone"], "app", 3))
        query = await MemoryClient(host).call("permissions.query", name="camera")

    assert (camera, both) == (True, False)
    assert prompt.questions == []
    assert decider.asked[0].window == 3
    assert decider.asked[0].site == APP_SITE
    assert query.data == {"name": "camera", "state": "granted"}


async def test_a_raising_hook_denies_and_the_host_keeps_serving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(request: PermissionRequest) -> bool:
        raise RuntimeError("the app's decider broke")

    async with make_host([*PLUGINS, Decider(broken)]) as host:
        prompt = Prompt(PermissionAnswer(allowed=True))
        _prompt(host, prompt, monkeypatch)
        allowed = await host.permission_broker.decide(
            host.permission_broker.request(["geolocation"], "app", 0)
        )
        ping = await MemoryClient(host).call("permissions.query", name="runtime")

    assert allowed is False
    assert prompt.questions == []
    assert ping.data == {"name": "runtime", "state": "granted"}


async def test_a_remembered_answer_survives_a_restart_and_is_reset(tmp_path: Path) -> None:
    data = tmp_path / "data"
    async with make_host(PLUGINS, data_dir=data) as host:
        host.windows.ask_permission = Prompt(PermissionAnswer(allowed=True, remember=True))  # type: ignore[method-assign]
        broker = host.permission_broker
        first = await broker.decide(broker.request(["camera", "microphone"], "app", 0))

    assert first is True
    assert read_decisions(host.paths.state / STORE_NAME) == {
        APP_SITE: {"camera": "granted", "microphone": "granted"}
    }

    async with make_host(PLUGINS, data_dir=data) as host:
        prompt = Prompt(PermissionAnswer(allowed=False))
        host.windows.ask_permission = prompt  # type: ignore[method-assign]
        broker = host.permission_broker
        again = await broker.decide(broker.request(["camera"], "app", 0))
        broker.forget(["camera"])
        state = await broker.state("camera", "app")
        microphone = await broker.state("microphone", "app")

    assert again is True
    assert prompt.questions == []
    assert state.state == "prompt"
    assert microphone.state == "granted"


async def test_an_answer_not_remembered_lasts_for_the_run_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    async with make_host(PLUGINS, data_dir=data) as host:
        prompt = Prompt(PermissionAnswer(allowed=False))
        host.windows.ask_permission = prompt  # type: ignore[method-assign]
        broker = host.permission_broker
        first = await broker.decide(broker.request(["geolocation"], "app", 0))
        second = await broker.decide(broker.request(["geolocation"], "app", 0))

    assert (first, second) == (False, False)
    assert len(prompt.questions) == 1  # a deny holds for the run: no prompt spam
    assert not (host.paths.state / STORE_NAME).exists()


async def test_concurrent_asks_share_one_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    release = anyio.Event()
    async with make_host(PLUGINS) as host:
        prompt = Prompt(PermissionAnswer(allowed=True), wait=release)
        _prompt(host, prompt, monkeypatch)
        broker = host.permission_broker
        results: list[bool] = []

        async def ask() -> None:
            results.append(await broker.decide(broker.request(["camera"], "app", 0)))

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(ask)
            await anyio.wait_all_tasks_blocked()  # every ask is waiting on the one prompt
            release.set()

    assert results == [True] * 20
    assert len(prompt.questions) == 1


async def test_the_prompt_names_the_app_and_a_foreign_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with make_host(PLUGINS, config={"meta.name": "Photo Booth"}) as host:
        prompt = Prompt(PermissionAnswer(allowed=False))
        _prompt(host, prompt, monkeypatch)
        broker = host.permission_broker
        await broker.decide(broker.request(["camera", "microphone"], "app", 1))
        await broker.decide(broker.request(["geolocation"], "https://maps.example", 2))

    assert prompt.questions == [
        (1, "Photo Booth would like to use your camera and use your microphone."),
        (2, "Photo Booth (https://maps.example) would like to know your location."),
    ]


async def test_decisions_are_kept_per_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    async with make_host(PLUGINS) as host:
        _prompt(host, Prompt(PermissionAnswer(allowed=True)), monkeypatch)
        broker = host.permission_broker
        await broker.decide(broker.request(["camera"], "https://a.example", 0))
        other = await broker.state("camera", "https://b.example")
        same = await broker.state("camera", "HTTPS://A.EXAMPLE/")

    assert (other.state, same.state) == ("prompt", "granted")


async def test_each_change_of_state_reaches_the_pages_as_permissionchange(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with make_host(PLUGINS) as host:
        _prompt(host, Prompt(PermissionAnswer(allowed=True)), monkeypatch)
        broker = host.permission_broker
        seen: list[tuple[str, Any]] = []
        async with host.events.subscribe() as stream:
            await broker.decide(broker.request(["camera"], "app", 0))
            await broker.decide(broker.request(["camera"], "app", 0))  # no change: no event
            broker.forget()
            with anyio.move_on_after(0.2):
                async for event in stream:
                    seen.append((event.name, event.data))

    assert seen == [
        ("permissionchange", {"name": "camera", "state": "granted"}),
        ("permissionchange", {"name": "camera", "state": "prompt"}),
    ]


async def test_a_page_asks_only_for_names_it_may_and_gets_typed_errors(host: Host) -> None:
    client = MemoryClient(host)
    unknown = await client.call("permissions.request", name="teleportation")
    missing = await client.call("permissions.request")
    wrong = await client.call("permissions.request", name=["camera"])
    runtime = await client.call("permissions.request", name="runtime")

    assert unknown.error is not None
    assert unknown.error.code == "NOT_FOUND_ERR"
    assert missing.error is not None
    assert missing.error.code == "ERR_MISSING_ARGS"
    assert wrong.error is not None
    assert wrong.error.status == 400
    assert runtime.data == {"name": "runtime", "state": "granted"}


async def test_a_kind_the_broker_does_not_know_is_refused(host: Host) -> None:
    from oro_framework.host.errors import NotSupportedError

    with pytest.raises(NotSupportedError):
        host.permission_broker.request(["bluetooth"], "app", 0)
    with pytest.raises(NotSupportedError):
        host.permission_broker.request([], "app", 0)


# -------------------------------------------------------------------------------------------
# The store
# -------------------------------------------------------------------------------------------

_sites = st.sampled_from([APP_SITE, "https://a.example", "http://127.0.0.1:9"])
_kinds = st.lists(st.sampled_from(sorted(PERMISSION_KINDS)), min_size=1, max_size=3, unique=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_sites, _kinds, st.booleans()), max_size=12))
def test_the_store_keeps_the_last_answer_per_site_and_kind(
    tmp_path_factory: pytest.TempPathFactory, answers: list[tuple[str, list[str], bool]]
) -> None:
    store = tmp_path_factory.mktemp("store") / STORE_NAME
    expected: dict[str, dict[str, str]] = {}
    for site, kinds, allowed in answers:
        remember_decisions(store, site, kinds, allowed)
        for kind in kinds:
            expected.setdefault(site, {})[kind] = "granted" if allowed else "denied"

    assert read_decisions(store) == expected
    assert reset_decisions(store) == sum(len(kinds) for kinds in expected.values())
    assert read_decisions(store) == {}
    assert [path.name for path in store.parent.iterdir()] == ([STORE_NAME] if answers else [])


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"app": "granted"}',
        '{"app": {"camera": "yes", "teleport": "granted"}}',
        "\udcff".encode("utf-8", "surrogateescape").decode("latin-1"),
    ],
)
def test_a_broken_store_grants_nothing(tmp_path: Path, text: str) -> None:
    store = tmp_path / STORE_NAME
    store.write_text(text, encoding="latin-1")

    assert all(not kinds for kinds in read_decisions(store).values())


def test_a_store_is_written_for_the_user_alone(tmp_path: Path) -> None:
    store = tmp_path / "data" / STORE_NAME
    remember_decisions(store, APP_SITE, ["camera"], True)

    assert store.stat().st_mode & 0o777 == 0o600
    assert json.loads(store.read_text()) == {APP_SITE: {"camera": "granted"}}


async def test_notifications_are_the_configs_alone_as_oro_desktops_notification_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Desktop:
        name = "desktop-stand-in"

        @hookimpl
        def oro_register_permissions(self, permissions: PermissionRegistry) -> None:
            permissions.add("notifications", "Desktop notifications.")

    for allowed in (True, False):
        config = {"permissions.allow_notifications": allowed}
        async with make_host([*PLUGINS, Desktop()], config=config) as host:
            prompt = Prompt(PermissionAnswer(allowed=not allowed))
            _prompt(host, prompt, monkeypatch)
            broker = host.permission_broker
            decided = await broker.decide(broker.request(["notifications"], "app", 0))
            state = (await broker.state("notifications", "app")).state

        assert prompt.questions == []
        assert decided is allowed
        assert state == ("granted" if allowed else "denied")


async def test_the_store_is_read_again_when_another_process_changes_it(host: Host) -> None:
    broker = host.permission_broker
    before = (await broker.state("camera", "app")).state
    remember_decisions(broker.store, APP_SITE, ["camera"], True)  # `oro run` elsewhere
    granted = (await broker.state("camera", "app")).state
    reset_decisions(broker.store)  # `oro config permissions --reset`
    after = (await broker.state("camera", "app")).state

    assert (before, granted, after) == ("prompt", "granted", "prompt")
