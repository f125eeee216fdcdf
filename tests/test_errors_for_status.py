"""``ipc_error_for_status``: the one mapping from an HTTP API's error statuses to IPC errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import (
    AbortError,
    InternalError,
    InvalidArgumentError,
    IPCError,
    NotAllowedError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
    RouteTimeoutError,
    SecurityError,
    ServiceUnavailableError,
    ipc_error_for_status,
)
from oro_framework.host.envelope import decode_envelope, encode_error

EXACT = {
    400: InvalidArgumentError,
    403: NotAllowedError,
    404: NotFoundError,
    408: RouteTimeoutError,
    413: OutOfRangeError,
    499: AbortError,
    500: InternalError,
    501: NotSupportedError,
    503: ServiceUnavailableError,
}
"""Statuses an IPC error class answers with itself: they survive the round trip."""


@pytest.mark.parametrize(("status", "error_class"), EXACT.items())
def test_a_status_an_ipc_error_answers_with_round_trips(
    status: int, error_class: type[IPCError]
) -> None:
    error = ipc_error_for_status(status, "refused")

    assert type(error) is error_class
    assert error.status == status


@pytest.mark.parametrize(
    ("status", "error_class", "answered"),
    [(401, SecurityError, 403), (429, OutOfRangeError, 413)],
)
def test_statuses_without_an_ipc_error_of_their_own_get_the_nearest(
    status: int, error_class: type[IPCError], answered: int
) -> None:
    error = ipc_error_for_status(status, "refused")

    assert type(error) is error_class
    assert error.status == answered


@given(st.integers(min_value=100, max_value=599))
def test_every_status_maps_to_an_error_of_the_same_kind(status: int) -> None:
    error = ipc_error_for_status(status, "refused")

    # A client's mistake stays one and a server's fault stays one: a page retries or reports by
    # the status class, so a 4xx turned 5xx (or the reverse) would mislead it.
    if 400 <= status < 500:
        assert 400 <= error.status < 500
    else:
        assert error.status >= 500
    if status < 400:
        assert type(error) is InternalError
    assert ipc_error_for_status(error.status, "again").status == error.status


@given(
    st.integers(min_value=100, max_value=599),
    st.text(),
    st.dictionaries(st.sampled_from(["parameter", "retryAfter", "path"]), st.integers()),
)
def test_message_and_extras_reach_the_envelope(
    status: int, message: str, extra: dict[str, int]
) -> None:
    error = ipc_error_for_status(status, message, **extra)

    err = decode_envelope(encode_error("ai.llm.model.load", "R1", error))["err"]

    assert err == {
        **extra,
        "type": error.error_type,
        "code": error.default_code,
        "message": message,
    }


def test_a_code_replaces_the_default_one() -> None:
    error = ipc_error_for_status(404, "No model 'x'", code="MODEL_NOT_FOUND")

    assert error.to_dict()["code"] == "MODEL_NOT_FOUND"
