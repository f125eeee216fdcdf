"""The IPC result envelope and the SSE encoder: pure codecs, tested as such."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import IPCError, NotFoundError, ServerSentEvent
from oro_framework.host.envelope import decode_envelope, encode_error, encode_result, encode_sse

# Lone surrogates included: a page can send "\ud800" in JSON, and an error may quote it back.
any_text = st.text(st.characters(exclude_categories=()))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text,
    lambda children: st.lists(children) | st.dictionaries(any_text, children),
    max_leaves=30,
)
route_names = st.text(min_size=1)
request_ids = any_text
reserved_fields = {"type", "code", "message"}
extras = st.dictionaries(
    st.from_regex(r"[a-z][a-zA-Z0-9_]{0,12}", fullmatch=True).filter(
        lambda name: name not in reserved_fields
    ),
    json_values,
    max_size=4,
)


@given(route=route_names, request_id=request_ids, data=json_values)
def test_result_round_trips_any_json_value(route: str, request_id: str, data: Any) -> None:
    decoded = decode_envelope(encode_result(route, request_id, data))

    assert decoded == {"source": route, "id": request_id, "data": data}


@given(
    route=route_names,
    request_id=request_ids,
    message=any_text,
    code=st.from_regex(r"[A-Z][A-Z_]{1,20}", fullmatch=True),
    fields=extras,
)
def test_error_round_trip_keeps_type_code_message_and_extras(
    route: str, request_id: str, message: str, code: str, fields: dict[str, Any]
) -> None:
    error = NotFoundError(message, code=code, **fields)

    decoded = decode_envelope(encode_error(route, request_id, error))

    assert decoded["source"] == route
    assert decoded["id"] == request_id
    assert decoded["err"] == {**fields, "type": "NotFoundError", "code": code, "message": message}


def test_token_is_echoed_when_given() -> None:
    decoded = decode_envelope(encode_result("ping", "R1", "pong", token="abc"))

    assert decoded["token"] == "abc"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, [1.0, {"x": math.nan}]])
def test_non_finite_data_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="JSON"):
        encode_result("fs.stat", "R1", value)


def test_non_json_data_is_refused() -> None:
    with pytest.raises(TypeError):
        encode_result("fs.stat", "R1", object())


@pytest.mark.parametrize(
    "payload",
    [
        '{"id": "R1", "data": 1}',
        '{"source": "ping", "data": 1}',
        '{"source": "ping", "id": "R1"}',
        '{"source": "ping", "id": "R1", "data": 1, "err": {}}',
        "[1, 2]",
        '"text"',
        "not json",
    ],
    ids=["no-source", "no-id", "neither", "both", "array", "string", "not-json"],
)
def test_decode_rejects_what_is_not_an_envelope(payload: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - json.JSONDecodeError is a ValueError too
        decode_envelope(payload)


def test_decode_accepts_bytes() -> None:
    assert decode_envelope(b'{"source": "ping", "id": "1", "data": null}')["data"] is None


def test_error_envelope_carries_the_error_dictionary() -> None:
    error = IPCError("bad", code="ERR_X", detail=3)

    assert json.loads(encode_error("x.y", "R2", error))["err"] == error.to_dict()


# -------------------------------------------------------------------------------------------------
# Server-sent events, parsed the way the HTML standard says a browser does
# -------------------------------------------------------------------------------------------------


def parse_sse(stream: str) -> list[dict[str, str]]:
    """The event-stream interpretation algorithm of the HTML standard, minus retry/reconnect."""
    events: list[dict[str, str]] = []
    data: list[str] = []
    event_type = ""
    last_id: str | None = None
    for line in re.split(r"\r\n|\r|\n", stream):
        if line == "":
            if data:
                event = {"data": "\n".join(data), "event": event_type or "message"}
                if last_id is not None:
                    event["id"] = last_id
                events.append(event)
            data, event_type = [], ""
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            data.append(value)
        elif field == "event":
            event_type = value
        elif field == "id" and "\0" not in value:
            last_id = value
    return events


def normalise_newlines(text: str) -> str:
    return re.sub(r"\r\n|\r", "\n", text)


@given(text=st.text())
def test_sse_text_data_survives_a_spec_parser(text: str) -> None:
    stream = encode_sse(ServerSentEvent(text)).decode()

    (event,) = parse_sse(stream)

    assert event["data"] == normalise_newlines(text)


def test_sse_multi_line_data_becomes_several_data_lines() -> None:
    assert encode_sse(ServerSentEvent("one\ntwo\r\nthree")) == (
        b"data: one\ndata: two\ndata: three\n\n"
    )


@given(data=json_values.filter(lambda value: not isinstance(value, str)))
def test_sse_non_text_data_is_one_line_of_json(data: Any) -> None:
    stream = encode_sse(ServerSentEvent(data)).decode()

    (event,) = parse_sse(stream)

    assert stream.count("\n") == 2
    assert json.loads(event["data"]) == data


@given(name=st.text(min_size=1), event_id=st.text().filter(lambda text: "\0" not in text))
def test_sse_newlines_in_event_name_and_id_cannot_inject_fields(name: str, event_id: str) -> None:
    stream = encode_sse(ServerSentEvent("payload", event=name, id=event_id)).decode()

    (event,) = parse_sse(stream)

    assert event["data"] == "payload"
    assert event["event"] == re.sub(r"[\r\n]", " ", name)
    assert event["id"] == re.sub(r"[\r\n]", " ", event_id)


def test_sse_lone_carriage_returns_cannot_end_the_event_early() -> None:
    stream = encode_sse(ServerSentEvent("a\r\revent: injected\r\rdata: b")).decode()

    assert parse_sse(stream) == [{"data": "a\n\nevent: injected\n\ndata: b", "event": "message"}]
