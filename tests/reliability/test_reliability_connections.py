"""Sockets the server must not keep: idle keep-alive connections, half-sent requests
(slowloris), and clients that send bodies over the cap; everyone else is served meanwhile."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from _census import Census, settled
from _rawhttp import RawConnection

import oro_framework.core.ping
from oro_framework import Request
from oro_framework.testing import RoutePlugin, live_server, make_host

pytestmark = pytest.mark.anyio

CLOSE_WITHIN = 12.0
"""The server's keep-alive (and incomplete-request) timeout is 5 s: twice that plus slack."""


async def _echo(request: Request) -> bytes:
    return request.body


ROUTES = RoutePlugin({"test.echo": _echo}, permission="test", declare=True)


async def test_idle_and_half_sent_connections_are_closed_by_the_server(figures: Any) -> None:
    async with make_host([oro_framework.core.ping, ROUTES]) as host, live_server(host) as server:
        baseline = Census.of()
        idle_after_ipc = [await RawConnection.open(server) for _ in range(20)]
        for connection in idle_after_ipc:
            assert (await connection.request("GET", "/ipc/ping")).status == 200
        never_spoke = [await RawConnection.open(server) for _ in range(20)]
        slowloris = [await RawConnection.open(server) for _ in range(20)]
        for connection in slowloris:
            await connection.stream.send(b"GET /ipc/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: ")
        everyone = idle_after_ipc + never_spoke + slowloris
        closed: list[bool] = []
        with anyio.fail_after(CLOSE_WITHIN):
            async with anyio.create_task_group() as task_group:

                async def wait_closed(connection: RawConnection) -> None:
                    closed.append(await connection.is_closed_by_server())

                for connection in everyone:
                    task_group.start_soon(wait_closed, connection)
                # Served while 60 sockets wait to be dropped.
                async with await RawConnection.open(server) as busy:
                    assert (await busy.request("GET", "/ipc/ping")).status == 200
        assert closed == [True] * len(everyone)
        for connection in everyone:
            await connection.stream.aclose()
        after = await settled(baseline)
        assert after.descriptors <= baseline.descriptors + 2
    figures(
        f"{len(everyone)} idle/half-sent sockets closed by the server within {CLOSE_WITHIN:g} s; "
        f"fds {baseline.descriptors} → {after.descriptors}"
    )


async def test_connection_close_is_honoured_after_an_ipc_reply() -> None:
    async with (
        make_host([oro_framework.core.ping]) as host,
        live_server(host) as server,
        await RawConnection.open(server) as connection,
    ):
        reply = await connection.request("GET", "/ipc/ping", headers=[("connection", "close")])
        assert reply.status == 200
        with anyio.fail_after(CLOSE_WITHIN):
            assert await connection.is_closed_by_server()


async def test_oversize_bodies_are_refused_and_do_not_disturb_other_clients(
    figures: Any,
) -> None:
    limit = 64 * 1024
    config = {"ipc.max_body_bytes": limit}
    async with (
        make_host([oro_framework.core.ping, ROUTES], config=config) as host,
        live_server(host) as server,
        await RawConnection.open(server) as bystander,
    ):
        baseline = Census.of()
        refused = 0
        for size in (limit + 1, 4 * limit, 2 * 1024 * 1024):
            async with await RawConnection.open(server) as connection:
                reply = await connection.request("POST", "/ipc/test.echo", b"x" * size)
                assert reply.status == 413
                assert b'"code":"ERR_OUT_OF_RANGE"' in reply.body
                refused += 1
            assert (await bystander.request("POST", "/ipc/test.echo", b"ok")).body == b"ok"
        # A chunked body is counted while it arrives.
        async with await RawConnection.open(server) as connection:
            head = "POST /ipc/test.echo HTTP/1.1\r\n" + "".join(
                f"{name}: {value}\r\n"
                for name, value in connection.headers([("transfer-encoding", "chunked")])
            )
            chunk = b"%x\r\n%s\r\n" % (limit, b"y" * limit)
            await connection.stream.send(head.encode() + b"\r\n" + chunk + chunk + b"0\r\n\r\n")
            reply = await connection.read_response()
            assert reply.status == 413
            refused += 1
        assert (await bystander.request("POST", "/ipc/test.echo", b"still")).body == b"still"
        after = await settled(baseline)
        assert after.descriptors <= baseline.descriptors + 2
    figures(f"{refused} oversize bodies refused with 413; the bystander kept its answers")
