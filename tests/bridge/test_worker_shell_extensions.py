"""The worker shell's plugin extensions (``oro_service_worker_modules``) come from the host's
plugins alone: nothing a page, another origin or a local process puts in the shell's URL adds
a module to it or changes what it imports."""

from __future__ import annotations

import logging
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


async def test_oro_service_worker_modules_are_imported_by_every_workers_shell_by_plugin(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "worker.js").write_text("export default () => null\n")

    class Extending:
        name = "extending"

        @hookimpl
        def oro_register_js_modules(self, modules: JSModuleTable) -> None:
            modules.add("oro:extending/worker", tmp_path / "worker.js")

        @hookimpl
        def oro_service_worker_modules(self) -> list[str]:
            return ["oro:extending/worker"]

    class Borrowing:
        """Names another plugin's module and one nobody has."""

        name = "borrowing"

        @hookimpl
        def oro_service_worker_modules(self) -> list[str]:
            return ["oro:extending/worker", "oro:nothing/here"]

    class Malformed:
        name = "malformed"

        @hookimpl
        def oro_service_worker_modules(self) -> str:
            return "oro:extending/worker"

    class Raising:
        name = "raising"

        @hookimpl
        def oro_service_worker_modules(self) -> list[str]:
            raise RuntimeError("no worker today")

    plugins = [oro_sw.plugin, Extending(), Borrowing(), Malformed(), Raising()]
    with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
        async with (
            make_host(plugins) as host,
            live_server(host) as server,
            server.client(session=False) as client,
        ):
            shell = await client.get(
                "/oro/service-worker/shell.js",
                params={"script": "/sw.js"},
                headers={"sec-fetch-dest": "serviceworker"},
            )

    assert shell.status_code == 200
    imports = [line for line in shell.text.splitlines() if line.startswith("import")]
    assert imports[1:] == [
        'import * as extension0 from "/oro/extending/worker.js"',
        'import * as module from "/sw.js"',
    ]
    assert (
        'extensions: [{ plugin: "extending", specifier: "oro:extending/worker", '
        "module: extension0 }]" in shell.text
    )
    errors = [record.getMessage() for record in caplog.records]
    assert (
        "plugin 'borrowing': oro_service_worker_modules named 'oro:extending/worker', a JS "
        "module of plugin 'extending': left out of the app's service workers (name a JS module "
        "your plugin registers)" in errors
    )
    assert any(
        "'borrowing'" in error and "'oro:nothing/here', no JS module" in error for error in errors
    )
    assert any(
        error.startswith("plugin 'malformed': hook oro_service_worker_modules raised TypeError")
        for error in errors
    )
    assert (
        "plugin 'raising': hook oro_service_worker_modules raised RuntimeError: no worker today"
        in errors
    )
