"""Paths the user picked in a native file dialog (``host.file_grants``): reachable by the page
they were granted to, and nothing beside, above or through them.

The property test throws random operations and paths at a sandbox with three grants (a picked
file, read-only; a file picked in a save dialog, writable; a picked directory, read-only or
writable) and checks that nothing outside roots and grants is read or changed, that a
read-only grant is never written, and that every descriptor opened is closed once. The route
tests check that a grant belongs to one window's page and ends with its revocation.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import oro_fs.plugin
import pytest
from _oro_fs_census import ledger
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oro_fs import ops

from conftest import DATA_HOME
from oro_framework import (
    ErrnoError,
    FileGrant,
    InvalidArgumentError,
    IPCError,
    Sandbox,
    SandboxRoot,
    SecurityError,
)
from oro_framework.testing import MemoryClient, make_host, open_descriptors, opened_since

SECRET = b"SECRET-BESIDE-THE-GRANT"
PICKED = b"picked content"


class GrantTree:
    """base/{data, temp, www, outside, user}: the app's roots, and a user's directory in which
    ``picked.txt``, ``save.txt`` and ``docs/`` are granted and everything else is not."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data, self.temp, self.www = base / "data", base / "temp", base / "www"
        self.outside, self.user = base / "outside", base / "user"
        self.docs = self.user / "docs"
        self.picked = self.user / "picked.txt"
        self.save = self.user / "save.txt"
        self.reset()

    def reset(self) -> None:
        for directory in (self.data, self.temp, self.www, self.outside, self.user):
            if directory.exists():
                for path, _, _ in os.walk(directory):
                    os.chmod(path, 0o755)
                shutil.rmtree(directory)
            directory.mkdir()
        (self.www / "index.html").write_bytes(b"<html>")
        (self.outside / "secret.txt").write_bytes(SECRET)
        (self.user / "sibling.txt").write_bytes(SECRET)
        (self.user / "alias.txt").symlink_to("sibling.txt")
        self.picked.write_bytes(PICKED)
        self.save.write_bytes(b"saved before")  # a save dialog may pick an existing file
        docs = self.docs
        (docs / "deeper").mkdir(parents=True)
        (docs / "inner.txt").write_bytes(b"inner")
        (docs / "deeper" / "x.txt").write_bytes(b"x")
        (docs / "up").symlink_to("..")
        (docs / "sib").symlink_to("../sibling.txt")
        (docs / "abs_sib").symlink_to(self.user / "sibling.txt")
        (docs / "in").symlink_to("inner.txt")
        (docs / "picked_abs").symlink_to(self.picked)
        (docs / "deeper" / "up2").symlink_to("../../alias.txt")
        (self.data / "a.txt").write_bytes(b"a")
        (self.data / "to_sibling").symlink_to(self.user / "sibling.txt")
        (self.data / "to_picked").symlink_to(self.picked)
        (self.data / "to_docs").symlink_to(docs)
        (self.data / "to_user").symlink_to(self.user)

    def toggle(self, location: str) -> None:
        """Swap ``user/location`` (a granted file, or a directory in a granted one) with a
        symlink leading beside the grant, or back: the race a walk must win at every step."""
        path = self.user / location
        aside = path.with_name(path.name + ".aside")
        if path.is_symlink():
            path.unlink()
            aside.rename(path)
        elif path.exists():
            path.rename(aside)
            path.symlink_to("sibling.txt" if location == "picked.txt" else "../..")

    def grants(self, *, docs_writable: bool) -> list[FileGrant]:
        return [
            FileGrant(str(self.picked), is_directory=False, is_writable=False),
            FileGrant(str(self.save), is_directory=False, is_writable=True),
            FileGrant(str(self.docs), is_directory=True, is_writable=docs_writable),
        ]

    def sandbox(self, grants: list[FileGrant]) -> Sandbox:
        roots = [
            SandboxRoot("resources", str(self.www), writable=False),
            SandboxRoot("data", str(self.data), writable=True),
            SandboxRoot("temp", str(self.temp), writable=True),
        ]
        return Sandbox(roots, enabled=True, follow_symlinks=True).granting(grants)

    def protected(self, *, docs_writable: bool) -> dict[str, tuple[Any, ...]]:
        """Every entry no operation may change: outside, resources, the user's directory but
        for the writable grants (``save.txt`` and the atomic temp files beside it while they
        live, and what ``docs/`` holds when it is writable)."""
        found: dict[str, tuple[Any, ...]] = {}
        for top in (self.outside, self.www, self.user):
            for directory, names, files in os.walk(top):
                inside_docs = (directory + os.sep).startswith(str(self.docs) + os.sep)
                # A save grant covers the name whatever is made of it (mkdir makes a directory).
                inside_save = (directory + os.sep).startswith(str(self.save) + os.sep)
                if (docs_writable and inside_docs) or inside_save:
                    continue
                kept = [n for n in names + files if n != "save.txt" or directory != str(self.user)]
                kept = [n for n in kept if not ops.is_atomic_temp(n)]
                found[directory] = tuple(sorted(kept))
                for name in kept:
                    path = os.path.join(directory, name)
                    if not (docs_writable and path == str(self.docs)):
                        found[path] = _describe(Path(path))
        return found


def _describe(path: Path) -> tuple[Any, ...]:
    info = path.lstat()
    if stat.S_ISDIR(info.st_mode):
        # Its entries are compared one by one; the harness's swaps change its mtime.
        return (stat.S_IFDIR, info.st_mode)
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else b""
    return (stat.S_IFMT(info.st_mode), info.st_mode, info.st_size, info.st_mtime_ns, content)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> GrantTree:
    return GrantTree(tmp_path_factory.mktemp("grants"))


_COMPONENTS = [
    "picked.txt", "sibling.txt", "save.txt", "alias.txt", "docs", "inner.txt", "deeper",
    "x.txt", "up", "up2", "sib", "abs_sib", "in", "picked_abs", "new.txt", "..", ".", "",
    "to_sibling", "to_picked", "to_docs", "to_user", "user", "outside", "secret.txt", "a.txt",
]  # fmt: skip


@st.composite
def paths(draw: st.DrawFn, base: str) -> str:
    parts = draw(st.lists(st.sampled_from(_COMPONENTS), max_size=4))
    prefix = draw(
        st.sampled_from(
            [
                "",
                "data:",
                base + "/user/",
                base + "/user/docs/",
                base + "/user/docs/deeper/",
                base + "/user/picked.txt",
                base + "/user/picked.txt/",
                base + "/user/save.txt",
                base + "/user/",
                base + "/data/",
                base + "/",
            ]
        )
    )
    return prefix + "/".join(parts)


def _operations(sandbox: Sandbox) -> dict[str, Callable[[str, str], Any]]:
    def read(path: str, flags: int = os.O_RDONLY) -> bytes | None:
        file, _ = ops.open_file(sandbox, path, flags, 0o600)
        with file:
            return ops.read_all(file.fd, path, 1 << 20)

    def write(path: str, extra: int, **options: bool) -> None:
        flags = os.O_WRONLY | os.O_CREAT | extra
        ops.write_file(sandbox, path, flags, 0o644, b"written by the test", **options)

    def listing(path: str) -> list[str]:
        directory, _ = ops.open_dir(sandbox, path)
        with directory:
            return os.listdir(directory.fd)

    return {
        "readFile": lambda p, q: read(p),
        "readWrite": lambda p, q: read(p, os.O_RDWR),
        "writeFile": lambda p, q: write(p, os.O_TRUNC),
        "appendFile": lambda p, q: write(p, os.O_APPEND),
        "writeFileAtomic": lambda p, q: write(p, os.O_TRUNC, atomic=True),
        "stat": lambda p, q: ops.stat_path(sandbox, p, follow=True),
        "access": lambda p, q: ops.access(sandbox, p, os.W_OK),
        "mkdir": lambda p, q: ops.mkdir(sandbox, p, 0o777, recursive=True),
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
        "chmod": lambda p, q: ops.chmod(sandbox, p, 0o700),
        "truncate": lambda p, q: ops.truncate(sandbox, p, 0),
        "utimes": lambda p, q: ops.utimes(sandbox, p, 1.0, 2.0),
        "readdir": lambda p, q: ops.list_dir(sandbox, p),
        "opendir": lambda p, q: listing(p),
    }


_ERRNO_CODES = {
    "ENOENT", "EEXIST", "EISDIR", "ENOTDIR", "ENOTEMPTY", "EACCES", "ELOOP", "EINVAL", "EXDEV",
    "EPERM", "ENAMETOOLONG",
}  # fmt: skip


def _reachable(tree: GrantTree, real: str, *, docs_writable: bool) -> bool:
    """``real`` (a real path) lies in a root or a grant."""
    trees = [tree.data, tree.temp, tree.www, tree.docs]
    return real in (str(tree.picked), str(tree.save)) or any(
        real == str(top) or real.startswith(str(top) + os.sep) for top in trees
    )


@pytest.mark.parametrize("docs_writable", [False, True])
def test_no_operation_reaches_beside_above_or_through_a_grant(
    tree: GrantTree, docs_writable: bool
) -> None:
    grants = tree.grants(docs_writable=docs_writable)
    operations = _operations(tree.sandbox(grants))
    base = str(tree.base)

    @settings(
        max_examples=400,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        name=st.sampled_from(sorted(operations)),
        first=paths(base),
        second=paths(base),
        swaps=st.lists(
            st.tuples(st.integers(0, 6), st.sampled_from(["picked.txt", "docs/deeper"])),
            max_size=2,
        ),
    )
    @example(name="readFile", first=base + "/user/docs/sib", second="", swaps=[])
    @example(name="readFile", first=base + "/user/docs/up/sibling.txt", second="", swaps=[])
    @example(name="readdir", first=base + "/user", second="", swaps=[])
    @example(name="writeFile", first=base + "/user/picked.txt", second="", swaps=[])
    @example(name="link", first=base + "/user/save.txt", second="data:kept", swaps=[])
    @example(name="rename", first="data:a.txt", second=base + "/user/picked.txt", swaps=[])
    @example(name="readFile", first=base + "/user/picked.txt", second="", swaps=[(0, "picked.txt")])
    def check(name: str, first: str, second: str, swaps: list[tuple[int, str]]) -> None:
        tree.reset()
        before = tree.protected(docs_writable=docs_writable)
        open_before = open_descriptors()
        refused: IPCError | None = None
        result: Any = None
        swapped: list[str] = []

        def before_open(count: int, path: object) -> None:
            for at, location in swaps:
                if at == count:
                    tree.toggle(location)
                    swapped.append(location)

        with ledger() as record:
            record.before_open = before_open
            try:
                result = operations[name](first, second)
            except (SecurityError, ErrnoError, InvalidArgumentError) as error:
                refused = error
            record.before_open = None
        for location in reversed(swapped):
            tree.toggle(location)
        assert opened_since(open_before) == {}, (name, first, second)
        record.assert_clean()
        if isinstance(refused, SecurityError):
            assert refused.code == "EPERM"
        elif isinstance(refused, ErrnoError):
            assert refused.code in _ERRNO_CODES, (name, first, second, refused)
        elif refused is None:
            if isinstance(result, bytes):
                assert SECRET not in result, (name, first)
            if isinstance(result, list):
                names = [item if isinstance(item, str) else item.get("name") for item in result]
                assert "sibling.txt" not in names, (name, first, names)
            if name == "realpath":
                shown = str(result)
                real = shown if os.path.isabs(shown) else os.path.join(tree.data, shown)
                assert _reachable(tree, real, docs_writable=docs_writable), (first, shown)
        assert tree.protected(docs_writable=docs_writable) == before, (name, first, second, swaps)
        assert not any(os.path.samefile(tree.save, p) for p in _data_files(tree)), (
            "a second name of the picked file outlives its grant"
        )

    check()
    tree.reset()


def _data_files(tree: GrantTree) -> list[str]:
    if not tree.save.exists():
        return []
    return [
        os.path.join(directory, name)
        for top in (tree.data, tree.temp)
        for directory, _, files in os.walk(top)
        for name in files
        if not os.path.islink(os.path.join(directory, name))
    ]


def test_a_picked_file_is_reachable_and_its_siblings_are_not(tree: GrantTree) -> None:
    tree.reset()
    sandbox = tree.sandbox(tree.grants(docs_writable=False))
    read = _operations(sandbox)["readFile"]
    assert read(str(tree.picked), "") == PICKED
    assert read("data:to_picked", "") == PICKED
    assert read(str(tree.docs / "picked_abs"), "") == PICKED
    assert read(str(tree.docs / "in"), "") == b"inner"
    for beside in (
        tree.user / "sibling.txt",
        tree.user / "alias.txt",
        tree.docs / "sib",
        tree.docs / "abs_sib",
        tree.docs / "up" / "sibling.txt",
        tree.docs / "deeper" / "up2",
        tree.data / "to_sibling",
    ):
        with pytest.raises(SecurityError) as refused:
            read(str(beside), "")
        assert refused.value.code == "EPERM"
    with pytest.raises(SecurityError):
        ops.list_dir(sandbox, str(tree.user))
    assert ops.realpath(sandbox, "data:to_picked") == str(tree.picked)


def test_read_only_grants_refuse_writes_and_writable_ones_allow_them(tree: GrantTree) -> None:
    tree.reset()
    sandbox = tree.sandbox(tree.grants(docs_writable=False))
    write = _operations(sandbox)["writeFile"]
    for path in (tree.picked, tree.docs / "inner.txt", tree.docs / "new.txt"):
        with pytest.raises(SecurityError):
            write(str(path), "")
    assert tree.picked.read_bytes() == PICKED
    assert not (tree.docs / "new.txt").exists()
    write(str(tree.save), "")
    assert tree.save.read_bytes() == b"written by the test"
    with pytest.raises(SecurityError):
        write(str(tree.user / "save2.txt"), "")
    with pytest.raises(SecurityError):
        ops.link(sandbox, str(tree.save), "data:second-name")
    writable = tree.sandbox(tree.grants(docs_writable=True))
    _operations(writable)["writeFileAtomic"](str(tree.docs / "new.txt"), "")
    assert (tree.docs / "new.txt").read_bytes() == b"written by the test"


# ----------------------------------------------------------------------------------------------
# Routes: a grant belongs to one window's page
# ----------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_grant_serves_its_window_only_and_ends_when_revoked(tmp_path: Path) -> None:
    picked, sibling = tmp_path / "picked.txt", tmp_path / "sibling.txt"
    picked.write_bytes(PICKED)
    sibling.write_bytes(SECRET)
    saved = tmp_path / "saved.txt"
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        host.file_grants.grant(0, str(picked))
        host.file_grants.grant(0, str(saved), is_writable=True)
        page, other, bridge = (
            MemoryClient(host, window=0),
            MemoryClient(host, window=1),
            MemoryClient(host, window=None),
        )
        assert (await page.call("fs.readFile", path=str(picked))).body == PICKED
        stats = await page.call("fs.stat", path=str(picked))
        assert stats.error is None
        assert stats.data["size"] == len(PICKED)
        for client in (other, bridge):
            refused = await client.call("fs.readFile", path=str(picked))
            assert isinstance(refused.error, SecurityError)
            assert refused.error.code == "EPERM"
        for path, data in ((sibling, b""), (picked, b"x")):
            route = "fs.readFile" if not data else "fs.writeFile"
            refused = await page.call(route, data, path=str(path))
            assert isinstance(refused.error, SecurityError), route
        assert picked.read_bytes() == PICKED
        assert (await page.call("fs.writeFile", b"saved", path=str(saved))).error is None
        assert saved.read_bytes() == b"saved"
        realpath = await page.call("fs.realpath", path=str(saved))
        assert realpath.data == {"path": str(saved)}

        host.file_grants.revoke(0)
        for path in (picked, saved):
            refused = await page.call("fs.readFile", path=str(path))
            assert isinstance(refused.error, SecurityError)
            assert refused.error.code == "EPERM"


@pytest.mark.anyio
async def test_a_grant_never_narrows_what_a_root_allows() -> None:
    async with make_host([oro_fs.plugin], config=DATA_HOME) as host:
        inside = host.paths.data / "notes.txt"
        inside.write_bytes(b"mine")
        # An open dialog's read-only grant of a file the page could write already.
        host.file_grants.grant(0, str(inside))
        page = MemoryClient(host, window=0)
        assert (await page.call("fs.writeFile", b"still mine", path=str(inside))).error is None
        assert inside.read_bytes() == b"still mine"
        listing = await page.call("fs.readdir", path=str(host.paths.data))
        assert listing.error is None
