"""One type walk: a command's annotations are resolved once into type nodes that both the
converter and ``oro types`` read, so that what the generated ``backend.d.ts`` describes is what
the backend takes.

The properties build annotations from the supported set (and some unsupported ones) and check
that the backend's load and the TypeScript writer accept and refuse the same ones, and that a
JSON value converts exactly when it is a value of the type (an oracle written here from the
rules: the TypeScript type, refined where TypeScript cannot say it: an ``int`` is an integral
number, ``bytes`` base64 text; plus the text forms plugin routes read for numbers and booleans).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import enum
import json
import math
import typing
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, NewType, NotRequired, Optional, TypedDict, Union

import httpx
import pytest
from _apps import backend_host, write_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typing_extensions import TypeAliasType

from oro_framework import InvalidArgumentError
from oro_framework.backend import command, commands_of
from oro_framework.backend.convert import converter
from oro_framework.backend.type_nodes import (
    Array,
    Binary,
    Choice,
    Node,
    Null,
    Object,
    Record,
    Scalar,
    Tuple,
    Union_,
    Unknown,
    resolve,
)
from oro_framework.backend.typescript import declarations
from oro_framework.host.request import bool_value, float_value, int_value
from oro_framework.testing import live_server

UserId = NewType("UserId", int)
Name = NewType("Name", str)
Numbers = TypeAliasType("Numbers", list[int])


class Shape(enum.Enum):
    ROUND = "round"
    SQUARE = "square"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Empty(enum.Enum):
    pass


class Ratio(enum.Enum):
    HALF = 0.5


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0


class Query(TypedDict):
    text: str
    limit: NotRequired[int]


class Opaque:
    pass


@dataclasses.dataclass(frozen=True)
class Built:
    """An annotation with what the rules say of it, derived here independently of the code."""

    annotation: Any
    supported: bool
    hashable: bool
    has_any: bool = False

    def __repr__(self) -> str:
        return f"Built({self.annotation!r}, supported={self.supported})"


def leaf(annotation: Any, *, supported: bool = True, hashable: bool = True) -> Built:
    return Built(annotation, supported, hashable, annotation in (Any, object))


LEAVES = [
    leaf(str),
    leaf(int),
    leaf(float),
    leaf(bool),
    leaf(bytes),
    leaf(bytearray, hashable=False),
    leaf(memoryview, hashable=False),
    leaf(None),
    leaf(Any),
    leaf(object),
    leaf(Path),
    leaf(UserId),
    leaf(Name),
    leaf(Numbers, hashable=False),
    leaf(Literal["a", 1, True, None]),
    leaf(Literal[Shape.ROUND]),
    leaf(Shape),
    leaf(Level),
    leaf(Empty),
    leaf(Point, hashable=False),
    leaf(Query, hashable=False),
    leaf(complex, supported=False),
    leaf(Opaque, supported=False),
    leaf(datetime.date, supported=False),
    leaf(Literal[b"x"], supported=False),
    leaf(Literal[1.5], supported=False),
    leaf(Ratio, supported=False),
    leaf(dict[int, str], supported=False),
]

_counter = iter(range(10**9))


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"


def _sequence(child: Built, kind: Any) -> Built:
    return Built(kind[child.annotation], child.supported, False, child.has_any)


def _set(child: Built, kind: Any) -> Built:
    supported = child.supported and child.hashable
    return Built(kind[child.annotation], supported, kind is frozenset, child.has_any)


def _pair(first: Built, second: Built, make: Any, hashable: bool) -> Built:
    return Built(
        make(first.annotation, second.annotation),
        first.supported and second.supported,
        hashable and first.hashable and second.hashable,
        first.has_any or second.has_any,
    )


def _same(child: Built, annotation: Any) -> Built:
    return dataclasses.replace(child, annotation=annotation)


def _dataclass(first: Built, second: Built) -> Built:
    kind = dataclasses.make_dataclass(
        _unique("Generated"),
        [("a", first.annotation), ("b", second.annotation, dataclasses.field(default=None))],
    )
    return Built(kind, first.supported and second.supported, False, first.has_any or second.has_any)


# Annotations built at run time from generated parts, which a type checker cannot follow (and
# the old spellings, List, Optional, Union, which apps still write).
TYPED_DICT: Any = TypedDict
OPTIONAL: Any = Optional
UNION: Any = Union
LIST: Any = typing.List  # noqa: UP006
TUPLE: Any = tuple


def _typed_dict(first: Built, second: Built) -> Built:
    kind = TYPED_DICT(
        _unique("GeneratedDict"), {"a": first.annotation, "b": NotRequired[second.annotation]}
    )
    return Built(kind, first.supported and second.supported, False, first.has_any or second.has_any)


def _extend(children: st.SearchStrategy[Built]) -> st.SearchStrategy[Built]:
    return st.one_of(
        st.builds(_sequence, children, st.sampled_from([list, Sequence, LIST])),
        st.builds(lambda child: _same(child, TUPLE[child.annotation, ...]), children),
        st.builds(_set, children, st.sampled_from([set, frozenset])),
        st.builds(lambda child: _same(child, OPTIONAL[child.annotation]), children),
        st.builds(lambda child: _same(child, Annotated[child.annotation, "shown"]), children),
        st.builds(lambda child: _same(child, NewType(_unique("N"), child.annotation)), children),
        st.builds(
            lambda child: _same(child, TypeAliasType(_unique("A"), child.annotation)), children
        ),
        st.builds(
            lambda child, kind: Built(
                kind[str, child.annotation], child.supported, False, child.has_any
            ),
            children,
            st.sampled_from([dict, Mapping]),
        ),
        st.builds(_pair, children, children, st.just(lambda a, b: TUPLE[a, b]), st.just(True)),
        st.builds(_pair, children, children, st.just(lambda a, b: UNION[a, b]), st.just(True)),
        st.builds(_dataclass, children, children),
        st.builds(_typed_dict, children, children),
    )


built_annotations = st.recursive(st.sampled_from(LEAVES), _extend, max_leaves=5)


def make_command(annotation: Any) -> Any:
    def take(value: Any) -> Any:
        return value

    take.__annotations__ = {"value": annotation, "return": annotation}
    return command(take)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(built=built_annotations)
def test_the_backend_loads_what_oro_types_types_and_refuses_the_rest(built: Built) -> None:
    loaded: list[Any] | None = None
    refusal = ""
    try:
        loaded = commands_of({"take": make_command(built.annotation)})
    except TypeError as error:
        refusal = str(error)
    assert loaded is not None or refusal.startswith("command 'take': ")
    assert (loaded is not None) == built.supported, built
    try:
        converter(built.annotation)
        converts = True
    except TypeError:
        converts = False
    assert converts == built.supported
    if loaded is None:
        return
    text = declarations(loaded, [], source="backend.py")
    assert "value: " in text or "value?: " in text
    # Nothing the backend takes is typed `unknown` but Any itself.
    assert built.has_any or "unknown" not in text, text


@given(built=built_annotations)
def test_a_result_of_any_annotation_is_typed_without_refusing(built: Built) -> None:
    def result() -> Any: ...

    result.__annotations__ = {"return": built.annotation}
    text = declarations(commands_of({"result": command(result)}), [], source="backend.py")
    assert "result (fields?:" in text


# -- the oracle ----------------------------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _base64(value: Any) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _reads(reader: Any, value: Any) -> bool:
    try:
        reader("field", value)
    except InvalidArgumentError:
        return False
    return True


def _scalar_admits(python: type, value: Any) -> bool:
    if python is bool:
        # Besides booleans, the forms plugin routes read: 0 and 1, Oro's words ("true", "yes").
        return isinstance(value, bool) or (
            (isinstance(value, str) or type(value) is int) and _reads(bool_value, value)
        )
    if python is int:
        # TypeScript has no integer type: `number`, of which an int takes the integral ones.
        integral = _number(value) and _finite(value) and float(value).is_integer()
        return integral or (isinstance(value, str) and _reads(int_value, value))
    if python is float:
        return (_number(value) and _finite(value)) or (
            isinstance(value, str) and _reads(float_value, value)
        )
    return isinstance(value, str)


def admits(node: Node, value: Any) -> bool:
    """Whether JSON ``value`` is a value of ``node``: what its TypeScript type says, refined."""
    if isinstance(node, Scalar):
        return _scalar_admits(node.python, value)
    if isinstance(node, Binary):
        return isinstance(value, str) and _base64(value)
    if isinstance(node, Null):
        return value is None
    if isinstance(node, Unknown):
        return not node.scalar or value is None or isinstance(value, str | int | float)
    if isinstance(node, Array):
        return isinstance(value, list) and all(admits(node.item, item) for item in value)
    if isinstance(node, Tuple):
        return (
            isinstance(value, list)
            and len(value) == len(node.items)
            and all(admits(item, element) for item, element in zip(node.items, value, strict=True))
        )
    if isinstance(node, Object):
        return isinstance(value, dict) and all(admits(node.value, item) for item in value.values())
    if isinstance(node, Union_):
        return any(admits(member, value) for member in node.members)
    if isinstance(node, Choice):
        return any(type(choice) is type(value) and choice == value for choice in node.values)
    assert isinstance(node, Record)
    fields = {field.name: field for field in node.fields if field.init}
    return (
        isinstance(value, dict)
        and all(name in value for name, field in fields.items() if field.required)
        and all(key in fields and admits(fields[key].node, item) for key, item in value.items())
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, 1, 2.0, 10**400, -(2**70)])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["round", "a", "12", " 7 ", "1.5", "true", "yes", "AAEC", "AA=", "1e400"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["a", "b", "x", "y", "text", "limit"]) | st.text(max_size=3),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def values_of(node: Node) -> st.SearchStrategy[Any]:
    """JSON values of ``node``'s type (of its TypeScript type, refined as the oracle is)."""
    if isinstance(node, Scalar):
        if node.python is bool:
            return st.booleans()
        if node.python is int:
            return st.integers()
        if node.python is float:
            return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**60), 2**60)
        return st.text(max_size=8)
    if isinstance(node, Binary):
        return st.binary(max_size=6).map(lambda data: base64.b64encode(data).decode())
    if isinstance(node, Null):
        return st.none()
    if isinstance(node, Unknown):
        scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=4)
        return scalars if node.scalar else json_values
    if isinstance(node, Array):
        item = values_of(node.item)
        # A type without values (an empty Enum): its arrays are empty.
        return st.just([]) if item.is_empty else st.lists(item, max_size=3)
    if isinstance(node, Tuple):
        return st.tuples(*(values_of(item) for item in node.items)).map(list)
    if isinstance(node, Object):
        value = values_of(node.value)
        return st.just({}) if value.is_empty else st.dictionaries(st.text(max_size=4), value)
    if isinstance(node, Union_):
        return st.one_of(*(values_of(member) for member in node.members))
    if isinstance(node, Choice):
        return st.sampled_from(node.values) if node.values else st.nothing()
    assert isinstance(node, Record)
    fields = [(field, values_of(field.node)) for field in node.fields if field.init]
    return st.fixed_dictionaries(
        {field.name: values for field, values in fields if field.required},
        optional={
            field.name: values
            for field, values in fields
            if not field.required and not values.is_empty
        },
    )


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4)
)


def near_miss(value: Any, data: st.DataObject) -> Any:
    """``value`` with one of its parts (or itself) replaced by another JSON value: a value of
    the type but for one place, the input that tells a too-lenient converter."""
    if isinstance(value, list) and value and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(value) - 1))
        return [*value[:index], near_miss(value[index], data), *value[index + 1 :]]
    if isinstance(value, dict) and value and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(value)))
        return {**value, key: near_miss(value[key], data)}
    return data.draw(json_scalars | json_values)


supported = built_annotations.filter(lambda built: built.supported)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(built=supported, data=st.data())
def test_a_json_value_converts_exactly_when_it_is_a_value_of_the_generated_type(
    built: Built, data: st.DataObject
) -> None:
    node = resolve(built.annotation)
    values = values_of(node)
    value = data.draw(json_values if values.is_empty else values, label="of the type")
    if data.draw(st.booleans(), label="near miss"):
        value = near_miss(value, data)
    json.dumps(value, allow_nan=False)  # a value a page can send
    refused: InvalidArgumentError | None = None
    try:
        converted = converter(built.annotation)(value, "field")
    except InvalidArgumentError as error:
        refused = error
    if refused is not None:
        assert not admits(node, value), (node, value, refused)
        assert str(refused.extra["parameter"]).startswith("field")
        return
    assert admits(node, value), (node, value, converted)
    if isinstance(node, Scalar | Binary):
        assert type(converted) is node.python or isinstance(converted, node.python)


@given(data=st.data())
def test_values_drawn_from_a_type_convert(data: st.DataObject) -> None:
    built = data.draw(supported)
    values = values_of(resolve(built.annotation))
    if not values.is_empty:
        converter(built.annotation)(data.draw(values), "field")


# -- the decisions, as a user meets them ---------------------------------------------------------


def test_a_newtype_parameter_loads_and_is_typed_as_its_base() -> None:
    def find(user: UserId, name: Name) -> UserId:
        return user

    [spec] = commands_of({"find": command(find)})
    assert spec.parameters[0].convert(7, "user") == 7
    text = declarations([spec], [], source="backend.py")
    assert "\n      user: number\n      name: string\n" in text
    assert "Call<number>" in text


def test_a_memoryview_parameter_takes_bytes_and_is_typed_as_bytes() -> None:
    def digest(data: memoryview, extra: list[memoryview]) -> int:
        return len(data)

    [spec] = commands_of({"digest": command(digest)})
    assert spec.body_parameter is not None
    assert spec.body_parameter.name == "data"
    converted = spec.parameters[0].convert(b"\x00\x01", "data")
    assert isinstance(converted, memoryview)
    assert converted.tobytes() == b"\x00\x01"
    assert spec.parameters[1].convert(["AAE="], "extra")[0].tobytes() == b"\x00\x01"
    text = declarations([spec], [], source="backend.py")
    body = "Uint8Array | ArrayBuffer | ArrayBufferView | Blob"
    assert f"\n      data: {body}\n      extra: string[]\n" in text


Sizes = TypeAliasType("Sizes", dict[str, Numbers])


def test_a_type_alias_parameter_is_its_value() -> None:
    def total(sizes: Sizes) -> int:
        return 0

    [spec] = commands_of({"total": command(total)})
    assert spec.parameters[0].convert({"a": [1, "2"]}, "sizes") == {"a": [1, 2]}
    text = declarations([spec], [], source="backend.py")
    assert "\n      sizes: { [key: string]: number[] }\n" in text


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        (set[list[int]], "set items must be hashable"),
        (Literal[b"x"], "a Literal holds strings, integers, booleans, None or enum members"),
        (Ratio, "a Literal holds strings"),
        (complex, "a command cannot take <class 'complex'>"),
    ],
)
def test_what_no_json_value_converts_to_stops_the_load_naming_it(
    annotation: Any, message: str
) -> None:
    def take(value: Any) -> None: ...

    take.__annotations__ = {"value": annotation}
    with pytest.raises(TypeError, match="command 'take'") as raised:
        commands_of({"take": command(take)})
    assert message in str(raised.value)


# -- a str field over the wire -------------------------------------------------------------------

TEXT = """
from oro_framework.backend import command


@command
def echo(text: str, count: int = 1) -> list[object]:
    return [text, count]
"""


@asynccontextmanager
async def window_client(app: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with backend_host(app) as host, live_server(host) as server:
        headers = {"X-Oro-Window": server.window_credential()}
        async with server.client(headers=headers, timeout=30) as client:
            yield client


def answer(response: httpx.Response) -> Any:
    reply = response.json()
    return reply.get("data", reply.get("err"))


@pytest.mark.anyio
async def test_a_str_field_takes_json_text_only_and_a_query_value_as_its_text(
    tmp_path: Path,
) -> None:
    app = write_app(tmp_path / "app", TEXT)
    async with window_client(app) as client:
        for sent in (42, True, 1.5, None, ["a"]):
            refused = answer(await client.post("/ipc/backend.echo", json={"text": sent}))
            assert refused["code"] == "ERR_INVALID_ARG_TYPE", (sent, refused)
            assert refused["parameter"] == "text"
        assert answer(await client.post("/ipc/backend.echo", json={"text": "42"})) == ["42", 1]
        # ipc.request's query form: the page wrote text; the transport decoded `12` as a number.
        query = await client.get("/ipc/backend.echo", params={"text": "12", "count": "3"})
        assert answer(query) == ["12", 3]
        assert answer(await client.get("/ipc/backend.echo?text=true")) == ["true", 1]
        # A JSON body's field wins over the query's, and is JSON.
        both = await client.post("/ipc/backend.echo?text=hello", json={"text": 5})
        assert answer(both)["parameter"] == "text"
