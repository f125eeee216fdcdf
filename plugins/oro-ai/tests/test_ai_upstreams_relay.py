"""Property: whatever event stream an upstream sends, split however it arrives, the host relays
its JSON chunks in order and ends with ``[DONE]``: with an error event exactly when the upstream's
stream was malformed or cut short, never a 500, never a request left open."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import oro_ai.plugin
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scripted_upstream import ScriptedUpstream, scripted_upstream

from oro_framework.testing import ServedApp, served_app

KEY = "relay-test-key-0123456789"
JSON_OBJECTS = st.dictionaries(
    st.text(max_size=5),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=5,
    ),
    max_size=4,
)
EVENTS = st.one_of(
    st.tuples(st.just("chunk"), JSON_OBJECTS),
    st.tuples(st.just("done"), st.none()),
    st.tuples(st.just("not-json"), st.sampled_from(["oops", "{", "data", "[DONE"])),
    st.tuples(st.just("not-object"), st.sampled_from(["3", "null", "[1]", '"s"'])),
    st.tuples(st.just("comment"), st.sampled_from([": ping", ":"])),
    st.tuples(st.just("named"), JSON_OBJECTS),
)


@pytest.fixture(scope="module")
def upstream() -> Iterator[ScriptedUpstream]:
    with scripted_upstream() as server:
        yield server


@pytest.fixture(scope="module")
def app(upstream: ScriptedUpstream, tiny_model: Path) -> Iterator[ServedApp]:
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.upstreams.scripted.base_url": upstream.url,
        "ai.upstreams.scripted.models": ["script"],
        "ai.llm.api_key": KEY,
    }
    with served_app([oro_ai.plugin], config=config) as served:
        yield served


def _render(kind: str, value: Any, newline: str) -> str:
    if kind == "comment":
        return f"{value}{newline}"
    if kind == "chunk":
        data = json.dumps(value)
    elif kind == "named":
        return f"event: message{newline}data: {json.dumps(value)}{newline}{newline}"
    elif kind == "done":
        data = "[DONE]"
    else:
        data = value
    return f"data: {data}{newline}{newline}"


def _expected(events: list[tuple[str, Any]]) -> tuple[list[Any], str | None]:
    """The chunks the page should get, and the error that should end them (or None)."""
    relayed: list[Any] = []
    for kind, value in events:
        if kind == "comment":
            continue
        if kind == "done":
            return relayed, None
        if kind == "not-json":
            return relayed, "not JSON"
        if kind == "not-object":
            return relayed, "not a JSON object"
        if value.get("error") is not None:
            return relayed, "sent an error in its stream"
        relayed.append(value)
    return relayed, "broke off"


@settings(max_examples=60, deadline=None)
@given(
    events=st.lists(EVENTS, max_size=8),
    cuts=st.lists(st.integers(min_value=1, max_value=400), max_size=6),
    newline=st.sampled_from(["\n", "\r\n"]),
    complete=st.booleans(),
)
# A chunk with "error": null has no error (a CI run drew it); one with an error ends the stream.
@example(events=[("chunk", {"error": None})], cuts=[], newline="\n", complete=False)
@example(events=[("chunk", {"error": "x"})], cuts=[], newline="\n", complete=True)
def test_any_upstream_stream_is_relayed_in_order_and_ends_cleanly(
    app: ServedApp,
    upstream: ScriptedUpstream,
    events: list[tuple[str, Any]],
    cuts: list[int],
    newline: str,
    complete: bool,
) -> None:
    text = "".join(_render(kind, value, newline) for kind, value in events)
    # The same text cut into HTTP chunks at arbitrary places, as a network delivers it.
    edges = sorted({0, len(text), *(cut for cut in cuts if cut < len(text))})
    pieces = [text[start:end] for start, end in itertools.pairwise(edges)]
    body = {"model": "script", "stream": True, "script": pieces, "complete": complete}
    headers = {"authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=app.server.origin, headers=headers, timeout=60) as client:
        with client.stream("POST", "/ai/llama/v1/chat/completions", json=body) as response:
            status = response.status_code
            raw = response.read().decode()
        health = client.get("/ai/llama/health")
    # Whatever happened, the upstream request was closed before the answer ended.
    assert health.json()["upstreams"][0]["inFlight"] == 0
    relayed, error = _expected(events)
    if all(kind == "comment" for kind, _ in events) and not complete:
        # Cut before a single event: nothing was relayed yet, so it is an error answer.
        assert status == 502, raw
        assert json.loads(raw)["error"]["code"] == "upstream_error"
        return
    assert status == 200, raw
    data = [line.removeprefix("data: ") for line in raw.split("\n") if line.startswith("data: ")]
    assert data[-1] == "[DONE]"
    got = [json.loads(item) for item in data[:-1]]
    if error is None:
        assert got == relayed
    else:
        assert got[:-1] == relayed
        assert got[-1]["error"]["code"] == "upstream_error"
        assert error in got[-1]["error"]["message"]
