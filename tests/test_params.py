"""Typed parameter accessors: the same answers whatever transport decoded the parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import (
    InvalidArgumentError,
    InvalidJSONError,
    MemoryBudget,
    OutOfRangeError,
    Params,
    Request,
)

if TYPE_CHECKING:
    from oro_framework import Host


def test_require_str_returns_the_string() -> None:
    assert Params({"path": "a.txt"}).require_str("path") == "a.txt"


def test_require_str_turns_numbers_into_text() -> None:
    assert Params({"fd": 3}).require_str("fd") == "3"


def test_require_str_refuses_a_list() -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        Params({"path": ["a"]}).require_str("path")

    assert raised.value.code == "ERR_INVALID_ARG_TYPE"
    assert raised.value.extra["parameter"] == "path"


@pytest.mark.parametrize("params", [{}, {"path": None}], ids=["absent", "null"])
def test_missing_parameter_is_err_missing_args_with_oro_wording(params: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        Params(params).require_str("path")

    assert raised.value.code == "ERR_MISSING_ARGS"
    assert raised.value.message == "Expecting 'path' in parameters"


def test_get_str_returns_the_default_when_absent() -> None:
    assert Params().get_str("encoding", "utf8") == "utf8"


@pytest.mark.parametrize(("value", "expected"), [(12, 12), ("12", 12), (" 12 ", 12), (12.0, 12)])
def test_get_int_accepts_integers_and_their_text(value: Any, expected: int) -> None:
    assert Params({"n": value}).get_int("n", 0) == expected


@pytest.mark.parametrize("value", [True, False, "twelve", 1.5, "1.5", [1]])
def test_get_int_refuses_what_is_not_an_integer(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="expected an integer"):
        Params({"n": value}).get_int("n", 0)


def test_get_int_returns_the_default_when_absent() -> None:
    assert Params().get_int("n", 7) == 7


@pytest.mark.parametrize("value", [-1, 101])
def test_get_int_outside_bounds_is_out_of_range(value: int) -> None:
    with pytest.raises(OutOfRangeError) as raised:
        Params({"n": value}).get_int("n", 0, minimum=0, maximum=100)

    assert raised.value.to_dict()["type"] == "RangeError"
    assert raised.value.status == 413


@pytest.mark.parametrize("value", [0, 100])
def test_get_int_bounds_are_inclusive(value: int) -> None:
    assert Params({"n": value}).get_int("n", 50, minimum=0, maximum=100) == value


def test_require_int_checks_bounds_too() -> None:
    with pytest.raises(OutOfRangeError, match=r"'n' must be within \[1, inf\], got 0"):
        Params({"n": "0"}).require_int("n", minimum=1)


@given(number=st.integers())
def test_get_int_of_the_text_of_any_integer_is_that_integer(number: int) -> None:
    assert Params({"n": str(number)}).get_int("n", 0) == number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("true", True),
        ("TRUE", True),
        ("1", True),
        (1, True),
        ("no", False),
        (0, False),
    ],
)
def test_get_bool_accepts_booleans_and_their_text(value: Any, expected: bool) -> None:
    assert Params({"flag": value}).get_bool("flag") is expected


@pytest.mark.parametrize("value", ["maybe", 2, 1.0, []])
def test_get_bool_refuses_what_is_not_a_boolean(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="expected a boolean"):
        Params({"flag": value}).get_bool("flag")


@pytest.mark.parametrize(("value", "expected"), [(1.5, 1.5), ("2.5", 2.5), (3, 3.0)])
def test_get_float_accepts_numbers_and_their_text(value: Any, expected: float) -> None:
    assert Params({"x": value}).get_float("x", 0.0) == expected


@pytest.mark.parametrize("value", ["nan", "inf", float("inf"), True, "x"])
def test_get_float_refuses_non_finite_and_non_numbers(value: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        Params({"x": value}).require_float("x")


@given(st.dictionaries(st.text(), st.integers()))
def test_params_is_a_read_only_view_of_its_values(values: dict[str, int]) -> None:
    params = Params(values)

    assert dict(params) == values
    assert len(params) == len(values)


def _request(body: bytes, **params: Any) -> Request:
    # fields() reads the parameters and the body, parsed within the reservation it is given: no
    # host is needed.
    memory = MemoryBudget().reserve(0, purpose="test")
    return Request("test.fields", host=cast("Host", None), params=params, body=body, memory=memory)


def test_fields_are_the_parameters_with_a_json_bodys_fields_on_top() -> None:
    fields = _request(b'{"value": "true", "scope": "b"}', scope="a", key="k").fields()

    assert dict(fields) == {"scope": "b", "key": "k", "value": "true"}
    assert fields.require_str("value") == "true"  # as written, not decoded to a boolean


def test_fields_without_a_body_are_the_parameters() -> None:
    request = _request(b" \n", key="k")

    assert request.fields() is request.params


@pytest.mark.parametrize(
    ("body", "error"),
    [(b"[1, 2]", InvalidArgumentError), (b"{not json", InvalidJSONError)],
    ids=["not an object", "not json"],
)
def test_fields_of_a_body_that_is_not_a_json_object_are_refused(
    body: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error):
        _request(body).fields()
