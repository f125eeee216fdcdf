"""The annotation converter is a parser of what pages send: for any JSON value it answers a value
of the annotated type or an InvalidArgumentError naming the field, never another exception; and
what a command returns converts back to the same JSON."""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any, Literal, NotRequired, TypedDict

from hypothesis import given
from hypothesis import strategies as st

from oro_framework import InvalidArgumentError
from oro_framework.backend.convert import converter, jsonable


class Shape(enum.Enum):
    ROUND = "round"
    SQUARE = "square"


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0
    label: str | None = None


class Query(TypedDict):
    text: str
    limit: NotRequired[int]
    shape: NotRequired[Shape]


ANNOTATIONS: list[Any] = [
    str,
    int,
    float,
    bool,
    bytes,
    None,
    int | None,
    int | str,
    list[int],
    tuple[int, str],
    tuple[float, ...],
    set[str],
    dict[str, float],
    Literal["a", 1, True],
    Shape,
    Point,
    list[Point],
    Query,
    dict[str, list[Point | None]],
    Any,
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["round", "x", "a", "12", "true", "AAEC", "1e400", " 7 "]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["x", "y", "label", "text", "limit", "shape", "z"])
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@given(annotation=st.sampled_from(ANNOTATIONS), value=json_values)
def test_any_json_value_converts_or_is_an_invalid_argument_naming_the_field(
    annotation: Any, value: Any
) -> None:
    convert = converter(annotation)
    refused: InvalidArgumentError | None = None
    try:
        converted = convert(value, "field")
    except InvalidArgumentError as error:
        refused = error
    if refused is not None:
        assert refused.status == 400
        assert str(refused.extra["parameter"]).startswith("field")
        return
    # What came through is of the annotated type, and goes back to JSON.
    if annotation in (str, int, float, bool, bytes):
        assert type(converted) is annotation
    if annotation is Point:
        assert isinstance(converted, Point)
        assert isinstance(converted.x, int)
    json.dumps(jsonable(converted))


points = st.builds(
    Point,
    x=st.integers(-1000, 1000),
    y=st.integers(-1000, 1000),
    label=st.none() | st.text(max_size=10),
)


@given(value=st.dictionaries(st.text(max_size=8), st.lists(st.none() | points, max_size=3)))
def test_a_result_sent_as_json_converts_back_to_itself(
    value: dict[str, list[Point | None]],
) -> None:
    sent = json.loads(json.dumps(jsonable(value)))
    assert converter(dict[str, list[Point | None]])(sent, "result") == value


@dataclasses.dataclass
class Node:
    name: str
    children: list[Node] = dataclasses.field(default_factory=list)


tree = st.recursive(
    st.builds(Node, name=st.text(max_size=5)),
    lambda children: st.builds(
        Node, name=st.text(max_size=5), children=st.lists(children, max_size=3)
    ),
    max_leaves=10,
)


@given(value=tree)
def test_a_record_that_refers_to_itself_converts_at_any_depth(value: Node) -> None:
    sent = json.loads(json.dumps(jsonable(value)))
    assert converter(Node)(sent, "tree") == value
