"""The app's backend process (``[process.backend] cmd``, Oro's ``[linux] cmd``) against real
programs: ``application.backend.open``/``close``/``status`` and ``process.write`` answer as
docs/process.md says, stdout and stderr lines and the exit reach pages as events, nothing
outlives a close or the host, and every failure is a typed error."""

from __future__ import annotations

import contextlib
import os
import stat
import textwrap
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.streams.memory import MemoryObjectReceiveStream
from oro_process.errors import SpawnError

from conftest import (
    CONFIG,
    ENVIRON,
    PROCESS_PLUGINS,
    alive,
    command_name,
    exited,
    group_members,
    pidfds,
    reaped,
)
from oro_framework import (
    ErrnoError,
    Host,
    InvalidArgumentError,
    InvalidStateError,
    NotAllowedError,
    NotFoundError,
)
from oro_framework.core import diagnostics
from oro_framework.host.config.ini_map import ini_file_as_toml
from oro_framework.host.events import Event
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

ECHO = 'sh -c \'while read line; do echo "got $line"; echo "err $line" >&2; done\''
"""Answers each stdin line on stdout and on stderr, until stdin ends."""

Events = MemoryObjectReceiveStream[Event]


@pytest.fixture
def oro_config() -> dict[str, Any]:
    return {"process.backend.cmd": ECHO}


@pytest.fixture
async def events(host: Host) -> AsyncIterator[Events]:
    async with host.events.subscribe() as stream:
        yield stream


async def next_event(events: Events, *names: str) -> Event:
    """The next event named one of ``names`` (others are skipped)."""
    with anyio.fail_after(30):
        async for event in events:
            if event.name in names:
                return event
    raise AssertionError(f"the event stream ended before {names}")


async def gather(events: Events, count: int, *names: str) -> list[Event]:
    """The next ``count`` events named one of ``names``."""
    return [await next_event(events, *names) for _ in range(count)]


async def open_backend(client: MemoryClient, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = raise_for_error(
        await client.call("application.backend.open", **params)
    )
    return answer


async def write(client: MemoryClient, data: bytes) -> dict[str, Any]:
    answer: dict[str, Any] = raise_for_error(await client.call("process.write", data))
    return answer


def script(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# --------------------------------------------------------------------------------------------
# open, write, events
# --------------------------------------------------------------------------------------------


async def test_stdin_lines_come_back_as_backend_data_and_stderr_as_backend_error(
    host: Host, client: MemoryClient, events: Events
) -> None:
    opened = await open_backend(client)
    assert opened["started"] is True
    assert opened["running"] is True
    assert opened["cmd"] == ECHO
    assert opened["path"] == str(host.app_dir.absolute())
    assert alive(opened["pid"])

    assert await write(client, b"hello\n") == {"bytes": 6}
    # stdout and stderr are read side by side: in order within each, in any order between.
    seen = await gather(events, 3, "backend:data", "backend:error", "process-error")
    assert {(event.name, event.data, event.window) for event in seen} == {
        ("backend:data", "got hello", None),  # to every page
        ("backend:error", "err hello", None),
        ("process-error", "err hello", None),  # Oro's own name for a stderr line
    }

    # A string body is bytes too, written as it is (UTF-8), in order.
    await write(client, "é one\ntwo\n".encode())
    assert (await next_event(events, "backend:data")).data == "got é one"
    assert (await next_event(events, "backend:data")).data == "got two"

    status = raise_for_error(await client.call("application.backend.status"))
    assert status == {
        "declared": True,
        "running": True,
        "pid": opened["pid"],
        "cmd": ECHO,
        "path": opened["path"],
    }


async def test_open_twice_keeps_the_one_process_and_force_restarts_it(
    client: MemoryClient, events: Events
) -> None:
    first = await open_backend(client)
    again = await open_backend(client)
    assert again["pid"] == first["pid"]
    assert again["started"] is False

    with pidfds(first["pid"]) as fds:
        forced = await open_backend(client, force=True)
        await exited(fds)
    assert forced["started"] is True
    assert forced["pid"] != first["pid"]
    assert not alive(first["pid"])
    gone = await next_event(events, "backend:exit")
    assert gone.data == {"pid": first["pid"], "code": None, "signal": "SIGTERM"}
    assert (await next_event(events, "backend-exit")).data == 128 + 15

    await write(client, b"after\n")
    assert (await next_event(events, "backend:data")).data == "got after"


async def test_close_ends_the_process_group_and_answers_once_it_is_gone(
    client: MemoryClient, host: Host, events: Events, tmp_path: Path
) -> None:
    opened = await open_backend(client)
    closed = raise_for_error(await client.call("application.backend.close"))
    assert closed == {"closed": True, "pid": opened["pid"]}
    # Answered once reaped: no process, not even a zombie, and nothing left in its group.
    assert reaped(opened["pid"])
    assert group_members(opened["pid"]) == []
    assert (await next_event(events, "backend:exit")).data["pid"] == opened["pid"]

    status = raise_for_error(await client.call("application.backend.status"))
    assert status["running"] is False
    assert status["pid"] is None
    again = raise_for_error(await client.call("application.backend.close"))
    assert again == {"closed": False, "pid": None}
    reply = await client.call("process.write", b"nobody\n")
    assert isinstance(reply.error, InvalidStateError)
    assert reply.error.code == "ERR_BACKEND_NOT_RUNNING"


@pytest.mark.parametrize(
    "oro_config",
    [{"process.backend.cmd": "sh -c 'echo last words; echo oops >&2; exit 3'"}],
)
async def test_a_backend_that_exits_reports_its_code_after_its_last_output(
    client: MemoryClient, events: Events
) -> None:
    opened = await open_backend(client)
    assert (await next_event(events, "backend:data")).data == "last words"
    assert (await next_event(events, "backend:exit")).data == {
        "pid": opened["pid"],
        "code": 3,
        "signal": None,
    }
    assert (await next_event(events, "backend-exit")).data == 3
    # Gone, so open starts it again (Oro would not restart one that exited).
    reopened = await open_backend(client)
    assert reopened["started"] is True
    assert (await next_event(events, "backend:data")).data == "last words"


@pytest.mark.parametrize(
    "oro_config",
    [
        {
            "process.backend.cmd": "sh -c 'sleep 1000 & echo $!; cat'",
            "process.kill_grace_ms": 200,
        }
    ],
)
async def test_the_host_stopping_ends_the_backend_and_what_it_started(
    oro_config: dict[str, Any],
) -> None:
    with contextlib.ExitStack() as stack:
        async with make_host(
            PROCESS_PLUGINS, config={**CONFIG, **oro_config}, environ=ENVIRON
        ) as h:
            client = MemoryClient(h)
            async with h.events.subscribe() as events:
                opened = await open_backend(client)
                grandchild = int((await next_event(events, "backend:data")).data)
            # A page closing is no reason to end it: it is the app's, not the page's.
            h.hooks.page_closed(h, 0)
            assert alive(opened["pid"])
            assert alive(grandchild)
            fds = stack.enter_context(pidfds(opened["pid"], grandchild))
        await exited(fds)
        assert group_members(opened["pid"]) == []


# --------------------------------------------------------------------------------------------
# Oro's IPC lines, both ways
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "oro_config",
    [
        {
            "process.backend.cmd": (
                "sh -c 'echo \"ipc://send?event=character&index=0&value=%7B%22name%22%3A%22Morty"
                '%22%7D"; echo "ipc://send?event=backend:ready"; echo "ipc://stdout?value=log'
                '"; echo "ipc://heartbeat"; echo plain; cat\''
            )
        }
    ],
)
async def test_oros_send_lines_become_the_named_events_and_other_lines_backend_data(
    client: MemoryClient, events: Events
) -> None:
    """What ``@socketsupply/socket-node``'s ``socket.send({window, event, value})`` writes."""
    await open_backend(client)
    character = await next_event(events, "character", "backend:data")
    assert (character.name, character.data, character.window) == (
        "character",
        {"name": "Morty"},
        0,
    )
    ready = await next_event(events, "backend:ready", "backend:data")
    assert (ready.name, ready.data, ready.window) == ("backend:ready", None, None)
    # ipc://stdout goes to the host's log, not to pages, and socket-node's heartbeat is answered
    # by nothing (Socket answers it only to a seq): the next data line is the plain one.
    assert (await next_event(events, "backend:data")).data == "plain"

    # Oro's window.send({event, value, backend: true}) shape arrives as Oro's line.
    answer = raise_for_error(
        await client.call("process.write", event="character", value={"name": "Rick"})
    )
    line = (await next_event(events, "backend:data")).data
    assert answer["bytes"] == len(line) + 1
    assert line == (
        "ipc://process.write?index=0&event=character&value=%7B%22name%22%3A%22Rick%22%7D"
    )
    # A string value is JSON on the line too, which socket-node parses back to the string.
    await client.call("process.write", event="name", value="Rick")
    line = (await next_event(events, "backend:data")).data
    assert line == "ipc://process.write?index=0&event=name&value=%22Rick%22"


@pytest.mark.parametrize(
    "oro_config",
    [{"process.backend.cmd": "sh -c 'head -c 1500000 /dev/zero | tr \"\\0\" a; echo; cat'"}],
)
async def test_a_line_past_a_mebibyte_arrives_in_pieces(
    client: MemoryClient, events: Events
) -> None:
    await open_backend(client)
    first = (await next_event(events, "backend:data")).data
    second = (await next_event(events, "backend:data")).data
    assert (len(first), len(second)) == (1 << 20, 1_500_000 - (1 << 20))
    assert set(first + second) == {"a"}


# --------------------------------------------------------------------------------------------
# What it runs: program, directory, environment
# --------------------------------------------------------------------------------------------


async def test_a_command_of_plain_words_runs_the_program_itself_from_the_app_directory(
    tmp_path: Path,
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    script(
        app,
        "backend.sh",
        """\
        #!/bin/sh
        echo "cwd $(pwd)"
        echo "args $*"
        echo "token ${SECRET_TOKEN:-none} mode ${MODE:-none} lang ${LANG:-none}"
        exec cat
        """,
    )
    config = {
        **CONFIG,
        "process.backend.cmd": "./backend.sh --port 'a b'",
        "process.backend.env.MODE": "desktop",
    }
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON, app_dir=app) as h:
        client = MemoryClient(h)
        async with h.events.subscribe() as events:
            opened = await open_backend(client)
            lines = [(await next_event(events, "backend:data")).data for _ in range(3)]
            assert lines == [
                f"cwd {app.resolve()}",
                "args --port a b",
                # The host's [process] env names and [process.backend] env, never the rest.
                "token none mode desktop lang C.UTF-8",
            ]
            # cat answering proves the script has exec'd it (its echo lines come before).
            await write(client, b"echoed by cat\n")
            assert (await next_event(events, "backend:data")).data == "echoed by cat"
            # Run directly, not under a shell: the pid is the script's (exec'd cat).
            assert command_name(opened["pid"]) == "cat"


async def test_without_a_cwd_it_runs_in_the_apps_resources_as_socket_runs_it(
    tmp_path: Path,
) -> None:
    """Socket runs its cmd in the resources (src/runtime/cwd/cwd.cc:18-27), where the build
    put ``backend/backend.js``."""
    app = tmp_path / "app"
    (app / "ui").mkdir(parents=True)
    config = {**CONFIG, "webview.root": "ui", "process.backend.cmd": "sh -c 'pwd; exec cat'"}
    async with (
        make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON, app_dir=app) as h,
        h.events.subscribe() as events,
    ):
        opened = await open_backend(MemoryClient(h))
        assert (await next_event(events, "backend:data")).data == str((app / "ui").resolve())
        assert opened["path"] == str((app / "ui").resolve())


@pytest.mark.parametrize(
    ("cmd", "program"),
    [("no-such-backend-program --stdio", "no-such-backend-program"), ("./missing", "./missing")],
)
async def test_a_program_that_does_not_exist_is_nodes_enoent(cmd: str, program: str) -> None:
    config = {**CONFIG, "process.backend.cmd": cmd}
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as h:
        reply = await MemoryClient(h).call("application.backend.open")
        assert isinstance(reply.error, SpawnError)
        assert reply.error.code == "ENOENT"
        assert reply.error.message == f"spawn {program} ENOENT"
        status = raise_for_error(await MemoryClient(h).call("application.backend.status"))
        assert status["running"] is False


async def test_no_backend_declared_is_a_not_found_error_naming_the_key() -> None:
    async with make_host(PROCESS_PLUGINS, config=CONFIG, environ=ENVIRON) as h:
        client = MemoryClient(h)
        for route, body in [
            ("application.backend.open", b""),
            ("application.backend.close", b""),
            ("process.write", b"x\n"),
        ]:
            reply = await client.call(route, body)
            assert isinstance(reply.error, NotFoundError), route
            assert reply.error.code == "ERR_NO_BACKEND_CMD"
            assert reply.error.extra["key"] == "process.backend.cmd"
            assert "process.backend.cmd" in reply.error.message
        status = raise_for_error(await client.call("application.backend.status"))
        assert status["declared"] is False


async def test_write_needs_a_body(client: MemoryClient) -> None:
    await open_backend(client)
    reply = await client.call("process.write")
    assert isinstance(reply.error, InvalidArgumentError)
    assert reply.error.code == "ERR_MISSING_ARGS"


@pytest.mark.parametrize(
    "oro_config", [{"process.backend.cmd": "sh -c 'exec 0<&-; echo closed; exec sleep 1000'"}]
)
async def test_writing_to_a_backend_that_closed_its_stdin_is_epipe(
    client: MemoryClient, events: Events
) -> None:
    await open_backend(client)
    assert (await next_event(events, "backend:data")).data == "closed"
    reply = await client.call("process.write", b"x\n")
    assert isinstance(reply.error, ErrnoError)
    assert reply.error.code == "EPIPE"


# --------------------------------------------------------------------------------------------
# Permission and config
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "oro_config",
    [
        {
            "process.backend.cmd": ECHO,
            "permissions.allow_backend_process": False,
            "permissions.allow_child_process": True,
        }
    ],
)
async def test_the_routes_have_their_own_permission(client: MemoryClient) -> None:
    for route in ("application.backend.open", "application.backend.status", "process.write"):
        reply = await client.call(route)
        assert isinstance(reply.error, NotAllowedError), route


@pytest.mark.parametrize(
    "oro_config",
    [{"process.backend.cmd": ECHO, "permissions.allow_child_process": False}],
)
async def test_a_backend_runs_with_pages_child_processes_turned_off(
    client: MemoryClient, events: Events
) -> None:
    await open_backend(client)
    await write(client, b"still\n")
    assert (await next_event(events, "backend:data")).data == "got still"


@pytest.mark.parametrize("name", ["socket.ini", "oro.ini"])
async def test_the_ini_files_linux_cmd_is_the_backend(tmp_path: Path, name: str) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "index.html").write_text("<!doctype html>")
    script(app, "server.sh", '#!/bin/sh\necho "ready $1"\nexec cat\n')
    (app / name).write_text(
        textwrap.dedent(
            """\
            [build]
            name = "backend-app"

            [linux]
            cmd = "./server.sh --stdio"

            [mac]
            cmd = "./server-mac"
            """
        ),
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with make_host(PROCESS_PLUGINS, environ=ENVIRON, app_dir=app) as h:
            assert h.config["process.backend.cmd"] == "./server.sh --stdio"
            assert h.config.source("process.backend.cmd") == f"{name}:5"
            client = MemoryClient(h)
            async with h.events.subscribe() as events:
                await open_backend(client)
                assert (await next_event(events, "backend:data")).data == "ready --stdio"
    notes = [str(warning.message) for warning in caught if "not honoured" in str(warning.message)]
    assert len(notes) == 1
    assert f"{name}:8: [mac] cmd is not honoured" in notes[0]
    assert "process.backend.cmd" in notes[0]


def test_without_oro_process_linux_cmd_is_a_note_naming_the_plugin(tmp_path: Path) -> None:
    bare = Host(tmp_path, autoload=False, use_config_file=False, resolve_secrets=False)
    bare.close()
    ini = tmp_path / "socket.ini"
    ini.write_text('[linux]\ncmd = "node backend.js"\n', encoding="utf-8")
    text, mapped = ini_file_as_toml(ini, bare.config_keys)
    # Only what every Oro app gets (its page globals), nothing of the backend.
    assert [key.dotted for key in mapped.keys] == ["webview.oro_globals"]
    (note,) = mapped.notes
    assert "oro-process plugin (process.backend.cmd)" in note.message("socket.ini")
    assert "process.backend" not in text.split("\n\n", 1)[1]


async def test_diagnostics_show_the_backend() -> None:
    config = {**CONFIG, "process.backend.cmd": ECHO}
    plugins = (diagnostics, *PROCESS_PLUGINS)
    async with make_host(plugins, config=config, environ=ENVIRON) as h:
        client = MemoryClient(h)
        opened = await open_backend(client)
        # The host's own report (a page sees only what its window holds, issue 50).
        report = raise_for_error(await h.call("diagnostics.query"))
        backend = report["plugins"]["child_process"]["backend"]
        assert backend["pid"] == opened["pid"]
        assert backend["running"] is True
        assert backend["started"] == 1
        assert os.path.isabs(backend["path"])
