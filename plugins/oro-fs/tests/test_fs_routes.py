"""Every fs.* route through the real router (make_host + MemoryClient), answers and error codes."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import anyio
import oro_fs.plugin
import pytest
from _oro_fs_census import ledger
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA_HOME
from oro_framework import (
    ErrnoError,
    Host,
    InvalidArgumentError,
    IPCError,
    NotFoundError,
    OutOfRangeError,
    Reply,
    SecurityError,
)
from oro_framework.testing import (
    MemoryClient,
    make_host,
    open_descriptors,
    opened_since,
    raise_for_error,
)

pytestmark = pytest.mark.anyio


def error_of(reply: Reply) -> IPCError:
    assert reply.error is not None, f"expected an error, got {reply.kind} {reply.data!r}"
    return reply.error


def errno_code(reply: Reply) -> str:
    error = error_of(reply)
    assert isinstance(error, ErrnoError), error
    return error.code


async def ok(client: MemoryClient, route: str, body: bytes = b"", **params: Any) -> Any:
    reply = await client.call(route, body, **params)
    raise_for_error(reply)
    return reply.body if reply.kind == "bytes" else reply.data


# ----------------------------------------------------------------------------------------------


async def test_constants_are_this_hosts_values(client: MemoryClient) -> None:
    constants = await ok(client, "fs.constants")
    assert constants["O_CREAT"] == os.O_CREAT
    assert constants["O_WRONLY"] == os.O_WRONLY
    assert constants["S_IFDIR"] == stat.S_IFDIR
    assert constants["COPYFILE_EXCL"] == 1
    assert constants["F_OK"] == os.F_OK


async def test_write_file_then_read_file_round_trips_binary(
    client: MemoryClient, data: Path
) -> None:
    payload = bytes(range(256)) * 3
    assert await ok(client, "fs.writeFile", payload, path="blob.bin") is None
    assert (data / "blob.bin").read_bytes() == payload
    assert await ok(client, "fs.readFile", path="blob.bin") == payload


async def test_write_file_appends_with_o_append(client: MemoryClient, data: Path) -> None:
    await ok(client, "fs.writeFile", b"one,", path="log.txt")
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    await ok(client, "fs.writeFile", b"two", path="log.txt", flags=flags)
    assert (data / "log.txt").read_bytes() == b"one,two"


async def test_write_file_exclusive_refuses_an_existing_file(client: MemoryClient) -> None:
    await ok(client, "fs.writeFile", b"x", path="once.txt")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    reply = await client.call("fs.writeFile", b"y", path="once.txt", flags=flags)
    assert errno_code(reply) == "EEXIST"


async def test_read_file_missing_is_enoent_with_node_fields(client: MemoryClient) -> None:
    error = error_of(await client.call("fs.readFile", path="missing.txt"))
    assert isinstance(error, ErrnoError)
    assert error.to_dict() | {} == {
        "type": "ErrnoError",
        "code": "ENOENT",
        "errno": -2,
        "syscall": "open",
        "path": "missing.txt",
        "message": "ENOENT: no such file or directory, open 'missing.txt'",
    }
    assert error.status == 404


async def test_read_file_of_a_directory_is_eisdir(client: MemoryClient, data: Path) -> None:
    (data / "folder").mkdir()
    assert errno_code(await client.call("fs.readFile", path="folder")) == "EISDIR"


async def test_unknown_flags_are_a_type_error(client: MemoryClient) -> None:
    reply = await client.call("fs.readFile", path="a", flags=1 << 30)
    assert isinstance(error_of(reply), InvalidArgumentError)


async def test_missing_path_is_err_missing_args(client: MemoryClient) -> None:
    error = error_of(await client.call("fs.stat"))
    assert isinstance(error, InvalidArgumentError)
    assert error.code == "ERR_MISSING_ARGS"


async def test_stat_and_lstat(client: MemoryClient, data: Path) -> None:
    (data / "file.txt").write_bytes(b"12345")
    (data / "link").symlink_to("file.txt")
    followed = await ok(client, "fs.stat", path="link")
    itself = await ok(client, "fs.lstat", path="link")
    assert followed["size"] == 5
    assert stat.S_ISREG(followed["mode"])
    assert stat.S_ISLNK(itself["mode"])
    assert set(followed) == {
        "dev", "ino", "mode", "nlink", "uid", "gid", "rdev", "size", "blksize", "blocks",
        "atimeMs", "mtimeMs", "ctimeMs", "birthtimeMs",
    }  # fmt: skip
    assert followed["mtimeMs"] == pytest.approx((data / "file.txt").stat().st_mtime * 1000)
    assert errno_code(await client.call("fs.stat", path="nothing")) == "ENOENT"


async def test_access(client: MemoryClient, data: Path) -> None:
    (data / "a.txt").write_bytes(b"")
    assert await ok(client, "fs.access", path="a.txt") is None
    assert await ok(client, "fs.access", path="a.txt", mode=os.R_OK | os.W_OK) is None
    assert errno_code(await client.call("fs.access", path="b.txt")) == "ENOENT"
    if os.geteuid() != 0:  # root may execute anything with any x bit; the check cannot fail
        reply = await client.call("fs.access", path="a.txt", mode=os.X_OK)
        assert errno_code(reply) == "EACCES"


async def test_mkdir_plain_and_recursive(client: MemoryClient, data: Path) -> None:
    assert await ok(client, "fs.mkdir", path="one") == {"path": None}
    assert (data / "one").is_dir()
    assert errno_code(await client.call("fs.mkdir", path="one")) == "EEXIST"
    assert errno_code(await client.call("fs.mkdir", path="x/y")) == "ENOENT"
    assert await ok(client, "fs.mkdir", path="one/two/three", recursive=True) == {"path": "one/two"}
    assert await ok(client, "fs.mkdir", path="one/two/three", recursive=True) == {"path": None}
    (data / "plain").write_bytes(b"")
    reply = await client.call("fs.mkdir", path="plain/sub", recursive=True)
    assert errno_code(reply) == "ENOTDIR"


async def test_rmdir_unlink_rm(client: MemoryClient, data: Path) -> None:
    (data / "tree" / "deep").mkdir(parents=True)
    (data / "tree" / "deep" / "f").write_bytes(b"x")
    (data / "file").write_bytes(b"x")
    assert errno_code(await client.call("fs.rmdir", path="tree")) == "ENOTEMPTY"
    assert errno_code(await client.call("fs.unlink", path="tree")) in ("EISDIR", "EPERM")
    assert errno_code(await client.call("fs.rm", path="tree")) == "EISDIR"
    assert await ok(client, "fs.rm", path="tree", recursive=True) is None
    assert not (data / "tree").exists()
    assert await ok(client, "fs.unlink", path="file") is None
    assert errno_code(await client.call("fs.unlink", path="file")) == "ENOENT"
    assert errno_code(await client.call("fs.rm", path="file")) == "ENOENT"
    assert await ok(client, "fs.rm", path="file", force=True) is None
    (data / "empty").mkdir()
    assert await ok(client, "fs.rmdir", path="empty") is None


async def test_rm_recursive_removes_links_never_their_targets(
    client: MemoryClient, data: Path
) -> None:
    (data / "keep").mkdir()
    (data / "keep" / "precious").write_bytes(b"x")
    (data / "tree").mkdir()
    (data / "tree" / "to-keep").symlink_to(data / "keep")
    await ok(client, "fs.rm", path="tree", recursive=True)
    assert (data / "keep" / "precious").read_bytes() == b"x"


async def test_a_root_itself_cannot_be_removed(client: MemoryClient, host: Host) -> None:
    for route, params in (
        ("fs.rmdir", {"path": "."}),
        ("fs.rm", {"path": "temp:", "recursive": True}),
        ("fs.rename", {"src": "temp:", "dest": "elsewhere"}),
    ):
        assert isinstance(error_of(await client.call(route, **params)), SecurityError)
    assert host.paths.temp.is_dir()


async def test_rename(client: MemoryClient, data: Path, host: Host) -> None:
    (data / "old").write_bytes(b"x")
    assert await ok(client, "fs.rename", src="old", dest="temp:new") is None
    assert (host.paths.temp / "new").read_bytes() == b"x"
    assert errno_code(await client.call("fs.rename", src="old", dest="x")) == "ENOENT"


async def test_copy_file(client: MemoryClient, data: Path) -> None:
    (data / "src").write_bytes(b"content")
    os.chmod(data / "src", 0o640)
    assert await ok(client, "fs.copyFile", src="src", dest="dst") is None
    assert (data / "dst").read_bytes() == b"content"
    assert stat.S_IMODE((data / "dst").stat().st_mode) == 0o640
    reply = await client.call("fs.copyFile", src="src", dest="dst", flags=1)
    assert errno_code(reply) == "EEXIST"
    assert errno_code(await client.call("fs.copyFile", src="nope", dest="x")) == "ENOENT"


async def test_cp_copies_a_tree_with_its_links(client: MemoryClient, data: Path) -> None:
    (data / "a" / "b").mkdir(parents=True)
    (data / "a" / "b" / "f.txt").write_bytes(b"deep")
    (data / "a" / "top.txt").write_bytes(b"top")
    (data / "a" / "link").symlink_to("top.txt")
    assert errno_code(await client.call("fs.cp", src="a", dest="c")) == "EISDIR"
    assert await ok(client, "fs.cp", src="a", dest="c", recursive=True) is None
    assert (data / "c" / "b" / "f.txt").read_bytes() == b"deep"
    assert os.readlink(data / "c" / "link") == "top.txt"
    (data / "a" / "top.txt").write_bytes(b"changed")
    await ok(client, "fs.cp", src="a", dest="c", recursive=True, force=False)
    assert (data / "c" / "top.txt").read_bytes() == b"top"
    reply = await client.call(
        "fs.cp", src="a", dest="c", recursive=True, force=False, errorOnExist=True
    )
    assert errno_code(reply) == "EEXIST"
    assert errno_code(await client.call("fs.cp", src="a", dest="a/b/inside", recursive=True)) == (
        "EINVAL"
    )


async def test_link_symlink_readlink_realpath(client: MemoryClient, data: Path) -> None:
    (data / "dir").mkdir()
    (data / "dir" / "f").write_bytes(b"x")
    assert await ok(client, "fs.link", src="dir/f", dest="hard") is None
    assert (data / "hard").stat().st_ino == (data / "dir" / "f").stat().st_ino
    assert await ok(client, "fs.symlink", src="dir", dest="soft") is None
    assert await ok(client, "fs.readlink", path="soft") == {"path": "dir"}
    assert await ok(client, "fs.realpath", path="soft/f") == {"path": "dir/f"}
    absolute = str(data / "soft" / "f")
    assert await ok(client, "fs.realpath", path=absolute) == {"path": str(data / "dir" / "f")}
    assert errno_code(await client.call("fs.readlink", path="dir")) == "EINVAL"
    assert errno_code(await client.call("fs.symlink", src="dir", dest="soft")) == "EEXIST"
    assert errno_code(await client.call("fs.realpath", path="soft/none")) == "ENOENT"


async def test_chmod_truncate_utimes(client: MemoryClient, data: Path) -> None:
    target = data / "f"
    target.write_bytes(b"0123456789")
    assert await ok(client, "fs.chmod", path="f", mode=0o600) is None
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert await ok(client, "fs.truncate", path="f", length=4) is None
    assert target.read_bytes() == b"0123"
    assert await ok(client, "fs.utimes", path="f", atime=1000.5, mtime=2000.25) is None
    assert target.stat().st_mtime == pytest.approx(2000.25)
    assert target.stat().st_atime == pytest.approx(1000.5)
    assert isinstance(error_of(await client.call("fs.chmod", path="f")), InvalidArgumentError)
    for route in ("fs.chmod", "fs.truncate", "fs.utimes"):
        reply = await client.call(route, path="none", mode=0o600, atime=1, mtime=1)
        assert errno_code(reply) == "ENOENT"


async def test_chmod_through_a_symlink_changes_the_target(client: MemoryClient, data: Path) -> None:
    (data / "f").write_bytes(b"")
    (data / "l").symlink_to("f")
    await ok(client, "fs.chmod", path="l", mode=0o604)
    assert stat.S_IMODE((data / "f").stat().st_mode) == 0o604


async def test_mkdtemp(client: MemoryClient, host: Host) -> None:
    first = (await ok(client, "fs.mkdtemp", prefix="temp:job-"))["path"]
    second = (await ok(client, "fs.mkdtemp", prefix="temp:job-"))["path"]
    assert first != second
    assert first.startswith("temp:job-")
    assert (host.paths.temp / first.removeprefix("temp:")).is_dir()
    assert (await ok(client, "fs.mkdtemp", prefix="t-"))["path"].startswith("t-")
    assert errno_code(await client.call("fs.mkdtemp", prefix="missing/t-")) == "ENOENT"


async def test_readdir_one_round_trip_types(client: MemoryClient, data: Path) -> None:
    (data / "d").mkdir()
    (data / "d" / "file").write_bytes(b"")
    (data / "d" / "sub").mkdir()
    (data / "d" / "link").symlink_to("file")
    os.mkfifo(data / "d" / "pipe")
    listing = await ok(client, "fs.readdir", path="d")
    assert listing == [
        {"name": "file", "type": 1},
        {"name": "link", "type": 3},
        {"name": "pipe", "type": 4},
        {"name": "sub", "type": 2},
    ]
    assert errno_code(await client.call("fs.readdir", path="d/file")) == "ENOTDIR"


async def test_opendir_readdir_pages_then_closedir(client: MemoryClient, data: Path) -> None:
    (data / "many").mkdir()
    names = {f"n{index:02}" for index in range(10)}
    for name in names:
        (data / "many" / name).write_bytes(b"")
    assert await ok(client, "fs.opendir", id="7", path="many") == {"id": "7"}
    seen: list[str] = []
    while page := await ok(client, "fs.readdir", id="7", entries=3):
        assert len(page) <= 3
        seen.extend(entry["name"] for entry in page)
    assert sorted(seen) == sorted(names)
    assert await ok(client, "fs.closedir", id="7") == {"id": "7"}
    assert error_of(await client.call("fs.readdir", id="7")).code == "ENOTOPEN"
    assert error_of(await client.call("fs.closedir", id="7")).code == "ENOTOPEN"


async def test_open_read_write_fstat_ftruncate_fsync_close(
    client: MemoryClient, data: Path
) -> None:
    flags = os.O_RDWR | os.O_CREAT
    opened = await ok(client, "fs.open", id="1", path="rw.bin", flags=flags, mode=0o600)
    assert opened["id"] == "1"
    assert isinstance(opened["fd"], int)
    assert await ok(client, "fs.write", b"hello world", id="1") == {"bytesWritten": 11}
    assert await ok(client, "fs.write", b"W", id="1", offset=6) == {"bytesWritten": 1}
    assert await ok(client, "fs.read", id="1", size=5, offset=0) == b"hello"
    assert await ok(client, "fs.read", id="1", size=100, offset=6) == b"World"
    assert await ok(client, "fs.read", id="1", size=10, offset=100) == b""
    assert (await ok(client, "fs.fstat", id="1"))["size"] == 11
    assert await ok(client, "fs.ftruncate", id="1", length=5) is None
    assert await ok(client, "fs.fsync", id="1") is None
    assert (data / "rw.bin").read_bytes() == b"hello"
    assert stat.S_IMODE((data / "rw.bin").stat().st_mode) == 0o600
    assert await ok(client, "fs.close", id="1") == {"id": "1"}
    for route in ("fs.read", "fs.write", "fs.fstat", "fs.ftruncate", "fs.fsync", "fs.close"):
        error = error_of(await client.call(route, id="1"))
        assert isinstance(error, NotFoundError)
        assert error.code == "ENOTOPEN"


async def test_read_reads_from_the_current_position(client: MemoryClient, data: Path) -> None:
    (data / "seq").write_bytes(b"abcdef")
    await ok(client, "fs.open", id="s", path="seq")
    assert await ok(client, "fs.read", id="s", size=2) == b"ab"
    assert await ok(client, "fs.read", id="s", size=2) == b"cd"
    assert errno_code(await client.call("fs.write", b"x", id="s")) == "EBADF"
    await ok(client, "fs.close", id="s")


async def test_read_size_is_capped(data: Path) -> None:
    async with make_host(
        [oro_fs.plugin], config={**DATA_HOME, "filesystem.max_read_bytes": 4}
    ) as host:
        client = MemoryClient(host)
        (host.paths.data / "f").write_bytes(b"0123456789")
        await ok(client, "fs.open", id="1", path="f")
        assert await ok(client, "fs.read", id="1", size=1000) == b"0123"
        reply = await client.call("fs.read", id="1", size=-5)
        assert isinstance(error_of(reply), OutOfRangeError)


async def test_open_errors(client: MemoryClient, data: Path) -> None:
    assert errno_code(await client.call("fs.open", id="1", path="none")) == "ENOENT"
    assert await client.call("fs.getOpenDescriptors") is not None
    assert await ok(client, "fs.getOpenDescriptors") == []  # the failed open left nothing
    (data / "f").write_bytes(b"")
    await ok(client, "fs.open", id="1", path="f")
    reply = await client.call("fs.open", id="1", path="f")
    assert isinstance(error_of(reply), InvalidArgumentError)
    assert isinstance(error_of(await client.call("fs.open", id="", path="f")), InvalidArgumentError)


async def test_descriptors_are_per_window(host: Host, data: Path) -> None:
    (data / "f").write_bytes(b"abc")
    main, other = MemoryClient(host, window=0), MemoryClient(host, window=1)
    await ok(main, "fs.open", id="1", path="f")
    await ok(other, "fs.open", id="1", path="f")  # the same id in another window is another one
    assert error_of(await MemoryClient(host, window=2).call("fs.read", id="1")).code == "ENOTOPEN"
    listed = await ok(main, "fs.getOpenDescriptors")
    assert listed == [{"id": "1", "type": "file", "path": "f", "fd": listed[0]["fd"]}]
    assert await ok(main, "fs.closeOpenDescriptors") == {"closed": 1}
    assert await ok(main, "fs.getOpenDescriptors") == []
    assert await ok(other, "fs.read", id="1", size=3) == b"abc"


async def test_watch_and_stop_watch_errors(client: MemoryClient, data: Path) -> None:
    assert errno_code(await client.call("fs.watch", id="w", path="none")) == "ENOENT"
    assert await ok(client, "fs.getOpenDescriptors") == []
    assert error_of(await client.call("fs.stopWatch", id="w")).code == "ENOTOPEN"
    assert isinstance(error_of(await client.call("fs.watch", id="w", path="/")), SecurityError)
    (data / "d").mkdir()
    assert await ok(client, "fs.watch", id="w", path="d") == {"id": "w"}
    assert await ok(client, "fs.getOpenDescriptors") == [
        {"id": "w", "type": "watcher", "path": "d", "fd": 3}
    ]
    assert error_of(await client.call("fs.close", id="w")).code == "ENOTOPEN"  # not a file
    assert await ok(client, "fs.stopWatch", id="w") == {"id": "w"}
    assert await ok(client, "fs.getOpenDescriptors") == []


async def test_permission_switch_refuses_every_route() -> None:
    config = {"permissions.allow_filesystem": False}
    async with make_host([oro_fs.plugin], config={**DATA_HOME, **config}) as host:
        reply = await MemoryClient(host).call("fs.readFile", path="a")
        assert error_of(reply).code == "NOT_ALLOWED_ERR"


async def test_resources_are_read_only(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "www").mkdir(parents=True)
    (app / "oro.toml").write_text('[webview]\nroot = "www"\n')
    (app / "www" / "index.html").write_bytes(b"<html>")
    async with make_host([oro_fs.plugin], app_dir=app, config=DATA_HOME) as host:
        client = MemoryClient(host)
        assert await ok(client, "fs.readFile", path="resources:index.html") == b"<html>"
        absolute = str(app / "www" / "index.html")
        assert await ok(client, "fs.readFile", path=absolute) == b"<html>"
        for route, params in (
            ("fs.writeFile", {"path": "resources:new.txt"}),
            ("fs.writeFile", {"path": absolute, "flags": os.O_WRONLY}),
            ("fs.unlink", {"path": absolute}),
            ("fs.mkdir", {"path": "resources:sub"}),
            ("fs.chmod", {"path": absolute, "mode": 0o777}),
            ("fs.rename", {"src": absolute, "dest": "stolen"}),
            ("fs.link", {"src": absolute, "dest": "writable-alias"}),
            ("fs.open", {"id": "1", "path": absolute, "flags": os.O_RDWR}),
            ("fs.copyFile", {"src": "x", "dest": "resources:x"}),
        ):
            error = error_of(await client.call(route, **params))
            assert isinstance(error, SecurityError), (route, error)
            assert error.code == "EPERM"
        assert sorted(os.listdir(app / "www")) == ["index.html"]
        assert (app / "www" / "index.html").read_bytes() == b"<html>"
        assert not (host.paths.data / "stolen").exists()


# ----------------------------------------------------------------------------------------------
# Numbers the platform cannot hold, refused copies
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("huge", ["1" * 110, 10**110, -(10**110), 2.0**63, "-1e300"])
async def test_utimes_with_a_time_out_of_range_is_a_range_error(
    client: MemoryClient, data: Path, huge: object
) -> None:
    (data / "f").write_bytes(b"")
    before = (data / "f").stat().st_mtime_ns
    reply = await client.call("fs.utimes", path="f", atime=1, mtime=huge)
    error = error_of(reply)
    assert isinstance(error, OutOfRangeError)
    assert (error.code, error.status < 500) == ("ERR_OUT_OF_RANGE", True)
    assert (data / "f").stat().st_mtime_ns == before


@given(seconds=st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
@settings(max_examples=200, deadline=None)
def test_utimes_answers_every_finite_time_without_a_server_error(seconds: float) -> None:
    async def call() -> Reply:
        async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
            (host.paths.data / "f").write_bytes(b"")
            return await MemoryClient(host).call("fs.utimes", path="f", atime=seconds, mtime=1)

    reply = anyio.run(call, backend="trio")
    assert reply.error is None or isinstance(reply.error, (OutOfRangeError, ErrnoError))
    assert reply.error is None or reply.error.status < 500


@pytest.mark.parametrize(("route", "name"), [("fs.truncate", "length"), ("fs.read", "offset")])
async def test_positions_past_off_t_are_range_errors(
    client: MemoryClient, data: Path, route: str, name: str
) -> None:
    (data / "f").write_bytes(b"x")
    await ok(client, "fs.open", id="1", path="f")
    reply = await client.call(route, id="1", path="f", **{name: 2**64})
    await ok(client, "fs.close", id="1")
    assert isinstance(error_of(reply), OutOfRangeError)


async def test_a_recursive_cp_of_a_tree_with_a_link_outside_creates_nothing(
    client: MemoryClient, data: Path
) -> None:
    (data / "src" / "sub").mkdir(parents=True)
    (data / "src" / "a.txt").write_bytes(b"a")
    (data / "src" / "sub" / "b.txt").write_bytes(b"b")
    (data / "src" / "sub" / "z_evil").symlink_to("/etc/passwd")
    reply = await client.call("fs.cp", src="src", dest="dst", recursive=True)
    assert isinstance(error_of(reply), SecurityError)
    assert error_of(reply).code == "EPERM"
    assert sorted(os.listdir(data)) == ["src"]


async def test_a_refused_cp_into_an_existing_directory_leaves_it_as_it_was(
    client: MemoryClient, data: Path
) -> None:
    (data / "src" / "deep").mkdir(parents=True)
    (data / "src" / "a.txt").write_bytes(b"new a")
    (data / "src" / "deep" / "file").write_bytes(b"x")
    (data / "dst" / "deep").mkdir(parents=True)
    (data / "dst" / "keep.txt").write_bytes(b"keep")
    (data / "dst" / "deep" / "file").mkdir()  # a directory where the copy needs a file
    reply = await client.call("fs.cp", src="src", dest="dst", recursive=True)
    assert errno_code(reply) == "EISDIR"
    assert sorted(str(p.relative_to(data / "dst")) for p in (data / "dst").rglob("*")) == [
        "deep",
        "deep/file",
        "keep.txt",
    ]


@pytest.mark.parametrize("existing", [False, True])
async def test_a_cp_failing_midway_removes_what_it_created(
    client: MemoryClient, data: Path, existing: bool
) -> None:
    # Everything checkable passes; then, while the copy runs, a source file becomes a link out
    # (a real race, placed deterministically at the copy's first file open).
    (data / "src" / "z").mkdir(parents=True)
    (data / "src" / "a.txt").write_bytes(b"a")
    (data / "src" / "b.txt").write_bytes(b"b")
    (data / "src" / "z" / "deep.txt").write_bytes(b"deep")
    if existing:
        (data / "dst").mkdir()
        (data / "dst" / "keep.txt").write_bytes(b"keep")

    def swap(count: int, path: object) -> None:
        if path == "a.txt" and not (data / "src" / "z" / "deep.txt").is_symlink():
            (data / "src" / "z" / "deep.txt").unlink()
            (data / "src" / "z" / "deep.txt").symlink_to("/etc/passwd")

    before = open_descriptors()
    with ledger() as record:
        record.before_open = swap
        reply = await client.call("fs.cp", src="src", dest="dst", recursive=True)
    assert isinstance(error_of(reply), SecurityError)
    assert opened_since(before) == {}
    record.assert_clean()
    assert sorted(os.listdir(data)) == (["dst", "src"] if existing else ["src"])
    assert not existing or os.listdir(data / "dst") == ["keep.txt"]


async def test_the_apps_oro_toml_does_not_exist_for_pages(tmp_path: Path) -> None:
    # oro.toml may hold keys (http.ipc.shared_key...): as over HTTP, it is not there at all.
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "secretive"\n')
    (app / "index.html").write_text("<p>hi</p>")
    async with make_host([oro_fs.plugin], app_dir=app, config=DATA_HOME) as running:
        client = MemoryClient(running)
        missing = await client.call("fs.readFile", path="resources:oro.toml")
        stat_missing = await client.call("fs.stat", path=str(app / "oro.toml"))
        listing = await ok(client, "fs.readdir", path="resources:")
        page = await ok(client, "fs.readFile", path="resources:index.html")
    assert errno_code(missing) == "ENOENT"
    assert errno_code(stat_missing) == "ENOENT"
    assert [entry["name"] for entry in listing] == ["index.html"]
    assert page == b"<p>hi</p>"


async def test_the_apps_backend_and_shadowed_config_files_do_not_exist_for_pages(
    tmp_path: Path,
) -> None:
    # As over HTTP (docs/security.md, check 9): the backend's code and a shadowed socket.ini
    # may hold keys; a page reading the app's files does not find them.
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "secretive"\n')
    (app / "socket.ini").write_text("[meta]\ntitle = shadowed\n")
    (app / "backend.py").write_text('API_KEY = "not for pages"\n')
    (app / "index.html").write_text("<p>hi</p>")
    async with make_host([oro_fs.plugin], app_dir=app, config=DATA_HOME) as running:
        client = MemoryClient(running)
        backend = await client.call("fs.readFile", path="resources:backend.py")
        relative = await client.call("fs.readFile", path="backend.py")
        ini = await client.call("fs.readFile", path="resources:socket.ini")
        listing = await ok(client, "fs.readdir", path="resources:")
        # The backend's bytecode holds its strings: where Python wrote it, pages find nothing.
        (app / "__pycache__").mkdir(exist_ok=True)
        (app / "__pycache__" / "backend.cpython-311.pyc").write_bytes(b"not for pages")
        bytecode = await client.call("fs.readdir", path="resources:__pycache__")
    assert errno_code(bytecode) == "ENOENT"
    assert errno_code(backend) == "ENOENT"
    assert errno_code(relative) == "ENOENT"
    assert errno_code(ini) == "ENOENT"
    assert [entry["name"] for entry in listing] == ["index.html"]
