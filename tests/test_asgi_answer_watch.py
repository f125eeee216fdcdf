"""``answer_cancelled_on_disconnect``: the IPC fast path's watch for a client that leaves. It
keeps :func:`cancelled_on_disconnect`'s semantics, but watches only once the answer waits before
its response is complete (issue 55: the watcher cost a ping as much CPU as the rest of it)."""

from __future__ import annotations

import anyio
import pytest
import trio

from oro_framework.host.errors import OutOfRangeError
from oro_framework.web.asgi import Message, Receive, Send, answer_cancelled_on_disconnect

pytestmark = pytest.mark.anyio

BODY: Message = {"type": "http.response.body", "body": b"pong"}
START: Message = {"type": "http.response.start", "status": 200, "headers": []}


class Sent:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def __call__(self, message: Message) -> None:
        # As the bridge's server: the head waits for the first body message, and writing that
        # is a schedule point (trio's socket send), so an answer waits once after its last
        # body message, which must not start a watch.
        self.messages.append(message)
        if message["type"] == "http.response.body":
            await trio.lowlevel.checkpoint()


class CancelledRequest:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


def never_read() -> Receive:
    async def receive() -> Message:
        raise AssertionError("the connection was read: a watch started for an immediate answer")

    return receive


async def test_an_answer_that_does_not_wait_is_never_watched() -> None:
    sent = Sent()

    async def answer(send: Send) -> None:
        await send(START)
        await send(BODY)

    await answer_cancelled_on_disconnect(never_read(), sent, answer)

    assert sent.messages == [START, BODY]


async def test_a_client_leaving_while_the_answer_waits_cancels_it_and_the_request() -> None:
    to_app, from_client = anyio.create_memory_object_stream[Message](1)
    waiting, cleaned_up = anyio.Event(), anyio.Event()
    request = CancelledRequest()
    sent = Sent()

    async def answer(send: Send) -> None:
        waiting.set()
        try:
            await anyio.sleep_forever()
        finally:
            cleaned_up.set()
        await send(BODY)

    async def leave() -> None:
        await waiting.wait()
        await to_app.send({"type": "http.disconnect"})

    with anyio.fail_after(5):
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(leave)
            await answer_cancelled_on_disconnect(from_client.receive, sent, answer, request)

    assert cleaned_up.is_set()
    assert request.cancelled
    assert sent.messages == []


async def test_a_watched_answer_leaves_the_connection_unread_once_complete() -> None:
    """The watch that started while the answer waited ends with the answer, before the server
    reads the connection again: what the client sends next is the server's, not the watch's."""
    to_app, from_client = anyio.create_memory_object_stream[Message](1)
    sent = Sent()

    async def answer(send: Send) -> None:
        await trio.lowlevel.checkpoint()  # waits before its response is complete: watched
        await send(START)
        await send(BODY)

    with anyio.fail_after(5):
        await answer_cancelled_on_disconnect(from_client.receive, sent, answer)
        await to_app.send({"type": "http.request", "body": b"next"})
        assert (await from_client.receive())["body"] == b"next"

    assert sent.messages == [START, BODY]


async def test_a_disconnect_after_the_last_body_message_cancels_nothing() -> None:
    to_app, from_client = anyio.create_memory_object_stream[Message](1)
    request = CancelledRequest()
    sent = Sent()

    async def answer(send: Send) -> None:
        await trio.lowlevel.checkpoint()  # watched from here on
        await send(BODY)
        await to_app.send({"type": "http.disconnect"})
        while to_app.statistics().current_buffer_used:  # until the watch has read it
            await trio.lowlevel.checkpoint()

    with anyio.fail_after(5):
        await answer_cancelled_on_disconnect(from_client.receive, sent, answer, request)

    assert not request.cancelled
    assert sent.messages == [BODY]


async def test_an_error_of_the_answer_reaches_the_caller_as_it_is() -> None:
    async def answer(send: Send) -> None:
        await trio.lowlevel.checkpoint()
        raise OutOfRangeError("too many")

    to_app, from_client = anyio.create_memory_object_stream[Message](1)
    with pytest.raises(OutOfRangeError, match="too many"):
        await answer_cancelled_on_disconnect(from_client.receive, Sent(), answer)
    to_app.close()


async def test_an_error_reading_the_connection_reaches_the_caller() -> None:
    async def receive() -> Message:
        raise OSError("connection reset")

    async def answer(send: Send) -> None:
        await anyio.sleep_forever()

    with anyio.fail_after(5), pytest.raises(OSError, match="connection reset"):
        await answer_cancelled_on_disconnect(receive, Sent(), answer)


async def test_the_callers_cancellation_ends_the_answer_and_its_watch() -> None:
    to_app, from_client = anyio.create_memory_object_stream[Message](1)
    cleaned_up = anyio.Event()

    async def answer(send: Send) -> None:
        try:
            await anyio.sleep_forever()
        finally:
            cleaned_up.set()

    with anyio.fail_after(5):
        with anyio.move_on_after(0.05):
            await answer_cancelled_on_disconnect(from_client.receive, Sent(), answer)
        # The watch is over: the connection is the caller's to read again.
        await to_app.send({"type": "http.request", "body": b"next"})
        assert (await from_client.receive())["body"] == b"next"

    assert cleaned_up.is_set()
