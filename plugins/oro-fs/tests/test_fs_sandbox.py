"""The sandbox: a property test over random paths and operations, the walk that cannot be
redirected, symlink rules, mounts and the config switches."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import oro_fs.plugin
import pytest
from _oro_fs_census import ledger
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oro_fs import ops

from conftest import DATA_HOME
from oro_framework import (
    ConfigError,
    ErrnoError,
    InvalidArgumentError,
    IPCError,
    Sandbox,
    SandboxRoot,
    SecurityError,
)
from oro_framework.testing import (
    MemoryClient,
    make_host,
    open_descriptors,
    opened_since,
    raise_for_error,
)

SECRET = b"SECRET-OUTSIDE-THE-SANDBOX"


class Tree:
    """base/{outside, data, temp, www}: three roots, one directory that must never change."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.outside = base / "outside"
        self.data = base / "data"
        self.temp = base / "temp"
        self.www = base / "www"
        self.outside.mkdir()
        (self.outside / "secret.txt").write_bytes(SECRET)
        (self.outside / "dir").mkdir()
        (self.outside / "dir" / "secret2.txt").write_bytes(SECRET)
        self.www.mkdir()
        (self.www / "index.html").write_bytes(b"<html>")
        self.reset()

    def reset(self) -> None:
        for root in (self.data, self.temp):
            if root.exists():
                _make_removable(root)
                shutil.rmtree(root)
            root.mkdir()
        data = self.data
        (data / "a.txt").write_bytes(b"inside a")
        (data / "sub").mkdir()
        (data / "sub" / "b.txt").write_bytes(b"inside b")
        (data / "in_link").symlink_to("sub")
        (data / "abs_in_link").symlink_to(data / "sub" / "b.txt")
        (data / "out_link").symlink_to(self.outside)
        (data / "out_abs").symlink_to(self.outside / "secret.txt")
        (data / "dotdot_link").symlink_to("../outside")
        (data / "sub" / "up_link").symlink_to("../a.txt")
        (data / "sub" / "up_out").symlink_to("../../outside/secret.txt")
        (data / "loop").symlink_to("loop")
        (data / "to_temp").symlink_to(self.temp)
        (data / "to_www").symlink_to(self.www)
        (data / "sub" / "etc2").symlink_to(self.outside / "dir")
        # A deeper spine with links at every depth: inside, chained, absolute and relative out.
        (data / "n1" / "n2" / "n3").mkdir(parents=True)
        (data / "n1" / "f1.txt").write_bytes(b"inside f1")
        (data / "n1" / "n2" / "f2.txt").write_bytes(b"inside f2")
        (data / "n1" / "n2" / "n3" / "f.txt").write_bytes(b"inside f")
        (data / "n1" / "chain").symlink_to("../in_link")
        (data / "n1" / "n2" / "out2").symlink_to(self.outside)
        (data / "n1" / "n2" / "n3" / "back").symlink_to("../../../sub")
        (data / "n1" / "n2" / "n3" / "rel_out").symlink_to("../../../../outside/dir")
        (self.temp / "t.txt").write_bytes(b"inside t")

    def toggle(self, location: str, *, absolute: bool) -> None:
        """Swap ``data/location`` between a directory and a symlink leading outside (the
        directory is kept aside and comes back on the next toggle). Only when every parent is
        still a real directory of the data dir: the harness itself must never write outside."""
        path = self.data / location
        if os.path.realpath(path.parent) != str(path.parent):
            return
        aside = path.with_name(path.name + ".aside")
        if path.is_symlink():
            path.unlink()
            if aside.is_dir():
                aside.rename(path)
            else:
                path.mkdir()
        elif path.is_dir():
            path.rename(aside)
            depth = len(location.split("/"))
            path.symlink_to(self.outside if absolute else "../" * depth + "outside")

    def sandbox(self, *, follow_symlinks: bool = True) -> Sandbox:
        roots = [
            SandboxRoot("resources", str(self.www), writable=False),
            SandboxRoot("data", str(self.data), writable=True),
            SandboxRoot("temp", str(self.temp), writable=True),
        ]
        return Sandbox(roots, enabled=True, follow_symlinks=follow_symlinks)

    def snapshot(self) -> dict[str, tuple[Any, ...]]:
        """Every entry below the protected directories with type, mode, size, mtime, content."""
        found: dict[str, tuple[Any, ...]] = {}
        for top in (self.outside, self.www):
            found[str(top)] = _describe(top)
            for directory, names, files in os.walk(top):
                for name in names + files:
                    path = os.path.join(directory, name)
                    found[path] = _describe(Path(path))
        found["base"] = tuple(sorted(os.listdir(self.base)))
        return found


def _describe(path: Path) -> tuple[Any, ...]:
    info = path.lstat()
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else b""
    return (stat.S_IFMT(info.st_mode), info.st_mode, info.st_size, info.st_mtime_ns, content)


def _make_removable(root: Path) -> None:
    for directory, _, _ in os.walk(root):
        os.chmod(directory, 0o755)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return Tree(tmp_path_factory.mktemp("sandbox"))


# ----------------------------------------------------------------------------------------------
# Property: random paths and operations never reach outside, and own their descriptors
# ----------------------------------------------------------------------------------------------

_COMPONENTS = [
    "a.txt", "sub", "b.txt", "new", "n2", "in_link", "abs_in_link", "out_link", "out_abs",
    "dotdot_link", "up_link", "up_out", "loop", "to_temp", "to_www", "index.html", "secret.txt",
    "dir", "..", ".", "", "ünïcødé", "日本", "x\x00y", "🙂", "a" * 300, "etc2", "n1", "n3",
    "f.txt", "chain", "out2", "back", "rel_out", "secret2.txt",
]  # fmt: skip
# Directories and links of the spine, at every depth: where a path starts and what a swap hits.
_SPINE = ["sub", "in_link", "n1", "n1/n2", "n1/n2/n3", "n1/chain", "n1/n2/n3/back", "n1/n2/out2"]
_SWAPPABLE = ["sub", "n1", "n1/n2", "n1/n2/n3", "in_link", "out_link", "n1/chain"]
# What a path operation may answer: the documented typed errors, never a descriptor error.
_ERRNO_CODES = {
    "ENOENT", "EEXIST", "EISDIR", "ENOTDIR", "ENOTEMPTY", "EACCES", "ELOOP", "EINVAL", "EXDEV",
    "EPERM", "ENAMETOOLONG", "EMLINK",
}  # fmt: skip


@st.composite
def paths(draw: st.DrawFn, tree_base: str) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.text(max_size=40))
    parts = draw(st.lists(st.sampled_from(_COMPONENTS), min_size=0, max_size=5))
    if kind <= 3:
        # Deep paths are rare among random components: start most of them on the spine.
        parts = [draw(st.sampled_from(_SPINE)), *parts[:3]]
    relative = "/".join(parts)
    prefix = draw(
        st.sampled_from(
            [
                "",
                "",
                "/",
                "data:",
                "temp:",
                "resources:",
                "nope:",
                tree_base + "/",
                tree_base + "/data/",
                tree_base + "/outside/",
                tree_base + "/www/",
                tree_base + "/temp/",
                "//",
            ]
        )
    )
    return prefix + relative


# A swap: before the operation's n-th os.open (0: before it starts), toggle a spine entry
# between a directory and a link leading outside: the race a walk must win at every depth.
_swaps = st.lists(
    st.tuples(st.integers(0, 8), st.sampled_from(_SWAPPABLE), st.booleans()), max_size=2
)


def _operations(sandbox: Sandbox) -> dict[str, Callable[[str, str], Any]]:
    return {
        "readFile": lambda p, q: _read_whole(sandbox, p),
        "writeFile": lambda p, q: _write_whole(sandbox, p),
        "appendFile": lambda p, q: _write_whole(sandbox, p, os.O_APPEND),
        "writeFileAtomic": lambda p, q: _write_file(sandbox, p, os.O_TRUNC, atomic=True),
        "appendFileAtomic": lambda p, q: _write_file(sandbox, p, os.O_APPEND, atomic=True),
        "writeFileExclusiveAtomic": lambda p, q: _write_file(sandbox, p, os.O_EXCL, atomic=True),
        "writeFileFlush": lambda p, q: _write_file(sandbox, p, os.O_TRUNC, flush=True),
        "open": lambda p, q: _read_whole(sandbox, p, os.O_RDWR | os.O_CREAT | os.O_EXCL),
        "stat": lambda p, q: ops.stat_path(sandbox, p, follow=True),
        "lstat": lambda p, q: ops.stat_path(sandbox, p, follow=False),
        "access": lambda p, q: ops.access(sandbox, p, os.W_OK),
        "mkdir": lambda p, q: ops.mkdir(sandbox, p, 0o777, recursive=True),
        "mkdirOne": lambda p, q: ops.mkdir(sandbox, p, 0o777, recursive=False),
        "rmdir": lambda p, q: ops.rmdir(sandbox, p),
        "unlink": lambda p, q: ops.unlink(sandbox, p),
        "rm": lambda p, q: ops.rm(sandbox, p, recursive=True, force=True),
        "rename": lambda p, q: ops.rename(sandbox, p, q),
        "copyFile": lambda p, q: ops.copy_file(sandbox, p, q, exclusive=False),
        "cp": lambda p, q: ops.cp(sandbox, p, q, recursive=True, force=True, error_on_exist=False),
        "link": lambda p, q: ops.link(sandbox, p, q),
        "symlink": lambda p, q: ops.symlink(sandbox, p, q),
        "readlink": lambda p, q: ops.readlink(sandbox, p),
        "realpath": lambda p, q: ops.realpath(sandbox, p),
        "chmod": lambda p, q: ops.chmod(sandbox, p, 0o777),
        "truncate": lambda p, q: ops.truncate(sandbox, p, 0),
        "utimes": lambda p, q: ops.utimes(sandbox, p, 1.0, 2.0),
        "mkdtemp": lambda p, q: ops.mkdtemp(sandbox, p),
        "readdir": lambda p, q: ops.list_dir(sandbox, p),
        "opendir": lambda p, q: _list_open_dir(sandbox, p),
    }


def _read_whole(sandbox: Sandbox, path: str, flags: int = os.O_RDONLY) -> bytes | None:
    file, _ = ops.open_file(sandbox, path, flags, 0o600)
    with file:
        return ops.read_all(file.fd, path, 1 << 20)


def _write_whole(sandbox: Sandbox, path: str, extra: int = os.O_TRUNC) -> None:
    file, _ = ops.open_file(sandbox, path, os.O_WRONLY | os.O_CREAT | extra, 0o644)
    with file:
        ops.write_all(file.fd, b"written by the test", path)


def _write_file(sandbox: Sandbox, path: str, extra: int, **options: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | extra
    ops.write_file(sandbox, path, flags, 0o644, b"written by the test", **options)


def _list_open_dir(sandbox: Sandbox, path: str) -> list[str]:
    directory, _ = ops.open_dir(sandbox, path)
    with directory:
        return os.listdir(directory.fd)


def _inside(tree: Tree, path: str) -> bool:
    real = os.path.realpath(path)
    return any(
        real == str(root) or real.startswith(str(root) + os.sep)
        for root in (tree.data, tree.temp, tree.www)
    )


def _swapper(tree: Tree, swaps: list[tuple[int, str, bool]]) -> Callable[[int, object], None]:
    def before_open(count: int, path: object) -> None:
        for at, location, absolute in swaps:
            if at == count:
                tree.toggle(location, absolute=absolute)

    return before_open


@pytest.mark.parametrize("follow_symlinks", [True, False])
def test_no_operation_on_any_path_reaches_outside_or_mishandles_a_descriptor(
    tree: Tree, follow_symlinks: bool
) -> None:
    sandbox = tree.sandbox(follow_symlinks=follow_symlinks)
    operations = _operations(sandbox)
    before = tree.snapshot()
    base = str(tree.base)

    @settings(
        max_examples=500,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        name=st.sampled_from(sorted(operations)),
        first=paths(base),
        second=paths(base),
        swaps=_swaps,
    )
    # A link to a link inside that leads out: lexically inside, really outside (found in CI).
    @example(name="symlink", first="n1/n2/out2", second="0", swaps=[])
    def check(name: str, first: str, second: str, swaps: list[tuple[int, str, bool]]) -> None:
        tree.reset()
        open_before = open_descriptors()
        refused: IPCError | None = None
        with ledger() as record:
            record.before_open = _swapper(tree, swaps)
            try:
                result = operations[name](first, second)
            except (SecurityError, ErrnoError, InvalidArgumentError) as error:
                refused = error
        # Every operation, refused or not, closes exactly what it opened, each once.
        assert opened_since(open_before) == {}, (name, first, second, swaps)
        record.assert_clean()
        if isinstance(refused, SecurityError):
            assert refused.code == "EPERM"
        elif isinstance(refused, ErrnoError):
            assert refused.code in _ERRNO_CODES, (name, first, second, swaps, refused)
        elif refused is None:
            if isinstance(result, bytes):
                assert SECRET not in result
            if name == "realpath":
                shown = str(result)
                absolute = shown if os.path.isabs(shown) else None
                if absolute is None:
                    root, _, rest = shown.partition(":") if ":" in shown else ("data", "", shown)
                    absolute = str(
                        {"data": tree.data, "temp": tree.temp, "resources": tree.www}[root] / rest
                    )
                assert _inside(tree, absolute), (first, shown)
            if name in ("writeFile", "appendFile", "mkdir", "symlink", "link") and not swaps:
                target = first if name not in ("symlink", "link") else second
                if not target.startswith(("temp:", "data:", "resources:")):
                    placed = target if os.path.isabs(target) else os.path.join(tree.data, target)
                    if os.path.lexists(placed):
                        assert _inside(tree, placed), (name, target)
        assert tree.snapshot() == before, (name, first, second, swaps)
        leftovers = [
            entry
            for root in (tree.data, tree.temp)
            for _, directories, files in os.walk(root)
            for entry in directories + files
            if ops.is_atomic_temp(entry)
        ]
        assert leftovers == [], (name, first, second, swaps)

    check()
    tree.reset()


# ----------------------------------------------------------------------------------------------
# The walk operates on what it checked
# ----------------------------------------------------------------------------------------------


def test_a_directory_swapped_for_a_symlink_after_the_walk_cannot_redirect(tree: Tree) -> None:
    tree.reset()
    sandbox = tree.sandbox()
    before = tree.snapshot()
    target = sandbox.locate("sub/planted.txt")
    with sandbox.walk(target, follow_last=False, shown="sub/planted.txt") as walked:
        # The attacker's move: between the check and the use, sub becomes a link outside.
        os.rename(tree.data / "sub", tree.data / "moved")
        os.symlink(tree.outside, tree.data / "sub")
        fd = os.open(
            walked.at, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600, dir_fd=walked.dir_fd
        )
        os.write(fd, b"planted")
        os.close(fd)
    assert (tree.data / "moved" / "planted.txt").read_bytes() == b"planted"
    assert not (tree.outside / "planted.txt").exists()
    assert tree.snapshot() == before
    tree.reset()


def test_a_final_component_swapped_for_a_symlink_is_refused_not_followed(tree: Tree) -> None:
    tree.reset()
    sandbox = tree.sandbox()
    target = sandbox.locate("sub/b.txt")
    with sandbox.walk(target, follow_last=True, shown="sub/b.txt") as walked:
        os.unlink(tree.data / "sub" / "b.txt")
        os.symlink(tree.outside / "secret.txt", tree.data / "sub" / "b.txt")
        with pytest.raises(OSError, match="symbolic links") as caught:
            os.open(walked.at, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=walked.dir_fd)
    assert caught.value.errno == errno.ELOOP
    tree.reset()


def test_symlinks_inside_are_followed_and_outside_refused(tree: Tree) -> None:
    tree.reset()
    sandbox = tree.sandbox()
    assert _read_whole(sandbox, "in_link/b.txt") == b"inside b"
    assert _read_whole(sandbox, "abs_in_link") == b"inside b"
    assert _read_whole(sandbox, "sub/up_link") == b"inside a"
    assert _read_whole(sandbox, "to_temp/t.txt") == b"inside t"
    for path in ("out_link/secret.txt", "out_abs", "dotdot_link/secret.txt", "sub/up_out"):
        with pytest.raises(SecurityError):
            _read_whole(sandbox, path)
    with pytest.raises(ErrnoError) as loop:
        _read_whole(sandbox, "loop")
    assert loop.value.code == "ELOOP"


def test_no_follow_refuses_every_symlink(tree: Tree) -> None:
    tree.reset()
    sandbox = tree.sandbox(follow_symlinks=False)
    for path in ("in_link/b.txt", "abs_in_link", "to_temp/t.txt"):
        with pytest.raises(SecurityError):
            _read_whole(sandbox, path)
    assert ops.stat_path(sandbox, "in_link", follow=False)["size"] == len("sub")
    assert ops.readlink(sandbox, "in_link") == "sub"


def test_writes_through_a_link_into_resources_are_refused(tree: Tree) -> None:
    tree.reset()
    sandbox = tree.sandbox()
    with pytest.raises(SecurityError):
        _write_whole(sandbox, "to_www/index.html")
    assert (tree.www / "index.html").read_bytes() == b"<html>"


@pytest.mark.parametrize(
    "path",
    ["../a", "sub/../../x", "/etc/passwd", "a\x00b", "x" * 4097, "y" * 256],
)
def test_bad_paths_are_eperm(tree: Tree, path: str) -> None:
    with pytest.raises(SecurityError) as caught:
        tree.sandbox().locate(path)
    assert caught.value.code == "EPERM"


def test_lone_surrogate_is_a_type_error(tree: Tree) -> None:
    with pytest.raises(InvalidArgumentError):
        tree.sandbox().locate("bad\ud800")


def test_symlink_targets_outside_are_refused_at_creation(tree: Tree) -> None:
    tree.reset()
    sandbox = tree.sandbox()
    for target in (str(tree.outside), "../outside", "sub/../../outside", "/"):
        with pytest.raises(SecurityError):
            ops.symlink(sandbox, target, "evil")
    assert not os.path.lexists(tree.data / "evil")
    ops.symlink(sandbox, "temp:t.txt", "good")
    assert os.readlink(tree.data / "good") == str(tree.temp / "t.txt")


# ----------------------------------------------------------------------------------------------
# Config: mounts, switches
# ----------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_mounts_by_name_and_absolute_path_with_modes(tmp_path: Path) -> None:
    docs, media = tmp_path / "docs", tmp_path / "media"
    docs.mkdir()
    media.mkdir()
    (media / "song.mp3").write_bytes(b"la")
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(
        f'[filesystem]\nmounts.docs = "{docs}"\n'
        f'mounts.media = {{ path = "{media}", mode = "ro" }}\n'
    )
    async with make_host([oro_fs.plugin], app_dir=app, config=DATA_HOME) as host:
        client = MemoryClient(host)
        assert (await client.call("fs.writeFile", b"hi", path="docs:note.md")).error is None
        assert (docs / "note.md").read_bytes() == b"hi"
        reply = await client.call("fs.readFile", path=str(docs / "note.md"))
        assert reply.body == b"hi"
        assert (await client.call("fs.readFile", path="media:song.mp3")).body == b"la"
        refused = await client.call("fs.writeFile", b"x", path="media:new.mp3")
        assert isinstance(refused.error, SecurityError)
        assert not (media / "new.mp3").exists()
        (tmp_path / "beside.txt").write_bytes(b"not mounted")
        outside = await client.call("fs.readFile", path=str(tmp_path / "beside.txt"))
        assert isinstance(outside.error, SecurityError)


@pytest.mark.parametrize(
    "mount",
    [
        'mounts.data = "/tmp"',
        'mounts.x = { path = "/tmp", mode = "rwx" }',
        'mounts.x = { mode = "ro" }',
        'mounts.x = { path = "/tmp", owner = "me" }',
    ],
)
def test_bad_mounts_are_config_errors(tmp_path: Path, mount: str) -> None:
    (tmp_path / "oro.toml").write_text(f"[filesystem]\n{mount}\n")
    from oro_framework import Host

    with pytest.raises(ConfigError):
        Host(tmp_path, plugins=[oro_fs.plugin], autoload=False, environ={})


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("environ", "config"),
    [({"FS_SANDBOX": "0"}, {}), ({}, {"filesystem.sandbox_enabled": False})],
)
async def test_sandbox_off_allows_the_whole_file_system(
    tmp_path: Path, environ: dict[str, str], config: dict[str, Any]
) -> None:
    (tmp_path / "elsewhere.txt").write_bytes(b"free")
    async with make_host([oro_fs.plugin], environ=environ, config={**DATA_HOME, **config}) as host:
        assert host.config["filesystem.sandbox_enabled"] is False
        reply = await MemoryClient(host).call("fs.readFile", path=str(tmp_path / "elsewhere.txt"))
        assert reply.body == b"free"
        relative = await MemoryClient(host).call("fs.writeFile", b"d", path="rel.txt")
        assert relative.error is None
        assert (host.paths.data / "rel.txt").read_bytes() == b"d"


@pytest.mark.anyio
async def test_fs_nofollow_env_alias_refuses_symlinks() -> None:
    async with make_host([oro_fs.plugin], environ={"FS_NOFOLLOW": "1"}, config=DATA_HOME) as host:
        (host.paths.data / "f").write_bytes(b"x")
        (host.paths.data / "l").symlink_to("f")
        reply = await MemoryClient(host).call("fs.readFile", path="l")
        assert isinstance(reply.error, SecurityError)
        assert isinstance(reply.error, IPCError)
        assert reply.error.code == "EPERM"


def test_config_keys_are_documented() -> None:
    from oro_framework import Host

    host = Host(plugins=[oro_fs.plugin], autoload=False, environ={}, use_config_file=False)
    try:
        keys = {key.name: key for key in host.config_keys if key.name.startswith("filesystem.")}
    finally:
        host.close()
    assert set(keys) == {
        "filesystem.sandbox_enabled",
        "filesystem.no_follow_symlinks",
        "filesystem.relative_root",
        "filesystem.mounts.*",
        "filesystem.max_open_descriptors",
        "filesystem.watch_debounce_ms",
        "filesystem.stream_threshold_bytes",
        "filesystem.max_read_bytes",
        "filesystem.io_threads",
    }
    assert all(len(key.doc) > 30 for key in keys.values())
    assert keys["filesystem.sandbox_enabled"].env == ("FS_SANDBOX", "ORO_FS_SANDBOX")
    assert keys["filesystem.no_follow_symlinks"].env == ("FS_NOFOLLOW", "ORO_FS_NOFOLLOW")


# ----------------------------------------------------------------------------------------------
# Descriptor ownership: a walk refused below a root closes what it holds, once
# ----------------------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("route", "params", "expected"),
    [
        ("fs.readFile", {"path": "sub/etc2/passwd"}, ("SecurityError", "EPERM")),
        ("fs.stat", {"path": "sub/etc2"}, ("SecurityError", "EPERM")),
        ("fs.writeFile", {"path": "sub/etc2/planted"}, ("SecurityError", "EPERM")),
        ("fs.readdir", {"path": "sub/etc2"}, ("SecurityError", "EPERM")),
        ("fs.readFile", {"path": "sub/missing/x"}, ("ErrnoError", "ENOENT")),
    ],
)
async def test_a_walk_refused_below_a_root_answers_its_error_and_leaks_nothing(
    route: str, params: dict[str, str], expected: tuple[str, str]
) -> None:
    # The walk has already stepped from the root into sub/ when it meets etc2 -> /etc: the
    # descriptor it holds then is sub's, not the root's.
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        (host.paths.data / "sub").mkdir()
        (host.paths.data / "sub" / "etc2").symlink_to("/etc")
        client = MemoryClient(host)
        await client.call("fs.stat", path="sub")  # worker threads and lazy imports settle
        before = open_descriptors()
        with ledger() as record:
            reply = await client.call(route, b"x", **params)
        assert opened_since(before) == {}
        record.assert_clean()
    assert reply.error is not None
    assert (reply.error.error_type, reply.error.code) == expected
    assert reply.error.status == (403 if expected[1] == "EPERM" else 404)
    assert not Path("/etc/planted").exists()  # noqa: ASYNC240 (the test's own check, after the host)


@pytest.mark.anyio
async def test_concurrent_refused_walks_never_redirect_concurrent_writes() -> None:
    # A double close used to take another thread's descriptor away; its next write then landed
    # in whatever directory reused the number. Readers hammer the refused link while writers
    # each write their own files: every write must land where it was aimed, every read refused.
    readers, writers, rounds = 4, 4, 60
    async with make_host([oro_fs.plugin], config={**DATA_HOME, "filesystem.io_threads": 8}) as host:
        data = host.paths.data
        (data / "sub").mkdir()
        (data / "sub" / "etc2").symlink_to("/etc")
        for writer in range(writers):
            (data / f"w{writer}" / "deep").mkdir(parents=True)
        client = MemoryClient(host)
        await client.call("fs.stat", path="sub")
        before = open_descriptors()
        refusals: list[tuple[str, str]] = []

        async def read_refused() -> None:
            for _ in range(rounds):
                reply = await client.call("fs.readFile", path="sub/etc2/passwd")
                assert reply.error is not None
                refusals.append((reply.error.error_type, reply.error.code))

        async def write_own(writer: int) -> None:
            for turn in range(rounds):
                body = f"writer {writer} turn {turn}".encode()
                path = f"w{writer}/deep/f{turn}.txt"
                raise_for_error(await client.call("fs.writeFile", body, path=path))

        async with anyio.create_task_group() as group:
            for _ in range(readers):
                group.start_soon(read_refused)
            for writer in range(writers):
                group.start_soon(write_own, writer)
        assert opened_since(before) == {}
        expected = {
            f"w{writer}/deep/f{turn}.txt": f"writer {writer} turn {turn}".encode()
            for writer in range(writers)
            for turn in range(rounds)
        }
        found = {
            str(path.relative_to(data)): path.read_bytes()
            for path in data.rglob("*")
            if path.is_file() and not path.is_symlink()
        }
    assert set(refusals) == {("SecurityError", "EPERM")}
    assert len(refusals) == readers * rounds
    assert found == expected


@pytest.mark.anyio
@pytest.mark.parametrize("through", ["sandbox off", "a mount"])
async def test_the_apps_config_and_backend_stay_hidden_off_the_sandbox_or_in_a_mount(
    tmp_path: Path, through: str
) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "src" / "index.html").write_text("<!doctype html>")
    (app / "socket.ini").write_text('[meta]\nbundle_identifier = "org.example.hidden"\n')
    (app / "oro.toml").write_text(
        '[oro]\nsecrets_file = "../private/secrets.toml"\n[webview]\nroot = "src"\n'
    )
    (tmp_path / "private").mkdir()
    secrets = tmp_path / "private" / "secrets.toml"
    secrets.write_text("# the app's keys\n")
    (app / "backend.py").write_text("KEY = 'secret'\n")
    (app / "notes.txt").write_text("mine")
    config: dict[str, Any] = (
        {"filesystem.sandbox_enabled": False}
        if through == "sandbox off"
        else {"filesystem.mounts.home": str(tmp_path)}
    )
    async with make_host([oro_fs.plugin], app_dir=app, config={**DATA_HOME, **config}) as host:
        client = MemoryClient(host)
        for name in ("oro.toml", "socket.ini", "backend.py"):
            reply = await client.call("fs.readFile", path=str(app / name))
            assert isinstance(reply.error, ErrnoError), name
            assert reply.error.code == "ENOENT", name
        # Nor can it create one that would win at the next start (oro.ini shadows socket.ini).
        created = await client.call("fs.writeFile", b"[permissions]\n", path=str(app / "oro.ini"))
        assert isinstance(created.error, ErrnoError)
        assert created.error.code == "ENOENT"
        assert not (app / "oro.ini").exists()
        hidden = await client.call("fs.readFile", path=str(secrets))
        assert isinstance(hidden.error, ErrnoError)
        assert hidden.error.code == "ENOENT"
        # The host's environment and memory (its keys): hidden off the sandbox, outside it on.
        for path in ("/proc/self/environ", "/proc/self/mem", f"/proc/{os.getpid()}/environ"):
            refused = await client.call("fs.readFile", path=path)
            assert refused.error is not None, path
            assert refused.error.code == ("ENOENT" if through == "sandbox off" else "EPERM"), path
        listing = raise_for_error(await client.call("fs.readdir", path=str(app)))
        readable = await client.call("fs.readFile", path=str(app / "notes.txt"))
    assert {entry["name"] for entry in listing} == {"src", "notes.txt"}
    assert readable.body == b"mine"
