"""The IPC exchange: wire parameters → request fields, body cap, window index, reply → wire.
Pure functions, tested as such (no host, no sockets)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import (
    ByteStream,
    EventStream,
    InvalidArgumentError,
    IPCError,
    NotFoundError,
    OutOfRangeError,
    Reply,
    ServerSentEvent,
    decode_query,
)
from oro_framework.host.envelope import decode_envelope, encode_error, encode_result
from oro_framework.host.exchange import (
    BYTES_MEDIA_TYPE,
    EVENTS_MEDIA_TYPE,
    FRAME_RESERVED,
    JSON_MEDIA_TYPE,
    QUERY_RESERVED,
    RESERVED_PREFIXES,
    check_body_size,
    check_declared_size,
    error_reply,
    http_identity,
    http_target,
    parse_query,
    request_fields,
    request_id_of,
    reserved_prefix,
    window_index,
    wire_reply,
)

# Any text, lone surrogates and control characters included: pages send what they like.
any_text = st.text(st.characters(exclude_categories=()))
# Names drawn partly from the reserved ones, so that collisions are common, not lucky.
names = st.sampled_from(sorted(QUERY_RESERVED | FRAME_RESERVED | {"index", "path", "a"})) | any_text
pairs = st.lists(st.tuples(names, any_text), max_size=12)
reserved_sets = st.sampled_from([QUERY_RESERVED, FRAME_RESERVED])
digit_runs = st.from_regex(r"\s{0,2}[0-9]{0,5000}\s{0,2}", fullmatch=True)


# ---------------------------------------------------------------------------------------------
# Reserved prefixes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/ipc", "/ipc"),
        ("/ipc/", "/ipc"),
        ("/ipc/fs.stat", "/ipc"),
        ("/oro", "/oro"),
        ("/oro/events", "/oro"),
        ("/oro/fs/promises.js", "/oro"),
        ("/oronym", None),
        ("/ipcx/a", None),
        ("/ai/llama", None),
        ("/", None),
        ("", None),
    ],
)
def test_reserved_prefix_compares_whole_segments(path: str, expected: str | None) -> None:
    assert reserved_prefix(path) == expected


@given(path=any_text)
def test_reserved_prefix_is_one_of_the_constant_and_a_path_prefix(path: str) -> None:
    prefix = reserved_prefix(path)

    if prefix is not None:
        assert prefix in RESERVED_PREFIXES
        assert path == prefix or path.startswith(prefix + "/")
    else:
        assert not any(path == p or path.startswith(p + "/") for p in RESERVED_PREFIXES)


# ---------------------------------------------------------------------------------------------
# Queries and HTTP targets
# ---------------------------------------------------------------------------------------------


@given(query=st.binary())
def test_any_query_string_parses(query: bytes) -> None:
    assert all(isinstance(name, str) for name, _ in parse_query(query))


def test_query_keeps_order_duplicates_and_blanks() -> None:
    assert parse_query(b"a=1&b=&a=2&c") == [("a", "1"), ("b", ""), ("a", "2"), ("c", "")]


def test_route_comes_from_the_path() -> None:
    assert http_target("/ipc/fs.stat", [("path", "a")], None) == ("fs.stat", [("path", "a")])


def test_bare_ipc_path_takes_the_route_from_x_ipc_uri_then_the_url_query() -> None:
    route, found = http_target("/ipc", [("seq", "R2")], "ipc://fs.read%2Eme/?path=a&seq=R1")

    assert route == "fs.read.me"
    assert found == [("path", "a"), ("seq", "R1"), ("seq", "R2")]


def test_bare_ipc_path_without_uri_is_missing_args() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        http_target("/ipc/", [], None)

    assert caught.value.code == "ERR_MISSING_ARGS"
    assert caught.value.extra["parameter"] == "X-IPC-URI"


@pytest.mark.parametrize("uri", ["http://fs.stat", "fs.stat", "ipc://[", "ipc://[::1"])
def test_malformed_x_ipc_uri_is_invalid_argument(uri: str) -> None:
    with pytest.raises(InvalidArgumentError):
        http_target("/ipc", [], uri)


@given(
    path=st.sampled_from(["/ipc", "/ipc/"]) | st.builds("/ipc/{}".format, any_text),
    query=pairs,
    uri=st.none() | any_text | st.builds("ipc://{}".format, any_text),
)
def test_http_target_raises_only_ipc_errors(
    path: str, query: list[tuple[str, str]], uri: str | None
) -> None:
    try:
        route, found = http_target(path, query, uri)
    except IPCError:
        return
    assert isinstance(route, str)
    assert found[len(found) - len(query) :] == query


@given(
    path=st.sampled_from(["/ipc", "/ipc/x"]),
    query=pairs,
    uri=st.none() | any_text,
)
def test_identity_of_a_refused_request_never_fails(
    path: str, query: list[tuple[str, str]], uri: str | None
) -> None:
    source, request_id = http_identity(path, query, uri)

    assert source
    assert isinstance(request_id, str)


def test_identity_of_a_malformed_target_keeps_the_url_seq() -> None:
    assert http_identity("/ipc", [("seq", "R9")], None) == ("ipc", "R9")
    assert http_identity("/ipc/fs.stat", [("seq", "R1"), ("seq", "R2")], None) == (
        "fs.stat",
        "R2",
    )


# ---------------------------------------------------------------------------------------------
# Request fields
# ---------------------------------------------------------------------------------------------


@given(wire=pairs, reserved=reserved_sets)
def test_reserved_names_never_become_parameters(
    wire: list[tuple[str, str]], reserved: frozenset[str]
) -> None:
    fields = request_fields("r", wire, reserved=reserved, transport="t")

    assert not reserved & fields["params"].keys()
    assert fields["params"].keys() == {name for name, _ in wire if name not in reserved}


@given(wire=pairs, reserved=reserved_sets)
def test_parameters_are_the_decoded_query_last_value_winning(
    wire: list[tuple[str, str]], reserved: frozenset[str]
) -> None:
    fields = request_fields("r", wire, reserved=reserved, transport="t")

    assert fields["params"] == decode_query([pair for pair in wire if pair[0] not in reserved])


@given(wire=pairs, reserved=reserved_sets)
def test_seq_is_the_id_and_token_only_where_reserved(
    wire: list[tuple[str, str]], reserved: frozenset[str]
) -> None:
    fields = request_fields("r", wire, reserved=reserved, transport="t")

    seqs = [value for name, value in wire if name == "seq"]
    tokens = [value for name, value in wire if name == "token"]
    assert fields["id"] == (seqs[-1] if seqs else "0")
    if "token" in reserved:
        assert fields["token"] == (tokens[-1] if tokens else None)
    else:
        assert fields["token"] is None


@given(wire=pairs, reserved=reserved_sets)
def test_refusals_and_replies_agree_on_the_id(
    wire: list[tuple[str, str]], reserved: frozenset[str]
) -> None:
    fields = request_fields("r", wire, reserved=reserved, transport="t")

    assert request_id_of(wire) == fields["id"]


def test_index_is_a_parameter_never_the_window() -> None:
    """Issue 39: a page chose its window by writing `index`."""
    fields = request_fields(
        "fs.stat", [("index", "2"), ("seq", "R1")], reserved=QUERY_RESERVED, transport="http"
    )

    assert fields["window"] is None
    assert fields["params"] == {"index": 2}
    assert fields["id"] == "R1"


def test_the_transport_window_wins_over_index() -> None:
    fields = request_fields("r", [("index", "2")], reserved=FRAME_RESERVED, transport="c", window=0)

    assert fields["window"] == 0


def test_frame_options_leave_route_digest_and_credit_out() -> None:
    options = {"route": "fs.stat", "seq": "7", "token": "t", "digest": "d", "credit": "9", "a": "1"}

    fields = request_fields(
        options["route"], options.items(), reserved=FRAME_RESERVED, transport="conduit", body=b"x"
    )

    assert fields == {
        "route": "fs.stat",
        "params": {"a": 1},
        "body": b"x",
        "window": None,
        "transport": "conduit",
        "id": "7",
        "token": "t",
    }


# ---------------------------------------------------------------------------------------------
# Window index
# ---------------------------------------------------------------------------------------------


@given(text=st.none() | any_text | digit_runs)
def test_window_index_comes_only_from_short_ascii_digit_strings(text: str | None) -> None:
    index = window_index(text)

    digits = (text or "").strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= 9:
        assert index == int(digits)
    else:
        assert index is None


@pytest.mark.parametrize(
    "text", ["", " ", "-1", "+1", "1.0", "0x1", "\u0661", "\u00b2", "1 2", "9" * 10]
)
def test_window_index_refuses_what_is_not_a_small_number(text: str) -> None:
    assert window_index(text) is None


# ---------------------------------------------------------------------------------------------
# Body cap
# ---------------------------------------------------------------------------------------------


@given(limit=st.integers(0, 2**40))
def test_body_of_exactly_the_limit_passes_one_more_byte_is_range_error(limit: int) -> None:
    check_body_size(limit, limit)
    with pytest.raises(OutOfRangeError) as caught:
        check_body_size(limit + 1, limit)

    assert caught.value.status == 413
    assert caught.value.error_type == "RangeError"
    assert caught.value.message == f"Request body exceeds ipc.max_body_bytes ({limit} bytes)"
    assert caught.value.extra["limit"] == limit


@given(limit=st.integers(0, 2**40), extra=st.integers(1, 2**40), zeros=st.integers(0, 30))
def test_declared_length_boundary_is_exact_whatever_leading_zeros(
    limit: int, extra: int, zeros: int
) -> None:
    check_declared_size("0" * zeros + str(limit), limit)
    with pytest.raises(OutOfRangeError):
        check_declared_size("0" * zeros + str(limit + extra), limit)


@given(declared=st.none() | any_text | digit_runs)
def test_declared_length_raises_only_range_error(declared: str | None) -> None:
    try:
        check_declared_size(declared, 1024)
    except OutOfRangeError:
        digits = (declared or "").strip().lstrip("0")
        assert digits.isascii()
        assert digits.isdigit()
        assert len(digits) > 4 or int(digits) > 1024


# ---------------------------------------------------------------------------------------------
# Reply → wire
# ---------------------------------------------------------------------------------------------


async def _items(*items: Any) -> AsyncIterator[Any]:
    for item in items:
        yield item


def test_data_reply_is_its_json_envelope() -> None:
    payload = encode_result("fs.stat", "R1", {"size": 1})

    wire = wire_reply(Reply("fs.stat", "R1", data={"size": 1}, payload=payload))

    assert (wire.status, wire.media_type, wire.body, wire.stream) == (
        200,
        JSON_MEDIA_TYPE,
        payload,
        None,
    )


def test_error_reply_keeps_the_error_status() -> None:
    error = NotFoundError("gone")
    payload = encode_error("fs.stat", "R1", error)

    wire = wire_reply(Reply("fs.stat", "R1", error=error, payload=payload))

    assert (wire.status, wire.media_type, wire.body) == (404, JSON_MEDIA_TYPE, payload)


def test_bytes_reply_is_octet_stream() -> None:
    wire = wire_reply(Reply("fs.read", "R1", body=b"\x00\x01"))

    assert (wire.status, wire.media_type, wire.body) == (200, BYTES_MEDIA_TYPE, b"\x00\x01")
    with pytest.raises(ValueError, match="not a stream"):
        wire.chunks()


@pytest.mark.anyio
async def test_event_stream_reply_is_sse_chunks() -> None:
    stream = EventStream(_items({"n": 1}, ServerSentEvent("x", event="e")))

    wire = wire_reply(Reply("s", "R1", stream=stream))

    assert (wire.status, wire.media_type, wire.body) == (200, EVENTS_MEDIA_TYPE, b"")
    assert [chunk async for chunk in wire.chunks()] == [
        b'data: {"n":1}\n\n',
        b"event: e\ndata: x\n\n",
    ]


@pytest.mark.anyio
async def test_byte_stream_reply_has_its_media_type_and_non_empty_chunks() -> None:
    stream = ByteStream(_items(b"ab", b"", b"c"), media_type="audio/wav")

    wire = wire_reply(Reply("s", "R1", stream=stream))

    assert (wire.status, wire.media_type) == (200, "audio/wav")
    assert [chunk async for chunk in wire.chunks()] == [b"ab", b"c"]


@given(source=any_text, request_id=any_text, token=st.none() | any_text)
def test_refusal_before_dispatch_is_an_error_envelope(
    source: str, request_id: str, token: str | None
) -> None:
    error = OutOfRangeError("too big", limit=1)

    wire = error_reply(error, source=source, request_id=request_id, token=token)

    assert (wire.status, wire.media_type) == (413, JSON_MEDIA_TYPE)
    envelope = decode_envelope(wire.body)
    assert (envelope["source"], envelope["id"], envelope.get("token")) == (
        source,
        request_id,
        token,
    )
    assert envelope["err"] == error.to_dict()
