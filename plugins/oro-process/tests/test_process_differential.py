"""One child_process script (``scripts/differential.mjs``) under Node 20 with node:child_process
and in a page with oro:child_process, against the same programs: the JSON each produces must be
equal. It compares, per child: the events in order (``spawn``, ``exit``, ``error``, ``close``
with their arguments), stdout and stderr bytes, ``exitCode``, ``signalCode``, ``killed``,
``spawnfile``, ``spawnargs``, the pipes present, ``kill()``'s answer before and after the exit;
and for ``exec``/``execFile`` the callback's error (class, message, ``code``, ``errno``,
``syscall``, ``path``, ``spawnargs``, ``killed``, ``signal``, ``cmd``, own keys) and output.
Cases: exit codes with output on both pipes, ``stdio: 'ignore'`` (whole and per fd),
``shell: true``, 3 MiB through ``cat``, ENOENT, EACCES (a file without execute permission),
``kill()`` with a name and a number and an unknown signal, ``timeout`` of spawn and of execFile
and exec (killed, SIGTERM, a ``killSignal``), ``maxBuffer`` on stdout and on stderr,
``encoding: 'buffer'``, ``AbortSignal`` (live and already aborted), ``util.promisify`` of both,
and Node's argument errors.

The page's ``[process] allow`` holds exactly what the script runs: ``sh`` (for ``shell`` and
``exec`` too), ``cat``, ``sleep``, a name on no PATH and the non-executable file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_process.plugin
import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

SCRIPT = Path(__file__).resolve().parent / "scripts" / "differential.mjs"
MISSING = "oro-no-such-program"


@pytest.fixture(scope="module")
def not_executable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("programs") / "not-executable"
    path.write_text("#!/bin/sh\necho never\n")
    path.chmod(0o644)
    return path


@pytest.fixture(scope="module")
def app(not_executable: Path) -> Iterator[ServedApp]:
    config = {
        "process.allow": ["sh", "cat", "sleep", MISSING, str(not_executable)],
        "process.trampolines": ["sh"],
    }
    environ = {"PATH": os.environ["PATH"]}
    with served_app(
        [oro_conduit.plugin, oro_process.plugin], config=config, environ=environ
    ) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def in_page(page: Page, values: dict[str, str]) -> Any:
    # The module's function, declared inside the evaluated function: the page imports nothing
    # but oro's own modules.
    source = SCRIPT.read_text().replace("export default async function", "async function", 1)
    return page.evaluate(
        "async (values) => {\n"
        f"{source}\n"
        "const childProcess = (await import('node:child_process')).default\n"
        "const { Buffer } = await import('node:buffer')\n"
        "const util = (await import('node:util')).default\n"
        "return await script({ childProcess, Buffer, util, values })\n"
        "}",
        values,
    )


def in_node(values: dict[str, str], tmp_path: Path) -> Any:
    return run_in_node(
        f"const {{ default: script }} = await import({json.dumps(SCRIPT.as_uri())})\n"
        "return await script({ childProcess, Buffer, util, values })",
        imports=(
            "import childProcess from 'node:child_process'\n"
            "import { Buffer } from 'node:buffer'\n"
            "import util from 'node:util'"
        ),
        values={"values": values},
        directory=tmp_path,
        timeout=120,
    )


def test_node_and_the_page_run_the_same_script_alike(
    page: Page, not_executable: Path, tmp_path: Path
) -> None:
    values = {"missing": MISSING, "notExecutable": str(not_executable)}
    expected = in_node(values, tmp_path)
    actual = json.loads(json.dumps(in_page(page, values)))
    assert actual.keys() == expected.keys()
    for key in expected:
        assert actual[key] == expected[key], key
    # The comparison means something only if the cases did what they are meant to.
    assert expected["exitCode"]["events"] == ["spawn", ["exit", 7, None], ["close", 7, None]]
    assert expected["enoent"]["events"][0][1]["code"] == "ENOENT"
    assert expected["eacces"]["events"][0][1]["code"] == "EACCES"
    assert expected["cat"]["digest"][0] == 3 * 1024 * 1024 + 21
    assert expected["kill"]["events"][-1] == ["close", None, "SIGTERM"]
    assert expected["execFileTimeout"]["error"]["killed"] is True
    assert expected["execFileTimeout"]["error"]["signal"] == "SIGTERM"
    assert expected["execMaxBuffer"]["error"]["code"] == "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"
    assert expected["exec"]["error"]["code"] == 3
    assert expected["abort"]["events"][1][1]["code"] == "ABORT_ERR"
    assert expected["spawnSync"]["status"] == 4
    assert expected["spawnSyncTimeout"]["error"]["code"] == "ETIMEDOUT"
    assert expected["spawnSyncMaxBuffer"]["error"]["code"] == "ENOBUFS"
    assert expected["execSyncFails"]["error"]["status"] == 3
    assert expected["execFileSyncEnoent"]["error"]["code"] == "ENOENT"
