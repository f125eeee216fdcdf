"""Issue 71, items 1 to 3: what the host owns lives in its state folder, where no page reaches;
what it reads back from there is bounded and checked; what it writes there follows no link.

Each attack is the one the issue found, made through the page's own routes (oro-fs, oro-sqlite,
oro-process) of a real host: a page that writes ``data:permissions.json`` gets no grant, a
planted link is never written through, a grown or deeply nested store grants nothing and the
host keeps serving.
"""

from __future__ import annotations

import json
import logging
import os
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import oro_fs.plugin
import oro_process.plugin
import oro_sqlite.plugin
import platformdirs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oro_framework.core.permissions
from oro_framework import SandboxRoot
from oro_framework.host.app import Host
from oro_framework.host.permission_broker import (
    APP_SITE,
    STORE_LIMIT,
    STORE_NAME,
    PermissionAnswer,
    read_decisions,
    remember_decisions,
)
from oro_framework.host.private_files import (
    app_state_dir,
    is_private_path,
    load_private_json,
    private_folders,
    read_private,
    state_root,
    write_private,
)
from oro_framework.host.sandbox import Sandbox
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio

PLUGINS = [oro_framework.core.permissions, oro_fs.plugin, oro_sqlite.plugin, oro_process.plugin]
GRANTS = {APP_SITE: {kind: "granted" for kind in ("camera", "microphone", "geolocation")}}


def _config(*, sandbox: bool) -> dict[str, Any]:
    return {
        "filesystem.relative_root": "data",
        "filesystem.sandbox_enabled": sandbox,
        "process.allow": ["cat", "pwd"],
    }


@pytest.fixture(params=[True, False], ids=["sandbox-on", "sandbox-off"])
async def host(request: pytest.FixtureRequest) -> AsyncIterator[Host]:
    async with make_host(PLUGINS, config=_config(sandbox=request.param)) as running:
        yield running


def _prompt_never(host: Host) -> list[str]:
    asked: list[str] = []

    async def ask(index: int, question: str) -> PermissionAnswer:
        asked.append(question)
        return PermissionAnswer(allowed=False)

    host.windows.ask_permission = ask  # type: ignore[method-assign]
    return asked


async def test_a_page_writing_data_permissions_json_is_granted_nothing(host: Host) -> None:
    client = MemoryClient(host)
    asked = _prompt_never(host)
    written = await client.call(
        "fs.writeFile", path="data:permissions.json", body=json.dumps(GRANTS).encode()
    )
    query = await client.call("permissions.query", name="camera")
    request = await client.call("permissions.request", name="geolocation")

    assert written.error is None  # the page's own file: written, and meaningless
    assert query.data == {"name": "camera", "state": "prompt"}
    assert request.data == {"name": "geolocation", "state": "denied"}
    assert len(asked) == 1  # the user was asked, not bypassed


async def test_the_state_folder_is_out_of_reach_of_fs_sqlite_and_child_processes(
    host: Host,
) -> None:
    client = MemoryClient(host)
    remember_decisions(host.permission_broker.store, APP_SITE, ["camera"], False)
    state = host.paths.state
    store = str(host.permission_broker.store)
    for route, params in [
        ("fs.readFile", {"path": store}),
        ("fs.writeFile", {"path": store, "body": json.dumps(GRANTS).encode()}),
        ("fs.stat", {"path": str(state)}),
        ("fs.readdir", {"path": str(state)}),
        ("fs.mkdir", {"path": str(state / "new")}),
        ("sqlite.open", {"id": "s", "path": str(state / "x.db")}),
        ("child_process.exec", {"command": "cat", "args": [store]}),
        ("child_process.exec", {"command": "pwd", "cwd": str(state)}),
    ]:
        reply = await client.call(route, **params)
        assert reply.error is not None, (route, params, reply.data)
        assert reply.error.code in {"ENOENT", "EPERM", "ERR_PROCESS_NOT_ALLOWED"}, reply.error
    # A link to the store, the page's own (where its sandbox lets it make one) or planted, is
    # no way in: the walk that follows it ends in a hidden folder.
    made = await client.call("fs.symlink", src=store, dest="data:link")
    os.symlink(store, host.paths.data / "planted")
    for link in ["data:planted", *(["data:link"] if made.error is None else [])]:
        assert (await client.call("fs.readFile", path=link)).error is not None
        assert (await client.call("fs.writeFile", path=link, body=b"{}")).error is not None
    assert read_decisions(host.permission_broker.store) == {APP_SITE: {"camera": "denied"}}


async def test_every_sandbox_hides_the_state_folders_of_every_oro_app(tmp_path: Path) -> None:
    other_app = app_state_dir("com.example.other") / STORE_NAME
    sandbox = Sandbox([SandboxRoot.at("home", tmp_path, writable=True)], enabled=False)

    assert sandbox.holding(str(other_app)) is None
    assert sandbox.holding(str(state_root())) is None
    assert sandbox.holding(str(tmp_path / "a")) is not None


@pytest.mark.parametrize("device", ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "/dev/tty"])
async def test_a_sandbox_off_page_never_reaches_the_hosts_descriptors(
    device: str, tmp_path: Path
) -> None:
    async with make_host(PLUGINS, config=_config(sandbox=False)) as host:
        client = MemoryClient(host)
        with (tmp_path / "secret").open("w+b") as held:  # the host's own descriptor
            held.write(b"host-only")
            held.flush()
            read = await client.call("fs.readFile", path=device)
            by_number = await client.call("fs.readFile", path=f"/dev/fd/{held.fileno()}")
            stat = await client.call("fs.stat", path=device)

    for reply in (read, by_number, stat):
        assert reply.error is not None
        assert reply.error.code == "ENOENT"


# -------------------------------------------------------------------------------------------
# Reading back: bounded, checked, never granting
# -------------------------------------------------------------------------------------------


async def test_a_grown_store_is_not_read_and_the_host_serves_on(
    host: Host, caplog: pytest.LogCaptureFixture
) -> None:
    store = host.permission_broker.store
    padding = " " * (60 * 1024 * 1024)
    write_private(store, (json.dumps(GRANTS) + padding).encode())
    tracemalloc.start()
    try:
        query = await MemoryClient(host).call("permissions.query", name="camera")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert query.data == {"name": "camera", "state": "prompt"}
    # Refused by its size before a byte is read: not 60 MiB, nor 1.5 GiB parsed.
    assert peak < STORE_LIMIT * 4
    assert "larger than" in caplog.text


async def test_a_deeply_nested_store_is_ignored_with_one_warning(
    host: Host, caplog: pytest.LogCaptureFixture
) -> None:
    depth = STORE_LIMIT // 2 - 8
    write_private(host.permission_broker.store, ("[" * depth + "]" * depth).encode())
    client = MemoryClient(host)
    replies = [await client.call("permissions.query", name="camera") for _ in range(3)]

    assert [reply.data for reply in replies] == [{"name": "camera", "state": "prompt"}] * 3
    assert caplog.text.count("RecursionError") == 1


@pytest.mark.parametrize("mode", [0o644, 0o620, 0o604])
def test_a_store_others_could_write_grants_nothing(tmp_path: Path, mode: int) -> None:
    store = tmp_path / STORE_NAME
    write_private(store, json.dumps(GRANTS).encode())
    os.chmod(store, mode)

    assert read_decisions(store) == {}


def test_a_store_that_is_a_link_or_a_fifo_grants_nothing(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    write_private(real, json.dumps(GRANTS).encode())
    link = tmp_path / "link" / STORE_NAME
    link.parent.mkdir()
    link.symlink_to(real)
    fifo = tmp_path / "fifo" / STORE_NAME
    fifo.parent.mkdir()
    os.mkfifo(fifo, 0o600)

    assert read_decisions(link) == {}
    assert read_decisions(fifo) == {}  # and no wait for a writer that never comes


# -------------------------------------------------------------------------------------------
# Writing: never through a link
# -------------------------------------------------------------------------------------------


def test_a_link_at_the_store_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "index.html"
    victim.write_text("<p>the app</p>")
    victim.chmod(0o444)
    store = tmp_path / "state" / STORE_NAME
    store.parent.mkdir()
    store.symlink_to(victim)

    remember_decisions(store, APP_SITE, ["camera"], True)

    assert victim.read_text() == "<p>the app</p>"
    assert victim.stat().st_mode & 0o777 == 0o444
    assert not store.is_symlink()
    assert read_decisions(store) == {APP_SITE: {"camera": "granted"}}
    assert sorted(path.name for path in store.parent.iterdir()) == [STORE_NAME]


def test_a_state_folder_that_is_a_link_is_never_written_into(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "state").symlink_to(elsewhere)

    with pytest.raises(OSError, match=r"Too many levels of symbolic links|Not a directory"):
        write_private(tmp_path / "state" / STORE_NAME, b"{}")
    assert list(elsewhere.iterdir()) == []


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=4096), name=st.from_regex(r"[a-z][a-z0-9._-]{0,40}", fullmatch=True))
def test_what_is_written_private_reads_back_the_same_and_is_the_users_alone(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, name: str
) -> None:
    folder = tmp_path_factory.mktemp("private")
    write_private(folder / name, data)

    assert read_private(folder / name, limit=4096) == data
    assert (folder / name).stat().st_mode & 0o777 == 0o600
    assert [path.name for path in folder.iterdir()] == [name]


@given(st.text(min_size=1, max_size=80))
def test_any_bundle_identifier_names_one_folder_below_the_state_root(bundle: str) -> None:
    folder = app_state_dir(bundle)

    assert folder.parent == state_root() / "apps"
    assert folder.name not in {"", ".", ".."}
    assert "/" not in folder.name
    assert is_private_path(str(folder / "x"))


def test_the_state_root_is_private_and_nothing_beside_it_is() -> None:
    root = state_root()

    assert os.path.realpath(root) in private_folders()
    assert is_private_path(str(root / "apps" / "x" / STORE_NAME))
    assert not is_private_path(str(root.parent / "elsewhere"))


def test_json_that_fails_in_any_way_is_none(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "x.json"
    for text in (b"not json", b"\xff\xfe", b"[" * 5000):
        write_private(path, text)
        with caplog.at_level(logging.WARNING):
            assert load_private_json(path, limit=1 << 16, what="a test file") is None


# -------------------------------------------------------------------------------------------
# Moving what older versions kept in the data folder
# -------------------------------------------------------------------------------------------


async def test_an_old_store_in_data_moves_with_its_denials_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    old = {
        APP_SITE: {"camera": "granted", "microphone": "denied"},
        "https://a.example": {"camera": "granted"},
    }
    (data / STORE_NAME).write_text(json.dumps(old))

    async with make_host(PLUGINS, data_dir=data) as host:
        state = await host.permission_broker.state("microphone", "app")
        camera = await host.permission_broker.state("camera", "app")
        moved = read_decisions(host.permission_broker.store)

    assert not (data / STORE_NAME).exists()
    assert moved == {APP_SITE: {"microphone": "denied"}}
    assert (state.state, camera.state) == ("denied", "prompt")


async def test_an_old_store_that_is_a_link_is_not_followed_when_moved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({APP_SITE: {"camera": "denied"}}))
    (data / STORE_NAME).symlink_to(outside)

    async with make_host(PLUGINS, data_dir=data) as host:
        moved = read_decisions(host.permission_broker.store)

    assert moved == {}
    assert outside.read_text() == json.dumps({APP_SITE: {"camera": "denied"}})


def _sw_write(path: Path) -> None:
    from oro_sw.store import _write

    _write(path, {"registrations": {}, "storage": {}})


def _window_state_write(path: Path) -> None:
    from oro_desktop.window_state.part import _write_atomically

    _write_atomically(path, {"version": 1, "windows": {}})


def _permission_write(path: Path) -> None:
    remember_decisions(path, APP_SITE, ["camera"], False)


@pytest.mark.parametrize(
    "write",
    [_permission_write, _sw_write, _window_state_write],
    ids=["permission store", "service-worker record", "window state"],
)
def test_no_host_writer_follows_a_link_at_its_file_or_its_folder(
    tmp_path: Path, write: Any
) -> None:
    """Item 3: each writer of a host-owned file, with links planted at the file itself and at
    its folder; the files they point at stay as they were."""
    victim = tmp_path / "victim.html"
    victim.write_text("<p>the app</p>")
    at_file = tmp_path / "state" / "file.json"
    at_file.parent.mkdir()
    at_file.symlink_to(victim)
    folder = tmp_path / "linked"
    folder.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()

    write(at_file)
    with pytest.raises(OSError, match=r"Too many levels of symbolic links|Not a directory"):
        write(folder / "file.json")

    assert victim.read_text() == "<p>the app</p>"
    assert not at_file.is_symlink()
    assert at_file.stat().st_mode & 0o777 == 0o600
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("bundle", ["../../.ssh", "..", ".", "a/../../b"])
def test_a_bundle_identifier_that_is_no_folder_name_names_no_other_folder(
    bundle: str, tmp_path: Path
) -> None:
    """A hostile app folder's ``meta.bundle_identifier`` names the app's folders: ``../../.ssh``
    must not make the user's ``~/.ssh`` the pages' ``data:``."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(f"[meta]\nbundle_identifier = {json.dumps(bundle)}\n")
    host = Host(app, autoload=False)
    host.close()

    for folder in (host.paths.data, host.paths.cache, host.paths.config, host.paths.log):
        assert os.path.normpath(folder) == str(folder)
        assert ".." not in folder.parts
        assert folder.name not in {".", ".ssh"}
    assert host.paths.data.parent == Path(platformdirs.user_data_dir())
    assert host.paths.state.parent == state_root() / "apps"


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_private_reads_and_writes_leave_no_descriptor_open_on_any_path(tmp_path: Path) -> None:
    """Each descriptor the private writer and reader open has one owner that closes it: after a
    write, a read, and each way they fail (a linked folder, a target that is a folder, a link,
    a FIFO, a file over the limit, one others may write), as many are open as before."""
    good = tmp_path / "good.json"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-link").symlink_to(good)
    os.mkfifo(tmp_path / "fifo", 0o600)
    before = _open_descriptors()

    write_private(good, b"{}")
    for failing in (tmp_path / "linked" / "x", tmp_path / "a-folder"):
        with pytest.raises(OSError, match=r"symbolic links|Is a directory|Not a directory"):
            write_private(failing, b"{}")
    write_private(tmp_path / "big", b"x" * 100)
    write_private(tmp_path / "open", b"{}", mode=0o644)
    reads = [
        read_private(tmp_path / name, limit=10)
        for name in ("good.json", "a-link", "fifo", "big", "open", "missing", "a-folder")
    ]

    assert reads == [b"{}", None, None, None, None, None, None]
    assert _open_descriptors() == before
    assert sorted(path.name for path in (tmp_path / "a-folder").iterdir()) == []
