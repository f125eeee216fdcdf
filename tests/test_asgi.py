"""``oro_framework.asgi``, the helpers of mounted ASGI apps: through plain ASGI calls, then mounted
in a real host and served by the bridge's HTTP server."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import AbortError, MountTable, OutOfRangeError, ServerSentEvent, hookimpl
from oro_framework.asgi import (
    Message,
    Receive,
    Scope,
    Send,
    end_event_stream,
    read_body,
    run_until_disconnect,
    send_event,
    send_json,
    send_response,
    send_text,
    start_event_stream,
)
from oro_framework.testing import live_server, make_host, read_sse

pytestmark = pytest.mark.anyio


class Sent:
    """A ``send`` that keeps what it was given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def __call__(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def headers(self) -> dict[str, str]:
        return {name.decode(): value.decode() for name, value in self.messages[0]["headers"]}

    @property
    def body(self) -> bytes:
        return b"".join(message.get("body", b"") for message in self.messages[1:])

    @property
    def is_complete(self) -> bool:
        return not self.messages[-1].get("more_body", False)


def scripted(*messages: Message) -> Receive:
    """A ``receive`` answering ``messages`` in order, and failing the test if asked for more."""
    pending = list(messages)

    async def receive() -> Message:
        assert pending, "the app read past the end of the request"
        return pending.pop(0)

    return receive


def body_messages(chunks: list[bytes]) -> list[Message]:
    if not chunks:
        return [{"type": "http.request", "body": b"", "more_body": False}]
    return [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]


def scope_with(headers: list[tuple[bytes, bytes]] | None = None) -> Scope:
    return {"type": "http", "method": "POST", "path": "/", "headers": headers or []}


# ----------------------------------------------------------------------------------------------
# Complete responses
# ----------------------------------------------------------------------------------------------


async def test_a_response_carries_its_length_media_type_and_no_store() -> None:
    sent = Sent()

    await send_response(
        sent, 201, b"made", media_type="text/x-thing", headers=[(b"location", b"/things/1")]
    )

    assert sent.status == 201
    assert sent.headers == {
        "content-type": "text/x-thing",
        "content-length": "4",
        "cache-control": "no-store",
        "location": "/things/1",
    }
    assert sent.body == b"made"
    assert sent.is_complete


async def test_a_head_response_has_the_length_of_the_body_it_leaves_out() -> None:
    sent = Sent()

    await send_response(sent, 200, b"twelve bytes", include_body=False, cache_control=None)

    assert sent.headers == {"content-length": "12"}
    assert sent.body == b""
    assert sent.is_complete


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(st.characters(exclude_categories=())),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_json_responses_decode_to_what_was_sent(data: Any) -> None:
    sent = Sent()

    anyio.run(send_json, sent, 200, data, backend="trio")

    # Lone surrogates included: they cannot be UTF-8, so they travel as \u escapes.
    assert json.loads(sent.body) == data
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["content-length"] == str(len(sent.body))


async def test_json_is_compact_utf8() -> None:
    sent = Sent()

    await send_json(sent, 200, {"word": "café", "n": [1, 2]})

    assert sent.body == '{"word":"café","n":[1,2]}'.encode()


async def test_nan_is_refused_rather_than_sent_as_invalid_json() -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        await send_json(Sent(), 200, {"x": float("nan")})


async def test_text_responses_are_utf8_with_the_given_media_type() -> None:
    sent = Sent()

    await send_text(sent, 200, "ok ✓\n", media_type="text/plain; version=0.0.4; charset=utf-8")

    assert sent.body == "ok ✓\n".encode()
    assert sent.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert sent.headers["content-length"] == str(len(sent.body))


# ----------------------------------------------------------------------------------------------
# Server-sent events
# ----------------------------------------------------------------------------------------------


async def test_an_event_stream_frames_each_event_and_ends_with_the_terminator() -> None:
    sent = Sent()

    await start_event_stream(sent, headers=[(b"x-request-id", b"7")])
    await send_event(sent, {"n": 1})
    await send_event(sent, ServerSentEvent("two\nlines", event="note", id="2"))
    await end_event_stream(sent, "[DONE]")

    assert sent.status == 200
    assert sent.headers == {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-request-id": "7",
        "x-accel-buffering": "no",
    }
    assert [message["body"] for message in sent.messages[1:]] == [
        b'data: {"n":1}\n\n',
        b"event: note\nid: 2\ndata: two\ndata: lines\n\n",
        b"data: [DONE]\n\n",
    ]
    assert [message["more_body"] for message in sent.messages[1:]] == [True, True, False]


async def test_an_event_stream_can_end_without_a_last_event() -> None:
    sent = Sent()

    await start_event_stream(sent)
    await end_event_stream(sent)

    assert sent.messages[-1] == {"type": "http.response.body", "body": b"", "more_body": False}


# ----------------------------------------------------------------------------------------------
# Request bodies
# ----------------------------------------------------------------------------------------------


@given(chunks=st.lists(st.binary(max_size=40), max_size=6), limit=st.integers(0, 120))
def test_a_body_is_read_whole_or_refused_past_the_limit(chunks: list[bytes], limit: int) -> None:
    whole = b"".join(chunks)

    async def read() -> bytes:
        return await read_body(scope_with(), scripted(*body_messages(chunks)), limit=limit)

    if len(whole) <= limit:
        assert anyio.run(read, backend="trio") == whole
    else:
        with pytest.raises(OutOfRangeError) as refused:
            anyio.run(read, backend="trio")
        assert refused.value.status == 413
        assert refused.value.to_dict()["limit"] == limit


async def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    scope = scope_with([(b"content-length", b"11")])

    with pytest.raises(OutOfRangeError, match="exceeds 10 bytes"):
        await read_body(scope, scripted(), limit=10)


async def test_a_client_leaving_mid_body_aborts_the_read() -> None:
    receive = scripted(
        {"type": "http.request", "body": b"half", "more_body": True}, {"type": "http.disconnect"}
    )

    with pytest.raises(AbortError):
        await read_body(scope_with(), receive, limit=100)


# ----------------------------------------------------------------------------------------------
# Disconnects
# ----------------------------------------------------------------------------------------------


async def test_an_answer_that_completes_returns_its_result() -> None:
    sent = Sent()

    async def answer(send: Send) -> str:
        await send_text(send, 200, "done")
        return "answered"

    # A server may report the disconnect as the connection retires the finished request
    # (hypercorn did).
    result = await run_until_disconnect(scripted({"type": "http.disconnect"}), sent, answer)

    assert result == "answered"
    assert sent.body == b"done"


async def test_a_disconnect_cancels_the_answer_and_returns_none() -> None:
    to_app, from_client = anyio.create_memory_object_stream[Message](1)
    started = anyio.Event()
    cleaned_up = anyio.Event()

    async def answer(send: Send) -> str:
        await start_event_stream(send)
        started.set()
        try:
            await anyio.sleep_forever()
        finally:
            cleaned_up.set()
        return "never"

    async def leave() -> None:
        await started.wait()
        await to_app.send({"type": "http.disconnect"})

    with anyio.fail_after(5):
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(leave)
            result = await run_until_disconnect(from_client.receive, Sent(), answer)

    assert result is None
    assert cleaned_up.is_set()


async def test_an_error_of_the_answer_reaches_the_caller_as_it_is() -> None:
    async def answer(send: Send) -> None:
        raise OutOfRangeError("too many")

    to_app, from_client = anyio.create_memory_object_stream[Message](1)
    with pytest.raises(OutOfRangeError, match="too many"):
        await run_until_disconnect(from_client.receive, Sent(), answer)
    to_app.close()


# ----------------------------------------------------------------------------------------------
# Mounted in a real host, over a real socket
# ----------------------------------------------------------------------------------------------


class HelpedApp:
    """A mounted app written with the helpers only."""

    def __init__(self) -> None:
        self.endless_cleaned_up = anyio.Event()
        self.endless_returned = anyio.Event()
        self.endless_result: object = "not finished"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routes: dict[str, Callable[[Scope, Receive, Send], Awaitable[None]]] = {
            "/echo": self.echo,
            "/count": self.count,
            "/endless": self.endless,
        }
        await routes[scope["path"]](scope, receive, send)

    async def echo(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await read_body(scope, receive, limit=16)
        except OutOfRangeError as error:
            await send_json(send, error.status, {"error": error.to_dict()})
            return
        await send_json(send, 200, {"received": body.decode()})

    async def count(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def answer(send: Send) -> None:
            await start_event_stream(send)
            for number in range(3):
                await send_event(send, {"n": number})
            await end_event_stream(send, "[DONE]")

        await run_until_disconnect(receive, send, answer)

    async def endless(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def answer(send: Send) -> None:
            await start_event_stream(send)
            try:
                number = 0
                while True:
                    await send_event(send, {"n": number})
                    number += 1
                    await anyio.sleep(0.01)
            finally:
                self.endless_cleaned_up.set()

        self.endless_result = await run_until_disconnect(receive, send, answer)
        self.endless_returned.set()


class MountPlugin:
    name = "helped"

    def __init__(self, app: HelpedApp) -> None:
        self.app = app

    @hookimpl
    def oro_register_mounts(self, mounts: MountTable) -> None:
        mounts.mount("/helped", self.app, doc="An app written with oro_framework.asgi.")


async def test_a_mounted_app_answers_json_and_refuses_a_long_body() -> None:
    async with (
        make_host([MountPlugin(HelpedApp())]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        short = await client.post("/helped/echo", content=b"hello")
        long = await client.post("/helped/echo", content=b"x" * 17)

    assert short.json() == {"received": "hello"}
    assert short.headers["cache-control"] == "no-store"
    assert long.status_code == 413
    assert long.json()["error"]["type"] == "RangeError"


async def test_a_mounted_event_stream_arrives_event_by_event() -> None:
    async with (
        make_host([MountPlugin(HelpedApp())]) as host,
        live_server(host) as server,
        server.client() as client,
        client.stream("GET", "/helped/count") as response,
    ):
        events = [event.data async for event in read_sse(response)]

    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert events == ['{"n":0}', '{"n":1}', '{"n":2}', "[DONE]"]


async def test_a_client_closing_a_mounted_stream_cancels_it() -> None:
    app = HelpedApp()
    async with (
        make_host([MountPlugin(app)]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        async with client.stream("GET", "/helped/endless") as response:
            async for event in read_sse(response):
                assert event.data == '{"n":0}'
                break
        # Leaving the block before the body ended closes the connection.
        with anyio.fail_after(5):
            await app.endless_cleaned_up.wait()
            # The app's own code after run_until_disconnect runs once the stream's cleanup did.
            await app.endless_returned.wait()

    assert app.endless_result is None


async def test_the_helpers_are_plain_asgi_for_any_server() -> None:
    # httpx's ASGI transport is another server: the helpers assume nothing of hypercorn's.
    transport = httpx.ASGITransport(app=HelpedApp())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        reply = await client.post("/echo", content=b"hi")

    assert reply.json() == {"received": "hi"}
