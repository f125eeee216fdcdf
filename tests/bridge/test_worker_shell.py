"""``/oro/service-worker/shell.js?script=...``: the generated Service Worker that runs an app's
worker script as Oro does. It is fetched without the session (a worker's script fetch carries
no cookie), so it must import nothing a page of the app could not load itself: app paths only,
never another origin, a path climbing out of the app or the host's own ``/ipc``."""

from __future__ import annotations

import json

import oro_sw.plugin
import pytest

from oro_framework.testing import live_server, make_host

pytestmark = pytest.mark.anyio

# What the engine sends when it fetches a worker's script: no cookie, this destination.
AS_THE_ENGINE = {"sec-fetch-dest": "serviceworker"}


@pytest.mark.parametrize(
    "script",
    [
        "https://evil.example/x.js",
        "//evil.example/x.js",
        "data:text/javascript,postMessage(1)",
        "/../../etc/passwd",
        "/sw/%2e%2e/%2e%2e/x.js",
        "\\\\evil.example\\x.js",
        "/ipc/fs.readFile",
        "",
    ],
)
async def test_the_shell_imports_app_paths_only(script: str) -> None:
    async with (
        make_host([oro_sw.plugin]) as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        answer = await client.get(
            "/oro/service-worker/shell.js", params={"script": script}, headers=AS_THE_ENGINE
        )
        missing = await client.get("/oro/service-worker/shell.js", headers=AS_THE_ENGINE)
    assert answer.status_code == 400, answer.text
    assert answer.text.startswith("400 SecurityError") or answer.text.startswith(
        "400 InvalidArgumentError"
    ), answer.text
    assert missing.status_code == 400


async def test_the_shell_of_an_app_script_imports_the_runtime_then_the_script() -> None:
    async with (
        make_host([oro_sw.plugin]) as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        answer = await client.get(
            "/oro/service-worker/shell.js", params={"script": "./sw/a.js"}, headers=AS_THE_ENGINE
        )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    imports = [line for line in answer.text.splitlines() if line.startswith("import")]
    assert imports[0].startswith("import { start } from ")
    assert imports[1] == f"import * as module from {json.dumps('/sw/a.js')}"
