"""The names Oro's ``api/fs/index.d.ts`` and ``api/fs/promises.d.ts`` declare beyond what
``oro:fs`` first had, in a real headless Chromium against the real host.

Where Node has the name (the ``*Sync`` functions, ``chown``/``lchown``, ``lutimes``/``futimes``,
``readv``/``writev``, ``watchFile``, ``Dir`` closing after iteration), one script runs under
``node`` on a temporary directory and in the page on the sandbox, and the answers must be
equal. Oro-only behaviour (``access`` answering ``true``, ``lchmod`` on Linux) follows the
``.d.ts`` named in each test's docstring.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import oro_fs.plugin
import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.platform
from conftest import DATA_HOME
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

APP = Path(__file__).resolve().parents[3] / "examples" / "minimal"

# The differential script: `fs` (node:fs), `root` (a directory to work in) and `api` (Oro's
# promise functions on descriptors, Node's FileHandle methods) are in scope.
# Paths in answers are made relative to `root` (Node answers absolute ones, the page the
# sandbox's names).
SCRIPT = """
const P = (name) => root + '/' + name
const rel = (path) => typeof path === 'string' && path.includes(root + '/')
  ? path.slice(path.indexOf(root + '/') + root.length + 1) : path
const attempt = (work) => {
  try { const ok = work(); return { ok: ok === undefined ? 'undefined' : ok } } catch (e) {
    return { err: e.code, isError: e instanceof Error }
  }
}
const settle = async (work) => {
  try { return { ok: await work() } } catch (e) { return { err: e.code } }
}
const callback = (fn, ...args) => new Promise((resolve) => {
  fn(...args, (err, ...values) => resolve(err ? { err: err.code } : { values }))
})
const out = {}

out.mkdirFirst = rel(fs.mkdirSync(P('a/b/c'), { recursive: true }))
out.mkdirAgain = attempt(() => fs.mkdirSync(P('a/b/c')))
out.mkdirNoParent = attempt(() => fs.mkdirSync(P('x/y')))
fs.writeFileSync(P('a/f.txt'), 'hello')
fs.appendFileSync(P('a/f.txt'), ' world')
out.text = fs.readFileSync(P('a/f.txt'), 'utf8')
out.bytes = Array.from(fs.readFileSync(P('a/f.txt')).subarray(0, 3))
out.exclusive = attempt(() => fs.writeFileSync(P('a/f.txt'), 'x', { flag: 'wx' }))
out.missing = attempt(() => fs.readFileSync(P('nope.txt')))
out.exists = [fs.existsSync(P('a/f.txt')), fs.existsSync(P('nope.txt'))]
out.accessMissing = attempt(() => fs.accessSync(P('nope.txt')))
const st = fs.statSync(P('a/f.txt'))
out.stat = [st.size, st.isFile(), st.isDirectory(), fs.statSync(P('a')).isDirectory()]
out.readdir = fs.readdirSync(P('a')).sort()
out.readdirTypes = fs.readdirSync(P('a'), { withFileTypes: true })
  .map((d) => [d.name, d.isFile(), d.isDirectory()]).sort()
out.readdirRecursive = fs.readdirSync(P('a'), { recursive: true }).sort()
fs.copyFileSync(P('a/f.txt'), P('copy.txt'))
const EXCL = fs.constants.COPYFILE_EXCL
out.copyExcl = attempt(() => fs.copyFileSync(P('a/f.txt'), P('copy.txt'), EXCL))
fs.renameSync(P('copy.txt'), P('moved.txt'))
out.afterRename = [fs.existsSync(P('copy.txt')), fs.readFileSync(P('moved.txt'), 'utf8')]
fs.truncateSync(P('moved.txt'), 4)
out.truncated = fs.readFileSync(P('moved.txt'), 'utf8')
fs.linkSync(P('moved.txt'), P('hard.txt'))
out.nlink = fs.statSync(P('hard.txt')).nlink
fs.symlinkSync('a/f.txt', P('soft'))
out.readlink = fs.readlinkSync(P('soft'))
out.lstat = [fs.lstatSync(P('soft')).isSymbolicLink(), fs.statSync(P('soft')).isFile()]
out.realpath = rel(fs.realpathSync(P('soft')))
fs.chmodSync(P('moved.txt'), 0o640)
out.mode = fs.statSync(P('moved.txt')).mode & 0o777
fs.utimesSync(P('moved.txt'), 1000, 2000)
out.utimes = [fs.statSync(P('moved.txt')).atimeMs, fs.statSync(P('moved.txt')).mtimeMs]
fs.lutimesSync(P('soft'), 3000, 4000)
out.lutimes = [fs.lstatSync(P('soft')).mtimeMs, fs.statSync(P('soft')).mtimeMs === 4000000]
const own = fs.statSync(P('moved.txt'))
fs.chownSync(P('moved.txt'), -1, -1)
fs.lchownSync(P('soft'), own.uid, own.gid)
out.chown = [fs.statSync(P('moved.txt')).uid === own.uid, fs.lstatSync(P('soft')).gid === own.gid]
out.chownMissing = attempt(() => fs.chownSync(P('nope.txt'), own.uid, own.gid))
out.chownBadId = attempt(() => fs.chownSync(P('moved.txt'), 1.5, 0))

const fd = fs.openSync(P('fd.txt'), 'w+')
out.fdType = typeof fd
fs.writeFileSync(fd, 'through a descriptor')
out.fstat = fs.fstatSync(fd).size
fs.futimesSync(fd, 5000, 6000)
out.futimes = fs.fstatSync(fd).mtimeMs
const encode = (text) => new TextEncoder().encode(text)
out.writev = await callback(fs.writev, fd, [encode('AB'), encode('CD')], 0)
out.writev = out.writev.err ? { err: out.writev.err } : { bytes: out.writev.values[0] }
const parts = [new Uint8Array(3), new Uint8Array(4)]
const readv = await callback(fs.readv, fd, parts, 0)
out.readv = [readv.values?.[0], parts.map((p) => new TextDecoder().decode(p))]
fs.closeSync(fd)
out.closedTwice = attempt(() => fs.closeSync(fd))
out.fstatClosed = attempt(() => fs.fstatSync(fd))
out.fdContent = fs.readFileSync(P('fd.txt'), 'utf8')
out.openMissing = attempt(() => fs.openSync(P('nope/x'), 'r'))

const handle = await fs.promises.open(P('fd.txt'), 'r+')
out.promiseWritev = await api.writev(handle, [new TextEncoder().encode('xy')], 0)
const into = [new Uint8Array(2), new Uint8Array(2)]
out.promiseReadv = [(await api.readv(handle, into, 0)).bytesRead, into.map((p) => Array.from(p))]
await api.futimes(handle, 7000, 8000)
out.promiseFstat = [(await api.fstat(handle)).mtimeMs]
await handle.close()
await fs.promises.lutimes(P('soft'), 9000, 10000)
await fs.promises.chown(P('moved.txt'), -1, -1)
await fs.promises.lchown(P('soft'), -1, -1)
out.promiseLutimes = (await fs.promises.lstat(P('soft'))).mtimeMs
out.callbackChown = await callback(fs.chown, P('moved.txt'), -1, -1)
out.callbackLutimes = await callback(fs.lutimes, P('nope'), 1, 1)

fs.mkdirSync(P('d/sub'), { recursive: true })
for (const name of ['1', '2', '3']) fs.writeFileSync(P('d/' + name), name)
const dir = fs.opendirSync(P('d'), { bufferSize: 2 })
const names = []
for await (const entry of dir) names.push(entry.name)
out.dirNames = names.sort()
out.dirCloseAfterLoop = await settle(() => dir.close())
out.dirReadAfterLoop = await settle(() => dir.read())
const early = await fs.promises.opendir(P('d'))
for await (const entry of early) { if (entry) break }
out.dirCloseAfterBreak = await settle(() => early.close())
out.dirCallbackClose = await new Promise((resolve) => early.close((err) => resolve(err?.code)))

const dirSync = fs.opendirSync(P('d'), { bufferSize: 2 })
const syncNames = []
for (let entry = dirSync.readSync(); entry !== null; entry = dirSync.readSync()) {
  syncNames.push(entry.name)
}
dirSync.closeSync()
out.dirSync = [syncNames.sort(), attempt(() => dirSync.closeSync()),
  attempt(() => dirSync.readSync())]

out.mkdtemp = fs.mkdtempSync(P('tmp-')).includes('tmp-')
fs.rmSync(P('d'), { recursive: true })
out.rmMissing = attempt(() => fs.rmSync(P('d')))
out.rmForce = attempt(() => fs.rmSync(P('d'), { force: true }))
fs.rmdirSync(P('a/b/c'))
out.rmdirNotEmpty = attempt(() => fs.rmdirSync(P('a')))
fs.unlinkSync(P('hard.txt'))
out.unlinkMissing = attempt(() => fs.unlinkSync(P('hard.txt')))
fs.cpSync(P('a'), P('a2'), { recursive: true })
out.cp = fs.readdirSync(P('a2'), { recursive: true }).sort()

// watchFile: Node takes its first stat asynchronously, so a change must outlast it: the file
// grows by a byte a turn until the listener saw it grow.
fs.writeFileSync(P('w.txt'), 'one')
out.watchFile = await new Promise((resolve) => {
  const grow = setInterval(() => fs.appendFileSync(P('w.txt'), '+'), 5)
  const listener = (current, previous) => {
    clearInterval(grow)
    fs.unwatchFile(P('w.txt'), listener)
    resolve([current.size > previous.size, previous.size >= 3, current.isFile()])
  }
  fs.watchFile(P('w.txt'), { interval: 10 }, listener)
})
return out
"""

NODE_IMPORTS = """import fs from 'node:fs'
const api = {
  writev: async (handle, buffers, at) => (await handle.writev(buffers, at)).bytesWritten,
  readv: (handle, buffers, position) => handle.readv(buffers, position),
  futimes: (handle, atime, mtime) => handle.utimes(atime, mtime),
  fstat: (handle) => handle.stat()
}"""

PAGE = """async (arg) => {
  const fs = (await import('node:fs')).default
  const api = await import('oro:fs/promises')
  const root = arg.root
  %s
}"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    # oro_framework.core.platform: oro:mime, which oro:fs/web imports for its Files' types.
    with served_app(
        [oro_fs.plugin, oro_framework.core.platform], app_dir=APP, config=DATA_HOME
    ) as served:
        yield served


@pytest.fixture
def data(app: ServedApp) -> Iterator[Path]:
    """The app data dir, emptied after each test."""
    root = Path(app.host.paths.data)
    root.mkdir(parents=True, exist_ok=True)
    yield root
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp, data: Path) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page
        # Nothing a test opened may outlive it: descriptors and directories are all closed.
        open_now = page.evaluate(
            "async () => (await import('oro:ipc')).request('fs.getOpenDescriptors')"
        )
        assert open_now == []


def test_sync_and_extra_functions_answer_as_node(page: Page, data: Path, tmp_path: Path) -> None:
    node_root = tmp_path / "diff"
    node_root.mkdir()
    expected = run_in_node(
        SCRIPT,
        imports=NODE_IMPORTS,
        values={"root": str(node_root)},
        directory=tmp_path,
    )
    (data / "diff").mkdir()
    actual = json.loads(json.dumps(page.evaluate(PAGE % SCRIPT, {"root": "diff"})))
    assert actual == expected
    # The script's own checks, so that a change making both sides wrong alike is caught too.
    assert expected["text"] == "hello world"
    assert expected["dirCloseAfterLoop"] == {"err": "ERR_DIR_CLOSED"}
    assert expected["watchFile"] == [True, True, True]
    assert (data / "diff" / "fd.txt").read_text() == "xyCDugh a descriptor"


def test_access_answers_true_as_oros(page: Page, data: Path) -> None:
    """Oro's ``api/fs/promises.d.ts`` declares ``access(): Promise<boolean>`` and its
    ``api/fs/index.d.ts`` ``accessSync(): boolean``; Oro's callback gets a truthy value."""
    (data / "here.txt").write_text("x")
    (data / "ro.txt").write_text("x")
    answer = page.evaluate(
        """async () => {
          const fs = (await import('oro:fs')).default
          const fsp = await import('oro:fs/promises')
          const viaCallback = await new Promise((resolve) =>
            fs.access('here.txt', fs.constants.R_OK, (err, ok) => resolve([err, ok])))
          const missing = await new Promise((resolve) =>
            fs.access('none.txt', (err, ok) => resolve([err.code, ok])))
          let syncMissing = null
          try { fs.accessSync('none.txt') } catch (e) { syncMissing = e.code }
          return {
            promise: await fsp.access('here.txt'),
            promiseMode: await fsp.access('here.txt', fs.constants.R_OK | fs.constants.W_OK),
            viaCallback, missing, sync: fs.accessSync('here.txt'), syncMissing,
            existsSync: [fs.existsSync('here.txt'), fs.existsSync('none.txt')],
          }
        }"""
    )
    assert answer == {
        "promise": True,
        "promiseMode": True,
        "viaCallback": [None, True],
        "missing": ["ENOENT", None],
        "sync": True,
        "syncMissing": "ENOENT",
        "existsSync": [True, False],
    }


def test_watch_file_sees_a_change_made_as_it_returns(page: Page, data: Path) -> None:
    """``watchFile`` takes its first stat before it returns (Oro primes it with ``statSync``),
    so removing the file right after is a change to all zeros, then re-creating it one back."""
    (data / "w.txt").write_text("one")
    answer = page.evaluate(
        """async () => {
          const fs = (await import('oro:fs')).default
          const seen = []
          await new Promise((resolve) => {
            const listener = (current, previous) => {
              seen.push([previous.size, current.size, current.mtimeMs === 0])
              if (seen.length === 2) fs.writeFileSync('w.txt', 'three')
              else { fs.unwatchFile('w.txt', listener); resolve() }
            }
            const watcher = fs.watchFile('w.txt', { interval: 10 }, listener)
            seen.push(watcher instanceof fs.StatWatcher)
            fs.unlinkSync('w.txt')
          })
          return seen
        }"""
    )
    assert answer == [True, [3, 0, True], [0, 5, False]]


def test_lchmod_changes_files_and_refuses_symlinks(page: Page, data: Path) -> None:
    """Oro's ``api/fs/index.d.ts``: ``lchmod`` changes the mode of the link itself, and where
    the platform cannot (Linux, for a symlink) it fails with the platform's error."""
    (data / "f.txt").write_text("x")
    (data / "ln").symlink_to("f.txt")
    os.chmod(data / "f.txt", 0o644)
    answer = page.evaluate(
        """async () => {
          const fs = (await import('oro:fs')).default
          const fsp = await import('oro:fs/promises')
          await fsp.lchmod('f.txt', 0o600)
          let link = null
          try { await fsp.lchmod('ln', 0o700) } catch (e) { link = [e.code, e.syscall] }
          let sync = null
          try { fs.lchmodSync('ln', 0o700) } catch (e) { sync = e.code }
          const viaCallback = await new Promise((resolve) =>
            fs.lchmod('ln', 0o700, (err) => resolve(err?.code)))
          return { link, sync, viaCallback }
        }"""
    )
    assert answer == {
        "link": ["ENOTSUP", "lchmod"],
        "sync": "ENOTSUP",
        "viaCallback": "ENOTSUP",
    }
    assert (data / "f.txt").stat().st_mode & 0o777 == 0o600


def test_sync_functions_stay_in_the_sandbox(page: Page, data: Path, tmp_path: Path) -> None:
    """Every Sync call goes through the same routes and sandbox as its async twin."""
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    answer = page.evaluate(
        """async (outside) => {
          const fs = (await import('oro:fs')).default
          const codes = []
          for (const work of [
            () => fs.readFileSync(outside),
            () => fs.writeFileSync(outside, 'owned'),
            () => fs.symlinkSync(outside, 'escape'),
            () => fs.symlinkSync('../../../../../../..' + outside, 'escape2'),
            () => fs.chownSync(outside, -1, -1),
            () => fs.lutimesSync(outside, 1, 1),
            () => fs.copyFileSync(outside, 'copy'),
            () => fs.openSync(outside, 'r'),
            () => fs.readFileSync('../outside.txt'),
          ]) {
            try { work(); codes.push('ok') } catch (e) { codes.push(e.code) }
          }
          return codes
        }""",
        str(outside),
    )
    assert answer == ["EPERM"] * 9
    assert outside.read_text() == "secret"
    assert sorted(p.name for p in data.iterdir()) == []


def test_oro_fs_names_exist_on_the_modules(page: Page) -> None:
    """Every value Oro's ``api/fs/index.d.ts`` and ``api/fs/promises.d.ts`` export exists."""
    answer = page.evaluate(
        """async () => {
          const fs = await import('oro:fs')
          const fsp = await import('oro:fs/promises')
          const bookmarks = await import('oro:fs/bookmarks')
          const fds = (await import('oro:fs/fds')).default
          const handle = await import('oro:fs/handle')
          const watcher = await import('oro:fs/watcher')
          const index = ['watchFile', 'unwatchFile', 'access', 'accessSync', 'exists',
            'existsSync', 'chmod', 'chmodSync', 'chown', 'chownSync', 'close', 'closeSync',
            'copyFile', 'copyFileSync', 'createReadStream', 'createWriteStream', 'fstat',
            'fsync', 'ftruncate', 'lchown', 'lchmod', 'lchmodSync', 'link', 'linkSync', 'mkdir',
            'mkdirSync', 'mkdtemp', 'mkdtempSync', 'open', 'openSync', 'opendir', 'opendirSync',
            'read', 'write', 'writev', 'readv', 'readdir', 'readdirSync', 'readFile',
            'readFileSync', 'readlink', 'readlinkSync', 'realpath', 'realpathSync', 'rename',
            'renameSync', 'rmdir', 'rmdirSync', 'statSync', 'fstatSync', 'stat', 'lstat',
            'lstatSync', 'symlink', 'symlinkSync', 'unlink', 'unlinkSync', 'lchownSync',
            'writeFile', 'writeFileSync', 'truncate', 'truncateSync', 'appendFile',
            'appendFileSync', 'rm', 'rmSync', 'cp', 'cpSync', 'utimes', 'lutimes', 'lutimesSync',
            'utimesSync', 'futimes', 'futimesSync', 'watch']
          const promises = ['access', 'chmod', 'chown', 'copyFile', 'lchown', 'lchmod', 'link',
            'mkdir', 'mkdtemp', 'open', 'opendir', 'readdir', 'readFile', 'readlink',
            'realpath', 'rename', 'rmdir', 'stat', 'fstat', 'lstat', 'symlink', 'utimes',
            'futimes', 'lutimes', 'unlink', 'writeFile', 'writev', 'readv', 'truncate',
            'appendFile', 'rm', 'cp', 'watch']
          const classes = ['bookmarks', 'constants', 'Dir', 'DirectoryHandle', 'Dirent', 'fds',
            'FileHandle', 'ReadStream', 'Watcher', 'WriteStream']
          return {
            index: index.filter((name) => typeof fs[name] !== 'function'
                                          || fs.default[name] !== fs[name]),
            promises: promises.filter((name) => typeof fsp[name] !== 'function'
                                                || fs.promises[name] !== fsp[name]),
            indexClasses: [...classes, 'promises', 'Stats']
              .filter((name) => fs[name] === undefined),
            promiseClasses: classes.filter((name) => fsp[name] === undefined),
            same: [fs.fds === fds, fsp.fds === fds, fs.DirectoryHandle === handle.DirectoryHandle,
                   fs.Watcher === watcher.Watcher, fs.bookmarks === bookmarks.default,
                   bookmarks.temporary instanceof Map],
          }
        }"""
    )
    assert answer == {
        "index": [],
        "promises": [],
        "indexClasses": [],
        "promiseClasses": [],
        "same": [True] * 6,
    }


def test_oro_keys_and_dirent_numbers(page: Page, data: Path) -> None:
    """Oro's ``api/fs/dir.d.ts`` (``kType``, ``Dirent.FILE``..., ``Dirent.from``),
    ``api/fs/handle.d.ts`` (``kOpening``/``kClosing``/``kClosed``) and ``api/fs/web.d.ts``
    (``File``, ``kFileFullName``, ``kFileDescriptor``, ``kFileSystemHandleFullName``): the keys
    are Oro's ``Symbol.for`` names, so code written for Oro reads them."""
    (data / "f.txt").write_text("content")
    answer = page.evaluate(
        """async () => {
          const { Dirent, kType } = await import('oro:fs/dir')
          const handles = await import('oro:fs/handle')
          const web = await import('oro:fs/web')
          const fsp = await import('oro:fs/promises')
          const [entry] = await fsp.readdir('.', { withFileTypes: true })
          const made = Dirent.from({ name: 'x', type: Dirent.DIR })
          const handle = await handles.FileHandle.open('f.txt')
          const before = [handle[handles.kOpening], handle[handles.kClosing],
                          handle[handles.kClosed]]
          const closing = handle.close()
          const after = [handle[handles.kClosing] === closing, handle[handles.kClosed]]
          await closing
          const file = await web.createFile('f.txt')
          const fileHandle = await web.createFileSystemFileHandle('f.txt')
          return {
            symbols: [kType === Symbol.for('fs.Dirent.type'),
                      handles.kClosed === Symbol.for('fs.FileHandle.closed'),
                      web.kFileFullName === Symbol.for('oro.runtime.fs.web.FileFullName')],
            entry: [entry.name, entry.type, entry[kType], entry.isFile()],
            numbers: [Dirent.UNKNOWN, Dirent.FILE, Dirent.DIR, Dirent.LINK, Dirent.FIFO,
                      Dirent.SOCKET, Dirent.CHAR, Dirent.BLOCK],
            made: [made.name, made.isDirectory(), Dirent.from('y', '1').isFile()],
            before, after,
            file: [file instanceof web.File, file[web.kFileFullName], file[web.kFileDescriptor],
                   await file.text()],
            handle: fileHandle[web.kFileSystemHandleFullName],
          }
        }"""
    )
    assert answer == {
        "symbols": [True, True, True],
        "entry": ["f.txt", 1, 1, True],
        "numbers": [0, 1, 2, 3, 4, 5, 6, 7],
        "made": ["x", True, True],
        "before": [None, None, False],
        "after": [True, True],
        "file": [True, "f.txt", None, "content"],
        "handle": "f.txt",
    }
