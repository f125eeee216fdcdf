"""Issue 50: a result is encoded within the request's reservation (a command returning its 15
MiB input held it twice outside the budget). A large list or object is encoded in slices, each
reserved before the next is made; the envelope is byte for byte the one encoded whole."""

from __future__ import annotations

from typing import Any, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework import MemoryBudget, OutOfMemoryError
from oro_framework.host.envelope import encode_result

MIB: Final = 1 << 20

JSON_VALUES: Final = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=600)
        | st.dictionaries(
            st.text(max_size=3) | st.integers() | st.booleans(), children, max_size=600
        )
    ),
    max_leaves=3000,
)


@settings(max_examples=200)
@given(JSON_VALUES, st.none() | st.text(max_size=8))
def test_an_answer_encoded_within_the_budget_is_the_answer_encoded_whole(
    data: Any, token: str | None
) -> None:
    budget = MemoryBudget(1 << 30)
    with budget.reserve(0, purpose="answer") as held:
        payload = encode_result("test.echo", "R1", data, token=token, held=held)
        assert payload == encode_result("test.echo", "R1", data, token=token)
        # What stays held is the envelope, until the transport has sent it.
        assert held.size == len(payload)
    assert budget.used == 0


@pytest.mark.parametrize(
    "data",
    [
        list(range(2_000_000)),
        {"rows": [{"id": index, "name": "x" * 20} for index in range(200_000)]},
        {str(index): [index] for index in range(300_000)},
    ],
    ids=["a large list", "a large list in a small object", "a large object"],
)
def test_a_large_answer_past_the_budget_is_refused_before_it_is_held(data: Any) -> None:
    """The budget sees the encoding grow slice by slice: it refuses once the next slice would
    pass it, well before the whole envelope (about 15 MiB, twice while it is joined) exists."""
    whole = len(encode_result("test.echo", "R1", data))
    budget = MemoryBudget(MIB)
    with budget.reserve(0, purpose="answer") as held, pytest.raises(OutOfMemoryError):
        encode_result("test.echo", "R1", data, held=held)
    assert budget.used == 0
    assert budget.snapshot()["peak"] <= MIB < whole
