"""The ``child_process.*`` routes against real programs: spawn, output, write, wait, kill, exec
and list answer as the contract says, and every failure is a typed error."""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from oro_process.errors import InvalidStateError, SpawnError
from oro_process.state import STATE

from conftest import CONFIG, ENVIRON, PROCESS_PLUGINS, exited, pidfds, read_all, reaped, run, spawn
from oro_framework import (
    ErrnoError,
    Host,
    InvalidArgumentError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
)
from oro_framework.core import diagnostics
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


# --------------------------------------------------------------------------------------------
# spawn, output, wait
# --------------------------------------------------------------------------------------------


async def test_spawn_answers_id_and_pid_and_the_output_streams_carry_the_bytes(
    client: MemoryClient,
) -> None:
    child = await spawn(client, "sh", "-c", "echo out; echo err >&2; exit 7", id="job")
    assert child["id"] == "job"
    assert isinstance(child["pid"], int)
    assert await read_all(client, "job", 1) == b"out\n"
    assert await read_all(client, "job", 2) == b"err\n"
    exit_ = raise_for_error(await client.call("child_process.wait", id="job"))
    assert exit_ == {"code": 7, "signal": None, "timedOut": False}


async def test_oros_form_one_args_string_with_the_program_first(client: MemoryClient) -> None:
    reply = await client.call("child_process.spawn", args="echo\x01a b\x01c")
    child_id = raise_for_error(reply)["id"]
    assert await read_all(client, child_id) == b"a b c\n"


async def test_generated_ids_are_unique(client: MemoryClient) -> None:
    ids = {(await spawn(client, "true"))["id"] for _ in range(3)}
    assert len(ids) == 3


async def test_a_taken_id_is_an_invalid_state_error(client: MemoryClient) -> None:
    await spawn(client, "sleep", "1000", id="same")
    reply = await client.call("child_process.spawn", command="true", id="same")
    assert isinstance(reply.error, InvalidStateError)
    assert reply.error.code == "ERR_CHILD_ID_TAKEN"


async def test_output_after_eof_is_an_empty_stream(client: MemoryClient) -> None:
    child_id = (await spawn(client, "echo", "once"))["id"]
    assert await read_all(client, child_id) == b"once\n"
    assert await read_all(client, child_id) == b""


async def test_one_reader_per_fd_and_a_second_continues_where_the_pipe_is(
    client: MemoryClient,
) -> None:
    child_id = (await spawn(client, "cat"))["id"]
    assert raise_for_error(await client.call("child_process.write", b"abc", id=child_id))
    first = client.stream("child_process.output", id=child_id, fd=1)
    assert await anext(first) == b"abc"
    busy = await client.call("child_process.output", id=child_id, fd=1)
    assert isinstance(busy.error, InvalidStateError)
    assert busy.error.code == "ERR_CHILD_OUTPUT_BUSY"
    await first.aclose()  # the first reader ends early
    await client.call("child_process.write", b"def", id=child_id, end=True)
    assert await read_all(client, child_id) == b"def"


async def test_a_disabled_stdout_is_an_empty_stream(client: MemoryClient) -> None:
    child_id = (await spawn(client, "echo", "to /dev/null", stdout=False))["id"]
    assert await read_all(client, child_id) == b""
    assert raise_for_error(await client.call("child_process.wait", id=child_id))["code"] == 0


async def test_bad_fd_is_an_invalid_argument(client: MemoryClient) -> None:
    child_id = (await spawn(client, "true"))["id"]
    reply = await client.call("child_process.output", id=child_id, fd=0)
    assert isinstance(reply.error, InvalidArgumentError)


async def test_the_record_goes_and_the_child_is_reaped_once_exit_and_outputs_are_done(
    host: Host, client: MemoryClient
) -> None:
    child = await spawn(client, "echo", "x")
    await read_all(client, child["id"], 1)
    await read_all(client, child["id"], 2)
    raise_for_error(await client.call("child_process.wait", id=child["id"]))
    assert raise_for_error(await client.call("child_process.list")) == []
    assert reaped(child["pid"])  # not even a zombie
    reply = await client.call("child_process.wait", id=child["id"])
    assert isinstance(reply.error, NotFoundError)


# --------------------------------------------------------------------------------------------
# write
# --------------------------------------------------------------------------------------------


async def test_write_answers_the_bytes_written_and_end_closes_stdin(client: MemoryClient) -> None:
    child_id = (await spawn(client, "cat"))["id"]
    data = bytes(range(256)) * 1024  # more than the pipes hold: cat's output must be read
    received: list[bytes] = []

    async def read() -> None:
        received.append(await read_all(client, child_id))

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(read)
        written = raise_for_error(await client.call("child_process.write", data, id=child_id))
        assert written == {"bytes": len(data)}
        assert raise_for_error(
            await client.call("child_process.write", b"!", id=child_id, end=True)
        )
    assert received == [data + b"!"]
    after = await client.call("child_process.write", b"more", id=child_id)
    assert isinstance(after.error, InvalidStateError)
    assert after.error.code == "ERR_STREAM_WRITE_AFTER_END"


async def test_write_to_a_child_that_closed_stdin_is_epipe(client: MemoryClient) -> None:
    child_id = (await spawn(client, "true"))["id"]
    raise_for_error(await client.call("child_process.wait", id=child_id))
    reply = await client.call("child_process.write", b"nobody reads", id=child_id)
    assert isinstance(reply.error, ErrnoError)
    assert (reply.error.code, reply.error.to_dict()["errno"]) == ("EPIPE", -32)


async def test_write_to_disabled_stdin_is_write_after_end(client: MemoryClient) -> None:
    child_id = (await spawn(client, "sleep", "1000", stdin=False))["id"]
    reply = await client.call("child_process.write", b"x", id=child_id)
    assert isinstance(reply.error, InvalidStateError)


# --------------------------------------------------------------------------------------------
# kill and wait
# --------------------------------------------------------------------------------------------


async def test_kill_signals_the_child_and_wait_reports_the_signal(client: MemoryClient) -> None:
    child_id = (await spawn(client, "sleep", "1000"))["id"]
    assert raise_for_error(await client.call("child_process.kill", id=child_id)) == {"killed": True}
    exit_ = raise_for_error(await client.call("child_process.wait", id=child_id))
    assert exit_ == {"code": None, "signal": "SIGTERM", "timedOut": False}
    again = await client.call("child_process.kill", id=child_id, signal="SIGKILL")
    assert raise_for_error(again) == {"killed": False}


@pytest.fixture
def host_ignores_sighup_and_sigint() -> Iterator[None]:
    # As under nohup, or in a background job of a script: the host ignores them. Set in a
    # sync fixture, which runs on the main thread (the only one that may set handlers).
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in IGNORED_BY_HOST}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


IGNORED_BY_HOST = (signal.SIGHUP, signal.SIGINT)


def _ignored_by(pid: int) -> int:
    """The child's mask of ignored signals, bit n-1 for signal n (/proc/<pid>/status)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(
        next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16
    )


@pytest.mark.usefixtures("host_ignores_sighup_and_sigint")
async def test_a_child_starts_with_default_signals_whatever_the_host_ignores(
    client: MemoryClient,
) -> None:
    """As Node's children do: kill(child, 'SIGHUP') ends it though the host ignores SIGHUP."""
    child = await spawn(client, "sleep", "1000")
    assert _ignored_by(child["pid"]) & sum(1 << (number - 1) for number in IGNORED_BY_HOST) == 0
    for name in ("SIGHUP", "SIGINT"):
        other = child if name == "SIGHUP" else await spawn(client, "sleep", "1000")
        await client.call("child_process.kill", id=other["id"], signal=name)
        with anyio.fail_after(30):  # a child that ignores it would never exit
            exit_ = raise_for_error(await client.call("child_process.wait", id=other["id"]))
        assert exit_ == {"code": None, "signal": name, "timedOut": False}


async def test_kill_takes_names_and_numbers(client: MemoryClient) -> None:
    first = (await spawn(client, "sleep", "1000"))["id"]
    second = (await spawn(client, "sleep", "1000"))["id"]
    await client.call("child_process.kill", id=first, signal="SIGKILL")
    await client.call("child_process.kill", id=second, signal=int(signal.SIGINT))
    assert raise_for_error(await client.call("child_process.wait", id=first))["signal"] == "SIGKILL"
    assert raise_for_error(await client.call("child_process.wait", id=second))["signal"] == "SIGINT"


@pytest.mark.parametrize("value", ["SIGNOPE", "kill", 999, -1, True, 1.5])
async def test_an_unknown_signal_is_err_unknown_signal(client: MemoryClient, value: object) -> None:
    child_id = (await spawn(client, "sleep", "1000"))["id"]
    reply = await client.call("child_process.kill", id=child_id, signal=value)
    assert isinstance(reply.error, InvalidArgumentError)
    assert reply.error.code == "ERR_UNKNOWN_SIGNAL"


async def test_timeout_sends_the_kill_signal_and_reports_timed_out(client: MemoryClient) -> None:
    child_id = (await spawn(client, "sleep", "1000", timeout=50, killSignal="SIGKILL"))["id"]
    exit_ = raise_for_error(await client.call("child_process.wait", id=child_id))
    assert exit_ == {"code": None, "signal": "SIGKILL", "timedOut": True}


# --------------------------------------------------------------------------------------------
# exec
# --------------------------------------------------------------------------------------------


async def test_exec_answers_exit_and_both_outputs(client: MemoryClient) -> None:
    answer = await run(client, "sh", "-c", "echo out; echo err >&2; exit 3")
    assert answer.pop("pid") > 0
    assert answer == {
        "code": 3,
        "signal": None,
        "timedOut": False,
        "stdout": b"out\n",
        "stderr": b"err\n",
        "encoding": "base64",
    }
    assert raise_for_error(await client.call("child_process.list")) == []


async def test_exec_with_shell_runs_the_command_line(client: MemoryClient) -> None:
    answer = await run(client, "echo", "$((6 * 7))", shell=True)
    assert answer["stdout"] == b"42\n"


async def test_exec_timeout_with_kill_signal(client: MemoryClient) -> None:
    answer = await run(client, "sleep", "1000", timeout=50, killSignal="SIGINT")
    assert (answer["code"], answer["signal"], answer["timedOut"]) == (None, "SIGINT", True)


async def test_exec_timeout_answers_at_the_childs_exit_and_ends_what_it_left(
    client: MemoryClient,
) -> None:
    script = "sleep 1000 & echo $!; exec sleep 1000"  # the background sleep holds stdout
    answer = await run(client, "sh", "-c", script, timeout=100)
    assert (answer["signal"], answer["timedOut"]) == ("SIGTERM", True)
    background = int(answer["stdout"])
    try:
        with pidfds(background) as watched:
            await exited(watched)
    except ProcessLookupError:
        return  # ended and reaped already


async def test_exec_output_past_max_buffer_kills_the_child(client: MemoryClient) -> None:
    reply = await client.call(
        "child_process.exec", command="head", args=["-c", "1000000", "/dev/zero"], maxBuffer=1000
    )
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"
    assert reply.error.message == "stdout maxBuffer length exceeded"
    assert base64.b64decode(reply.error.to_dict()["stdout"]) == b"\0" * 1000
    # The child was killed: its record goes once it has exited.
    with anyio.fail_after(30):
        while raise_for_error(await client.call("child_process.list")):
            await anyio.lowlevel.checkpoint()


async def test_exec_feeds_the_body_to_stdin_then_closes_it(client: MemoryClient) -> None:
    """What execSync's `input` rests on: the body is the child's whole stdin, then end of file
    (a child reading stdin is not left waiting), and the answer names the child's pid."""
    data = bytes(range(256)) * 1000
    answer = raise_for_error(await client.call("child_process.exec", data, command="cat"))
    assert base64.b64decode(answer["stdout"]) == data
    assert (answer["code"], answer["signal"], answer["timedOut"]) == (0, None, False)
    assert answer["pid"] > 0
    empty = raise_for_error(await client.call("child_process.exec", command="cat"))
    assert (empty["stdout"], empty["code"]) == ("", 0)


async def test_exec_default_max_buffer_is_the_config_key(host: Host) -> None:
    assert host.stash[STATE].settings.max_buffer_bytes == 1 << 20


async def test_exec_given_up_by_the_page_ends_the_child(client: MemoryClient) -> None:
    with contextlib.ExitStack() as owned:
        async with anyio.create_task_group() as tasks:
            call = functools.partial(
                client.call, "child_process.exec", command="sleep", args=["1000"]
            )
            tasks.start_soon(call)
            with anyio.fail_after(30):
                while not (listed := raise_for_error(await client.call("child_process.list"))):
                    await anyio.lowlevel.checkpoint()
            watched = owned.enter_context(pidfds(listed[0]["pid"]))
            tasks.cancel_scope.cancel()  # the page aborts the call, or goes away
        await exited(watched)
    assert raise_for_error(await client.call("child_process.list")) == []


# --------------------------------------------------------------------------------------------
# Node's errors for children that do not start
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("oro_config", [{"process.allow": ["no-such-program-anywhere"]}])
async def test_a_name_not_on_path_fails_with_nodes_enoent(client: MemoryClient) -> None:
    reply = await client.call(
        "child_process.spawn", command="no-such-program-anywhere", args=["a", "b"]
    )
    assert isinstance(reply.error, SpawnError)
    assert reply.error.to_dict() == {
        "type": "Error",
        "code": "ENOENT",
        "message": "spawn no-such-program-anywhere ENOENT",
        "errno": -2,
        "syscall": "spawn no-such-program-anywhere",
        "path": "no-such-program-anywhere",
        "spawnargs": ["a", "b"],
        "reason": "No such file or directory",
    }


@pytest.mark.parametrize("oro_config", [{"process.allow": ["/nonexistent/bin/tool"]}])
async def test_an_absolute_path_that_does_not_exist_fails_with_enoent(
    client: MemoryClient,
) -> None:
    reply = await client.call("child_process.spawn", command="/nonexistent/bin/tool")
    assert isinstance(reply.error, SpawnError)
    assert (reply.error.code, reply.error.to_dict()["path"]) == ("ENOENT", "/nonexistent/bin/tool")


async def test_a_file_without_the_execute_bit_fails_with_eacces(tmp_path: Path) -> None:
    script = tmp_path / "not-executable"
    script.write_text("#!/bin/sh\necho ran\n")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR)
    config = {"process.allow": [str(script)]}
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as host:
        reply = await MemoryClient(host).call("child_process.exec", command=str(script))
    assert isinstance(reply.error, SpawnError)
    error = reply.error.to_dict()
    assert (error["type"], error["code"], error["errno"]) == ("Error", "EACCES", -13)
    assert error["syscall"] == f"spawn {script}"
    assert error["spawnargs"] == []


async def test_a_failed_spawn_leaks_no_descriptor(client: MemoryClient) -> None:
    before = set(os.listdir("/proc/self/fd"))
    reply = await client.call("child_process.spawn", command="sh", cwd="missing-directory")
    assert isinstance(reply.error, SpawnError)
    assert reply.error.code == "ENOENT"
    assert set(os.listdir("/proc/self/fd")) == before


# --------------------------------------------------------------------------------------------
# Ownership, limits, listing
# --------------------------------------------------------------------------------------------


async def test_unknown_ids_and_other_windows_ids_are_not_found(host: Host) -> None:
    page, other = MemoryClient(host, window=0), MemoryClient(host, window=1)
    child_id = (await spawn(page, "sleep", "1000"))["id"]
    for route in ("wait", "kill", "write", "output"):
        for client, target in ((page, "nope"), (other, child_id)):
            reply = await client.call(f"child_process.{route}", id=target, fd=1)
            assert isinstance(reply.error, NotFoundError), (route, target)
            assert reply.error.code == "ERR_UNKNOWN_CHILD"
    assert raise_for_error(await other.call("child_process.list")) == []
    listed = raise_for_error(await page.call("child_process.list"))
    expected = {"id": child_id, "pid": listed[0]["pid"], "command": "sleep", "args": ["1000"]}
    assert listed == [expected]


@pytest.mark.parametrize("oro_config", [{"process.max_children": 2}])
async def test_one_child_past_max_children_is_a_range_error(host: Host) -> None:
    page = MemoryClient(host, window=0)
    for _ in range(2):
        await spawn(page, "sleep", "1000")
    reply = await page.call("child_process.spawn", command="sleep", args=["1000"])
    assert isinstance(reply.error, OutOfRangeError)
    assert reply.error.code == "ERR_TOO_MANY_CHILDREN"
    await spawn(MemoryClient(host, window=1), "true")  # the limit is per window


@pytest.mark.parametrize("oro_config", [{"permissions.allow_child_process": False}])
async def test_routes_are_refused_when_the_permission_is_off(client: MemoryClient) -> None:
    reply = await client.call("child_process.spawn", command="true")
    assert isinstance(reply.error, NotAllowedError)


async def test_diagnostics_query_counts_running_spawned_and_killed() -> None:
    plugins = (diagnostics, *PROCESS_PLUGINS)
    async with make_host(plugins, config=CONFIG, environ=ENVIRON) as host:
        page = MemoryClient(host)

        async def report() -> dict[str, Any]:
            # The host's own report (a page sees only what its window holds, issue 50).
            answer = raise_for_error(await host.call("diagnostics.query"))
            mine: dict[str, Any] = answer["plugins"]["child_process"]
            return mine

        child = await spawn(page, "sleep", "1000")
        await spawn(MemoryClient(host, window=3), "sleep", "1000")
        first = await report()
        assert (first["running"], first["spawned"], first["killed"]) == ({"0": 1, "3": 1}, 2, 0)
        assert first["handles"]["count"] == 2
        assert first["guardian"] is not None
        with pidfds(child["pid"]) as watched:
            host.hooks.page_closed(host, 0)
            await exited(watched)
        after = await report()
        assert (after["running"], after["spawned"], after["killed"]) == ({"3": 1}, 2, 1)


async def test_bad_arguments_are_typed_errors(client: MemoryClient) -> None:
    cases: list[dict[str, Any]] = [
        {},
        {"command": ""},
        {"command": "echo", "args": "not a list"},
        {"command": "echo", "args": [1, 2]},
        {"command": "echo", "args": ["a\0b"]},
        {"command": "echo", "timeout": -1},
        {"command": "echo", "killSignal": "SIGNONE"},
        {"command": "echo", "id": ""},
        {"command": "echo", "env": ["A=1"]},
    ]
    for params in cases:
        reply = await client.call("child_process.spawn", **params)
        assert reply.error is not None, params
        assert reply.status in (400, 413), (params, reply.error)
