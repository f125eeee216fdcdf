"""Window launch tokens: every window the app creates opens its own session through a
single-use token that only the run's gatekeeper accepts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework import SecurityError
from oro_framework.web.security import Gatekeeper, LaunchRedirect, Refused, window_launch_token

RUN_TOKEN = "r" * 43
PORT = 8123


def redeem(gatekeeper: Gatekeeper, token: str) -> str:
    """Open the launch URL carrying ``token`` as a browser without a session does: the session
    the gatekeeper issues, or its refusal raised."""
    decision = gatekeeper.admit({"host": f"127.0.0.1:{PORT}"}, port=PORT, launch_token=token)
    if isinstance(decision, Refused):
        raise decision.error
    assert isinstance(decision, LaunchRedirect)
    assert decision.session is not None
    return decision.session


def test_a_window_token_opens_one_session_and_then_is_spent():
    gatekeeper = Gatekeeper(launch_token=RUN_TOKEN)
    token = window_launch_token(RUN_TOKEN, 3)

    session = redeem(gatekeeper, token)

    assert gatekeeper.has_session(f"oro_session={session}")
    with pytest.raises(SecurityError, match="already used"):
        redeem(gatekeeper, token)


def test_window_tokens_are_distinct_and_do_not_spend_each_other_or_the_run_token():
    gatekeeper = Gatekeeper(launch_token=RUN_TOKEN)
    tokens = [window_launch_token(RUN_TOKEN, 1) for _ in range(3)]

    sessions = {redeem(gatekeeper, token) for token in tokens}
    sessions.add(redeem(gatekeeper, RUN_TOKEN))

    assert len(set(tokens)) == 3
    assert len(sessions) == 4


def test_window_tokens_still_work_after_the_run_token_was_spent():
    gatekeeper = Gatekeeper(launch_token=RUN_TOKEN)
    redeem(gatekeeper, RUN_TOKEN)

    assert redeem(gatekeeper, window_launch_token(RUN_TOKEN, 63))


def test_a_window_token_of_another_run_is_refused():
    gatekeeper = Gatekeeper(launch_token=RUN_TOKEN)

    with pytest.raises(SecurityError):
        redeem(gatekeeper, window_launch_token("another-run-token", 1))


def test_the_token_names_its_window():
    assert re.fullmatch(r"w12\.[\w-]+\.[\w-]{43}", window_launch_token(RUN_TOKEN, 12))


@settings(max_examples=300)
@given(index=st.integers(0, 63), position=st.integers(0, 200), replacement=st.characters())
def test_a_window_token_changed_anywhere_is_refused(index, position, replacement):
    gatekeeper = Gatekeeper(launch_token=RUN_TOKEN)
    token = window_launch_token(RUN_TOKEN, index)
    position %= len(token)
    forged = token[:position] + replacement + token[position + 1 :]
    if forged == token:
        return  # the same character: not a change

    with pytest.raises(SecurityError):
        redeem(gatekeeper, forged)


@settings(max_examples=300)
@given(
    token=st.one_of(
        st.text(),
        st.from_regex(r"w\d{1,4}\.[\w-]{16,64}\.[\w-]{43}", fullmatch=True),
    )
)
def test_nothing_but_a_minted_token_opens_a_session(token):
    gatekeeper = Gatekeeper(launch_token=RUN_TOKEN)

    with pytest.raises(SecurityError):
        redeem(gatekeeper, token)
