"""Socket's ``serviceWorker.fetch`` at the host: a caller that acts as no window (a worker, a
program let in by a key alone) gets the typed answer that says so and nothing is fetched for
it; one that acts as a window (a Conduit client outside the app that ``conduit.allow_origins``
names) is answered by that window's page, which alone may answer (the page's side runs in a
real page: plugins/oro-conduit/tests/test_conduit_outside_page.py)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from oro_sw.page_fetch import ANSWER_ROUTE, PAGE_FETCH_EVENT

from oro_framework import (
    Host,
    NotFoundError,
    NotSupportedError,
    Reply,
    SecurityError,
)
from oro_framework.testing import MemoryClient

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"scheme": "socket", "pathname": "/api/hello", "query": "a=1"},
        {"scheme": "https", "hostname": "evil.example", "pathname": "/"},
        {"scheme": "ht tp", "pathname": "relative", "headers": "X: y\r\nZ"},
        {"method": "OPTIONS", "index": 5, "window": 3},
    ],
)
async def test_a_caller_that_acts_as_no_window_is_told_to_fetch_itself(
    host: Host, params: dict[str, Any]
) -> None:
    reply = await MemoryClient(host, window=None).call(
        "serviceWorker.fetch", body=b"\xff\x00not json", **params
    )
    assert isinstance(reply.error, NotSupportedError), reply
    assert reply.error.code == "ERR_NOT_IN_PAGE"


async def _fetch_answered(
    host: Host, answer: dict[str, Any], body: bytes = b"", answerer: int = 0
) -> tuple[Reply, dict[str, Any], Reply]:
    """A serviceWorker.fetch as window 0, answered by window ``answerer``'s page with
    ``answer`` and ``body``: the fetch's reply, what the page was asked, the answer's reply."""
    replies: list[Reply] = []

    async def fetch() -> None:
        client = MemoryClient(host, window=0)
        replies.append(await client.call("serviceWorker.fetch", pathname="/hello.json"))

    with anyio.fail_after(20):
        async with anyio.create_task_group() as tasks, host.events.subscribe(window=0) as events:
            tasks.start_soon(fetch)
            event = await events.receive()
            assert event.name == PAGE_FETCH_EVENT
            detail: dict[str, Any] = event.data
            params = {"ticket": detail["ticket"], **answer}
            answered = await MemoryClient(host, window=answerer).call(
                ANSWER_ROUTE, body=body, **params
            )
            if answered.error is not None:
                # Refused: the rightful page answers, so the fetch ends.
                await MemoryClient(host, window=0).call(ANSWER_ROUTE, **params)
    return replies[0], detail, answered


async def test_a_caller_acting_as_a_window_is_answered_by_that_window_s_page(
    host: Host,
) -> None:
    body = b'{"message":"hello"}'
    reply, detail, answered = await _fetch_answered(host, {}, body)
    assert detail["params"] == {"pathname": "/hello.json"}
    assert answered.error is None, answered
    assert (reply.error, reply.body) == (None, body)


async def test_only_the_asked_window_s_page_answers_and_only_once(host: Host) -> None:
    reply, _, refused = await _fetch_answered(host, {}, b"x", answerer=1)
    assert isinstance(refused.error, SecurityError), refused
    assert reply.error is None, reply
    unknown = await MemoryClient(host, window=0).call(ANSWER_ROUTE, ticket="no-such-ticket")
    assert isinstance(unknown.error, NotFoundError), unknown


async def test_a_failed_fetch_in_the_page_is_the_caller_s_typed_error(host: Host) -> None:
    answer = {"error": "ServiceWorker request failed", "name": "NetworkError"}
    reply, _, _ = await _fetch_answered(host, answer)
    assert isinstance(reply.error, NotFoundError), reply
    assert reply.error.message == "ServiceWorker request failed"
