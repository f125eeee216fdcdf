"""A scheme request an engine hands the host when no loop runs (before it starts, after it
ended) is still ended: the engine is told and what the reply holds is let go. WebKitGTK's reply
holds a pipe, so the descriptors this process has open are counted before and after."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import anyio
import pytest

from oro_framework import Host, SchemeRequest


class RecordedReply:
    """A reply that records being ended, as an engine's reply would be told, and holds a pipe
    it closes then, as WebKitGTK's does."""

    def __init__(self) -> None:
        self.reader, self.writer = os.pipe()
        self.ended = threading.Event()

    def start(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        raise AssertionError("no handler runs without a loop")

    async def write(self, chunk: bytes) -> None:
        raise AssertionError("no handler runs without a loop")

    def end(self) -> None:
        os.close(self.reader)
        os.close(self.writer)
        self.ended.set()

    async def gone(self) -> None:
        raise AssertionError("no handler runs without a loop")


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("when", ["before the loop runs", "after the loop ended"])
def test_a_scheme_request_with_no_loop_to_take_it_is_ended(when: str) -> None:
    host = Host()
    if when == "after the loop ended":

        async def run_briefly() -> None:
            host.windows.inbox.bind_loop()

        anyio.run(run_briefly, backend="trio")
    before = _open_descriptors()
    reply = RecordedReply()
    host.windows.inbox.gui_scheme_request(SchemeRequest("clip:x"), reply)
    assert reply.ended.wait(10)  # a guard against a hang, not a measurement
    assert _open_descriptors() == before
