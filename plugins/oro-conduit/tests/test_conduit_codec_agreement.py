"""The Python and JS codecs agree on frames neither was written for: hypothesis generates frames
(valid, truncated, bit-flipped, random bytes) and both decoders must give the same options,
values and payload, or both refuse them with the same reason."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from oro_conduit.codec import FrameError, decode_frame, encode_frame

SCRIPT = Path(__file__).parent / "js" / "decode-stdin.mjs"

_text = st.text(
    alphabet=st.sampled_from(["a", "Z", "0", "7", "-", ".", " ", "é", "✓", "😀", "\x00", "e"]),
    max_size=12,
)
_numbers = st.one_of(
    st.integers(-(2**60), 2**60).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["true", "false", "null", "007", "-0", "0.0", "1.", ".5", "NaN"]),
)
_options = st.dictionaries(_text.filter(bool), st.one_of(_text, _numbers), max_size=6)
_valid = st.builds(encode_frame, _options, st.binary(max_size=64))


@st.composite
def _messages(draw: st.DrawFn) -> bytes:
    frame = draw(_valid)
    mutation = draw(st.sampled_from(["none", "truncate", "flip", "append", "random"]))
    if mutation == "truncate" and frame:
        return frame[: draw(st.integers(0, len(frame) - 1))]
    if mutation == "flip" and frame:
        index = draw(st.integers(0, len(frame) - 1))
        return (
            frame[:index] + bytes([frame[index] ^ draw(st.integers(1, 255))]) + frame[index + 1 :]
        )
    if mutation == "append":
        return frame + draw(st.binary(min_size=1, max_size=4))
    if mutation == "random":
        return draw(st.binary(max_size=40))
    return frame


def _python(message: bytes) -> dict[str, Any]:
    try:
        frame = decode_frame(message)
    except FrameError as error:
        return {"error": str(error)}
    return {"options": frame.options, "values": frame.values, "payload": frame.payload.hex()}


def _javascript(messages: list[bytes]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    assert node is not None, "Node.js is required to compare the JS codec"
    result = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps([message.hex() for message in messages]),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    decoded: list[dict[str, Any]] = json.loads(result.stdout)
    return decoded


@given(st.lists(_messages(), min_size=1, max_size=30))
@settings(max_examples=25, deadline=None)
def test_python_and_javascript_decode_every_message_alike(messages: list[bytes]) -> None:
    javascript = _javascript(messages)
    for message, theirs in zip(messages, javascript, strict=True):
        assert _python(message) == theirs, message.hex()
