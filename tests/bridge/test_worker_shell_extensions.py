"""The worker shell's plugin extensions (``oro_service_worker_modules``) come from the host's
plugins alone: nothing a page, another origin or a local process puts in the shell's URL adds
a module to it or changes what it imports."""

from __future__ import annotations

from pathlib import Path

import oro_sw.plugin
import pytest

from oro_framework import JSModuleTable, hookimpl
from oro_framework.testing import live_server, make_host

pytestmark = pytest.mark.anyio

AS_THE_ENGINE = {"sec-fetch-dest": "serviceworker"}


class Extending:
    name = "extending"

    def __init__(self, folder: Path) -> None:
        self.module = folder / "worker.js"
        self.module.write_text("export default () => null\n")

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable) -> None:
        modules.add("oro:extending/worker", self.module)

    @hookimpl
    def oro_service_worker_modules(self) -> list[str]:
        return ["oro:extending/worker"]


@pytest.mark.parametrize(
    "extra",
    [
        {"extensions": "oro:fs"},
        {"specifier": "oro:fs", "plugin": "extending"},
        {"module": "https://evil.example/x.js"},
        {"extension0": "/etc/passwd", "env": "{}"},
        {"extensions": "x" * 60_000},
    ],
)
async def test_nothing_in_the_shells_url_adds_or_changes_an_extension(
    tmp_path: Path, extra: dict[str, str]
) -> None:
    async with (
        make_host([oro_sw.plugin, Extending(tmp_path)]) as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        plain = await client.get(
            "/oro/service-worker/shell.js", params={"script": "/sw.js"}, headers=AS_THE_ENGINE
        )
        asked = await client.get(
            "/oro/service-worker/shell.js",
            params={"script": "/sw.js", **extra},
            headers={**AS_THE_ENGINE, "origin": "https://evil.example"},
        )
        # The host still serves: the same shell again afterwards.
        again = await client.get(
            "/oro/service-worker/shell.js", params={"script": "/sw.js"}, headers=AS_THE_ENGINE
        )

    assert plain.status_code == 200
    assert asked.status_code in (200, 403, 414, 431), asked.status_code
    if asked.status_code == 200:
        assert asked.text == plain.text
    assert again.text == plain.text
    imports = [line for line in plain.text.splitlines() if line.startswith("import")]
    assert imports[1:] == [
        'import * as extension0 from "/oro/extending/worker.js"',
        'import * as module from "/sw.js"',
    ]
