from contextlib import aclosing

import anyio
import pytest

import oro_framework.core.diagnostics
from oro_framework import ServerSentEvent, hookimpl
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

DIAGNOSTICS = oro_framework.core.diagnostics


class Reporter:
    """A plugin holding two handles and running one service, to be seen by diagnostics.query."""

    name = "reporter"

    @hookimpl
    def oro_diagnostics(self, host):
        return {"handles": {"count": 2, "ids": ["a", "b"]}}

    @hookimpl
    def oro_register_services(self, services):
        async def run(*, task_status):
            task_status.started()
            await anyio.sleep_forever()

        services.add("reporter-loop", run, doc="Idles until cancelled.")


async def query(client):
    return raise_for_error(await client.call("diagnostics.query"))


async def test_query_counts_calls_per_route():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        client = MemoryClient(host)
        await client.call("diagnostics.capabilities")
        await client.call("diagnostics.capabilities")
        answer = await query(client)

    assert answer["routes"]["calls"] == {"diagnostics.capabilities": 2, "diagnostics.query": 1}


async def test_query_counts_the_routes_of_the_host():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        answer = await query(MemoryClient(host))

    assert answer["routes"]["count"] == len(host.routes) == 4


async def test_query_counts_itself_as_the_one_active_request():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        answer = await query(MemoryClient(host))

    assert answer["requests"] == {"active": 1}


async def test_query_shows_an_open_stream_while_an_sse_stream_is_iterated():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        client = MemoryClient(host)
        events = client.stream("diagnostics.stream.sse", count=2, interval=1)
        async with aclosing(events):
            await anext(events)
            answer = await query(client)

    assert answer["streams"] == {"open": 1}


async def test_query_shows_no_open_stream_once_a_stream_is_closed():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        client = MemoryClient(host)
        events = client.stream("diagnostics.stream.sse", count=2, interval=1)
        async with aclosing(events):
            await anext(events)
        answer = await query(client)

    assert answer["streams"] == {"open": 0}


async def test_query_lists_running_services():
    async with make_host(plugins=[DIAGNOSTICS, Reporter()]) as host:
        answer = await query(MemoryClient(host))

    assert answer["services"]["running"] == ["reporter-loop"]
    assert answer["services"]["states"]["reporter-loop"] == {
        "service": "reporter-loop",
        "plugin": "reporter",
        "state": "running",
        "restarts": 0,
        "error": None,
    }


async def test_query_reports_the_worker_threads_of_plain_handlers():
    async with make_host(plugins=[DIAGNOSTICS], config={"ipc.sync_handler_threads": 3}) as host:
        answer = await query(MemoryClient(host))

    assert answer["threads"] == {"limit": 3, "busy": 0, "waiting": 0}


async def test_query_counts_event_subscribers():
    async with make_host(plugins=[DIAGNOSTICS]) as host, host.events.subscribe(window=0):
        answer = await query(MemoryClient(host))

    assert answer["events"] == {"subscribers": 1}


async def test_query_includes_each_plugins_report_under_its_name():
    async with make_host(plugins=[DIAGNOSTICS, Reporter()]) as host:
        answer = raise_for_error(await host.call("diagnostics.query"))

    assert answer["plugins"] == {"reporter": {"handles": {"count": 2, "ids": ["a", "b"]}}}


class WindowReporter:
    """A plugin that scopes its report to the asking window, as a page's query needs."""

    name = "window-reporter"

    @hookimpl
    def oro_diagnostics(self, host, window):
        held = {0: ["a"], 1: ["b", "c"]}
        ids = held.get(window, []) if window is not None else held[0] + held[1]
        return {"handles": {"count": len(ids), "ids": ids}}


async def test_a_page_sees_only_its_windows_resources_and_no_host_wide_report():
    """Issue 50: `diagnostics.query` showed any page every window's handles and host paths."""
    async with make_host(plugins=[DIAGNOSTICS, Reporter(), WindowReporter()]) as host:
        first = await query(MemoryClient(host, window=0))
        second = await query(MemoryClient(host, window=1))
        host_tool = raise_for_error(await host.call("diagnostics.query"))

    assert first["plugins"] == {"window-reporter": {"handles": {"count": 1, "ids": ["a"]}}}
    assert second["plugins"] == {"window-reporter": {"handles": {"count": 2, "ids": ["b", "c"]}}}
    assert set(host_tool["plugins"]) == {"reporter", "window-reporter"}


async def test_query_reports_the_lifecycle_state():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        answer = await query(MemoryClient(host))

    assert answer["lifecycle"] == "running"


async def test_capabilities_report_incremental_streaming():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        reply = await MemoryClient(host).call("diagnostics.capabilities")

    assert reply.data == {"streaming": {"sseIncremental": True, "chunkedIncremental": True}}


async def test_sse_stream_yields_count_events_with_the_given_name_in_order():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        client = MemoryClient(host)
        stream = client.stream("diagnostics.stream.sse", count=5, interval=1, name="tick")
        events = [event async for event in stream]

    assert events == [
        ServerSentEvent(data={"index": index, "count": 5}, event="tick") for index in range(5)
    ]


async def test_sse_stream_defaults_to_eight_events_named_diagnostics():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        stream = MemoryClient(host).stream("diagnostics.stream.sse", interval=1)
        events = [event async for event in stream]

    assert len(events) == 8
    assert {event.event for event in events} == {"diagnostics"}


@pytest.mark.parametrize(
    "params",
    [{"count": 0}, {"count": 257}, {"interval": 0}, {"interval": 1001}],
    ids=["count=0", "count=257", "interval=0", "interval=1001"],
)
async def test_sse_stream_parameter_out_of_bounds_is_out_of_range(params):
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        reply = await MemoryClient(host).call("diagnostics.stream.sse", **params)

    assert reply.error is not None
    assert reply.error.code == "ERR_OUT_OF_RANGE"


async def test_chunks_stream_sends_chunks_times_chunk_size_bytes_of_0x5a():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        client = MemoryClient(host)
        stream = client.stream("diagnostics.stream.chunks", chunks=3, chunkSize=100, interval=0)
        chunks = [chunk async for chunk in stream]

    assert [len(chunk) for chunk in chunks] == [100, 100, 100]
    assert b"".join(chunks) == b"\x5a" * 300


async def test_chunks_stream_of_exactly_4_mib_is_allowed():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        client = MemoryClient(host)
        stream = client.stream("diagnostics.stream.chunks", chunks=64, chunkSize=65536, interval=0)
        total = sum([len(chunk) async for chunk in stream])

    assert total == 4 * 1024 * 1024


async def test_chunks_stream_over_4_mib_is_out_of_range():
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        client = MemoryClient(host)
        reply = await client.call("diagnostics.stream.chunks", chunks=65, chunkSize=65536)

    assert reply.error is not None
    assert reply.error.code == "ERR_OUT_OF_RANGE"


@pytest.mark.parametrize(
    "params",
    [
        {"chunks": 0},
        {"chunks": 257},
        {"chunkSize": 0},
        {"chunkSize": 65537},
        {"interval": -1},
        {"interval": 1001},
    ],
    ids=[
        "chunks=0",
        "chunks=257",
        "chunkSize=0",
        "chunkSize=65537",
        "interval=-1",
        "interval=1001",
    ],
)
async def test_chunks_stream_parameter_out_of_bounds_is_out_of_range(params):
    async with make_host(plugins=[DIAGNOSTICS]) as host:
        reply = await MemoryClient(host).call("diagnostics.stream.chunks", **params)

    assert reply.error is not None
    assert reply.error.code == "ERR_OUT_OF_RANGE"


async def test_diagnostics_routes_are_refused_when_diagnostics_permission_is_disabled():
    config = {"permissions.allow_diagnostics": False}
    async with make_host(plugins=[DIAGNOSTICS], config=config) as host:
        reply = await MemoryClient(host).call("diagnostics.query")

    assert reply.error is not None
    assert reply.error.code == "NOT_ALLOWED_ERR"
