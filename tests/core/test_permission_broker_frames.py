"""The permission broker judges a frame of another origin by its own origin, and shows one
prompt per window and kind at a time (issue 71). A real host, headless; the prompt is stood in
for by replacing ``host.windows.ask_permission``, as in ``test_permission_broker.py`` (the
dialogs themselves, and the engines' frames, are tried in real windows of both engines:
``tests/test_window_frame_permissions_native.py``, ``tests/test_window_prompt_spam_native.py``).
"""

from __future__ import annotations

import anyio
import pytest

import oro_framework.core.permissions
from oro_framework.host.app import Host
from oro_framework.host.permission_broker import PermissionAnswer
from oro_framework.testing import make_host
from tests.core._broker_stand_ins import Decider, Prompt, stand_in

pytestmark = pytest.mark.anyio

PLUGINS = [oro_framework.core.permissions]
FRAME = "https://frame.example"
PAGE = "https://page.example"


_prompt = stand_in


async def test_a_frame_of_another_origin_gets_only_what_the_app_grants_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decider = Decider(lambda request: True if request.origin == PAGE else None)
    async with make_host([*PLUGINS, decider]) as host:
        prompt = Prompt(PermissionAnswer(allowed=True, remember=True))
        _prompt(host, prompt, monkeypatch)
        broker = host.permission_broker
        embedded = broker.request(["camera"], f"{FRAME}/", 1, embedder=PAGE)
        # The user once allowed the frame's site as a page of its own: no help to a frame.
        assert await broker.decide(broker.request(["camera"], FRAME, 1))
        prompt.questions.clear()

        frame = await broker.decide(embedded)
        notifications = await broker.decide(
            broker.request(["notifications"], FRAME, 1, embedder=PAGE)
        )
        page = await broker.decide(broker.request(["camera"], PAGE, 1))
        state = await broker.state("camera", FRAME, 1, embedder=PAGE)

    assert (embedded.origin, embedded.embedder, embedded.site) == (FRAME, PAGE, FRAME)
    assert (frame, notifications, page) == (False, False, True)
    assert prompt.questions == []  # nobody is asked about a frame
    assert (state.state, state.reason) == (
        "denied",
        "a frame of another origin gets only what the app grants it",
    )
    assert (decider.asked[1].origin, decider.asked[1].embedder) == (FRAME, PAGE)  # for the app


async def test_a_frame_of_the_pages_own_origin_is_the_page(host: Host) -> None:
    request = host.permission_broker.request(["camera"], f"{PAGE}/", 0, embedder=f"{PAGE}/")

    assert request.embedder is None


async def test_an_engine_that_cannot_tell_the_frame_grants_only_what_each_would_get(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    granted = {FRAME}
    decider = Decider(lambda request: True if request.origin in granted else None)
    async with make_host([*PLUGINS, decider]) as host:
        prompt = Prompt(PermissionAnswer(allowed=True))
        _prompt(host, prompt, monkeypatch)
        broker = host.permission_broker
        other = "https://other.example"
        refused = await broker.decide_in_page(["camera"], PAGE, 0, page=PAGE, frames=[other])
        asked_before_refusal = list(prompt.questions)
        allowed = await broker.decide_in_page(["camera"], PAGE, 0, page=PAGE, frames=[FRAME])

    assert refused is False
    assert asked_before_refusal == []  # the frame was refused before the user was asked
    assert allowed is True
    assert len(prompt.questions) == 1  # the page's own camera, once the frame may have it


async def test_one_prompt_per_window_and_kind_and_each_waits_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = anyio.Event()
    async with make_host(PLUGINS) as host:
        prompt = Prompt(PermissionAnswer(allowed=False), wait=release)
        _prompt(host, prompt, monkeypatch)
        broker = host.permission_broker
        results: dict[str, bool] = {}

        async def ask(name: str, kinds: list[str], window: int) -> None:
            results[name] = await broker.decide(broker.request(kinds, "app", window))

        async with anyio.create_task_group() as group:
            group.start_soon(ask, "both", ["camera", "microphone"], 0)
            await anyio.wait_all_tasks_blocked()
            for index in range(20):
                group.start_soon(ask, f"camera {index}", ["camera"], 0)
                group.start_soon(ask, f"microphone {index}", ["microphone"], 0)
            group.start_soon(ask, "other window", ["camera"], 1)
            await anyio.wait_all_tasks_blocked()
            asked = list(prompt.questions)
            release.set()

    # One prompt over window 0 for both kinds; window 1 has its own.
    assert sorted(index for index, _ in asked) == [0, 1], asked
    assert set(results.values()) == {False}
    assert len(results) == 42


async def test_a_prompt_outlives_the_call_that_opened_it(monkeypatch: pytest.MonkeyPatch) -> None:
    release = anyio.Event()
    async with make_host(PLUGINS) as host:
        prompt = Prompt(PermissionAnswer(allowed=True), wait=release)
        _prompt(host, prompt, monkeypatch)
        broker = host.permission_broker
        answers: list[bool] = []

        async with anyio.create_task_group() as opener:
            opener.start_soon(broker.decide, broker.request(["camera"], "app", 0))
            await anyio.wait_all_tasks_blocked()
            opener.cancel_scope.cancel()  # the page aborted its call

        async def again() -> None:
            answers.append(await broker.decide(broker.request(["camera"], "app", 0)))

        async with anyio.create_task_group() as group:
            group.start_soon(again)
            await anyio.wait_all_tasks_blocked()
            release.set()  # the user answers the prompt still on screen

    assert answers == [True]
    assert len(prompt.questions) == 1
