"""The loop-lag watchdog over the Conduit: a route that blocks the loop is named with its
plugin, as over fetch, not the Conduit's service that ran it."""

from __future__ import annotations

import logging
import time
from collections import Counter

import pytest
from oro_conduit import plugin
from oro_conduit.codec import encode_frame
from oro_conduit.testing import next_frame, page_conduit

from oro_framework import Request
from oro_framework.testing import RoutePlugin, make_host

pytestmark = pytest.mark.anyio

THRESHOLD_MS = 300
BLOCK = 1.5
"""Far above the threshold, so that scheduling noise cannot decide the test."""


def _hold_the_loop() -> None:
    time.sleep(BLOCK)


async def _block(request: Request) -> str:
    # What a careless author does: blocking work in an `async def` handler.
    _hold_the_loop()
    return "done"


async def test_a_route_blocking_the_loop_over_the_conduit_is_named_with_its_plugin(
    caplog: pytest.LogCaptureFixture,
) -> None:
    routes = RoutePlugin({"slow.block": _block}, name="slow-plugin")
    config = {"ipc.loop_lag_warning_ms": THRESHOLD_MS}
    async with (
        make_host([plugin, routes], config=config) as host,
        page_conduit(host, "ipc-0") as conduit,
    ):
        before = Counter(host.watchdog.stalls)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="oro_framework.watchdog"):
            await conduit.send_message(encode_frame({"route": "slow.block", "seq": "R1"}))
            options, _ = await next_frame(conduit, seconds=30)
        assert options["seq"] == "R1"
        stalls = Counter(host.watchdog.stalls) - before
    assert dict(stalls) == {"route 'slow.block' of plugin 'slow-plugin'": 1}
    assert [record.getMessage().split(" blocked")[0] for record in caplog.records] == [
        "route 'slow.block' of plugin 'slow-plugin'"
    ]
