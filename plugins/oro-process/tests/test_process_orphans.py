"""No orphans, proven on real processes with /proc and pidfds: whatever ends a child's owner
(its page closing, the app stopping, SIGTERM or SIGINT to ``oro run``, even SIGKILL of the host)
ends the child and the processes it started (its process group)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from oro_process.state import STATE

from conftest import (
    ENVIRON,
    PROCESS_PLUGINS,
    alive,
    command_name,
    exited,
    exited_blocking,
    group_members,
    pidfds,
    read_all,
    spawn,
)
from oro_framework import Host
from oro_framework.testing import (
    MemoryClient,
    OroProcess,
    headless_environ,
    live_server,
    make_host,
    raise_for_error,
    until,
)

pytestmark = pytest.mark.anyio

FAMILY = "sleep 1000 & sleep 1000"
"""A shell with a background grandchild: the shell and both sleeps are one process group."""


def sleepers(pgid: int) -> list[int]:
    """Group ``pgid``'s members once both its sleeps run (the shell forks them soon after it
    starts)."""

    def both_running() -> list[int]:
        members = group_members(pgid)
        return members if sum(command_name(pid) == "sleep" for pid in members) == 2 else []

    return until(both_running, f"two sleeps in group {pgid}")


async def test_page_closed_ends_the_group_grandchild_included(host: Host) -> None:
    page, other = MemoryClient(host, window=0), MemoryClient(host, window=1)
    child = await spawn(page, "sh", "-c", FAMILY)
    survivor = await spawn(other, "sleep", "1000")
    members = sleepers(child["pid"])
    assert len(members) >= 2
    with pidfds(*members) as watched:
        host.hooks.page_closed(host, 0)
        await exited(watched)
    assert group_members(child["pid"]) == []
    assert raise_for_error(await page.call("child_process.list")) == []
    assert alive(survivor["pid"])  # another window's child is not touched


async def test_a_real_page_going_away_ends_its_children() -> None:
    """Over the real bridge: the page's event channel closing is what ``oro_page_closed``
    reports, as when a tab closes or reloads."""
    config = {"process.allow": ["sh"], "process.trampolines": ["sh"]}
    async with (
        make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as host,
        live_server(host) as server,
        server.client(timeout=30) as http,
    ):
        credential = server.window_credential(0)
        with contextlib.ExitStack() as owned:
            async with http.stream(
                "GET", "/oro/events", params={"oro_window": credential}
            ) as events:
                lines = events.aiter_lines()
                assert await anext(lines) == ": connected"
                answer = await http.get(
                    "/ipc/child_process.spawn",
                    params={"command": "sh", "args": '["-c", "sleep 1000 & sleep 1000"]'},
                    headers={"X-Oro-Window": credential},
                )
                pgid = answer.json()["data"]["pid"]
                watched = owned.enter_context(pidfds(*sleepers(pgid)))
            await exited(watched)  # the channel closed above: the page is gone
        assert group_members(pgid) == []


async def test_app_stop_ends_every_group() -> None:
    with contextlib.ExitStack() as owned:
        config = {"process.allow": ["sh"], "process.trampolines": ["sh"]}
        async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as h:
            pages = [MemoryClient(h, window=window) for window in (0, 1)]
            pgids = [(await spawn(page, "sh", "-c", FAMILY))["pid"] for page in pages]
            members = [pid for pgid in pgids for pid in sleepers(pgid)]
            watched = owned.enter_context(pidfds(*members))
        # make_host returned: the host stopped, and its service ended the groups before that.
        for fd in watched:
            assert exited_blocking([fd], seconds=0)
    assert all(group_members(pgid) == [] for pgid in pgids)


@pytest.mark.parametrize("oro_config", [{"process.kill_grace_ms": 200}])
async def test_a_group_that_ignores_sigterm_gets_sigkill_after_the_grace_time(
    host: Host,
) -> None:
    page = MemoryClient(host)
    script = "trap '' TERM; sleep 1000 & sleep 1000"  # the sleeps inherit the ignored TERM
    child = await spawn(page, "sh", "-c", script)
    with pidfds(*sleepers(child["pid"])) as watched:
        host.hooks.page_closed(host, 0)
        await exited(watched)
    assert group_members(child["pid"]) == []
    assert host.stash[STATE].killed == 1


async def test_what_a_finished_child_left_running_is_ended_with_its_record(host: Host) -> None:
    """A background process that let go of the pipes outlives its shell; it is ended once the
    page has the shell's exit and output."""
    page = MemoryClient(host)
    child = await spawn(page, "sh", "-c", "sleep 1000 >/dev/null 2>&1 </dev/null & echo $!")
    background = int(await read_all(page, child["id"], 1))
    with pidfds(background) as watched:
        assert await read_all(page, child["id"], 2) == b""
        assert alive(background)
        raise_for_error(await page.call("child_process.wait", id=child["id"]))
        await exited(watched)


# --------------------------------------------------------------------------------------------
# A real `oro run`
# --------------------------------------------------------------------------------------------


@contextmanager
def oro_run(tmp_path: Path) -> Iterator[tuple[OroProcess, httpx.Client, str]]:
    """``oro run`` headless on an app whose ``[process]`` allows ``sh``, with oro-process as its
    only third-party plugin; the HTTP client holds the page's session and window credential."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "index.html").write_text("<!doctype html><title>process</title>")
    (app / "oro.toml").write_text(
        f'[meta]\nbundle_identifier = "dev.oro.process-{tmp_path.name}"\n'
        '[process]\nallow = ["sh"]\ntrampolines = ["sh"]\nkill_grace_ms = 500\n'
    )
    environ = headless_environ(
        {
            "ORO_LOAD_PLUGINS": "child_process",
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        }
    )
    arguments: tuple[str, ...] = ("run", str(app), "--headless", "--port", "0")
    arguments += ("-c", "application.single_instance=false")
    with OroProcess(*arguments, environ=environ) as oro:
        url = oro.launch_url()
        origin = url.split("/?", 1)[0]
        with httpx.Client(timeout=30) as http:
            # The session cookie, and window 0's credential in the redirect's fragment, as the
            # page of that window gets them: children belong to a window.
            redirect = http.get(url)
            fragment = parse_qs(urlsplit(redirect.headers["location"]).fragment)
            http.headers["X-Oro-Window"] = fragment["oro_window"][0]
            yield oro, http, origin


@contextmanager
def family(http: httpx.Client, origin: str) -> Iterator[dict[str, Any]]:
    """Spawn :data:`FAMILY` in the page; a group a failing test left is killed afterwards."""
    answer = http.get(
        f"{origin}/ipc/child_process.spawn",
        params={"command": "sh", "args": f'["-c", "{FAMILY}"]'},
    ).json()
    assert "data" in answer, answer
    try:
        yield answer["data"]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(answer["data"]["pid"], signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_to_oro_run_end_the_groups(
    tmp_path: Path, signum: signal.Signals
) -> None:
    with (
        oro_run(tmp_path) as (oro, http, origin),
        family(http, origin) as child,
        pidfds(*sleepers(child["pid"])) as watched,
    ):
        oro.send_signal(signum)
        assert oro.wait() == 0
        # oro run ends only after its service ended the groups: nothing is left to wait for.
        assert exited_blocking(watched, seconds=0)
    assert group_members(child["pid"]) == []


def test_sigkill_of_the_host_ends_the_child_and_the_guardian_its_group(tmp_path: Path) -> None:
    """SIGKILL leaves the host no chance to clean up: the kernel kills the direct child
    (PR_SET_PDEATHSIG), and the guardian, seeing its pipe from the host close, ends the rest of
    the group (the background sleep)."""
    with oro_run(tmp_path) as (oro, http, origin), family(http, origin) as child:
        members = sleepers(child["pid"])
        rest = [pid for pid in members if pid != child["pid"]]
        with pidfds(child["pid"]) as shell, pidfds(*rest) as others:
            oro.send_signal(signal.SIGKILL)
            assert oro.wait() == -signal.SIGKILL
            assert exited_blocking(shell), "PR_SET_PDEATHSIG did not kill the direct child"
            assert exited_blocking(others), "the guardian did not end the group"
    assert group_members(child["pid"]) == []
