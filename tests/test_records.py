"""``oro_framework.record`` against ``dataclasses.dataclass``: the same class body made both ways
behaves alike, for field lists hypothesis draws (defaults, factories, keyword-only and
``init=False`` fields, ``repr``/``compare`` off) and for the calls made on them."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework.records import record

NAMES = st.lists(
    st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True).filter(
        lambda name: name not in {"if", "in", "is", "or", "as", "def", "for", "and", "not", "del"}
    ),
    min_size=0,
    max_size=6,
    unique=True,
)
KINDS = st.sampled_from(["required", "default", "factory", "kw_required", "kw_default", "no_init"])


def _field(kind: str, shown: bool, compared: bool) -> Any:
    options: dict[str, Any] = {"repr": shown, "compare": compared}
    if kind == "default":
        return dataclasses.field(default=7, **options)
    if kind == "factory":
        return dataclasses.field(default_factory=lambda: (1,), **options)
    if kind == "kw_required":
        return dataclasses.field(kw_only=True, **options)
    if kind == "kw_default":
        return dataclasses.field(default="k", kw_only=True, **options)
    if kind == "no_init":
        return dataclasses.field(default=0, init=False, **options)
    return dataclasses.field(**options)


def _body(spec: list[tuple[str, str, bool, bool]]) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__annotations__": {}, "__doc__": "A drawn class."}
    for name, kind, shown, compared in spec:
        namespace["__annotations__"][name] = "object"
        namespace[name] = _field(kind, shown, compared)
    return namespace


def _both(spec: list[tuple[str, str, bool, bool]], frozen: bool) -> tuple[type, type]:
    """The class ``spec`` describes, made by dataclasses and by record (or the TypeError each
    raised)."""
    made: list[Any] = []
    for decorate in (
        lambda cls: dataclasses.dataclass(frozen=frozen)(cls),
        lambda cls: record(frozen=frozen)(cls),
    ):
        try:
            made.append(decorate(type("Drawn", (), _body(spec))))
        except TypeError as error:
            made.append(error)
    return made[0], made[1]


def _call(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        return cls(*args, **kwargs)
    except TypeError:
        return TypeError


SPECS = NAMES.flatmap(
    lambda names: st.tuples(
        *(st.tuples(st.just(name), KINDS, st.booleans(), st.booleans()) for name in names)
    ).map(list)
)


@settings(max_examples=300, deadline=None)
@given(
    spec=SPECS,
    frozen=st.booleans(),
    args=st.lists(st.integers(0, 3), max_size=7).map(tuple),
    keywords=st.dictionaries(st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True), st.integers()),
)
def test_a_record_behaves_as_the_dataclass_of_the_same_body(spec, frozen, args, keywords):
    plain, made = _both(spec, frozen)
    if isinstance(plain, TypeError):
        # A class dataclasses refuses (a required field after a defaulted one), record refuses.
        assert isinstance(made, TypeError)
        return
    assert [f.name for f in dataclasses.fields(made)] == [f.name for f in dataclasses.fields(plain)]
    assert made.__match_args__ == plain.__match_args__
    assert str(inspect.signature(made)) == str(inspect.signature(plain))
    first, second = _call(plain, args, keywords), _call(made, args, keywords)
    if first is TypeError or second is TypeError:
        assert first is second
        return
    assert repr(second) == repr(first)
    assert vars(second) == vars(first)
    assert (second == _call(made, args, keywords)) == (first == _call(plain, args, keywords))
    assert second != first  # another class: NotImplemented both ways
    assert (made.__hash__ is None) == (plain.__hash__ is None)
    if made.__hash__ is not None and frozen:
        assert hash(second) == hash(_call(made, args, keywords))
    assert dataclasses.replace(second) == second
    assert copy.copy(second) == second


@record
class Point:
    x: int
    y: int = 0


def test_a_frozen_record_refuses_assignment_and_deletion_as_a_frozen_dataclass_does():
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError, match="'x'"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="'y'"):
        del point.y  # type: ignore[misc]
    assert point == Point(1, 0)
    assert {point: "kept"}[Point(1)] == "kept"
    assert pickle.loads(pickle.dumps(point, 5)) == point


def test_a_mutable_record_runs_post_init_and_is_unhashable_as_a_dataclass_with_eq():
    seen: list[int] = []

    @record(frozen=False)
    class Counter:
        count: int = 0
        items: list[int] = dataclasses.field(default_factory=list)

        def __post_init__(self) -> None:
            seen.append(self.count)

    counter = Counter(3)
    counter.count = 4
    assert seen == [3]
    assert Counter().items is not Counter().items
    assert Counter.__hash__ is None


def test_a_record_that_writes_its_own_methods_is_refused_with_the_fix():
    with pytest.raises(TypeError, match="defines __init__: use a dataclass"):

        @record
        class Own:
            x: int

            def __init__(self) -> None:
                object.__setattr__(self, "x", 1)


def test_the_wrong_call_names_the_class_and_the_argument():
    @record
    class Pair:
        left: int
        right: int = 0

    with pytest.raises(TypeError, match=r"Pair.__init__\(\) missing required argument: 'left'"):
        Pair()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'middle'"):
        Pair(1, middle=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"multiple values for argument 'left'"):
        Pair(1, left=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match=r"takes 3 positional arguments but 4 were given"):
        Pair(1, 2, 3)  # type: ignore[call-arg]
