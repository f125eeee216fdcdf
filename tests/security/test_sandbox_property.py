"""Issue 39 item 6, one sandbox in the host: oro-fs's roots, oro-sqlite's database paths,
oro-process's ``cwd`` and the paths a window's user picked are confined by one host API,
``oro_framework.Sandbox``. Before, each plugin confined paths itself (oro-fs by a descriptor
walk, oro-sqlite and oro-process by ``os.path.realpath`` and a prefix test, grants by a lexical
prefix test of their own), so a fix or a rule in one never reached the others.

The property test builds random trees (symlinks from inside to outside and back, loops, ``..``
in link targets, absolute targets) and throws random paths at the sandbox the ways plugins use
it: by real path (``find``/``confine``, as oro-sqlite and oro-process do, writing through the
answer as SQLite would), by the descriptor walk (oro-fs, writing through the walk's directory)
and through ``FileGrants.covering``. The plugin test shows the three plugins answer one grant
alike: window 1's picked directory opens for window 1's sqlite, process and fs requests, never
for window 0's, and a symlink out of it or a loop in it is refused the same way by all three.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import oro_fs.plugin
import oro_process.plugin
import oro_sqlite.plugin
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oro_framework import (
    ErrnoError,
    FileGrant,
    FileGrants,
    InvalidArgumentError,
    Sandbox,
    SandboxRoot,
    SecurityError,
)
from oro_framework.testing import MemoryClient, make_host, open_descriptors, opened_since

AREAS = ("data", "temp", "ro", "outside", "data2", "picked", "user")
"""The top directories of a tree: three roots (``ro`` read-only), a granted directory
(``picked``), the user's directory holding the granted file ``picked.txt``, and ``outside`` and
``data2`` (outside, with a root's name as its prefix)."""
NAMES = ("a", "b", "l", "m")
SECRET = b"SECRET"

LINK_TARGETS = st.one_of(
    st.sampled_from(
        [
            ".",
            "..",
            "../..",
            "a",
            "l",
            "m",
            "l/..",
            "a/../..",
            "../outside",
            "../outside/a",
            "../data",
            "../data/a",
            "../data2",
            "../picked",
            "../user",
            "../user/picked.txt",
            "../user/sibling.txt",
            "/",
            "/etc",
        ]
    ),
    # Absolute targets into any area, resolved against the tree's base when it is built.
    st.tuples(
        st.sampled_from(AREAS), st.sampled_from(["", "/a", "/l", "/picked.txt", "/..", "/a/.."])
    ),
)
ENTRIES = st.lists(
    st.tuples(
        st.sampled_from(AREAS),
        st.sampled_from(["", "a/"]),
        st.sampled_from(NAMES),
        st.one_of(st.just("dir"), st.just("file"), LINK_TARGETS),
    ),
    max_size=14,
)
COMPONENTS = st.lists(
    st.sampled_from(
        [*NAMES, "..", ".", "", "picked.txt", "sibling.txt", "secret.txt", "new.db", "seed.txt"]
    ),
    max_size=5,
)
PATHS = st.lists(st.tuples(st.sampled_from(["", "/", *AREAS]), COMPONENTS), min_size=1, max_size=8)


class Tree:
    """A random tree in a fresh directory, and what the sandbox must allow in it."""

    def __init__(self, base: Path, *, dir_writable: bool, file_writable: bool) -> None:
        self.base = Path(os.path.realpath(base))
        for area in AREAS:
            (self.base / area).mkdir()
        self.picked_dir = str(self.base / "picked")
        self.picked_file = str(self.base / "user" / "picked.txt")
        Path(self.picked_file).write_bytes(b"picked")
        (self.base / "user" / "sibling.txt").write_bytes(SECRET)
        (self.base / "outside" / "secret.txt").write_bytes(SECRET)
        (self.base / "ro" / "seed.txt").write_bytes(SECRET)
        self.dir_writable, self.file_writable = dir_writable, file_writable
        grants = FileGrants()
        grants.grant(1, self.picked_dir, is_directory=True, is_writable=dir_writable)
        grants.grant(1, self.picked_file, is_writable=file_writable)
        self.grants = grants
        self.roots = [
            SandboxRoot.at("data", self.base / "data", writable=True),
            SandboxRoot.at("temp", self.base / "temp", writable=True),
            SandboxRoot.at("ro", self.base / "ro", writable=False),
        ]
        self.sandbox = Sandbox(self.roots).granting(grants.of(1))

    def build(self, entries: list[tuple[str, str, str, Any]]) -> None:
        for area, sub, name, kind in entries:
            parent = self.base / area / sub
            if sub and not parent.exists() and not parent.is_symlink():
                parent.mkdir()
            if not parent.is_dir() or parent.is_symlink():
                continue
            path = parent / name
            if path.exists() or path.is_symlink():
                continue
            if kind == "dir":
                path.mkdir()
            elif kind == "file":
                path.write_bytes(SECRET)
            elif isinstance(kind, tuple):
                path.symlink_to(f"{self.base}/{kind[0]}{kind[1]}")
            else:
                path.symlink_to(kind)

    def text(self, prefix: str, components: list[str]) -> str:
        """A caller's path: relative (to data), ``/``-absolute, or absolute into an area."""
        rest = "/".join(components)
        if not prefix:
            return rest
        if prefix == "/":
            return "/" + rest
        return f"{self.base}/{prefix}" + (f"/{rest}" if rest else "")

    def inside(self, real: str) -> bool:
        """The oracle: ``real`` is a root, a granted directory or below one, or the granted
        file itself."""
        tops = [root.path for root in self.roots] + [self.picked_dir]
        return real == self.picked_file or any(
            real == top or real.startswith(top + "/") for top in tops
        )

    def writable(self, real: str) -> bool:
        """The oracle for writes: in data, temp, a writable picked directory or the picked file
        picked for writing (the areas do not nest)."""
        tops = [str(self.base / "data"), str(self.base / "temp")]
        if self.dir_writable:
            tops.append(self.picked_dir)
        if real == self.picked_file:
            return self.file_writable
        return any(real == top or real.startswith(top + "/") for top in tops)

    def protected(self) -> dict[str, Any]:
        """Everything that must never be written: outside, the read-only root, the user's
        directory (but a picked file granted for writing), the picked directory when read-only.
        Symlinks are described, never followed."""
        tops = ["outside", "data2", "ro", "user"] + ([] if self.dir_writable else ["picked"])
        found: dict[str, Any] = {}
        for top in tops:
            for directory, dirs, files in os.walk(self.base / top):
                for name in dirs + files:
                    path = os.path.join(directory, name)
                    if path == self.picked_file and self.file_writable:
                        continue
                    info = os.lstat(path)
                    if stat.S_ISLNK(info.st_mode):
                        found[path] = ("link", os.readlink(path))
                    elif stat.S_ISREG(info.st_mode):
                        found[path] = ("file", Path(path).read_bytes())
                    else:
                        found[path] = ("dir",)
        return found


@contextmanager
def tree(dir_writable: bool, file_writable: bool) -> Iterator[Tree]:
    base = tempfile.mkdtemp(prefix="oro-sandbox-")
    try:
        yield Tree(Path(base), dir_writable=dir_writable, file_writable=file_writable)
    finally:
        shutil.rmtree(base)


def kernel_identity(path: str) -> tuple[int, int] | None:
    """What the kernel reaches by ``path`` (device, inode), ``None`` if it reaches nothing."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def check_by_real_path(t: Tree, text: str) -> None:
    """``find`` and ``confine`` as oro-sqlite and oro-process use them, then a write through the
    answer as SQLite makes one."""
    joined = os.path.join(t.base / "data", text)
    try:
        target = t.sandbox.find(text, base=t.base / "data")
    except ErrnoError as error:
        looped: ErrnoError | None = error
    else:
        looped = None
    if looped is not None:
        assert looped.code == "ELOOP", looped
        return
    reached = kernel_identity(joined)
    if target is None:
        # Refused only when what the kernel reaches is outside.
        if reached is not None:
            assert not t.inside(os.path.realpath(joined, strict=True)), text
        return
    real = target.absolute
    assert t.inside(real), (text, real)
    assert os.path.realpath(real) == real, (text, real)  # a real path: no symlink left in it
    if reached is not None:
        assert kernel_identity(real) == reached, (text, real)
    if not t.writable(real):
        with pytest.raises(SecurityError) as refused:
            t.sandbox.confine(text, base=t.base / "data", for_writing=True)
        assert refused.value.code == "EPERM"
        return
    confined = t.sandbox.confine(text, base=t.base / "data", for_writing=True)
    assert confined.absolute == real
    # A directory, a missing parent: the OS refuses and nothing is written.
    with contextlib.suppress(OSError), open(real, "ab") as file:
        file.write(b"W")


def check_by_walk(t: Tree, text: str) -> None:
    """The descriptor walk as oro-fs uses it, then a write through the walk's directory."""
    failure: Exception | None = None
    try:
        target = t.sandbox.locate(text)
        with t.sandbox.walk(target, follow_last=True, shown=text) as walked:
            where = os.readlink(f"/proc/self/fd/{walked.dir_fd}")
            real = os.path.join(where, walked.name) if walked.name else where
            assert t.inside(real), (text, real)
            if walked.name and walked.target.root.writable:
                assert t.writable(real), (text, real)
                write_at(walked.dir_fd, walked.name)
    except (SecurityError, OSError) as error:
        failure = error
    if isinstance(failure, SecurityError):
        assert failure.code == "EPERM"
    elif isinstance(failure, OSError):
        assert failure.errno is not None, failure


def write_at(dir_fd: int, name: str) -> None:
    """Write to ``name`` in ``dir_fd`` as oro-fs writes: never through a final symlink."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(name, flags, 0o600, dir_fd=dir_fd)
    except OSError:
        return  # a directory, a dangling name: nothing is written
    try:
        os.write(fd, b"W")
    finally:
        os.close(fd)


def check_covering(t: Tree, text: str) -> None:
    """``FileGrants.covering`` answers from the same placement: only window 1's grants, the
    picked file alone, everything below the picked directory."""
    if not os.path.isabs(text) or ".." in text.split("/"):
        assert t.grants.covering(1, text) is None
        return
    normal = os.path.normpath(text)
    lexical = normal == t.picked_file or (
        normal == t.picked_dir or normal.startswith(t.picked_dir + "/")
    )
    found = t.grants.covering(1, text)
    assert (found is not None) == lexical, text
    writing = t.grants.covering(1, text, for_writing=True)
    if writing is not None:
        assert writing.is_writable
    assert t.grants.covering(0, text) is None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=ENTRIES,
    paths=PATHS,
    dir_writable=st.booleans(),
    file_writable=st.booleans(),
)
@example(
    # data/l -> ../outside, outside/l -> data/a (out and back in), data/m a loop.
    entries=[
        ("data", "", "a", "dir"),
        ("data", "", "l", "../outside"),
        ("outside", "", "l", ("data", "/a")),
        ("data", "", "m", "m"),
        ("picked", "", "l", "../user/sibling.txt"),
        ("picked", "", "m", "../user/picked.txt"),
    ],
    paths=[
        ("", ["l", "secret.txt"]),
        ("outside", ["l", "new.db"]),
        ("", ["m"]),
        ("picked", ["l"]),
        ("picked", ["m"]),
        ("", ["..", "outside", "secret.txt"]),
        ("user", ["picked.txt"]),
        ("user", ["sibling.txt"]),
    ],
    dir_writable=True,
    file_writable=False,
)
def test_no_path_resolves_or_writes_outside_the_roots_and_grants(
    entries: list[tuple[str, str, str, Any]],
    paths: list[tuple[str, list[str]]],
    dir_writable: bool,
    file_writable: bool,
) -> None:
    with tree(dir_writable, file_writable) as t:
        t.build(entries)
        before = t.protected()
        descriptors = open_descriptors()
        for prefix, components in paths:
            text = t.text(prefix, components)
            check_by_real_path(t, text)
            check_by_walk(t, text)
            check_covering(t, text)
        assert opened_since(descriptors) == {}
        assert t.protected() == before


def test_out_and_back_in_a_real_path_is_where_it_lands_a_walk_refuses_the_way_out(
    tmp_path: Path,
) -> None:
    """A symlink outside that leads back in: the real path is inside, so ``find`` places it
    (SQLite and exec are handed that real path); the walk refuses to pass outside at all."""
    with tree(dir_writable=False, file_writable=False) as t:
        t.build([("data", "", "a", "dir"), ("outside", "", "in", ("data", "/a"))])
        text = f"{t.base}/outside/in"
        found = t.sandbox.find(text)
        assert found is not None
        assert found.absolute == f"{t.base}/data/a"
        assert found.root.name == "data"
        with pytest.raises(SecurityError, match="outside the app's sandbox"):
            t.sandbox.locate(text)


def test_loops_and_bad_text_are_typed_errors() -> None:
    with tree(dir_writable=False, file_writable=False) as t:
        t.build([("data", "", "l", "m"), ("data", "", "m", "l")])
        with pytest.raises(ErrnoError) as looped:
            t.sandbox.find("l/x")
        assert looped.value.code == "ELOOP"
        with pytest.raises(SecurityError) as nul:
            t.sandbox.confine("a\0b")
        assert nul.value.code == "EPERM"
        for call in (t.sandbox.find, t.sandbox.locate):
            with pytest.raises(InvalidArgumentError):
                call("\ud800")


def test_relative_paths_start_from_the_home_root_and_keep_its_rules(tmp_path: Path) -> None:
    """``home`` names the root relative paths resolve against (oro-fs: the resources, as Oro
    does); that root's rules stay (read-only), grants keep it, and a home that is no root
    refuses relative paths."""
    for name in ("data", "resources"):
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "sub" / "f").write_text(name)
    roots = [
        SandboxRoot.at("data", tmp_path / "data", writable=True),
        SandboxRoot.at("resources", tmp_path / "resources", writable=False),
    ]
    default = Sandbox(roots)
    assert default.locate("sub/f").root.name == "data"
    home = Sandbox(roots, home="resources")
    placed = home.locate("sub/f")
    assert (placed.root.name, placed.parts) == ("resources", ("sub", "f"))
    assert home.confine("sub/f").absolute == str((tmp_path / "resources" / "sub" / "f").resolve())
    assert home.display(home.locate("sub"), "sub") == "sub"
    assert home.display(home.locate("data:sub"), "data:sub") == "data:sub"
    with pytest.raises(SecurityError, match="read-only"):
        home.confine("sub/new", for_writing=True)
    assert home.granting([]).home == "resources"
    with pytest.raises(SecurityError, match="'nowhere' root"):
        Sandbox(roots, home="nowhere").locate("sub/f")


_NAMES = st.sampled_from(["a", "b", "index.html", "sub"])


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    in_data=st.sets(st.lists(_NAMES, min_size=1, max_size=3).map(tuple), max_size=5),
    in_resources=st.sets(st.lists(_NAMES, min_size=1, max_size=3).map(tuple), max_size=5),
    asked=st.lists(st.lists(_NAMES, min_size=1, max_size=3).map(tuple), min_size=1, max_size=6),
)
def test_a_relative_path_reads_the_fallback_root_only_for_what_home_lacks_and_never_writes_it(
    in_data: set[tuple[str, ...]],
    in_resources: set[tuple[str, ...]],
    asked: list[tuple[str, ...]],
) -> None:
    """oro-fs's relative paths: the data directory first, the app's (read-only) resources for
    what only they have. Wherever a path lands, writing through it never changes the
    resources, and no descriptor stays open."""
    with tempfile.TemporaryDirectory() as base:
        top = Path(base)
        for name, files in (("data", in_data), ("resources", in_resources)):
            (top / name).mkdir()
            for parts in sorted(files, key=len, reverse=True):
                target = top / name / Path(*parts)
                if not target.parent.exists() or target.parent.is_dir():
                    try:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        if not target.exists():
                            target.write_text(name)
                    except (FileExistsError, NotADirectoryError):
                        pass
        roots = [
            SandboxRoot.at("data", top / "data", writable=True),
            SandboxRoot.at("resources", top / "resources", writable=False),
        ]
        sandbox = Sandbox(roots, fallback="resources")
        before = {p: p.read_bytes() for p in (top / "resources").rglob("*") if p.is_file()}
        descriptors = open_descriptors()
        for parts in asked:
            text = "/".join(parts)
            placed = sandbox.locate(text)
            in_home = os.path.lexists(top / "data" / text)
            in_fallback = os.path.lexists(top / "resources" / text)
            expected = "resources" if in_fallback and not in_home else "data"
            assert placed.root.name == expected, text
            try:
                written = sandbox.confine(text, for_writing=True)
            except SecurityError:
                assert expected == "resources", text  # only the read-only root refuses
                continue
            except ErrnoError:
                continue  # a file where the path needs a directory
            assert written.root.name == "data", text
            assert Path(written.absolute).is_relative_to((top / "data").resolve()), text
        after = {p: p.read_bytes() for p in (top / "resources").rglob("*") if p.is_file()}
        assert after == before
        assert opened_since(descriptors) == {}


def test_a_grant_only_widens_what_a_root_or_another_grant_allows() -> None:
    """A read-only grant of a file in a writable picked directory leaves it writable (the
    grant nearest the file used to win and made it read-only); a writable grant of a read-only
    root's file makes that file, and only it, writable."""
    with tree(dir_writable=True, file_writable=False) as t:
        inner = f"{t.picked_dir}/a.db"
        seed = f"{t.base}/ro/seed.txt"
        sandbox = Sandbox(t.roots).granting(
            [
                FileGrant(inner, is_directory=False, is_writable=False),
                FileGrant(t.picked_dir, is_directory=True, is_writable=True),
                FileGrant(seed, is_directory=False, is_writable=True),
            ]
        )
        assert sandbox.confine(inner, for_writing=True).absolute == inner
        assert sandbox.confine(seed, for_writing=True).root.granted
        with pytest.raises(SecurityError, match="'ro' is read-only"):
            sandbox.confine(f"{t.base}/ro/other.txt", for_writing=True)


# ------------------------------------------------------------------------------------------------
# The plugins use it
# ------------------------------------------------------------------------------------------------

PLUGINS = (oro_fs.plugin, oro_sqlite.plugin, oro_process.plugin)
CONFIG = {"process.allow": ["pwd"]}
ENVIRON = {"PATH": "/usr/local/bin:/usr/bin:/bin"}
_DATABASE_IDS = itertools.count()


async def answers(client: MemoryClient, directory: str, name: str) -> dict[str, Any]:
    """What oro-sqlite, oro-process and oro-fs answer ``client`` for ``directory/name``: a
    database opened there, a child run there, a file written there."""
    path = f"{directory}/{name}"
    database_id = f"db{next(_DATABASE_IDS)}"
    database = await client.call("sqlite.open", id=database_id, path=f"{path}.db")
    child = await client.call("child_process.exec", command="pwd", args=["-P"], cwd=path)
    written = await client.call("fs.writeFile", b"mine", path=f"{path}.txt")
    return {"sqlite": database, "process": child, "fs": written}


@pytest.fixture
def picked_tree(tmp_path: Path) -> tuple[Path, Path]:
    """``picked/`` (to be granted) holding ``work/``, ``out`` (a symlink to ``outside/``) and
    ``loop`` (a symlink to itself); and ``outside/``."""
    base = tmp_path.resolve()
    picked, outside = base / "picked", base / "outside"
    (picked / "work").mkdir(parents=True)
    outside.mkdir()
    (picked / "out").symlink_to(outside)
    (picked / "loop").symlink_to("loop")
    return picked, outside


@pytest.mark.anyio
async def test_one_grant_opens_a_windows_sqlite_process_and_fs_alike_and_no_other_window(
    picked_tree: tuple[Path, Path],
) -> None:
    picked, outside = picked_tree
    async with make_host(PLUGINS, config=CONFIG, environ=ENVIRON) as host:
        page, other = MemoryClient(host, window=1), MemoryClient(host, window=0)
        host.file_grants.grant(1, str(picked), is_directory=True, is_writable=True)

        mine = await answers(page, str(picked), "work")
        assert mine["sqlite"].error is None, mine["sqlite"].error
        assert mine["sqlite"].data["path"] == f"{picked}/work.db"
        assert mine["process"].error is None, mine["process"].error
        assert base64.b64decode(mine["process"].data["stdout"]) == f"{picked}/work\n".encode()
        assert mine["fs"].error is None, mine["fs"].error

        theirs = await answers(other, str(picked), "work")
        assert theirs["sqlite"].error.code == "EPERM"
        assert theirs["process"].error.code == "ERR_PROCESS_NOT_ALLOWED"
        assert theirs["fs"].error.code == "EPERM"
        for reply in theirs.values():
            assert isinstance(reply.error, SecurityError)

        # Out of the grant through a symlink: refused by all three, nothing made outside.
        escaped = await answers(page, str(picked), "out/x")
        for reply in escaped.values():
            assert isinstance(reply.error, SecurityError), reply.error
        assert list(outside.iterdir()) == []

        # A loop in the grant: the same ELOOP from all three.
        looped = await answers(page, str(picked), "loop/x")
        for reply in looped.values():
            assert isinstance(reply.error, ErrnoError), reply.error
            assert reply.error.code == "ELOOP"

        host.file_grants.revoke(1)
        revoked = await answers(page, str(picked), "work")
        for reply in revoked.values():
            assert isinstance(reply.error, SecurityError), reply.error


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(entries=ENTRIES, paths=PATHS)
# A symlink to itself: ELOOP, a typed ErrnoError, from both locate and find.
@example(entries=[("outside", "", "a", "a")], paths=[("outside", ["a"])])
def test_with_the_sandbox_off_no_path_reaches_a_hidden_one(
    entries: list[tuple[str, str, str, Any]], paths: list[tuple[str, list[str]]]
) -> None:
    # oro-fs off the sandbox (a socket.ini app's default) reaches the whole file system but the
    # app's config, secrets and backend files and /proc: a file and a directory stand for them.
    with tree(True, True) as t:
        t.build(entries)
        hidden = (str(t.base / "outside" / "secret.txt"), str(t.base / "ro"))
        sandbox = Sandbox(t.roots, enabled=False, hidden=hidden)

        def is_hidden(real: str) -> bool:
            return any(real == path or real.startswith(path + "/") for path in hidden)

        descriptors = open_descriptors()
        for prefix, components in paths:
            text = t.text(prefix, components)
            for follow in (True, False):
                try:
                    target = sandbox.locate(text)
                    with sandbox.walk(target, follow_last=follow, shown=text) as walked:
                        where = os.readlink(f"/proc/self/fd/{walked.dir_fd}")
                        real = os.path.join(where, walked.name) if walked.name else where
                        listed = sandbox.concealed_in(walked.target)
                except (SecurityError, ErrnoError, OSError):
                    continue
                assert not is_hidden(real), (text, real, follow)
                assert {os.path.basename(p) for p in hidden if os.path.dirname(p) == real} <= (
                    listed
                )
            with contextlib.suppress(SecurityError, ErrnoError, OSError):
                placed = sandbox.find(text)
                assert placed is None or not is_hidden(placed.absolute), (text, placed)
        assert opened_since(descriptors) == {}
