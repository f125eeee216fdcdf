"""The ``*Sync`` functions of ``oro:fs`` fed generated paths, flags and modes in a real headless
Chromium against the real host (hypothesis). Whatever a page passes:

- nothing outside the sandbox is written: a directory outside every root (named absolutely, by a
  ``file:`` URL, through a symlink the test planted in the data dir, or through one the page makes)
  and the app's read-only resources are byte for byte as before;
- every refusal is a typed error with a code (no ``InternalError``, no server error), and the page
  keeps working;
- every descriptor ``openSync``/``opendirSync`` opened is closed by ``closeSync``/``close()``
  exactly once, and then the host holds none for the page (in its table, and as OS descriptors).

The Sync names are Oro's (``api/fs/index.d.ts`` of oro-computer/runtime at afba937).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_fs.plugin
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from conftest import DATA_HOME
from oro_framework.testing import ServedApp, app_page, open_descriptors, opened_since, served_app

APP = Path(__file__).resolve().parents[3] / "examples" / "minimal"

# The page runs a list of `[operation, ...arguments]`; `fds`/`dirs` hold what it opened.
RUN = """async (arg) => {
  const fs = (await import('oro:fs')).default
  const fds = []
  const dirs = []
  const pick = (index) => (fds.length ? fds[index % fds.length] : 1000 + index)
  const operations = {
    open: (path, flags, mode) => { fds.push(fs.openSync(path, flags, mode)) },
    opendir: (path) => { dirs.push(fs.opendirSync(path)) },
    close: (index) => { const fd = pick(index); fs.closeSync(fd); fds.splice(fds.indexOf(fd), 1) },
    writeFd: (index) => fs.writeFileSync(pick(index), 'written through a descriptor'),
    readFd: (index) => fs.readFileSync(pick(index), 'utf8'),
    fstat: (index) => fs.fstatSync(pick(index)).size,
    writeFile: (path, flag, mode) => fs.writeFileSync(path, 'written', { flag, mode }),
    appendFile: (path) => fs.appendFileSync(path, 'appended'),
    readFile: (path, flag) => fs.readFileSync(path, { encoding: 'utf8', flag }),
    mkdir: (path, recursive, mode) => fs.mkdirSync(path, { recursive, mode }),
    mkdtemp: (path) => fs.mkdtempSync(path),
    rm: (path, recursive, force) => fs.rmSync(path, { recursive, force }),
    rmdir: (path) => fs.rmdirSync(path),
    unlink: (path) => fs.unlinkSync(path),
    rename: (from, to) => fs.renameSync(from, to),
    copyFile: (from, to, mode) => fs.copyFileSync(from, to, typeof mode === 'number' ? mode : 0),
    cp: (from, to, recursive) => fs.cpSync(from, to, { recursive }),
    symlink: (target, path) => fs.symlinkSync(target, path),
    link: (from, to) => fs.linkSync(from, to),
    truncate: (path, length) => fs.truncateSync(path, length),
    utimes: (path) => fs.utimesSync(path, 1, 2),
    lutimes: (path) => fs.lutimesSync(path, 1, 2),
    chmod: (path, mode) => fs.chmodSync(path, mode),
    lchmod: (path, mode) => fs.lchmodSync(path, mode),
    stat: (path) => fs.statSync(path).size,
    lstat: (path) => fs.lstatSync(path).size,
    readdir: (path, recursive) => fs.readdirSync(path, { recursive }).length,
    readlink: (path) => fs.readlinkSync(path),
    realpath: (path) => fs.realpathSync(path),
    exists: (path) => fs.existsSync(path),
    access: (path, mode) => fs.accessSync(path, typeof mode === 'number' ? mode & 7 : undefined)
  }
  const answers = []
  for (const [name, ...args] of arg.operations) {
    try {
      operations[name](...args)
      answers.push({ ok: name })
    } catch (e) {
      answers.push({ err: { op: name, name: e.name, code: e.code, isError: e instanceof Error,
                            message: String(e.message) } })
    }
  }
  // Every descriptor still open closes exactly once; a second close is EBADF.
  const closes = []
  for (const fd of fds) {
    fs.closeSync(fd)
    try { fs.closeSync(fd); closes.push('closed twice') } catch (e) { closes.push(e.code) }
  }
  for (const dir of dirs) await dir.close()
  const ipc = await import('oro:ipc')
  return { answers, closes, open: await ipc.request('fs.getOpenDescriptors'),
           stillWorks: (fs.writeFileSync('alive', 'yes'), fs.readFileSync('alive', 'utf8')) }
}"""

NAMES = ["f.txt", "inner", "link", "new", "escape", "keep.txt", "..", ".", "", "ü 日", "a\x00b"]
# Valid flags and modes most of the time, odd ones (an unknown word, -1, beyond 32 bits) too.
FLAGS = ["r", "r+", "w", "w", "wx", "w+", "a", "a", "ax", "a+", "as", "rs+", "rw", "x", 0, 1, 2,
         65, 577, 1089, 131072 | 1, -1, 2**31, None]  # fmt: skip
MODES = [None, None, None, 0o600, 0o644, 0o777, "755", 0o7777, -1, "x", 2**40]


PATH_ONLY = ["appendFile", "mkdtemp", "rmdir", "unlink", "utimes", "lutimes", "stat", "lstat",
             "readlink", "realpath", "exists"]  # fmt: skip


def snapshot(root: Path) -> dict[str, tuple[str, bytes | str, int, int]]:
    """Every entry under `root`: its kind, content (or link target), mode and modification time."""
    entries: dict[str, tuple[str, bytes | str, int, int]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        if path.is_symlink():
            entries[str(path)] = ("link", os.readlink(path), info.st_mode, info.st_mtime_ns)
        elif path.is_dir():
            entries[str(path)] = ("dir", "", info.st_mode, info.st_mtime_ns)
        else:
            entries[str(path)] = ("file", path.read_bytes(), info.st_mode, info.st_mtime_ns)
    return entries


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_fs.plugin], app_dir=APP, config=DATA_HOME) as served:
        yield served


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory outside every root of the sandbox, with a file in it."""
    root = tmp_path_factory.mktemp("outside-the-sandbox")
    (root / "keep.txt").write_text("must stay")
    (root / "inner").mkdir()
    (root / "inner" / "f.txt").write_text("must stay too")
    return root


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def reset(data: Path, outside: Path) -> None:
    """The data dir as each example starts: files, a dir, a link inside, a link leading out."""
    data.mkdir(parents=True, exist_ok=True)
    for child in data.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (data / "f.txt").write_text("data file")
    (data / "inner").mkdir()
    (data / "inner" / "f.txt").write_text("inner file")
    (data / "link").symlink_to("f.txt")
    (data / "escape").symlink_to(outside)


def paths(outside: Path, data: Path) -> st.SearchStrategy[str]:
    prefixes = st.sampled_from(
        ["", "data:", "temp:", "resources:", "/", f"{outside}/", f"file://{outside}/", f"{data}/",
         f"{outside}/../", "nope:"]
    )  # fmt: skip
    tails = st.lists(st.sampled_from(NAMES), min_size=1, max_size=2).map("/".join)
    # Half plain data paths, so that calls succeed and later ones act on what earlier ones made.
    plain = st.sampled_from(["f.txt", "inner", "inner/f.txt", "new", "inner/new", "link", "other"])
    return st.one_of(plain, st.tuples(prefixes, tails).map("".join))


def operations(outside: Path, data: Path) -> st.SearchStrategy[list[list[Any]]]:
    path = paths(outside, data)
    flag = st.sampled_from(FLAGS)
    mode = st.sampled_from(MODES)
    index = st.integers(0, 3)
    one = st.one_of(
        st.tuples(st.just("open"), path, flag, mode),
        st.tuples(st.just("open"), path, flag, mode),
        st.tuples(st.just("opendir"), path),
        st.tuples(st.sampled_from(["close", "writeFd", "readFd", "fstat"]), index),
        st.tuples(st.just("writeFile"), path, flag, mode),
        st.tuples(st.just("readFile"), path, flag),
        st.tuples(st.just("mkdir"), path, st.booleans(), mode),
        st.tuples(st.just("rm"), path, st.booleans(), st.booleans()),
        st.tuples(st.sampled_from(["rename", "copyFile", "link", "symlink"]), path, path),
        st.tuples(st.just("cp"), path, path, st.booleans()),
        st.tuples(st.just("truncate"), path, st.sampled_from([0, 3, -1, 2**53])),
        st.tuples(st.sampled_from(["chmod", "lchmod", "access"]), path, mode),
        st.tuples(st.just("readdir"), path, st.booleans()),
        st.tuples(
            st.sampled_from(
                [
                    "appendFile",
                    "mkdtemp",
                    "rmdir",
                    "unlink",
                    "utimes",
                    "lutimes",
                    "stat",
                    "lstat",
                    "readlink",
                    "realpath",
                    "exists",
                ]
            ),
            path,
        ),
    )
    return st.lists(one.map(list), min_size=1, max_size=8)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_sync_calls_stay_in_the_sandbox_and_close_what_they_open(
    page: Page, app: ServedApp, outside: Path, data: st.DataObject
) -> None:
    data_dir = Path(app.host.paths.data)
    for root in (app.host.paths.data, app.host.paths.temp):
        # The directory outside must be outside every writable root for the test to mean it.
        assert not outside.is_relative_to(root)
    ops = data.draw(operations(outside, data_dir))
    reset(data_dir, outside)
    before = snapshot(outside), snapshot(APP)
    descriptors = open_descriptors()
    answer = page.evaluate(RUN, {"operations": ops})
    assert (snapshot(outside), snapshot(APP)) == before
    # The host (this process) holds no file the page's calls opened, not only none in its table.
    roots = (str(data_dir), str(app.host.paths.temp), str(outside))
    left = {
        fd: target for fd, target in opened_since(descriptors).items() if target.startswith(roots)
    }
    assert left == {}
    for result in answer["answers"]:
        if "err" in result:
            error = result["err"]
            assert error["isError"] is True, error
            assert isinstance(error["code"], str), error
            assert error["code"], error
            assert error["name"] not in ("InternalError", "NetworkError"), error
    assert set(answer["closes"]) <= {"EBADF"}
    assert answer["open"] == []
    assert answer["stillWorks"] == "yes"
