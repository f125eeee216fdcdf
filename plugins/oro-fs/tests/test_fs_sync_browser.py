"""The ``*Sync`` functions of ``oro:fs`` in a real headless Chromium against the real host.

Oro declares them (``api/fs/index.d.ts`` of oro-computer/runtime at afba937, the names Node has);
each is one synchronous ``oro:ipc`` call (``sendSync``, a synchronous XHR) to the ``fs.*`` route
its asynchronous twin uses. What a user relies on:

- Node's results and errors: one script of Sync calls runs under ``node`` on a temporary directory
  and in the page on the app's sandbox, and the answers must be equal (``code``, ``errno``,
  ``syscall``, ``path`` of every error; the differences that remain are listed in ``KNOWN``, each
  with its reason).
- The same error objects as the async forms (class, code, errno, syscall, path, message).
- Whatever paths and flags a page passes (hypothesis), nothing is written outside the sandbox,
  every error is a typed one with a code, and every descriptor opened is closed again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_fs.plugin
import pytest
from playwright.sync_api import Browser, Page

from conftest import DATA_HOME
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

APP = Path(__file__).resolve().parents[3] / "examples" / "minimal"

# The differential script: `fs` (Node's or the page's `fs` module) and `root` (a directory to work
# in) are in scope; answers JSON. Every call is a Sync one except the `Dir` iteration (Node's
# `opendirSync` answers the same asynchronous `Dir`).
SCRIPT = r"""
const P = (name) => root + '/' + name
const clean = (value) =>
  (typeof value === 'string' ? value.split(root).join('<root>') : value ?? null)
const failure = (e) => ({
  name: e.name, code: e.code ?? null, errno: e.errno ?? null, syscall: e.syscall ?? null,
  path: clean(e.path), dest: clean(e.dest), message: clean(e.message), isError: e instanceof Error
})
const t = (work) => {
  try {
    const value = work()
    return { ok: value === undefined ? null : value }
  } catch (e) {
    return { err: failure(e) }
  }
}
const statOf = (s) =>
  [s.size, s.isFile(), s.isDirectory(), s.isSymbolicLink(), s.mode & 0o777, s.nlink]
const out = {}
out.mkdir = t(() => clean(fs.mkdirSync(P('a/b/c'), { recursive: true })))
out.mkdirExisting = t(() => fs.mkdirSync(P('a')))
out.mkdirRecursiveExisting = t(() => fs.mkdirSync(P('a/b'), { recursive: true }))
out.mkdirNoParent = t(() => fs.mkdirSync(P('x/y')))
out.mkdirMode = t(() => { fs.mkdirSync(P('m'), 0o750); return fs.statSync(P('m')).mode & 0o777 })
out.write = t(() => fs.writeFileSync(P('a/f.txt'), 'hello'))
out.append = t(() => fs.appendFileSync(P('a/f.txt'), ' world'))
out.appendNew = t(() => {
  fs.appendFileSync(P('a/new.txt'), new Uint8Array([104, 105]))
  return fs.readFileSync(P('a/new.txt'), 'latin1')
})
out.read = t(() => fs.readFileSync(P('a/f.txt'), 'utf8'))
out.readBytes = t(() => Array.from(fs.readFileSync(P('a/f.txt'))))
out.readBase64 = t(() => fs.readFileSync(P('a/f.txt'), { encoding: 'base64' }))
out.readMissing = t(() => fs.readFileSync(P('missing')))
out.readDirectory = t(() => fs.readFileSync(P('a')))
out.writeIntoMissing = t(() => fs.writeFileSync(P('nodir/f'), 'x'))
out.writeExclusive = t(() => fs.writeFileSync(P('a/f.txt'), 'x', { flag: 'wx' }))
out.writeDirectory = t(() => fs.writeFileSync(P('a'), 'x'))
out.writeMode = t(() => {
  fs.writeFileSync(P('moded'), 'x', { mode: 0o640 })
  return fs.statSync(P('moded')).mode & 0o777
})
const big = 'y'.repeat(300000) + 'z'
out.big = t(() => {
  fs.writeFileSync(P('big'), big)
  return fs.readFileSync(P('big'), 'utf8') === big
})
out.bigAppend = t(() => { fs.appendFileSync(P('big'), big); return fs.statSync(P('big')).size })
out.exists = [fs.existsSync(P('a')), fs.existsSync(P('missing')), fs.existsSync(P('a/f.txt/x'))]
out.access = t(() => { fs.accessSync(P('a/f.txt'), fs.constants.R_OK | fs.constants.W_OK) })
out.accessMissing = t(() => { fs.accessSync(P('missing')) })
out.accessExecute = t(() => { fs.accessSync(P('a/f.txt'), fs.constants.X_OK) })
out.stat = t(() => statOf(fs.statSync(P('a/f.txt'))))
out.statMissing = t(() => fs.statSync(P('missing')))
out.statMissingQuiet = t(() => [fs.statSync(P('missing'), { throwIfNoEntry: false }) ?? 'undefined',
  fs.lstatSync(P('missing'), { throwIfNoEntry: false }) ?? 'undefined'])
out.statThroughFile = t(() => fs.statSync(P('a/f.txt/x')))
out.chmod = t(() => {
  fs.chmodSync(P('a/f.txt'), 0o600)
  return fs.statSync(P('a/f.txt')).mode & 0o777
})
out.chmodString = t(() => {
  fs.chmodSync(P('a/f.txt'), '644')
  return fs.statSync(P('a/f.txt')).mode & 0o777
})
out.chmodMissing = t(() => fs.chmodSync(P('missing'), 0o600))
out.chown = t(() => fs.chownSync(P('a/f.txt'), -1, -1))
out.chownMissing = t(() => fs.chownSync(P('missing'), -1, -1))
out.symlink = t(() => {
  fs.symlinkSync('f.txt', P('a/link'))
  const link = P('a/link')
  return [fs.readlinkSync(link), fs.lstatSync(link).isSymbolicLink(), fs.statSync(link).isFile()]
})
out.symlinkExisting = t(() => fs.symlinkSync('f.txt', P('a/link')))
out.lchown = t(() => fs.lchownSync(P('a/link'), -1, -1))
out.readlinkOfFile = t(() => fs.readlinkSync(P('a/f.txt')))
out.readlinkMissing = t(() => fs.readlinkSync(P('missing')))
out.realpath = t(() => clean(fs.realpathSync(P('a/link'))))
out.realpathMissing = t(() => fs.realpathSync(P('missing')))
out.dangling = t(() => {
  fs.symlinkSync('nothing', P('dangling'))
  return [fs.existsSync(P('dangling')), fs.lstatSync(P('dangling')).isSymbolicLink()]
})
out.statDangling = t(() => fs.statSync(P('dangling')))
out.link = t(() => {
  fs.linkSync(P('a/f.txt'), P('a/hard'))
  return [fs.statSync(P('a/hard')).nlink, fs.readFileSync(P('a/hard'), 'utf8')]
})
out.linkExisting = t(() => fs.linkSync(P('a/f.txt'), P('a/hard')))
out.linkMissing = t(() => fs.linkSync(P('missing'), P('a/hard2')))
out.copy = t(() => {
  fs.copyFileSync(P('a/f.txt'), P('a/copy'))
  return fs.readFileSync(P('a/copy'), 'utf8')
})
out.copyExclusive = t(() => fs.copyFileSync(P('a/f.txt'), P('a/copy'), fs.constants.COPYFILE_EXCL))
out.copyMissing = t(() => fs.copyFileSync(P('missing'), P('a/copy2')))
out.cp = t(() => {
  fs.cpSync(P('a'), P('a2'), { recursive: true })
  return fs.readdirSync(P('a2')).sort()
})
out.cpFile = t(() => {
  fs.cpSync(P('a/f.txt'), P('cp.txt'))
  return fs.readFileSync(P('cp.txt'), 'utf8')
})
out.rename = t(() => {
  fs.renameSync(P('a/copy'), P('a/moved'))
  return [fs.existsSync(P('a/copy')), fs.existsSync(P('a/moved'))]
})
out.renameMissing = t(() => fs.renameSync(P('missing'), P('a/other')))
out.readdir = t(() => fs.readdirSync(P('a')).sort())
out.readdirTypes = t(() => fs.readdirSync(P('a'), { withFileTypes: true })
  .map((d) => [d.name, d.isFile(), d.isDirectory(), d.isSymbolicLink()]).sort())
out.readdirRecursive = t(() => fs.readdirSync(P('a'), { recursive: true }).sort())
out.readdirOfFile = t(() => fs.readdirSync(P('a/f.txt')))
out.readdirMissing = t(() => fs.readdirSync(P('missing')))
out.truncate = t(() => {
  fs.truncateSync(P('a/moved'), 3)
  return fs.readFileSync(P('a/moved'), 'utf8')
})
out.truncateLonger = t(() => {
  fs.truncateSync(P('a/moved'), 5)
  return Array.from(fs.readFileSync(P('a/moved')))
})
out.truncateAll = t(() => { fs.truncateSync(P('a/moved')); return fs.statSync(P('a/moved')).size })
out.truncateMissing = t(() => fs.truncateSync(P('missing'), 1))
out.utimes = t(() => {
  fs.utimesSync(P('a/moved'), 1000, 2000.5)
  const s = fs.statSync(P('a/moved'))
  return [s.atimeMs, s.mtimeMs]
})
out.utimesDates = t(() => {
  fs.utimesSync(P('a/moved'), new Date(3000000), new Date(4000000))
  const s = fs.statSync(P('a/moved'))
  return [s.atime.getTime(), s.mtime.getTime()]
})
out.utimesMissing = t(() => fs.utimesSync(P('missing'), 1, 1))
out.lutimes = t(() => {
  fs.lutimesSync(P('a/link'), 5000, 6000)
  return [fs.lstatSync(P('a/link')).mtimeMs, fs.statSync(P('a/link')).mtimeMs === 6000000]
})
out.lutimesMissing = t(() => fs.lutimesSync(P('missing'), 1, 1))
const fd = fs.openSync(P('a/f.txt'), 'r+')
out.fd = typeof fd
out.fstat = t(() => statOf(fs.fstatSync(fd)))
out.futimes = t(() => { fs.futimesSync(fd, 7000, 8000); return fs.fstatSync(fd).mtimeMs })
out.readFd = t(() => fs.readFileSync(fd, 'utf8'))
out.readFdAgain = t(() => fs.readFileSync(fd, 'utf8'))
out.writeFd = t(() => { fs.writeFileSync(fd, '!'); return fs.readFileSync(P('a/f.txt'), 'utf8') })
out.close = t(() => fs.closeSync(fd))
out.closeAgain = t(() => fs.closeSync(fd))
out.fstatClosed = t(() => fs.fstatSync(fd))
out.futimesClosed = t(() => fs.futimesSync(fd, 1, 1))
out.readClosed = t(() => fs.readFileSync(fd))
out.fstatNotNumber = t(() => fs.fstatSync('x'))
out.openMissing = t(() => fs.openSync(P('missing'), 'r'))
out.openExclusive = t(() => fs.openSync(P('a/f.txt'), 'wx'))
out.openDirectoryForWriting = t(() => fs.openSync(P('a'), 'w'))
out.openBadFlag = t(() => fs.openSync(P('a/f.txt'), 'rw'))
const created = fs.openSync(P('created'), 'w', 0o600)
out.openCreated = t(() => statOf(fs.fstatSync(created)))
fs.closeSync(created)
const dir = fs.opendirSync(P('a'))
const entries = []
for await (const entry of dir) entries.push([entry.name, entry.isFile()])
out.opendir = entries.sort()
out.opendirMissing = t(() => fs.opendirSync(P('missing')))
out.opendirOfFile = t(() => fs.opendirSync(P('a/f.txt')))
out.mkdtemp = t(() => {
  const made = fs.mkdtempSync(P('tmp-'))
  const named = clean(made)
  return [named.slice(0, -6), named.length - '<root>/tmp-'.length, fs.statSync(made).isDirectory()]
})
out.mkdtempMissing = t(() => fs.mkdtempSync(P('nodir/tmp-')))
out.rmdirNotEmpty = t(() => fs.rmdirSync(P('a')))
out.rmdirOfFile = t(() => fs.rmdirSync(P('a/f.txt')))
out.rmdirMissing = t(() => fs.rmdirSync(P('missing')))
out.rmdir = t(() => { fs.rmdirSync(P('a/b/c')); return fs.existsSync(P('a/b/c')) })
out.rmMissing = t(() => fs.rmSync(P('missing')))
out.rmDirectory = t(() => fs.rmSync(P('a')))
out.cpDirectory = t(() => fs.cpSync(P('a'), P('a3')))
out.rmForce = t(() => fs.rmSync(P('missing'), { force: true }))
out.rmFile = t(() => { fs.rmSync(P('cp.txt')); return fs.existsSync(P('cp.txt')) })
out.rmTree = t(() => { fs.rmSync(P('a2'), { recursive: true }); return fs.existsSync(P('a2')) })
out.unlinkMissing = t(() => fs.unlinkSync(P('missing')))
out.unlinkDirectory = t(() => fs.unlinkSync(P('m')))
out.unlink = t(() => {
  fs.unlinkSync(P('a/link'))
  return [fs.existsSync(P('a/link')), fs.existsSync(P('a/f.txt'))]
})
out.notAPath = t(() => fs.statSync(42))
out.noMode = t(() => fs.chmodSync(P('a/f.txt')))
out.badUid = t(() => fs.chownSync(P('a/f.txt'), 1.5, 0))
out.badLength = t(() => fs.truncateSync(P('a/f.txt'), 'x'))
out.badCopyMode = t(() => fs.copyFileSync(P('a/f.txt'), P('c2'), 'x'))
out.tree = fs.readdirSync(root, { recursive: true })
  .map((name) => name.replace(/^tmp-.{6}$/, 'tmp-XXXXXX')).sort()
return out
"""

PAGE = """async (arg) => {
  const fs = (await import('oro:fs')).default
  const root = arg.root
  %s
}"""

# Where the page's answer differs from Node's on purpose or by a limit of the host; every other
# field of every answer must be equal. Key: the script's answer name; value: fields and why.
KNOWN: dict[str, dict[str, str]] = {
    # Node's readFileSync(fd) stats the descriptor first; the page reads it at once.
    "readClosed": {"syscall": "fstat (Node) / read (page)"},
    # Node's readFileSync(directory) and opendirSync leave `path` out; the host names it.
    "readDirectory": {"path": "absent in Node"},
    "opendirMissing": {"path": "absent in Node"},
    "opendirOfFile": {"path": "absent in Node"},
    # The host lists a directory with os.scandir after opening it: its syscall is `opendir`.
    "readdirOfFile": {"syscall": "scandir (Node) / opendir (page)"},
    "readdirMissing": {"syscall": "scandir (Node) / opendir (page)"},
    # Node's realpathSync and rmSync are JS walks whose first lstat fails; the host's are one call.
    "realpathMissing": {"syscall": "lstat (Node) / realpath (page)"},
    "rmMissing": {"syscall": "lstat (Node) / rm (page)"},
    # Node names the template (`tmp-XXXXXX`), the host the prefix with one X.
    "mkdtempMissing": {"path": "tmp-XXXXXX (Node) / tmp-X (page)"},
    # Node wraps a directory given to rm/cp without `recursive` in a SystemError of its own code
    # (a positive errno, EINVAL's for cp); the host answers the OS's EISDIR, as for other calls.
    "rmDirectory": {"name": "SystemError (Node)", "code": "ERR_FS_EISDIR", "errno": "21"},
    "cpDirectory": {"name": "SystemError (Node)", "code": "ERR_FS_EISDIR", "errno": "22"},
}

COMPARED = ("name", "code", "errno", "syscall", "path", "isError")


def comparable(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with each error cut to the fields compared (`COMPARED` less `KNOWN`).

    `message` is left out (the host words strerror as Python does: "file exists", Node "file
    already exists"), so is `dest` (the host does not name a second path). Oro's OS errors are
    `ErrnoError`s, an `Error` subclass: Node's are plain `Error`s.
    """
    result: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, dict) and "err" in value:
            error = dict(value["err"])
            if error["name"] == "ErrnoError":
                error["name"] = "Error"
            fields = [field for field in COMPARED if field not in KNOWN.get(key, {})]
            value = {"err": {field: error[field] for field in fields}}
        result[key] = value
    return result


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_fs.plugin], app_dir=APP, config=DATA_HOME) as served:
        yield served


@pytest.fixture(scope="module")
def shared_page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


@pytest.fixture
def data(app: ServedApp) -> Iterator[Path]:
    """The app data dir, emptied after each test."""
    root = Path(app.host.paths.data)
    root.mkdir(parents=True, exist_ok=True)
    yield root
    empty(root)


def empty(root: Path) -> None:
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def open_descriptors(page: Page) -> Any:
    return page.evaluate("async () => (await import('oro:ipc')).request('fs.getOpenDescriptors')")


@pytest.fixture
def page(shared_page: Page, data: Path) -> Iterator[Page]:
    yield shared_page
    # Nothing a test opened may outlive it.
    assert open_descriptors(shared_page) == []


def test_node_and_the_page_run_the_same_sync_script_alike(
    page: Page, data: Path, tmp_path: Path
) -> None:
    node_root = tmp_path / "sync-root"
    node_root.mkdir()
    expected = run_in_node(
        SCRIPT, imports="import fs from 'node:fs'", values={"root": str(node_root)},
        directory=tmp_path,
    )  # fmt: skip
    (data / "sync-root").mkdir()
    actual = json.loads(json.dumps(page.evaluate(PAGE % SCRIPT, {"root": "sync-root"})))
    assert comparable(actual) == comparable(expected)
    # Every known difference is still one (else it belongs compared again).
    for key, fields in KNOWN.items():
        for field in fields:
            assert actual[key]["err"][field] != expected[key]["err"][field], (key, field)
    # The comparison means something only if the script did what it meant to.
    assert expected["read"] == {"ok": "hello world"}
    assert expected["big"] == {"ok": True}
    assert expected["bigAppend"] == {"ok": 600002}
    assert expected["exists"] == [True, False, False]
    assert expected["readMissing"]["err"]["code"] == "ENOENT"
    assert expected["readMissing"]["err"]["syscall"] == "open"
    assert expected["writeExclusive"]["err"]["code"] == "EEXIST"
    assert expected["rmdirNotEmpty"]["err"]["code"] == "ENOTEMPTY"
    assert expected["closeAgain"]["err"]["code"] == "EBADF"
    assert expected["notAPath"]["err"]["code"] == "ERR_INVALID_ARG_TYPE"
    assert expected["symlink"] == {"ok": ["f.txt", True, True]}
    assert expected["writeFd"] == {"ok": "hello world!"}
    assert expected["utimes"] == {"ok": [1000000, 2000500]}
    assert expected["mkdir"] == {"ok": "<root>/a"}
    assert expected["opendir"] == [
        ["b", False], ["f.txt", True], ["hard", True], ["link", False], ["moved", True],
        ["new.txt", True],
    ]  # fmt: skip
    assert expected["mkdtemp"] == {"ok": ["<root>/tmp-", 6, True]}
    # Node and the host wrote the same files: what the page's script left is on disk.
    assert (data / "sync-root" / "a" / "f.txt").read_text() == "hello world!"
    assert (data / "sync-root" / "big").stat().st_size == 600002


# Each failing call as a Sync call and as its asynchronous twin (promise API, or the callback API
# where the promise API has no descriptor numbers); the page answers both errors, described.
TWINS = """async () => {
  const fs = (await import('oro:fs')).default
  const fsp = fs.promises
  const describe = (e) => ({
    class: e.constructor.name, name: e.name, code: e.code ?? null, errno: e.errno ?? null,
    syscall: e.syscall ?? null, path: e.path ?? null, dest: e.dest ?? null, message: e.message,
    keys: Object.keys(e).sort(), isError: e instanceof Error
  })
  const syncError = (work) => {
    try { work() } catch (e) { return describe(e) }
    return null
  }
  const asyncError = async (work) => {
    try { await work() } catch (e) { return describe(e) }
    return null
  }
  const callback = (call) => () => new Promise((resolve, reject) =>
    call((error, value) => (error ? reject(error) : resolve(value))))
  fs.writeFileSync('twins.txt', 'x')
  fs.mkdirSync('twins-dir/inner', { recursive: true })
  fs.symlinkSync('twins.txt', 'twins-link')
  const twins = {
    readFile: [() => fs.readFileSync('missing'), () => fsp.readFile('missing')],
    readFileDir: [() => fs.readFileSync('twins-dir'), () => fsp.readFile('twins-dir')],
    writeFile: [() => fs.writeFileSync('nodir/x', 'x'), () => fsp.writeFile('nodir/x', 'x')],
    writeFileExclusive: [() => fs.writeFileSync('twins.txt', 'x', { flag: 'wx' }),
                         () => fsp.writeFile('twins.txt', 'x', { flag: 'wx' })],
    appendFile: [() => fs.appendFileSync('twins-dir', 'x'), () => fsp.appendFile('twins-dir', 'x')],
    stat: [() => fs.statSync('missing'), () => fsp.stat('missing')],
    lstat: [() => fs.lstatSync('missing'), () => fsp.lstat('missing')],
    access: [() => fs.accessSync('missing'), () => fsp.access('missing')],
    mkdir: [() => fs.mkdirSync('twins-dir'), () => fsp.mkdir('twins-dir')],
    mkdtemp: [() => fs.mkdtempSync('nodir/t-'), () => fsp.mkdtemp('nodir/t-')],
    rmdir: [() => fs.rmdirSync('twins-dir'), () => fsp.rmdir('twins-dir')],
    rm: [() => fs.rmSync('missing'), () => fsp.rm('missing')],
    rmDirectory: [() => fs.rmSync('twins-dir'), () => fsp.rm('twins-dir')],
    unlink: [() => fs.unlinkSync('missing'), () => fsp.unlink('missing')],
    rename: [() => fs.renameSync('missing', 'x'), () => fsp.rename('missing', 'x')],
    copyFile: [() => fs.copyFileSync('missing', 'x'), () => fsp.copyFile('missing', 'x')],
    cp: [() => fs.cpSync('twins-dir', 'x'), () => fsp.cp('twins-dir', 'x')],
    link: [() => fs.linkSync('twins.txt', 'twins-link'), () => fsp.link('twins.txt', 'twins-link')],
    symlink: [() => fs.symlinkSync('a', 'twins.txt'), () => fsp.symlink('a', 'twins.txt')],
    readlink: [() => fs.readlinkSync('twins.txt'), () => fsp.readlink('twins.txt')],
    realpath: [() => fs.realpathSync('missing'), () => fsp.realpath('missing')],
    readdir: [() => fs.readdirSync('twins.txt'), () => fsp.readdir('twins.txt')],
    opendir: [() => fs.opendirSync('missing'), () => fsp.opendir('missing')],
    truncate: [() => fs.truncateSync('missing'), () => fsp.truncate('missing')],
    utimes: [() => fs.utimesSync('missing', 1, 1), () => fsp.utimes('missing', 1, 1)],
    lutimes: [() => fs.lutimesSync('missing', 1, 1), () => fsp.lutimes('missing', 1, 1)],
    chmod: [() => fs.chmodSync('missing', 0o600), () => fsp.chmod('missing', 0o600)],
    lchmod: [() => fs.lchmodSync('twins-link', 0o600), () => fsp.lchmod('twins-link', 0o600)],
    chown: [() => fs.chownSync('missing', -1, -1), () => fsp.chown('missing', -1, -1)],
    lchown: [() => fs.lchownSync('missing', -1, -1), () => fsp.lchown('missing', -1, -1)],
    open: [() => fs.openSync('missing'), () => fsp.open('missing')],
    openExclusive: [() => fs.openSync('twins.txt', 'wx'), () => fsp.open('twins.txt', 'wx')],
    close: [() => fs.closeSync(1234), callback((done) => fs.close(1234, done))],
    fstat: [() => fs.fstatSync(1234), callback((done) => fs.fstat(1234, done))],
    futimes: [() => fs.futimesSync(1234, 1, 1), callback((done) => fs.futimes(1234, 1, 1, done))],
    readFd: [() => fs.readFileSync(1234), callback((done) => fs.readFile(1234, done))],
    dotDot: [() => fs.readFileSync('../outside'), () => fsp.readFile('../outside')],
    absolute: [() => fs.writeFileSync('/etc/oro-sync', 'x'),
               () => fsp.writeFile('/etc/oro-sync', 'x')],
    readOnlyRoot: [() => fs.writeFileSync('resources:x', 'x'),
                   () => fsp.writeFile('resources:x', 'x')],
    nul: [() => fs.statSync('a\\u0000b'), () => fsp.stat('a\\u0000b')],
    notAPath: [() => fs.statSync(42), () => fsp.stat(42)],
    noMode: [() => fs.chmodSync('twins.txt'), () => fsp.chmod('twins.txt')],
    badUid: [() => fs.chownSync('twins.txt', 2 ** 33, 0), () => fsp.chown('twins.txt', 2 ** 33, 0)],
    badFlag: [() => fs.openSync('twins.txt', 'rw'), () => fsp.open('twins.txt', 'rw')],
    badTime: [() => fs.utimesSync('twins.txt', {}, 1), () => fsp.utimes('twins.txt', {}, 1)]
  }
  const answers = {}
  for (const [name, [sync, asynchronous]] of Object.entries(twins)) {
    answers[name] = { sync: syncError(sync), async: await asyncError(asynchronous) }
  }
  return answers
}"""


def test_a_sync_call_throws_the_error_its_async_twin_rejects_with(page: Page, data: Path) -> None:
    answers = page.evaluate(TWINS)
    for name, pair in answers.items():
        assert pair["sync"] is not None, name
        assert pair["sync"] == pair["async"], name
        assert pair["sync"]["isError"] is True, name
        assert isinstance(pair["sync"]["code"], str), name
    codes = {name: (pair["sync"]["class"], pair["sync"]["code"]) for name, pair in answers.items()}
    assert codes["readFile"] == ("ErrnoError", "ENOENT")
    assert codes["readFileDir"] == ("ErrnoError", "EISDIR")
    assert codes["rmdir"] == ("ErrnoError", "ENOTEMPTY")
    assert codes["close"] == ("Error", "EBADF")
    assert codes["dotDot"] == ("SecurityError", "EPERM")
    assert codes["absolute"] == ("SecurityError", "EPERM")
    assert codes["readOnlyRoot"] == ("SecurityError", "EPERM")
    assert codes["notAPath"] == ("TypeError", "ERR_INVALID_ARG_TYPE")
    assert codes["badUid"] == ("RangeError", "ERR_OUT_OF_RANGE")
    assert answers["readFile"]["sync"]["errno"] == -2
    assert answers["readFile"]["sync"]["syscall"] == "open"
    assert answers["readFile"]["sync"]["path"] == "missing"
    # Nothing a refused call named was made.
    assert not Path("/etc/oro-sync").exists()
    assert sorted(path.name for path in data.iterdir()) == ["twins-dir", "twins-link", "twins.txt"]


def test_sync_calls_answer_before_anything_else_runs_and_carry_every_byte(
    page: Page, data: Path
) -> None:
    every_byte = bytes(range(256)) * 4096  # 1 MiB: past the host's stream threshold for readFile
    (data / "bytes.bin").write_bytes(every_byte + b"tail")
    answer = page.evaluate(
        """async () => {
          const fs = (await import('oro:fs')).default
          const { Buffer } = await import('oro:buffer')
          let turns = 0
          Promise.resolve().then(() => { turns++ })
          setTimeout(() => { turns++ }, 0)
          const read = fs.readFileSync('bytes.bin')
          // 9 MiB: more than one request may carry, so it goes through a descriptor.
          const big = new Uint8Array(9 * 1024 * 1024).map((_, index) => (index * 7) % 251)
          fs.writeFileSync('big.bin', big)
          fs.appendFileSync('big.bin', 'end')
          const back = fs.readFileSync('big.bin')
          const fd = fs.openSync('big.bin', 'r')
          const viaFd = fs.readFileSync(fd)
          fs.closeSync(fd)
          const same = (a, b) =>
            a.length === b.length && a.every((value, index) => value === b[index])
          return {
            turnsDuringSyncCalls: turns,
            length: read.length,
            isBuffer: Buffer.isBuffer(read),
            head: Array.from(read.subarray(0, 256)),
            tail: new TextDecoder().decode(read.subarray(-4)),
            bigBack: back.length === big.length + 3 && same(back.subarray(0, big.length), big),
            viaFd: same(viaFd, back)
          }
        }"""
    )
    # No microtask or timer ran while the page waited: the calls blocked it.
    assert answer["turnsDuringSyncCalls"] == 0
    assert answer["length"] == len(every_byte) + 4
    assert answer["isBuffer"] is True
    assert answer["head"] == list(range(256))
    assert answer["tail"] == "tail"
    assert answer["bigBack"] is True
    assert answer["viaFd"] is True
    on_disk = (data / "big.bin").read_bytes()
    assert len(on_disk) == 9 * 1024 * 1024 + 3
    period = bytes(index * 7 % 251 for index in range(251))
    assert on_disk == (period * (9 * 1024 * 1024 // 251 + 1))[: 9 * 1024 * 1024] + b"end"
