"""The udp.* routes against real UDP sockets on loopback: binding, sending in order, peers,
typed errors, the loopback-only default, limits and ownership by the page."""

from __future__ import annotations

import os
import socket
from typing import Any

import anyio
import pytest
from oro_udp.state import STATE

from conftest import LOCAL_PEERS, UDP_PLUGINS, udp_peer
from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


def port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


async def bound(client: MemoryClient, socket_id: str = "s1", **params: Any) -> dict[str, Any]:
    reply = await client.call("udp.bind", id=socket_id, **{"port": 0, **params})
    assert reply.ok, reply.error
    return dict(reply.data)


async def test_bind_answers_oros_fields_and_binds_loopback_by_default(client: MemoryClient) -> None:
    data = await bound(client)
    assert data["event"] == "listening"
    assert (data["address"], data["family"], data["id"]) == ("127.0.0.1", "IPv4", "s1")
    assert data["recvBufferSize"] > 0
    assert data["sendBufferSize"] > 0
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other,
        pytest.raises(OSError, match="in use"),  # the port is really taken
    ):
        other.bind(("127.0.0.1", data["port"]))
    six = await bound(client, "s6", type="udp6")
    assert (six["address"], six["family"]) == ("::1", "IPv6")


async def test_listening_beyond_loopback_needs_the_config_key(client: MemoryClient) -> None:
    reply = await client.call("udp.bind", id="s1", port=0, address="0.0.0.0")
    assert reply.status == 403
    assert (reply.error.code, reply.error.extra["syscall"]) == ("EACCES", "bind")
    assert "allow_any_address" in reply.error.extra["hint"]
    async with make_host(
        UDP_PLUGINS, config={**LOCAL_PEERS, "udp.allow_any_address": True}
    ) as host:
        anywhere = MemoryClient(host)
        assert (await bound(anywhere))["address"] == "0.0.0.0"
        assert (await bound(anywhere, "s2", address="0.0.0.0"))["address"] == "0.0.0.0"


async def test_send_reaches_the_peer_and_send_many_keeps_order(
    client: MemoryClient, peer: socket.socket
) -> None:
    own = (await bound(client))["port"]
    reply = await client.call(
        "udp.send", b"hello", id="s1", port=port_of(peer), address="127.0.0.1"
    )
    assert reply.data == {"id": "s1", "status": 0, "bytes": 5}
    assert peer.recvfrom(100) == (b"hello", ("127.0.0.1", own))
    payloads = [f"datagram {n}".encode() for n in range(200)]
    reply = await client.call(
        "udp.sendMany",
        b"".join(payloads),
        id="s1",
        sizes=[len(p) for p in payloads],
        ports=[port_of(peer)] * len(payloads),
        addresses=["localhost" if n % 2 else "127.0.0.1" for n in range(len(payloads))],
    )
    assert reply.data["results"] == [len(p) for p in payloads]
    assert [peer.recvfrom(100)[0] for _ in payloads] == payloads


async def test_one_failed_datagram_does_not_stop_the_others(
    client: MemoryClient, peer: socket.socket
) -> None:
    await bound(client)
    sizes = [1, 65508, 2]
    reply = await client.call(
        "udp.sendMany",
        b"a" + b"x" * 65508 + b"bc",
        id="s1",
        sizes=sizes,
        ports=[port_of(peer)] * 3,
        addresses=["127.0.0.1", "127.0.0.1", "no-such-host.invalid"],
    )
    first, too_big, unknown = reply.data["results"]
    assert first == 1
    assert (too_big["code"], too_big["syscall"], too_big["port"]) == (
        "EMSGSIZE",
        "send",
        port_of(peer),
    )
    assert too_big["message"] == f"send EMSGSIZE 127.0.0.1:{port_of(peer)}"
    assert (unknown["code"], unknown["syscall"]) == ("ENOTFOUND", "getaddrinfo")
    assert peer.recvfrom(100)[0] == b"a"


async def test_the_largest_datagram_goes_and_one_byte_more_is_emsgsize(
    client: MemoryClient, peer: socket.socket
) -> None:
    await bound(client)
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    ok = await client.call("udp.send", b"x" * 65507, id="s1", port=port_of(peer))
    assert ok.data["bytes"] == 65507
    assert len(peer.recv(70000)) == 65507
    too_big = await client.call("udp.send", b"x" * 65508, id="s1", port=port_of(peer))
    assert (too_big.error.code, too_big.error.extra["errno"]) == ("EMSGSIZE", -90)


async def test_sendmany_refuses_sizes_that_do_not_add_up(client: MemoryClient) -> None:
    await bound(client)
    for sizes in ([1, 1], [], [-1, 4], "3", [True, 2]):
        reply = await client.call("udp.sendMany", b"abc", id="s1", sizes=sizes, ports=[9, 9])
        assert (reply.status, reply.error.error_type) == (400, "TypeError"), sizes


async def test_send_binds_first_as_node_does_and_ephemeral_closes_after(
    host: Host, client: MemoryClient, peer: socket.socket
) -> None:
    reply = await client.call("udp.send", b"first", id="s1", port=port_of(peer))
    assert reply.ok
    data, (address, port) = peer.recvfrom(100)
    assert (data, address) == (b"first", "127.0.0.1")
    assert (await client.call("udp.getSockName", id="s1")).data["port"] == port
    reply = await client.call("udp.send", b"once", id="e1", port=port_of(peer), ephemeral=True)
    assert reply.data["bytes"] == 4
    assert peer.recvfrom(100)[0] == b"once"
    assert (await client.call("udp.getState", id="e1")).error.code == (
        "ERR_SOCKET_DGRAM_NOT_RUNNING"
    )
    assert host.stash[STATE].sockets.keys() == {"s1"}


async def test_connect_disconnect_and_node_state_errors(
    client: MemoryClient, peer: socket.socket
) -> None:
    await bound(client)
    no_peer = await client.call("udp.getPeerName", id="s1")
    assert (no_peer.error.code, no_peer.error.message) == (
        "ERR_SOCKET_DGRAM_NOT_CONNECTED",
        "Not connected",
    )
    assert (await client.call("udp.send", b"x", id="s1")).error.code == (
        "ERR_SOCKET_DGRAM_NOT_CONNECTED"
    )
    peer_name = await client.call("udp.connect", id="s1", port=port_of(peer))
    assert peer_name.data == {
        "id": "s1",
        "address": "127.0.0.1",
        "family": "IPv4",
        "port": port_of(peer),
    }
    again = await client.call("udp.connect", id="s1", port=port_of(peer))
    assert (again.error.code, again.error.message) == (
        "ERR_SOCKET_DGRAM_IS_CONNECTED",
        "Already connected",
    )
    assert (await client.call("udp.send", b"x", id="s1", port=1)).error.code == (
        "ERR_SOCKET_DGRAM_IS_CONNECTED"
    )
    assert (await client.call("udp.send", b"to peer", id="s1")).data["bytes"] == 7
    assert peer.recvfrom(100)[0] == b"to peer"
    state = (await client.call("udp.getState", id="s1")).data
    assert (state["bound"], state["connected"], state["closed"]) == (True, True, False)
    assert (await client.call("udp.disconnect", id="s1")).ok
    assert (await client.call("udp.disconnect", id="s1")).error.code == (
        "ERR_SOCKET_DGRAM_NOT_CONNECTED"
    )
    assert (await client.call("udp.getState", id="s1")).data["connected"] is False


async def test_typed_errors_for_ports_types_ids_and_taken_addresses(
    client: MemoryClient,
) -> None:
    port = (await bound(client))["port"]
    cases = {
        "bad port": (await client.call("udp.bind", id="a", port=65536), "ERR_SOCKET_BAD_PORT"),
        "bad type": (
            await client.call("udp.bind", id="a", port=0, type="udp5"),
            "ERR_SOCKET_BAD_TYPE",
        ),
        "bound": (await client.call("udp.bind", id="s1", port=0), "ERR_SOCKET_ALREADY_BOUND"),
        "in use": (
            await client.call("udp.bind", id="a", port=port, address="127.0.0.1"),
            "EADDRINUSE",
        ),
        "unknown": (await client.call("udp.close", id="nope"), "ERR_SOCKET_DGRAM_NOT_RUNNING"),
        "bad id": (await client.call("udp.close", id="../x"), "ERR_INVALID_ARG_TYPE"),
        "no port": (await client.call("udp.bind", id="a"), "ERR_MISSING_ARGS"),
        "connect 0": (await client.call("udp.connect", id="a", port=0), "ERR_SOCKET_BAD_PORT"),
        "ttl": (await client.call("udp.setTTL", id="s1", ttl=0), "EINVAL"),
    }
    for name, (reply, code) in cases.items():
        assert reply.error is not None, name
        assert reply.error.code == code, (name, reply.error)
        assert reply.status < 500, name
    in_use = cases["in use"][0].error
    assert in_use.message == f"bind EADDRINUSE 127.0.0.1:{port}"
    assert (in_use.extra["errno"], in_use.extra["address"], in_use.extra["port"]) == (
        -98,
        "127.0.0.1",
        port,
    )


async def test_a_socket_belongs_to_its_page(host: Host, client: MemoryClient) -> None:
    await bound(client)
    other = MemoryClient(host, window=1)
    for route in ("udp.getSockName", "udp.close", "udp.readStart", "udp.setBroadcast"):
        reply = await other.call(route, id="s1", on=True)
        assert reply.error.code == "ERR_SOCKET_DGRAM_NOT_RUNNING", route
    # Ids are Conduit client ids, unique across pages: another page cannot take one in use.
    assert (await other.call("udp.bind", id="s1", port=0)).error.code == (
        "ERR_SOCKET_ALREADY_BOUND"
    )
    assert (await client.call("udp.getSockName", id="s1")).ok


async def test_sockets_per_page_are_limited() -> None:
    async with make_host(
        UDP_PLUGINS, config={**LOCAL_PEERS, "udp.max_sockets_per_page": 2}
    ) as host:
        page = MemoryClient(host, window=0)
        await bound(page, "a")
        await bound(page, "b")
        third = await page.call("udp.bind", id="c", port=0)
        assert (third.error.code, third.error.extra["syscall"]) == ("EMFILE", "bind")
        assert (await page.call("udp.send", b"x", id="c", port=9)).error.code == "EMFILE"
        await bound(MemoryClient(host, window=1), "d")  # another page has its own budget
        assert (await page.call("udp.close", id="a")).ok
        await bound(page, "c")


async def test_closing_the_page_closes_its_sockets(host: Host, client: MemoryClient) -> None:
    port = (await bound(client))["port"]
    await bound(MemoryClient(host, window=1), "other")
    host.hooks.page_closed(host, 0)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
        again.bind(("127.0.0.1", port))
    assert (await client.call("udp.getState", id="s1")).error.code == (
        "ERR_SOCKET_DGRAM_NOT_RUNNING"
    )
    assert (await MemoryClient(host, window=1).call("udp.getState", id="other")).ok


async def test_stopping_the_host_closes_every_socket() -> None:
    async with make_host(UDP_PLUGINS, config=LOCAL_PEERS) as host:
        port = (await bound(MemoryClient(host)))["port"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
        again.bind(("127.0.0.1", port))


async def test_buffer_sizes_and_options(client: MemoryClient) -> None:
    await bound(client)
    applied = await client.call("udp.setRecvBufferSize", id="s1", size=65536)
    assert applied.data["size"] >= 65536
    assert (await client.call("udp.getRecvBufferSize", id="s1")).data == applied.data
    assert (await client.call("udp.setSendBufferSize", id="s1", size=32768)).ok
    for route, params in (
        ("udp.setBroadcast", {"on": True}),
        ("udp.setTTL", {"ttl": 64}),
        ("udp.setMulticastTTL", {"ttl": 0}),
        ("udp.setMulticastLoopback", {"on": False}),
        ("udp.setMulticastInterface", {"interface": "127.0.0.1"}),
    ):
        assert (await client.call(route, id="s1", **params)).ok, route
    bad = await client.call("udp.setMulticastInterface", id="s1", interface="not an ip")
    assert (bad.error.code, bad.error.extra["syscall"]) == ("EINVAL", "setMulticastInterface")
    assert (await client.call("udp.capabilities")).data == {
        "multicast": True,
        "broadcast": True,
        "ipv6only": True,
        "ssm": True,
        "reusePort": True,
    }


async def test_ipv6_sockets(client: MemoryClient) -> None:
    with udp_peer("::1", socket.AF_INET6) as peer6:
        six = await bound(client, "v6", type="udp6")
        reply = await client.call("udp.send", b"six", id="v6", port=port_of(peer6), address="::1")
        assert reply.ok
        assert peer6.recvfrom(10)[:1] == (b"six",)
        wrong = await client.call("udp.send", b"x", id="v6", port=9, address="127.0.0.1")
        assert wrong.error.code == "EINVAL"
        assert six["port"] > 0


async def test_reuse_addr_lets_two_sockets_share_a_port(client: MemoryClient) -> None:
    first = await bound(client, "a", reuseAddr=True)
    second = await bound(client, "b", port=first["port"], reuseAddr=True)
    assert second["port"] == first["port"]


async def test_no_descriptor_outlives_the_host() -> None:
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        async with make_host(UDP_PLUGINS, config=LOCAL_PEERS) as host:
            page = MemoryClient(host)
            for n in range(10):
                await bound(page, f"s{n}")
            await page.call("udp.send", b"x", id="e", port=9, ephemeral=True)
            await page.call("udp.readStart", id="s1")
    assert len(os.listdir("/proc/self/fd")) == before


async def test_concurrent_binds_cannot_pass_the_limit_or_share_an_id() -> None:
    async with make_host(
        UDP_PLUGINS, config={**LOCAL_PEERS, "udp.max_sockets_per_page": 2}
    ) as host:
        page = MemoryClient(host, window=0)
        codes: list[str | None] = []

        async def bind(socket_id: str) -> None:
            reply = await page.call("udp.bind", id=socket_id, port=0, address="localhost")
            codes.append(None if reply.ok else reply.error.code)

        async with anyio.create_task_group() as tasks:
            for socket_id in ("a", "b", "c", "d", "a", "a"):
                tasks.start_soon(bind, socket_id)
        assert codes.count(None) == 2
        assert len(host.stash[STATE].sockets) == 2
        assert set(codes) - {None} <= {"EMFILE", "ERR_SOCKET_ALREADY_BOUND"}
