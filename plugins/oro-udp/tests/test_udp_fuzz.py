"""Hypothesis: whatever sequence of udp.* requests a page makes, with whatever arguments, each
answer is a result or a typed error (never an internal error), nothing listens beyond loopback
(or a multicast group) without ``udp.allow_any_address``, and closing the page closes every
descriptor it opened. Datagrams only ever go to loopback addresses."""

from __future__ import annotations

import ipaddress
from typing import Any

import anyio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oro_udp.errors import InvalidStateError
from oro_udp.state import STATE

from conftest import LOCAL_PEERS, UDP_PLUGINS
from oro_framework import (
    ErrnoError,
    InvalidArgumentError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
)
from oro_framework.testing import MemoryClient, make_host, open_descriptors, opened_since

TYPED = (
    InvalidArgumentError,
    OutOfRangeError,
    ErrnoError,
    NotFoundError,
    InvalidStateError,
    NotSupportedError,
)
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=6)
)
IDS = st.sampled_from(["a", "a", "b", "b", "c", "", "../x", 7])
PORTS = st.sampled_from([0, 0, 9, 9, 65535, -1, 65536, "9", None, "x", 1.5, True])
# Where a socket may bind or join: every kind the loopback rule must sort out.
LISTEN = (
    st.sampled_from(
        [
            "127.0.0.1",
            "127.0.0.2",
            "::1",
            "0.0.0.0",
            "::",
            "239.255.0.9",
            "ff02::1",
            "192.0.2.1",
            "localhost",
            "x.invalid",
            "",
            "[::1]",
        ]
    )
    | JUNK
)
# Where datagrams may go: loopback only, so that no test sends anything off this machine.
TARGETS = (
    st.sampled_from(["127.0.0.1", "::1", "localhost", "x.invalid", "", "not an ip"]) | st.none()
)
BODIES = st.sampled_from([b"", b"x", b"y" * 65508])


def requests(
    routes: list[str], required: dict[str, Any], optional: dict[str, Any] | None = None
) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """(route, params) for any of ``routes``: ``id`` and ``required`` always, ``optional``
    sometimes."""
    params = st.fixed_dictionaries({"id": IDS, **required}, optional=optional or {})
    return st.tuples(st.sampled_from(routes), params)


TYPES = st.sampled_from(["udp4", "udp4", "udp6", "udp5", None, 4])
FLAGS = st.sampled_from([True, False, True, 1, 0, "yes", None, 2, "x"])
NUMBERS = st.sampled_from([0, 1, 64, 255, 256, -1, 4096, 1 << 31, "8", None, 2.5, "x"])
OPERATIONS = st.one_of(
    requests(
        ["udp.bind"],
        {"port": PORTS},
        {
            "address": LISTEN,
            "type": TYPES,
            "reuseAddr": JUNK,
            "ipv6Only": JUNK,
            "recvBufferSize": JUNK,
        },
    ),
    requests(["udp.connect"], {"port": PORTS}, {"address": TARGETS, "type": TYPES}),
    requests(["udp.send"], {}, {"port": PORTS, "address": TARGETS, "ephemeral": FLAGS}),
    requests(
        ["udp.sendMany"],
        {"sizes": st.lists(st.integers(-1, 3), max_size=3) | JUNK},
        {"ports": st.lists(PORTS, max_size=3), "addresses": st.lists(TARGETS, max_size=3)},
    ),
    requests(
        ["udp.addMembership", "udp.dropMembership"], {"address": LISTEN}, {"interface": LISTEN}
    ),
    requests(
        ["udp.addSourceSpecificMembership", "udp.dropSourceSpecificMembership"],
        {"address": LISTEN, "source": LISTEN},
        {"interface": LISTEN},
    ),
    requests(["udp.setTTL", "udp.setMulticastTTL"], {"ttl": NUMBERS}),
    requests(["udp.setBroadcast", "udp.setMulticastLoopback", "udp.setIPv6Only"], {"on": FLAGS}),
    requests(["udp.setMulticastInterface"], {"interface": LISTEN}),
    requests(["udp.setRecvBufferSize", "udp.setSendBufferSize"], {"size": NUMBERS}),
    requests(
        [
            "udp.close",
            "udp.disconnect",
            "udp.readStart",
            "udp.readStop",
            "udp.getState",
            "udp.getSockName",
            "udp.getPeerName",
            "udp.getRecvBufferSize",
        ],
        {},
    ),
)


def _listens_only_where_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_loopback or ip.is_multicast


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    operations=st.lists(st.tuples(OPERATIONS, BODIES), min_size=1, max_size=12),
    first_bound=st.booleans(),
)
def test_any_requests_give_results_or_typed_errors_and_leak_nothing(
    operations: list[tuple[tuple[str, dict[str, Any]], bytes]], first_bound: bool
) -> None:
    async def run() -> None:
        async with make_host(UDP_PLUGINS, config=LOCAL_PEERS) as host:
            page = MemoryClient(host, window=0)
            before = open_descriptors()
            # Most sequences start from a bound socket, so that the operations reach the system.
            start = [(("udp.bind", {"id": "a", "port": 0}), b"")] if first_bound else []
            for (route, params), body in [*start, *operations]:
                reply = await page.call(route, body, **params)
                assert reply.error is None or isinstance(reply.error, TYPED), (route, reply.error)
                assert reply.status < 500, (route, params, reply.error)
                for sock in host.stash[STATE].sockets.values():
                    if sock.raw is not None:
                        bound = sock.raw.getsockname()[0]
                        assert _listens_only_where_allowed(bound), (route, params, bound)
            host.hooks.page_closed(host, 0)
            assert not host.stash[STATE].sockets
            assert opened_since(before) == {}

    anyio.run(run, backend="trio")
