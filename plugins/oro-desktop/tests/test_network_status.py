"""What the network status service counts as online, read from the kernel's route tables as
``/proc/net/route`` and ``/proc/net/ipv6_route`` write them. (The service on a real network,
in a network namespace, and the page's events: tests/test_network_status_native.py.)"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from oro_desktop.network_status import default_route_devices

HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT"
DEFAULT_V4 = "oro0\t00000000\t0100FE0A\t0003\t0\t0\t0\t00000000\t0\t0\t0"
LINK_V4 = "oro0\t0000FE0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"
ZERO = "0" * 32
DEFAULT_V6 = (
    f"{ZERO} 00 {ZERO} 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth1"
)
UNREACHABLE_V6 = f"{ZERO} 00 {ZERO} 00 {ZERO} ffffffff 00000001 00000000 00200200 lo"
LINK_LOCAL_V6 = (
    f"fe800000000000000000000000000000 40 {ZERO} 00 {ZERO} 00000100 00000001 00000000 00000001 oro0"
)


def test_a_default_route_is_online_through_its_interface() -> None:
    assert default_route_devices(f"{HEADER}\n{DEFAULT_V4}\n{LINK_V4}\n", "") == {"oro0"}
    assert default_route_devices(HEADER, f"{DEFAULT_V6}\n{LINK_LOCAL_V6}\n") == {"eth1"}


def test_link_routes_and_the_unreachable_default_are_not() -> None:
    # An address on a LAN without a gateway, IPv6's link-local routes, and the kernel's own
    # "unreachable" IPv6 default on lo (RTF_REJECT) leave the machine offline.
    assert (
        default_route_devices(f"{HEADER}\n{LINK_V4}\n", f"{LINK_LOCAL_V6}\n{UNREACHABLE_V6}")
        == set()
    )
    down = DEFAULT_V4.replace("\t0003\t", "\t0002\t")
    assert default_route_devices(f"{HEADER}\n{down}\n", "") == set()


@given(st.text(), st.text())
def test_any_text_answers_a_subset_of_its_words(route: str, ipv6_route: str) -> None:
    """Whatever the files hold, no exception, and only names that are in them."""
    devices = default_route_devices(route, ipv6_route)
    words = set(route.split()) | set(ipv6_route.split())
    assert devices <= words
