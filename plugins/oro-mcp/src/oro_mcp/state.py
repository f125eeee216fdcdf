"""What oro-mcp keeps per host, ``host.stash[STATE]``: the tools and resources pages registered,
the questions waiting for a page's answer, and the MCP endpoint when one runs.

A tool or resource belongs to the window whose page registered it: its handler is a function in
that page, which the host asks with a page event and whose answer comes back by a route. Only
that window may answer (an answer names its question by a random id, and the host checks the
window too), and when its page goes away its tools, resources and questions go with it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, final

import anyio

from oro_framework import Host, InvalidStateError, NotFoundError, SecurityError, StashKey
from oro_mcp.settings import McpSettings

if TYPE_CHECKING:
    from anyio.abc import TaskGroup, TaskStatus

    from oro_mcp.server import McpServer

__all__ = [
    "AUTHORIZE_EVENT",
    "RESOURCE_EVENT",
    "SERVICE",
    "STATE",
    "TOOL_EVENT",
    "Answer",
    "McpState",
]

TOOL_EVENT: Final = "mcp.tool.invoke"
"""Sent to the window owning a tool: run its handler (Oro's event of the same name)."""
RESOURCE_EVENT: Final = "mcp.resource.read"
"""Sent to the window owning a resource: read it."""
AUTHORIZE_EVENT: Final = "mcp.server.authorize"
"""Sent to the window that set the authorization handler: allow this HTTP request or not."""
SERVICE: Final = "mcp.server"
"""The service whose task group runs the MCP endpoint."""


@final
@dataclass(frozen=True)
class Answer:
    """A page's answer to a question: ``value`` (a JSON text or the decision's fields) or, when
    ``error`` is set, the page's refusal."""

    value: Any = None
    error: str | None = None


@final
@dataclass(eq=False)
class _Question:
    window: int
    kind: str
    done: anyio.Event = field(default_factory=anyio.Event)
    answer: Answer | None = None


@final
@dataclass(eq=False)
class McpState:
    """oro-mcp's state for one host."""

    host: Host
    settings: McpSettings
    tools: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    """Tool name → (owning window, descriptor as MCP lists it)."""
    resources: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    """Resource URI → (owning window, descriptor)."""
    authorizer: int | None = None
    """The window whose page authorizes each HTTP request, when one set a handler."""
    server: McpServer | None = None
    questions: dict[str, _Question] = field(default_factory=dict)
    calls: int = 0
    """Questions sent to pages."""
    timeouts: int = 0
    """Questions no page answered in time."""
    _tasks: TaskGroup | None = None
    _next_id: int = 0

    @classmethod
    def from_host(cls, host: Host) -> McpState:
        """The state for ``host``, whose config is loaded."""
        return cls(host, host.settings(McpSettings))

    def next_id(self) -> int:
        """A registration's number, as Oro's registerTool/registerResource answer."""
        self._next_id += 1
        return self._next_id

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        """The ``mcp.server`` service: hold the task group the endpoint runs in."""
        async with anyio.create_task_group() as tasks:
            self._tasks = tasks
            try:
                task_status.started()
                await anyio.sleep_forever()
            finally:
                self._tasks = None
                if self.server is not None:
                    self.server.stop()
                    self.server = None

    def start_soon(self, server: McpServer) -> None:
        """Run ``server`` (already listening) in the service's task group."""
        if self._tasks is None:
            raise InvalidStateError("the mcp.server service is not running (the host is stopping)")
        self.server = server
        self._tasks.start_soon(server.serve)

    def spawn(self, function: Callable[..., Coroutine[Any, Any, None]], *args: Any) -> None:
        """Run ``function(*args)`` in the service's task group."""
        if self._tasks is None:
            raise InvalidStateError("the mcp.server service is not running (the host is stopping)")
        self._tasks.start_soon(function, *args)

    async def ask(self, window: int, kind: str, data: dict[str, Any]) -> Answer:
        """Send page event ``kind`` to ``window`` with ``data`` and a fresh ``id``; wait for the
        page's answer.

        :raises TimeoutError: no answer within ``mcp.call_timeout_ms``, or the page went away.
        """
        question_id = secrets.token_urlsafe(18)
        question = _Question(window, kind)
        self.questions[question_id] = question
        self.calls += 1
        try:
            self.host.emit(kind, {**data, "id": question_id}, window=window)
            with anyio.move_on_after(self.settings.call_timeout_ms / 1000):
                await question.done.wait()
        finally:
            del self.questions[question_id]
        if question.answer is None:
            self.timeouts += 1
            raise TimeoutError(
                f"window {window}'s page did not answer {kind} within "
                f"{self.settings.call_timeout_ms} ms (mcp.call_timeout_ms)"
            )
        return question.answer

    def answer(self, window: int, kind: str, question_id: str, answer: Answer) -> None:
        """Settle question ``question_id`` of ``kind`` with the answer of ``window``'s page.

        :raises NotFoundError: no such question waits (answered, timed out, never asked).
        :raises SecurityError: it was asked of another window.
        """
        question = self.questions.get(question_id)
        if question is None or question.kind != kind or question.answer is not None:
            raise NotFoundError(f"no {kind} question {question_id!r} is waiting for an answer")
        if question.window != window:
            raise SecurityError(
                f"{kind} question {question_id!r} was asked of another window",
                code="ERR_MCP_NOT_YOURS",
            )
        question.answer = answer
        question.done.set()

    def close_window(self, window: int) -> None:
        """Drop what ``window``'s page registered; its waiting questions fail now."""
        self.tools = {k: v for k, v in self.tools.items() if v[0] != window}
        self.resources = {k: v for k, v in self.resources.items() if v[0] != window}
        if self.authorizer == window:
            self.authorizer = None
        for question in self.questions.values():
            if question.window == window and question.answer is None:
                question.answer = Answer(error=f"window {window}'s page went away")
                question.done.set()

    def diagnostics(self) -> dict[str, Any]:
        """Counters for ``oro diagnostics``."""
        return {
            "running": self.server is not None,
            "tools": len(self.tools),
            "resources": len(self.resources),
            "sessions": 0 if self.server is None else len(self.server.sessions),
            "calls": self.calls,
            "timeouts": self.timeouts,
        }


STATE: Final = StashKey[McpState]("mcp")
"""Where a host keeps oro-mcp's :class:`McpState`."""
