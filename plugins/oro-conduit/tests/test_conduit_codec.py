"""The Python codec against the shared vectors, and hypothesis round-trip and fuzz properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oro_conduit.codec import (
    MAX_SHORT_BODY,
    FrameError,
    decode_frame,
    decode_value,
    encode_frame,
)

VECTORS = json.loads((Path(__file__).parent / "vectors.json").read_text(encoding="utf-8"))


def _frame_bytes(vector: dict[str, Any]) -> tuple[bytes, bytes]:
    payload = bytes.fromhex(vector["body"]) * vector["repeat"]
    return bytes.fromhex(vector["head"]) + payload, payload


@pytest.mark.parametrize("vector", VECTORS["valid"], ids=lambda vector: vector["name"])
def test_valid_vector_decodes_to_its_options_values_and_payload(vector: dict[str, Any]) -> None:
    message, payload = _frame_bytes(vector)
    frame = decode_frame(message)
    assert frame.options == vector["options"]
    assert frame.values == vector["values"]
    assert frame.payload == payload
    if vector["canonical"]:
        assert encode_frame(vector["options"], payload) == message


@pytest.mark.parametrize("vector", VECTORS["invalid"], ids=lambda vector: vector["name"])
def test_invalid_vector_is_a_frame_error_with_a_reason(vector: dict[str, Any]) -> None:
    with pytest.raises(FrameError, match=vector["error"]):
        decode_frame(bytes.fromhex(vector["hex"]))


def test_encode_refuses_what_the_framing_cannot_carry() -> None:
    with pytest.raises(FrameError, match=r"1 to 255"):
        encode_frame({"": "x"})
    with pytest.raises(FrameError, match="1 to 255"):
        encode_frame({"k" * 256: "x"})
    with pytest.raises(FrameError, match="exceeds"):
        encode_frame({"k": "x" * 65_536})
    with pytest.raises(FrameError, match="at most 255"):
        encode_frame({f"k{index}": "x" for index in range(256)})
    with pytest.raises(FrameError, match="finite"):
        encode_frame({"k": float("nan")})


def test_encode_writes_values_as_oro_text() -> None:
    frame = decode_frame(encode_frame({"a": True, "b": None, "c": 3, "d": 2.0, "e": 0.5}))
    assert frame.options == {"a": "true", "b": "null", "c": "3", "d": "2", "e": "0.5"}


_keys = st.text(min_size=1, max_size=40).filter(lambda key: len(key.encode()) <= 255)
_values = st.text(max_size=200)
_options = st.dictionaries(_keys, _values, max_size=20)
_payloads = st.one_of(
    st.binary(max_size=2_000),
    st.integers(MAX_SHORT_BODY - 2, MAX_SHORT_BODY + 3).map(lambda size: b"\x5a" * size),
)


@given(_options, _payloads)
@settings(max_examples=300, deadline=None)
def test_encode_then_decode_round_trips(options: dict[str, str], payload: bytes) -> None:
    frame = decode_frame(encode_frame(options, payload))
    assert frame.options == options
    assert frame.payload == payload


@given(_options, _payloads)
@settings(max_examples=200, deadline=None)
def test_options_are_sorted_so_equal_options_encode_equally(
    options: dict[str, str], payload: bytes
) -> None:
    reversed_options = dict(reversed(list(options.items())))
    assert encode_frame(options, payload) == encode_frame(reversed_options, payload)


@given(st.binary(max_size=600))
@settings(max_examples=1_000, deadline=None)
def test_any_bytes_decode_or_raise_frame_error_only(message: bytes) -> None:
    try:
        frame = decode_frame(message)
    except FrameError as error:
        reason = str(error)
        assert reason, "a FrameError always carries the reason sent with close 1007"
    else:
        # Whatever decodes is canonical up to option order and repeated keys: it re-encodes to
        # a frame decoding the same.
        again = decode_frame(encode_frame(frame.options, frame.payload))
        assert again == frame


@given(_options, st.binary(max_size=300), st.data())
@settings(max_examples=300, deadline=None)
def test_truncating_a_frame_is_always_detected(
    options: dict[str, str], payload: bytes, data: st.DataObject
) -> None:
    message = encode_frame(options, payload)
    cut = data.draw(st.integers(0, len(message) - 1))
    with pytest.raises(FrameError):
        decode_frame(message[:cut])


@given(st.one_of(st.integers(-(2**60), 2**60), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_decode_to_themselves_or_stay_strings(number: float) -> None:
    text = encode_frame({"n": number})
    value = decode_frame(text).values["n"]
    assert value == number or isinstance(value, str)
    assert decode_value("true") is True
