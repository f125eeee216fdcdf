"""Finding and loading backend.py: a local plugin with every hook open to it, another place
named in oro.toml, and a backend that does not import or cannot be called, answered typed while
the host serves everything else."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _apps import backend_host, write_app

from oro_framework import ConfigError, InvalidArgumentError, NotFoundError
from oro_framework.testing import MemoryClient

pytestmark = pytest.mark.anyio

WITH_HOOKS = """
from oro_framework import Request, hookimpl
from oro_framework.backend import command

seen = []

@hookimpl
def oro_configure(host):
    seen.append(host.config["meta.name"])

@hookimpl
def oro_register_routes(routes):
    async def hello(request: Request) -> str:
        return "a route of the backend's own"
    routes.add("notes.hello", hello, permission="backend")

@command
def configured() -> list:
    return seen
"""


async def test_the_backend_is_a_plugin_with_every_hook_open_to_it(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", WITH_HOOKS)
    async with backend_host(app) as host:
        client = MemoryClient(host)
        assert (await client.call("notes.hello")).data == "a route of the backend's own"
        assert (await client.call("backend.configured")).data == ["notes"]
        owners = {route.name: route.plugin for route in host.routes}
        assert owners["notes.hello"] == owners["backend.configured"] == "backend"
        assert "backend" in [info.name for info in host.plugins]


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ("from oro_framework.backend import command\n\ndef broken(:\n    pass\n", "backend.py:3"),
        ("import a_module_nobody_installed\n", "backend.py:1"),
        ("raise RuntimeError('no database')\n", "backend.py:1"),
    ],
)
async def test_a_backend_that_does_not_import_is_answered_while_the_host_serves(
    tmp_path: Path, source: str, where: str
) -> None:
    app = write_app(tmp_path / "app", source)
    async with backend_host(app) as host:
        client = MemoryClient(host)
        reply = await client.call("backend.anything")
        assert reply.error is not None
        assert reply.status == 503
        assert reply.error.to_dict()["type"] == "BackendError"
        assert reply.error.code == "ERR_BACKEND_IMPORT"
        assert reply.error.extra["where"].endswith(where)
        assert "Traceback" not in reply.error.message
        assert (await client.call("ping")).data == "pong"
        # Only the backend's names: others are still simply unknown.
        assert isinstance((await client.call("other.thing")).error, NotFoundError)


async def test_a_command_no_page_can_call_is_reported_like_a_broken_backend(
    tmp_path: Path,
) -> None:
    app = write_app(
        tmp_path / "app",
        """
        from oro_framework.backend import command

        @command
        def varargs(*names: str) -> None: ...
        """,
    )
    async with backend_host(app) as host:
        reply = await MemoryClient(host).call("backend.varargs")
        assert reply.error is not None
        assert "command 'varargs'" in reply.error.message
        assert reply.error.code == "ERR_BACKEND_IMPORT"
        # Where, as pages see it: in the app's folder, not where the host keeps it.
        assert reply.error.extra["where"] == "backend.py"


async def test_backend_module_names_another_file_which_imports_its_neighbours(
    tmp_path: Path,
) -> None:
    app = write_app(
        tmp_path / "app",
        """
        from helpers import shout
        from oro_framework.backend import command

        @command
        def loud(text: str) -> str:
            return shout(text)
        """,
        name="src/server.py",
    )
    (app / "src" / "helpers.py").write_text("def shout(text):\n    return text.upper() + '!'\n")
    (app / "oro.toml").write_text(
        '[meta]\nname = "notes"\nbundle_identifier = "com.example.notes"\n'
        '[backend]\nmodule = "src/server.py"\n'
    )
    async with backend_host(app) as host:
        reply = await MemoryClient(host).call(
            "backend.loud", body=json.dumps({"text": "hi"}).encode()
        )
        assert reply.data == "HI!"


async def test_a_backend_imports_its_own_neighbour_not_one_an_earlier_app_left(
    tmp_path: Path,
) -> None:
    # Two apps built one after the other in one process (as tests and oro test do), each with
    # its own helpers.py beside its backend: the second must not get the first one's module.
    answers = []
    for name, word in (("first", "one"), ("second", "two")):
        app = write_app(
            tmp_path / name,
            """
            from helpers import word
            from oro_framework.backend import command

            @command
            def which() -> str:
                return word()
            """,
        )
        (app / "helpers.py").write_text(f"def word():\n    return {word!r}\n")
        async with backend_host(app) as host:
            reply = await MemoryClient(host).call("backend.which", body=b"{}")
            answers.append(reply.data)

    assert answers == ["one", "two"]


async def test_backend_module_naming_no_file_is_a_config_error(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", "")
    (app / "oro.toml").write_text('[meta]\nname = "notes"\n[backend]\nmodule = "src/missing.py"\n')
    with pytest.raises(ConfigError, match=re.escape("src/missing.py")):
        async with backend_host(app):
            pass


async def test_an_app_without_a_backend_has_no_backend_routes(tmp_path: Path) -> None:
    app = tmp_path / "plain"
    app.mkdir()
    (app / "index.html").write_text("<!doctype html>")
    (app / "oro.toml").write_text('[meta]\nname = "plain"\n')
    async with backend_host(app) as host:
        assert host.backend is None
        reply = await MemoryClient(host).call("backend.anything")
        assert isinstance(reply.error, NotFoundError)
        assert not isinstance(reply.error, InvalidArgumentError)
