"""Both ways a child starts give the same answers: through util-linux's ``setpriv --pdeathsig``
(the fast path, where Popen can vfork) and through a ``preexec_fn`` where setpriv is missing
(a system without util-linux's setpriv; simulated here by hiding it from the plugin)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from oro_process import children
from oro_process.errors import SpawnError

from conftest import ENVIRON, PROCESS_PLUGINS
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["setpriv", "preexec_fn"])
def start_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "preexec_fn":
        monkeypatch.setattr(children, "_setpriv", lambda: None)
    else:
        assert children._setpriv() is not None, "util-linux's setpriv is missing on this machine"
    return str(request.param)


async def test_a_child_runs_and_reports_its_exit(start_path: str, tmp_path: Path) -> None:
    config = {
        "process.allow": ["sh"],
        "process.trampolines": ["sh"],
        "process.cwd_roots": [str(tmp_path)],
    }
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as host:
        answer = raise_for_error(
            await MemoryClient(host).call(
                "child_process.exec",
                command="sh",
                args=["-c", "pwd; echo out; echo err >&2; exit 3"],
                cwd=str(tmp_path),
            )
        )
    assert answer["code"] == 3
    assert answer["signal"] is None


@pytest.mark.parametrize("kind", ["missing", "not executable", "directory"])
async def test_a_program_that_cannot_start_gives_nodes_error(
    start_path: str, kind: str, tmp_path: Path
) -> None:
    program = tmp_path / "tool"
    if kind == "not executable":
        program.write_text("#!/bin/sh\necho ran\n")
        program.chmod(stat.S_IRUSR | stat.S_IWUSR)
    elif kind == "directory":
        program.mkdir()
    config = {"process.allow": [str(program)]}
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as host:
        before = set(os.listdir("/proc/self/fd"))
        reply = await MemoryClient(host).call("child_process.spawn", command=str(program))
        assert set(os.listdir("/proc/self/fd")) == before
    assert isinstance(reply.error, SpawnError)
    error = reply.error.to_dict()
    expected = ("ENOENT", -2) if kind == "missing" else ("EACCES", -13)
    assert (error["code"], error["errno"]) == expected
    assert (error["syscall"], error["path"]) == (f"spawn {program}", str(program))
