"""Stand-ins of the permission broker's tests: the user at the prompt (replacing
``host.windows.ask_permission``, the one seam between the broker and a toolkit's dialog) and an
app that decides (``oro_permission_request``)."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

from oro_framework import hookimpl
from oro_framework.host.app import Host
from oro_framework.host.errors import NotSupportedError
from oro_framework.host.permission_broker import PermissionAnswer, PermissionRequest


class Prompt:
    """Stands in for the user at the prompt: answers what it is told (once ``wait`` is set, if
    given; ``None`` is a headless host's refusal), counting questions."""

    def __init__(self, answer: PermissionAnswer | None, *, wait: anyio.Event | None = None):
        self.answer = answer
        self.questions: list[tuple[int, str]] = []
        self.wait = wait

    async def __call__(self, index: int, question: str) -> PermissionAnswer:
        self.questions.append((index, question))
        if self.wait is not None:
            await self.wait.wait()
        if self.answer is None:
            raise NotSupportedError("no window", code="ERR_HEADLESS")
        return self.answer


class Decider:
    """The app's ``oro_permission_request``: ``decide`` answers, every request is kept."""

    name = "decider"

    def __init__(self, decide: Callable[[PermissionRequest], bool | None]) -> None:
        self.decide = decide
        self.asked: list[PermissionRequest] = []

    @hookimpl
    def oro_permission_request(self, host: Host, request: PermissionRequest) -> bool | None:
        self.asked.append(request)
        return self.decide(request)


def stand_in(host: Host, prompt: Prompt, monkeypatch: pytest.MonkeyPatch) -> None:
    """``prompt`` answers ``host``'s permission prompts."""
    monkeypatch.setattr(host.windows, "ask_permission", prompt)
