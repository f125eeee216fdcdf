"""Any text as key, scope or value, sent as oro:secure-storage sends it (a JSON body), against a
real keyring: it round-trips, or it is refused with a typed 4xx error; never a 500, and never
seen by another app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from _keyring import Keyring
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oro_secure_storage import plugin
from oro_secure_storage.values import MAX_KEY_CHARS, MAX_SCOPE_CHARS

from oro_framework import InvalidArgumentError, OutOfRangeError, Reply
from oro_framework.testing import MemoryClient, make_host

APP, OTHER_APP = "com.example.props", "com.example.props2"


class Clients:
    def __init__(self, portal: BlockingPortal, app: MemoryClient, other: MemoryClient) -> None:
        self.portal, self.app, self.other = portal, app, other

    def call(self, route: str, fields: dict[str, Any], *, other: bool = False) -> Reply:
        client = self.other if other else self.app
        body = json.dumps(fields).encode()
        return self.portal.call(lambda: client.call(route, body=body))


@pytest.fixture
def clients(keyring: Keyring) -> Iterator[Clients]:
    with start_blocking_portal(backend="trio") as portal:
        environ = keyring.environ
        first = make_host([plugin], environ=environ, config={"meta.bundle_identifier": APP})
        second = make_host([plugin], environ=environ, config={"meta.bundle_identifier": OTHER_APP})
        with (
            portal.wrap_async_context_manager(first) as host,
            portal.wrap_async_context_manager(second) as other,
        ):
            yield Clients(portal, MemoryClient(host), MemoryClient(other))


def acceptable(text: str, limit: int) -> bool:
    if not text or len(text) > limit or "\0" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def assert_typed_refusal(reply: Reply) -> None:
    assert isinstance(reply.error, InvalidArgumentError | OutOfRangeError), reply.error
    assert 400 <= reply.status < 500


texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(["null", "true", "0", "config", "default", " ", "\0", "\ud800", "x" * 1025]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(scope=texts, key=texts, value=st.text(max_size=64))
def test_any_key_scope_and_value_round_trips_or_is_refused_typed(
    clients: Clients, scope: str, key: str, value: str
) -> None:
    fields = {"scope": scope, "key": key}
    kept = clients.call("secureStorage.set", {**fields, "value": value})
    valid = acceptable(scope, MAX_SCOPE_CHARS) and acceptable(key, MAX_KEY_CHARS)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        valid = False
    if not valid:
        assert_typed_refusal(kept)
        assert_typed_refusal(clients.call("secureStorage.get", fields))
        return
    assert kept.error is None, kept.error
    assert clients.call("secureStorage.get", fields).data["value"] == value
    assert key in clients.call("secureStorage.keys", {"scope": scope}).data["keys"]
    # Another app, same scope and key: nothing.
    assert clients.call("secureStorage.get", fields, other=True).data["value"] is None
    assert key not in clients.call("secureStorage.keys", {"scope": scope}, other=True).data["keys"]
    assert clients.call("secureStorage.remove", fields).data["removed"] is True
    assert clients.call("secureStorage.get", fields).data["value"] is None
