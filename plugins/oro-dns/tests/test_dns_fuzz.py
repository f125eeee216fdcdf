"""Hypothesis: whatever a page sends as dns.lookup/dns.resolve arguments, the answer is a result
or a typed error (an argument error or a DNS error with Node's code), never an internal error.
Hostnames are drawn so that none can reach a public resolver: numeric, `localhost`, or under
the reserved `.invalid` and `.test` (the latter asked of the stub server)."""

from __future__ import annotations

from typing import Any

import anyio
import oro_dns.plugin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oro_framework import ErrnoError, InvalidArgumentError, OutOfRangeError
from oro_framework.testing import MemoryClient, make_host

TYPED = (InvalidArgumentError, OutOfRangeError, ErrnoError)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=5,
)
LABELS = st.text(alphabet="abcxyz09-_.\0é ", max_size=70)
HOSTNAMES = st.one_of(
    st.just("localhost"),
    st.ip_addresses().map(str),
    LABELS.map(lambda label: f"{label}.invalid"),
    LABELS.map(lambda label: f"{label}.test"),
    st.integers(),
    st.none(),
)


def check(reply: Any) -> None:
    assert reply.error is None or isinstance(reply.error, TYPED), reply.error
    assert reply.status < 500


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hostname=HOSTNAMES,
    family=st.one_of(st.sampled_from([0, 4, 6, "ipv4", "IPv6", "4"]), JSON_VALUES),
    hints=st.one_of(st.sampled_from([0, 8, 16, 32, 56]), JSON_VALUES),
    order=st.one_of(st.sampled_from(["ipv4first", "ipv6first", "verbatim"]), JSON_VALUES),
    flags=st.fixed_dictionaries({}, optional={"all": JSON_VALUES, "verbatim": JSON_VALUES}),
)
def test_lookup_arguments_give_a_result_or_a_typed_error(
    hostname: Any, family: Any, hints: Any, order: Any, flags: dict[str, Any]
) -> None:
    async def run() -> None:
        async with make_host([oro_dns.plugin]) as host:
            reply = await MemoryClient(host).call(
                "dns.lookup", hostname=hostname, family=family, hints=hints, order=order, **flags
            )
            check(reply)

    anyio.run(run, backend="trio")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hostname=HOSTNAMES,
    rrtype=st.one_of(st.sampled_from(["A", "AAAA", "ANY", "MX", "TXT", "SOA"]), JSON_VALUES),
    ttl=JSON_VALUES,
    servers=st.one_of(st.none(), JSON_VALUES),
)
def test_resolve_arguments_give_a_result_or_a_typed_error(
    dns_server: str, hostname: Any, rrtype: Any, ttl: Any, servers: Any
) -> None:
    async def run() -> None:
        # Only the stub server is ever asked: drawn `servers` that parse are replaced by it.
        config = {"dns.servers": [dns_server], "dns.timeout_ms": 200, "dns.tries": 1}
        async with make_host([oro_dns.plugin], config=config) as host:
            client = MemoryClient(host)
            params = {"hostname": hostname, "rrtype": rrtype, "ttl": ttl}
            if servers is not None:
                params["servers"] = servers if _refused(servers) else [dns_server]
            check(await client.call("dns.resolve", **params))
            check(await client.call("dns.reverse", ip=hostname))

    anyio.run(run, backend="trio")


def _refused(servers: Any) -> bool:
    from oro_dns.servers import parse_servers

    if isinstance(servers, str):
        servers = [servers]
    try:
        parse_servers(servers)
    except (ValueError, TypeError, AttributeError):
        return True
    return False
