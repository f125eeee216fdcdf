"""The dns.* routes in memory: lookup against localhost, /etc/hosts and numeric hosts, resolve*
and reverse against the stub DNS server on a loopback port. No test asks a public name."""

from __future__ import annotations

import socket
from typing import Any

import oro_dns.plugin
import pytest
from oro_dns.state import STATE

from oro_framework import ConfigError, ErrnoError, InvalidArgumentError, NotAllowedError
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


async def ok(client: MemoryClient, route: str, **params: Any) -> Any:
    return raise_for_error(await client.call(route, **params))


async def failure(client: MemoryClient, route: str, **params: Any) -> dict[str, Any]:
    reply = await client.call(route, **params)
    assert reply.error is not None, reply
    return reply.error.to_dict()


# -- lookup --------------------------------------------------------------------------------


async def test_lookup_localhost_answers_the_loopback_address(client: MemoryClient) -> None:
    assert await ok(client, "dns.lookup", hostname="localhost", family=4) == {
        "address": "127.0.0.1",
        "family": 4,
    }


async def test_lookup_numeric_hosts_answer_themselves(client: MemoryClient) -> None:
    assert await ok(client, "dns.lookup", hostname="127.0.0.1") == {
        "address": "127.0.0.1",
        "family": 4,
    }
    assert await ok(client, "dns.lookup", hostname="::1") == {"address": "::1", "family": 6}
    assert await ok(client, "dns.lookup", hostname="::1", all=True) == {
        "addresses": [{"address": "::1", "family": 6}]
    }


async def test_lookup_all_has_one_entry_per_address(client: MemoryClient) -> None:
    # getaddrinfo would answer each address once per socket type; SOCK_STREAM keeps one.
    answer = await ok(client, "dns.lookup", hostname="localhost", all=True)
    addresses = [entry["address"] for entry in answer["addresses"]]
    assert "127.0.0.1" in addresses
    assert len(addresses) == len(set(addresses))


@pytest.mark.parametrize("family", [4, "4", "ipv4", "IPv4"])
async def test_lookup_accepts_oro_and_node_family_spellings(
    client: MemoryClient, family: object
) -> None:
    answer = await ok(client, "dns.lookup", hostname="127.0.0.1", family=family)
    assert answer["family"] == 4


async def test_lookup_orders_ipv4_first_unless_told(client: MemoryClient) -> None:
    # Numeric hosts of both families through one call are impossible; sort a fixed answer of
    # the system's resolver instead: /etc/hosts' localhost is at least 127.0.0.1.
    first = await ok(client, "dns.lookup", hostname="localhost", all=True)
    families = [entry["family"] for entry in first["addresses"]]
    assert families == sorted(families)
    last = await ok(client, "dns.lookup", hostname="localhost", all=True, order="ipv6first")
    assert [entry["family"] for entry in last["addresses"]] == sorted(families, reverse=True)


async def test_lookup_of_an_unknown_name_is_enotfound_in_nodes_shape(
    client: MemoryClient,
) -> None:
    # .invalid never resolves (RFC 6761), and the host has no DNS to ask anyway.
    error = await failure(client, "dns.lookup", hostname="nothing.invalid")
    assert error["code"] in ("ENOTFOUND", "EAI_AGAIN")
    assert error["syscall"] == "getaddrinfo"
    assert error["hostname"] == "nothing.invalid"
    assert error["type"] == "ErrnoError"
    assert error["message"] == f"getaddrinfo {error['code']} nothing.invalid"
    assert error["errno"] in (-3008, -3007, -3001)


@pytest.mark.parametrize(
    ("eai", "code", "errno"),
    [
        ("EAI_NONAME", "ENOTFOUND", -3008),
        ("EAI_NODATA", "ENOTFOUND", -3007),
        ("EAI_AGAIN", "EAI_AGAIN", -3001),
        ("EAI_FAIL", "EAI_FAIL", -3004),
        ("EAI_FAMILY", "EAI_FAMILY", -3005),
    ],
)
def test_getaddrinfo_failures_map_to_nodes_codes_and_libuv_numbers(
    eai: str, code: str, errno: int
) -> None:
    if not hasattr(socket, eai):
        # EAI_NODATA is glibc's; elsewhere getaddrinfo never answers it.
        assert eai == "EAI_NODATA"
        return
    error = ErrnoError.from_gaierror(socket.gaierror(getattr(socket, eai), "text"), "h.invalid")
    assert error.to_dict() == {
        "type": "ErrnoError",
        "code": code,
        "errno": errno,
        "syscall": "getaddrinfo",
        "hostname": "h.invalid",
        "message": f"getaddrinfo {code} h.invalid",
    }


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"family": 5}, "family"),
        ({"family": "ipv5"}, "family"),
        ({"hints": 1}, "hints"),
        ({"order": "random"}, "order"),
        ({"hostname": "a\0b"}, "hostname"),
    ],
)
async def test_lookup_refuses_bad_options_with_nodes_code(
    client: MemoryClient, params: dict[str, Any], parameter: str
) -> None:
    reply = await client.call("dns.lookup", **{"hostname": "localhost", **params})
    assert isinstance(reply.error, InvalidArgumentError)
    assert reply.error.code == "ERR_INVALID_ARG_VALUE"
    assert reply.error.extra["parameter"] == parameter


async def test_lookup_hints_are_passed_to_getaddrinfo(client: MemoryClient) -> None:
    # ADDRCONFIG | V4MAPPED | ALL, in Node's (Linux's) numbers.
    answer = await ok(client, "dns.lookup", hostname="127.0.0.1", hints=32 | 8 | 16)
    assert answer == {"address": "127.0.0.1", "family": 4}


# -- resolve ---------------------------------------------------------------------------------


async def test_resolve_a_and_aaaa(client: MemoryClient) -> None:
    assert await ok(client, "dns.resolve", hostname="a.test") == {
        "records": ["192.0.2.1", "192.0.2.2"]
    }
    assert await ok(client, "dns.resolve", hostname="a.test", rrtype="AAAA") == {
        "records": ["2001:db8::1"]
    }
    assert await ok(client, "dns.resolve", hostname="v4.test", ttl=True) == {
        "records": [{"address": "192.0.2.9", "ttl": 60}]
    }


async def test_resolve_follows_a_cname(client: MemoryClient) -> None:
    answer = await ok(client, "dns.resolve", hostname="alias.test")
    assert answer == {"records": ["192.0.2.1", "192.0.2.2"]}
    assert await ok(client, "dns.resolve", hostname="alias.test", rrtype="CNAME") == {
        "records": ["a.test"]
    }


async def test_resolve_record_types_in_nodes_shapes(client: MemoryClient) -> None:
    async def records(hostname: str, rrtype: str) -> Any:
        return (await ok(client, "dns.resolve", hostname=hostname, rrtype=rrtype))["records"]

    assert sorted(await records("mail.test", "MX"), key=lambda r: r["priority"]) == [
        {"exchange": "mx1.test", "priority": 10},
        {"exchange": "mx2.test", "priority": 20},
    ]
    assert sorted(await records("text.test", "TXT")) == [["hello", "world"], ["v=spf1 -all"]]
    assert await records("_sip._tcp.test", "SRV") == [
        {"name": "sip.test", "port": 5060, "priority": 10, "weight": 60}
    ]
    assert await records("test", "NS") == ["ns1.test"]
    assert await records("1.2.0.192.in-addr.arpa", "PTR") == ["a.test"]
    assert await records("test", "SOA") == {
        "nsname": "ns1.test",
        "hostmaster": "admin.test",
        "serial": 2024010101,
        "refresh": 3600,
        "retry": 600,
        "expire": 86400,
        "minttl": 60,
    }


async def test_resolve_any_tags_each_record_with_its_type(client: MemoryClient) -> None:
    records = (await ok(client, "dns.resolve", hostname="a.test", rrtype="ANY"))["records"]
    assert sorted(records, key=lambda r: r["address"]) == [
        {"address": "192.0.2.1", "ttl": 300, "type": "A"},
        {"address": "192.0.2.2", "ttl": 300, "type": "A"},
        {"address": "2001:db8::1", "ttl": 300, "type": "AAAA"},
    ]
    mail = (await ok(client, "dns.resolve", hostname="mail.test", rrtype="ANY"))["records"]
    assert {"exchange": "mx1.test", "priority": 10, "type": "MX"} in mail


async def test_reverse_answers_the_ptr_names(client: MemoryClient) -> None:
    assert await ok(client, "dns.reverse", ip="192.0.2.1") == {"hostnames": ["a.test"]}


@pytest.mark.parametrize(
    ("hostname", "rrtype", "code"),
    [
        ("missing.test", "A", "ENOTFOUND"),
        ("mail.test", "A", "ENODATA"),
        ("servfail.test", "A", "ESERVFAIL"),
        ("refused.test", "MX", "EREFUSED"),
        ("missing.test", "ANY", "ENOTFOUND"),
        ("servfail.test", "ANY", "ESERVFAIL"),
        ("a..test", "A", "EBADNAME"),
        ("x" * 64 + ".test", "TXT", "EBADNAME"),
    ],
)
async def test_resolve_failures_carry_nodes_codes(
    client: MemoryClient, hostname: str, rrtype: str, code: str
) -> None:
    error = await failure(client, "dns.resolve", hostname=hostname, rrtype=rrtype)
    syscall = {"A": "queryA", "MX": "queryMx", "ANY": "queryAny", "TXT": "queryTxt"}[rrtype]
    assert error == {
        "type": "ErrnoError",
        "code": code,
        "syscall": syscall,
        "hostname": hostname,
        "message": f"{syscall} {code} {hostname}",
    }


@pytest.mark.parametrize("rrtype", ["A", "ANY"])
async def test_a_name_never_answered_times_out(client: MemoryClient, rrtype: str) -> None:
    error = await failure(
        client, "dns.resolve", hostname="silent.test", rrtype=rrtype, timeout=50, tries=2
    )
    assert error["code"] == "ETIMEOUT"


async def test_a_closed_port_times_out(client: MemoryClient) -> None:
    # Nothing listens on port 9 here. dnspython asks over an unconnected UDP socket, which never
    # sees the ICMP refusal that gives c-ares (Node) ECONNREFUSED: the query times out instead.
    error = await failure(
        client, "dns.resolve", hostname="a.test", servers=["127.0.0.1:9"], timeout=50, tries=1
    )
    assert error["code"] == "ETIMEOUT"


async def test_reverse_of_a_non_address_is_einval(client: MemoryClient) -> None:
    error = await failure(client, "dns.reverse", ip="not-an-ip")
    assert (error["code"], error["syscall"]) == ("EINVAL", "getHostByAddr")


async def test_servers_per_request_override_the_configured_ones(dns_server: str) -> None:
    # The configured server refuses (nothing listens on port 9); the request names the stub.
    async with make_host([oro_dns.plugin], config={"dns.servers": ["127.0.0.1:9"]}) as host:
        client = MemoryClient(host)
        assert await ok(client, "dns.getServers") == {"servers": ["127.0.0.1:9"]}
        answer = await ok(client, "dns.resolve", hostname="v4.test", servers=[dns_server])
        assert answer == {"records": ["192.0.2.9"]}


@pytest.mark.parametrize("servers", [["example.com"], ["1.2.3.4:99999"], "[::1", [1]])
async def test_bad_servers_are_refused(client: MemoryClient, servers: object) -> None:
    reply = await client.call("dns.resolve", hostname="a.test", servers=servers)
    assert isinstance(reply.error, InvalidArgumentError)


async def test_bad_configured_servers_stop_the_host() -> None:
    with pytest.raises(ConfigError, match=r"Invalid IP address: dns\.example"):
        async with make_host([oro_dns.plugin], config={"dns.servers": ["dns.example"]}):
            pass


async def test_unknown_rrtype_is_a_type_error(client: MemoryClient) -> None:
    reply = await client.call("dns.resolve", hostname="a.test", rrtype="WKS")
    assert isinstance(reply.error, InvalidArgumentError)
    assert reply.error.code == "ERR_INVALID_ARG_VALUE"


async def test_routes_are_refused_without_the_permission() -> None:
    async with make_host([oro_dns.plugin], config={"permissions.allow_dns": False}) as host:
        reply = await MemoryClient(host).call("dns.lookup", hostname="localhost")
        assert isinstance(reply.error, NotAllowedError)


async def test_diagnostics_count_lookups_and_queries(host: Any, client: MemoryClient) -> None:
    await ok(client, "dns.lookup", hostname="127.0.0.1")
    await client.call("dns.resolve", hostname="missing.test")
    state = host.stash[STATE]
    assert (state.lookups, state.queries) == (1, 1)
    assert ErrnoError  # the error class the routes raise, re-exported by oro_framework
