"""Issue 50: what the host reserves from its memory budget before parsing a JSON request body
(:func:`~oro_framework.host.request.json_parse_bound`, a count of the body's bytes) is at least
what the parse takes at its peak, measured with tracemalloc."""

from __future__ import annotations

import json
import tracemalloc
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oro_framework.host.request import json_parse_bound, parse_json_body

MIB: Final = 1 << 20

JSON_VALUES: Final = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=40)
        | st.dictionaries(st.text(max_size=8), children, max_size=20)
    ),
    max_leaves=400,
)


def _parse_peak(body: bytes) -> int:
    tracemalloc.start()
    try:
        value = parse_json_body(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del value
    return peak


def _repeated(unit: bytes) -> bytes:
    return b"[" + unit * (MIB // len(unit)) + b"0]"


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES, st.booleans(), st.integers(min_value=1, max_value=200))
@example({"a": 1}, False, 1).via("one small object")
def test_the_parse_bound_holds_what_json_loads_allocates(
    value: Any, ascii_only: bool, repeat: int
) -> None:
    """What the host reserves before parsing a body (a count of its bytes) is at least what the
    parse takes at its peak, measured, for any JSON and its escaped form, repeated in a list."""
    item = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    body = b"[" + b",".join([item] * repeat) + b"]"
    assert _parse_peak(body) <= json_parse_bound(body)


@pytest.mark.parametrize(
    "body",
    [
        _repeated(b"{},"),
        _repeated(b"[[]],"),
        _repeated(b'{"a": 1}, '),
        _repeated(b'"ab",'),
        _repeated(b"-6,"),
        _repeated(b"1e9,"),
        _repeated(b"9" * 4000 + b","),
        b"{" + b",".join(b'"k%d":[]' % index for index in range(100_000)) + b"}",
        b'["' + "😀".encode() + b"x" * MIB + b'"]',
        b'["\\ud83d\\ude00' + b"x" * MIB + b'"]',
        b'["\\u4e00' + b"x" * MIB + b'"]',
    ],
    ids=[
        "empty objects",
        "nested lists",
        "records",
        "short strings",
        "negative ints",
        "floats",
        "4000-digit ints",
        "one large object",
        "an astral character in a long string",
        "an escaped surrogate pair in a long string",
        "an escaped CJK character in a long string",
    ],
)
def test_the_parse_bound_holds_for_the_costliest_shapes(body: bytes) -> None:
    assert _parse_peak(body) <= json_parse_bound(body)
