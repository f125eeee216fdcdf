"""Where a relative path lands (issue 44): in the app's data directory, except that one naming
nothing there but a file of the app's resources reads that file, as Oro's relative paths read
the app's files (and what a page writes never lands among them); ``filesystem.relative_root =
"resources"`` makes relative paths the resources only, read-only. And the temp directory the
app hands its pages (Oro's ``os.tmpdir()``: ``TMPDIR`` forwarded by ``build.env``), which is one
more read-write root, ``tmpdir:``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import oro_fs.plugin
import pytest
from oro_fs.state import STATE, page_temp_directory

import oro_framework.core.process
from oro_framework import ConfigError, SecurityError
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio

PLUGINS = [oro_fs.plugin, oro_framework.core.process]


def app_with_files(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    (app / "assets").mkdir(parents=True)
    (app / "index.html").write_text("<!doctype html><title>app</title>")
    (app / "assets" / "data.json").write_text('{"a": 1}')
    return app


async def test_relative_paths_read_the_apps_files_and_write_to_the_data_directory(
    tmp_path: Path,
) -> None:
    async with make_host(PLUGINS, app_dir=app_with_files(tmp_path)) as host:
        client = MemoryClient(host)
        read = await client.call("fs.readFile", path="assets/data.json")
        assert read.body == b'{"a": 1}'
        # New files go to the data directory, and are read back from there.
        assert (await client.call("fs.writeFile", b"mine", path="notes.txt")).ok
        assert (host.paths.data / "notes.txt").read_bytes() == b"mine"
        assert (await client.call("fs.readFile", path="notes.txt")).body == b"mine"
        assert not (host.app_dir / "notes.txt").exists()
        # A file of the data directory hides the app's file of the same name.
        (host.paths.data / "assets").mkdir()
        (host.paths.data / "assets" / "data.json").write_text('{"mine": true}')
        assert (await client.call("fs.readFile", path="assets/data.json")).body == b'{"mine": true}'
        assert (await client.call("fs.access", path=".", mode=2)).ok
        # The app's own files stay as they are: a relative path reaching one cannot change it.
        for route, params in [
            ("fs.unlink", {"path": "index.html"}),
            ("fs.writeFile", {"path": "index.html"}),
        ]:
            reply = await client.call(route, b"", **params)
            assert isinstance(reply.error, SecurityError), route
            assert reply.error.code == "EPERM", route
        assert (host.app_dir / "index.html").read_text() == "<!doctype html><title>app</title>"


async def test_relative_root_resources_is_the_apps_files_only_read_only(tmp_path: Path) -> None:
    config = {"filesystem.relative_root": "resources"}
    async with make_host(PLUGINS, app_dir=app_with_files(tmp_path), config=config) as host:
        client = MemoryClient(host)
        assert (await client.call("fs.readFile", path="assets/data.json")).body == b'{"a": 1}'
        for route, params in [
            ("fs.writeFile", {"path": "new.txt"}),
            ("fs.mkdir", {"path": "made"}),
            ("fs.access", {"path": ".", "mode": 2}),
        ]:
            reply = await client.call(route, b"", **params)
            assert isinstance(reply.error, SecurityError), route
            assert reply.error.code == "EPERM", route
        assert not (host.app_dir / "new.txt").exists()
        assert not (host.paths.data / "new.txt").exists()
        # data: is still the data directory, by its prefix.
        assert (await client.call("fs.writeFile", b"x", path="data:notes.txt")).ok
        assert (host.paths.data / "notes.txt").read_bytes() == b"x"


async def test_a_relative_root_that_names_no_root_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="relative_root"):
        async with make_host(PLUGINS, config={"filesystem.relative_root": "tmpdir"}):
            pass


def forwarding(directory: Path, **extra: Any) -> dict[str, Any]:
    return {"config": {"build.env": ["TMPDIR"], **extra}, "environ": {"TMPDIR": f"{directory}/"}}


async def test_a_forwarded_tmpdir_is_a_read_write_root(tmp_path: Path) -> None:
    shared = tmp_path / "shared-tmp"
    (shared / "fixtures").mkdir(parents=True)
    (shared / "fixtures" / "file.txt").write_text("test 123")
    outside = tmp_path / "outside"
    outside.mkdir()
    async with make_host(PLUGINS, **forwarding(shared)) as host:
        assert page_temp_directory(host) == str(shared)
        client = MemoryClient(host)
        absolute = f"{shared}/fixtures/file.txt"
        assert (await client.call("fs.readFile", path=absolute)).body == b"test 123"
        assert (await client.call("fs.writeFile", b"y", path=f"{shared}/new.txt")).ok
        assert (shared / "new.txt").read_bytes() == b"y"
        assert (await client.call("fs.readFile", path="tmpdir:new.txt")).body == b"y"
        refused = await client.call("fs.readFile", path=f"{outside}/x")
        assert refused.error is not None
        assert refused.error.code == "EPERM"
        # The app's own temp root stays as it was.
        assert host.stash[STATE].sandbox.roots["temp"].path == str(host.paths.temp)


async def test_an_app_that_forwards_no_temp_directory_has_no_tmpdir_root(tmp_path: Path) -> None:
    async with make_host(PLUGINS, environ={"TMPDIR": str(tmp_path)}) as host:
        assert page_temp_directory(host) is None
        assert "tmpdir" not in host.stash[STATE].sandbox.roots
        reply = await MemoryClient(host).call("fs.readdir", path=str(tmp_path))
        assert reply.error is not None
        assert reply.error.code == "EPERM"


async def test_the_tmpdir_of_env_values_and_the_whole_disk_refused(tmp_path: Path) -> None:
    async with make_host(PLUGINS, config={"env.TEMP": str(tmp_path)}) as host:
        assert page_temp_directory(host) == str(tmp_path)
    # TEMPDIR comes before TMPDIR, as Oro reads them; "/" is no temp directory.
    config = {"build.env": ["TMPDIR", "TEMPDIR"]}
    environ = {"TMPDIR": str(tmp_path), "TEMPDIR": "/"}
    async with make_host(PLUGINS, config=config, environ=environ) as host:
        assert page_temp_directory(host) == str(tmp_path)
    async with make_host(
        PLUGINS, config={"build.env": ["TMPDIR"]}, environ={"TMPDIR": "/"}
    ) as host:
        assert page_temp_directory(host) is None
