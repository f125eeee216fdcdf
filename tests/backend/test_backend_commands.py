"""backend.py's commands through a real host's router: parameters converted from the
annotations, results and streams back, events to pages, and every bad input a typed error."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from _apps import backend_host, write_app

from oro_framework import (
    AbortError,
    ErrnoError,
    InvalidArgumentError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
    Request,
    RouteTimeoutError,
    SecurityError,
)
from oro_framework.testing import MemoryClient, raise_for_error

pytestmark = pytest.mark.anyio


def fields(**values: Any) -> bytes:
    """The fields as oro:backend sends them: one JSON body."""
    return json.dumps(values).encode()


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_app(tmp_path / "notes")


async def test_fields_are_converted_by_their_annotations(app: Path) -> None:
    async with backend_host(app) as host:
        client = MemoryClient(host)
        note = {"title": "todo", "tags": ["a"], "size": {"width": 3}}
        saved = await client.call("backend.save", body=fields(note=note, colour="blue"))
        assert saved.data == {
            "title": "todo (blue, draft)",
            "tags": ["a"],
            "size": {"width": 3, "height": 0},
        }
        found = await client.call(
            "backend.search", body=fields(filter={"text": "x", "limit": 2}, flags={"b": True})
        )
        assert found.data == ["x", "x", "b"]
        # The query form of ipc.request: "12" is the int 12, as plugin routes read it.
        assert raise_for_error(await client.call("backend.resize", path="a.png", width="12")) == {
            "path": "a.png",
            "width": 12,
        }
        assert (await client.call("backend.resize", body=fields(path="a.png"))).data == {
            "path": "a.png",
            "width": 800,
        }


@pytest.mark.parametrize(
    ("route", "sent", "parameter", "code"),
    [
        ("backend.resize", {}, "path", "ERR_MISSING_ARGS"),
        ("backend.resize", {"path": "a", "width": "wide"}, "width", "ERR_INVALID_ARG_TYPE"),
        ("backend.resize", {"path": "a", "widht": 3}, "widht", "ERR_INVALID_ARG_TYPE"),
        ("backend.resize", {"path": ["a"]}, "path", "ERR_INVALID_ARG_TYPE"),
        ("backend.save", {"note": {"tags": []}}, "note.title", "ERR_MISSING_ARGS"),
        ("backend.save", {"note": {"title": "t", "size": {"width": 1.5}}}, "note.size.width", None),
        ("backend.save", {"note": {"title": "t"}, "colour": "green"}, "colour", None),
        ("backend.save", {"note": {"title": "t"}, "mode": "published"}, "mode", None),
        ("backend.save", {"note": {"title": "t", "tags": [{"a": 1}]}}, "note.tags[0]", None),
        ("backend.search", {"filter": {"text": "x", "extra": 1}}, "filter.extra", None),
    ],
)
async def test_a_wrong_field_is_a_typed_error_naming_it(
    app: Path, route: str, sent: dict[str, Any], parameter: str, code: str | None
) -> None:
    async with backend_host(app) as host:
        reply = await MemoryClient(host).call(route, body=fields(**sent))
        assert isinstance(reply.error, InvalidArgumentError), reply.error
        assert reply.status == 400
        assert reply.error.extra["parameter"] == parameter
        if code is not None:
            assert reply.error.code == code
        # The host goes on serving.
        assert (await MemoryClient(host).call("ping")).data == "pong"


async def test_plain_def_runs_in_a_worker_thread_and_async_def_on_the_loop(app: Path) -> None:
    async with backend_host(app) as host:
        client = MemoryClient(host)
        assert (await client.call("backend.where")).data == {"thread": False}
        assert (await client.call("backend.where_async")).data == {"thread": True}


async def test_bytes_travel_raw_both_ways(app: Path) -> None:
    payload = bytes(range(256)) * 4
    async with backend_host(app) as host:
        client = MemoryClient(host)
        # As oro:backend sends a bytes field: the body, the other fields beside it.
        reply = await client.call(
            "backend.reverse",
            body=payload,
            **{"oro-body": "data", "oro-fields": {"label": "L:"}},
        )
        assert reply.body == b"L:" + payload[::-1]
        # As ipc.write('backend.reverse', { 'oro-body': 'data' }, bytes) sends it: a body that
        # looks like JSON is still the bytes.
        assert (await client.call("backend.reverse", body=b"{}", **{"oro-body": "data"})).body == (
            b"}{"
        )
        # Inside JSON, bytes are base64 text.
        assert (await client.call("backend.reverse", body=fields(data="AAEC"))).body == b"\2\1\0"


async def test_an_async_generator_streams_and_bytes_items_stream_as_bytes(app: Path) -> None:
    async with backend_host(app) as host:
        client = MemoryClient(host)
        assert [item async for item in client.stream("backend.count", to=4)] == [0, 1, 2, 3]
        assert [chunk async for chunk in client.stream("backend.chunks", size=3)] == [
            b"aaa",
            b"bbb",
        ]


async def test_emit_reaches_the_pages_from_the_loop_and_from_a_thread(app: Path) -> None:
    async with backend_host(app) as host:
        client = MemoryClient(host)
        async with host.events.subscribe() as events:
            assert [item async for item in client.stream("backend.count", to=2)] == [0, 1]
            await client.call("backend.save", body=fields(note={"title": "kept"}))
            received = [events.receive_nowait() for _ in range(3)]
        assert [(event.name, event.data) for event in received] == [
            ("backend:counted", 0),
            ("backend:counted", 1),
            ("backend:saved", {"title": "kept", "tags": [], "size": None}),
        ]


async def test_exceptions_are_typed_errors_without_a_traceback(app: Path) -> None:
    async with backend_host(app) as host:
        client = MemoryClient(host)
        failed = await client.call("backend.fails")
        assert failed.error is not None
        assert failed.error.to_dict() == {
            "type": "BackendError",
            "code": "ERR_BACKEND_EXCEPTION",
            "message": "backend.fails raised ValueError (details in the host's log)",
            "exception": "ValueError",
            "command": "fails",
        }
        assert "Traceback" not in failed.payload.decode()
        missing = await client.call("backend.missing", name="n")
        assert isinstance(missing.error, NotFoundError)
        assert missing.error.code == "ERR_NO_NOTE"
        unreadable = await client.call("backend.unreadable")
        assert isinstance(unreadable.error, ErrnoError)
        assert unreadable.error.code == "ENOENT"
        unknown = await client.call("backend.nothing")
        assert isinstance(unknown.error, NotFoundError)
        assert (await client.call("ping")).data == "pong"


async def test_a_command_can_take_the_request(app: Path) -> None:
    async with backend_host(app) as host:
        assert (await MemoryClient(host, window=3).call("backend.window_of")).data == 3


async def test_only_a_window_of_the_app_reaches_the_commands(app: Path) -> None:
    async with backend_host(app) as host:
        reply = await MemoryClient(host, window=None).call("backend.where")
        assert isinstance(reply.error, SecurityError)
        assert reply.error.code == "ERR_NO_WINDOW"


async def test_the_backend_permission_turns_every_command_off(app: Path) -> None:
    async with backend_host(app, config={"permissions.allow_backend": False}) as host:
        reply = await MemoryClient(host).call("backend.where")
        assert isinstance(reply.error, NotAllowedError)


async def test_a_result_over_the_cap_is_refused(app: Path) -> None:
    async with backend_host(app, config={"backend.max_result_bytes": 1000}) as host:
        client = MemoryClient(host)
        assert (await client.call("backend.huge", size=1000)).data == "x" * 1000
        refused = await client.call("backend.huge", size=1001)
        assert isinstance(refused.error, OutOfRangeError)
        assert "stream it" in refused.error.message


async def test_a_command_is_cancelled_when_its_page_goes(app: Path) -> None:
    async with backend_host(app) as host:
        module = sys.modules["backend"]
        request = Request("backend.forever", host=host, window=0, id="R1")
        replies = []

        async def call() -> None:
            replies.append(await host.router.dispatch(request))

        started = anyio.Event()
        module.watchers.append(started)
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(call)
            await started.wait()
            request.cancel()
        assert isinstance(replies[0].error, AbortError)
        assert module.progress == ["started", "stopped"]


async def test_a_command_past_its_timeout_answers_a_timeout_error(tmp_path: Path) -> None:
    app = write_app(
        tmp_path / "slow",
        """
        import anyio
        from oro_framework.backend import command

        @command(timeout=0.05)
        async def slow() -> None:
            await anyio.sleep_forever()
        """,
    )
    async with backend_host(app) as host:
        reply = await MemoryClient(host).call("backend.slow")
        assert isinstance(reply.error, RouteTimeoutError)
