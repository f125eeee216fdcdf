"""The pure parts: stop sequences held back while streaming, UTF-8 assembly of token pieces,
Hermes tool-call parsing, the model search path (property tests where they fit)."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from oro_ai.models import ModelRegistry, default_model_file
from oro_ai.requests import parse_tool_calls, supports_tools
from oro_ai.textstream import StopScanner, TextAssembler

ALPHABET = st.sampled_from("abc")


@given(
    pieces=st.lists(st.text(ALPHABET, max_size=4), max_size=12),
    stops=st.lists(st.text(ALPHABET, min_size=1, max_size=3), max_size=3),
)
def test_streamed_text_is_cut_before_the_first_stop_to_appear(
    pieces: list[str], stops: list[str]
) -> None:
    scanner = StopScanner(stops)
    shown = "".join(scanner.feed(piece) for piece in pieces)
    if not scanner.stopped:
        shown += scanner.flush()
    # A generation ends as soon as a stop sequence has appeared: with the pieces that far, the
    # text is cut before the earliest stop in it. A longer stop that would have begun earlier
    # never gets the chance to complete (stops "b" and "cba", pieces "c", "b", "a": "c").
    expected, stopped = "".join(pieces), False
    for count in range(1, len(pieces) + 1):
        so_far = "".join(pieces[:count])
        cuts = [so_far.find(stop) for stop in stops if stop in so_far]
        if cuts:
            expected, stopped = so_far[: min(cuts)], True
            break
    assert shown == expected
    assert scanner.stopped == stopped


@given(pieces=st.lists(st.text(ALPHABET, max_size=4), max_size=12))
def test_only_a_possible_start_of_a_stop_is_held_back(pieces: list[str]) -> None:
    scanner = StopScanner(["abc"])
    shown = so_far = ""
    for piece in pieces:
        shown += scanner.feed(piece)
        so_far += piece
        if scanner.stopped:
            break
        assert so_far.startswith(shown)
        held = so_far[len(shown) :]
        assert len(held) <= 2
        assert "abc".startswith(held)


@given(text=st.text(max_size=40), cuts=st.lists(st.integers(0, 200), max_size=6))
def test_utf8_pieces_split_anywhere_assemble_to_the_text(text: str, cuts: list[int]) -> None:
    data = text.encode("utf-8")
    points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    assembler = TextAssembler()
    out = "".join(assembler.feed(data[a:b]) for a, b in itertools.pairwise(points))
    assert out + assembler.flush() == text


def test_hermes_tool_calls_are_parsed_and_other_text_kept() -> None:
    text = (
        'Checking. <tool_call>{"name": "weather", "arguments": {"city": "Paris"}}</tool_call>'
        "<tool_call>not json</tool_call>"
    )
    remaining, calls = parse_tool_calls(text)
    assert len(calls) == 1
    assert calls[0]["function"]["name"] == "weather"
    assert json.loads(calls[0]["function"]["arguments"]) == {"city": "Paris"}
    assert calls[0]["id"].startswith("call_")
    assert "<tool_call>not json</tool_call>" in remaining
    assert parse_tool_calls("plain answer") == ("plain answer", [])
    assert supports_tools("{% if tools %}<tool_call>{% endif %}")
    assert not supports_tools("{{ messages }}")


def test_search_path_order_explicit_models_and_the_default(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "alpha.gguf").write_bytes(b"x")
    (second / "alpha.gguf").write_bytes(b"y")
    (second / "beta.gguf").write_bytes(b"z")
    (second / "notes.txt").write_text("ignored")
    search = ModelRegistry.parse_search_path(f"{first}{os.pathsep}{second}{os.pathsep}")
    registry = ModelRegistry(search, default=default_model_file())
    names = [model.name for model in registry.models()]
    assert names[:2] == ["alpha", "beta"]
    alpha = registry.resolve("alpha")
    assert alpha is not None
    assert alpha.path == first / "alpha.gguf"
    assert registry.resolve("notes") is None
    default = registry.resolve("default")
    assert default is not None
    assert default.source == "default"
    assert default.path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    extra = tmp_path / "gamma.gguf"
    extra.write_bytes(b"g")
    assert [model.name for model in registry.add(extra)] == ["gamma"]
    gamma = registry.resolve("gamma")
    assert gamma is not None
    assert gamma.source == "explicit"


def test_a_configured_default_model_that_is_missing_is_not_replaced(tmp_path: Path) -> None:
    registry = ModelRegistry([tmp_path], default=default_model_file(), default_name="absent")
    assert registry.resolve("default") is None
    assert registry.default_name == "absent"
