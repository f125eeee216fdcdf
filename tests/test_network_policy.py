"""oro_framework.network: the address spaces raw sockets are checked against (Private Network
Access's, plus the unspecified address, multicast, broadcast and the metadata services) and the
allow-list entries that open them."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import ErrnoError
from oro_framework.network import (
    PrivateNetworkPolicy,
    address_space,
    parse_allow_entry,
    same_address,
)


@pytest.mark.parametrize(
    ("address", "space"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::7f00:1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.10.1", "link-local"),
        ("fe80::1%lo", "link-local"),
        ("10.9.8.7", "private"),
        ("172.31.255.255", "private"),
        ("192.168.0.1", "private"),
        ("100.64.0.1", "private"),
        ("fd12::1", "private"),
        ("::ffff:192.168.0.1", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("::ffff:169.254.169.254", "metadata"),
        ("224.0.0.251", "multicast"),
        ("ff02::fb", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("172.32.0.1", "public"),
        ("8.8.8.8", "public"),
        ("2606:4700::1111", "public"),
    ],
)
def test_address_spaces(address: str, space: str) -> None:
    assert address_space(address) == space


@given(st.integers(0, 2**32 - 1))
def test_an_ipv4_address_in_an_ipv6_form_is_judged_as_itself(number: int) -> None:
    v4 = ipaddress.IPv4Address(number)
    policy = PrivateNetworkPolicy(["10.0.0.0/8", "127.0.0.1:80"], key="tcp.allow_private")
    for form in (f"::ffff:{v4}", f"64:ff9b::{v4}"):
        assert address_space(form) == address_space(v4)
        for port in (80, 81):
            assert policy.refusal(form, port) == policy.refusal(str(v4), port)


def test_entries_name_an_address_a_network_or_a_host_with_an_optional_port() -> None:
    policy = PrivateNetworkPolicy(
        ["127.0.0.1:5432", "[::1]:8080", "10.0.0.0/8", "[fd00::/8]:53", "db.lan:5432"],
        key="tcp.allow_private",
    )
    assert policy.refusal("127.0.0.1", 5432) is None
    assert policy.refusal("127.0.0.1", 5433) == "loopback"
    assert policy.refusal("::1", 8080) is None
    assert policy.refusal("10.200.0.1", 1) is None
    assert policy.refusal("fd00::5", 53) is None
    assert policy.refusal("fd00::5", 54) == "private"
    assert policy.refusal("192.168.1.5", 5432, name="DB.LAN.") is None
    assert policy.refusal("192.168.1.5", 5432, name="other.lan") == "private"
    assert policy.refusal("192.168.1.5", 5432) == "private"


def test_a_metadata_address_opens_only_to_an_entry_naming_it() -> None:
    wide = PrivateNetworkPolicy(["169.254.0.0/16", "0.0.0.0/0", "cloud"], key="k")
    assert wide.refusal("169.254.169.254", 80, name="cloud") == "metadata"
    assert wide.refusal("169.254.1.1", 80) is None
    exact = PrivateNetworkPolicy(["169.254.169.254:80"], key="k")
    assert exact.refusal("169.254.169.254", 80) is None
    assert exact.refusal("169.254.169.254", 81) == "metadata"


def test_reserved_ports_stay_closed_whatever_is_allowed() -> None:
    policy = PrivateNetworkPolicy(["0.0.0.0/0", "::/0", "localhost"], key="k")
    for address in ("127.0.0.1", "127.0.0.2", "::1", "0.0.0.0", "::ffff:127.0.0.1"):
        assert policy.refusal(address, 4000, reserved_ports={4000}) is not None
        assert policy.refusal(address, 4001, reserved_ports={4000}) is None
    with pytest.raises(ErrnoError, match=r"connect EACCES 127\.0\.0\.1:4000 \(the app's own"):
        policy.check("127.0.0.1", 4000, syscall="connect", reserved_ports={4000})


@pytest.mark.parametrize(
    "entry", ["", "a b", "10.0.0.1/8", "[::1", "[::1]x", "host:0", "host:65536", "h..x", "x/y"]
)
def test_malformed_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="allow-list entry"):
        parse_allow_entry(entry)


def test_same_address_compares_addresses_not_spellings() -> None:
    assert same_address("::1", "0:0::1")
    assert same_address("fe80::1%eth0", "fe80::1")
    assert not same_address("127.0.0.1", "127.0.0.2")
    assert not same_address("localhost", "localhost")
