"""What Oro's own fs suite (test/src/fs) relies on, in a real headless Chromium against a real
host serving an app with the defaults: relative paths read the app's files (``process.cwd()``,
which a page cannot change) and write to the data directory, ``os.tmpdir()`` is the ``TMPDIR``
the app forwards and is usable, a ``Dir`` says it is closed after ``for await``, and
``oro:fs/web``'s handles and Files have Oro's shapes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_fs.plugin
import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.os
import oro_framework.core.platform
import oro_framework.core.process
from oro_framework.testing import ServedApp, app_page, served_app

PLUGINS = [
    oro_fs.plugin,
    oro_framework.core.platform,
    oro_framework.core.process,
    oro_framework.core.os,
]


@pytest.fixture(scope="module")
def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shared = tmp_path_factory.mktemp("shared-tmp")
    fixtures = shared / "fixtures"
    (fixtures / "directory").mkdir(parents=True)
    (fixtures / "file.txt").write_text("test 123\n")
    for name in ("0.txt", "a.txt"):
        (fixtures / "directory" / name).write_text(name)
    return shared


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, shared_tmp: Path) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "oro.toml").write_text(
        '[meta]\nname = "paths"\nbundle_identifier = "dev.oro.test.paths"\n'
        # As Oro's test app: [build] env[] = TMPDIR.
        '[build]\nenv = ["TMPDIR"]\n'
    )
    (app_dir / "index.html").write_text("<!doctype html><title>paths</title>")
    (app_dir / "assets").mkdir()
    (app_dir / "assets" / "program.txt").write_text("shipped with the app")
    environ = {"TMPDIR": f"{shared_tmp}/"}
    with served_app(PLUGINS, app_dir=app_dir, environ=environ) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


# The modules a test body uses, and `settle(promise)`: `{ok}` or the error's `{name, code}`.
PRELUDE = """async (arg) => {
  const fs = (await import('oro:fs')).default
  const fsp = fs.promises
  const os = (await import('oro:os')).default
  const process = (await import('oro:process')).default
  const path = (await import('oro:path')).default
  const web = await import('oro:fs/web')
  const settle = (p) => p.then((v) => ({ ok: v }), (e) => ({ name: e.name, code: e.code }))
  BODY
}"""


def run(page: Page, body: str, arg: Any = None) -> Any:
    return page.evaluate(PRELUDE.replace("BODY", body), arg)


def test_relative_paths_read_the_apps_files_and_write_to_data(page: Page, app: ServedApp) -> None:
    answer = run(
        page,
        """
        return {
          cwd: process.cwd(),
          read: await fsp.readFile('assets/program.txt', 'utf8'),
          dotSlash: await fsp.readFile('./assets/program.txt', 'utf8'),
          viaCwd: await fsp.readFile(path.join(process.cwd(), 'assets/program.txt'), 'utf8'),
          writable: await settle(fsp.access('.', fs.constants.W_OK)),
          readable: await settle(fsp.access('.', fs.constants.R_OK)),
          write: await settle(fsp.writeFile('new.txt', 'x')),
          data: await settle(fsp.writeFile('data:other.txt', 'y')),
          shipped: await settle(fsp.writeFile('assets/program.txt', 'changed')),
        }
        """,
    )
    resources = app.host.paths.resources
    assert answer["cwd"] == str(resources)
    assert answer["read"] == answer["dotSlash"] == answer["viaCwd"] == "shipped with the app"
    assert answer["readable"] == {"ok": True}
    # '.' is the data directory's, where relative writes go.
    assert answer["writable"] == {"ok": True}
    assert answer["write"] == {"ok": None}
    assert answer["data"] == {"ok": None}
    # The app's own file cannot be changed through a relative path.
    assert answer["shipped"] == {"name": "SecurityError", "code": "EPERM"}
    assert (resources / "assets" / "program.txt").read_text() == "shipped with the app"
    assert not (resources / "new.txt").exists()
    assert (app.host.paths.data / "new.txt").read_text() == "x"
    assert (app.host.paths.data / "other.txt").read_text() == "y"


def test_os_tmpdir_is_the_forwarded_tmpdir_and_usable(page: Page, shared_tmp: Path) -> None:
    answer = run(
        page,
        """
        const fixtures = `${os.tmpdir()}${path.sep}fixtures${path.sep}`
        const copy = path.join(fixtures, 'copy.txt')
        await fsp.copyFile(fixtures + 'file.txt', copy)
        await fsp.chmod(copy, 0o777)
        return {
          tmpdir: os.tmpdir(),
          text: await fsp.readFile(fixtures + 'file.txt', 'utf8'),
          copied: await fsp.readFile(copy, 'utf8'),
          mode: (await fsp.stat(copy)).mode & 0o777,
          list: (await fsp.readdir(fixtures + 'directory')).sort(),
        }
        """,
    )
    assert answer == {
        "tmpdir": str(shared_tmp),
        "text": "test 123\n",
        "copied": "test 123\n",
        "mode": 0o777,
        "list": ["0.txt", "a.txt"],
    }
    assert (shared_tmp / "fixtures" / "copy.txt").read_text() == "test 123\n"


def test_a_dir_says_closed_after_for_await(page: Page) -> None:
    answer = run(
        page,
        """
        const dir = await fsp.opendir(`${os.tmpdir()}/fixtures/directory`)
        const before = [dir.closed, dir.closing]
        const names = []
        for await (const entry of dir) names.push(entry.name)
        const explicit = await fsp.opendir(`${os.tmpdir()}/fixtures`)
        const closing = explicit.close()
        const during = [explicit.closed, explicit.closing]
        await closing
        return { before, after: [dir.closed, dir.closing], during,
                 end: [explicit.closed, explicit.closing], names: names.sort() }
        """,
    )
    assert answer == {
        "before": [False, False],
        "after": [True, False],
        "during": [False, True],
        "end": [True, False],
        "names": ["0.txt", "a.txt"],
    }


def test_web_handles_are_the_pages_classes_and_files_keep_the_mtime(page: Page) -> None:
    answer = run(
        page,
        """
        const file = await web.createFile(`${os.tmpdir()}/fixtures/file.txt`)
        const stats = await fsp.stat(`${os.tmpdir()}/fixtures/file.txt`)
        const handle = await web.createFileSystemFileHandle(file)
        const dir = await web.createFileSystemDirectoryHandle(`${os.tmpdir()}/fixtures/directory`)
        const entries = []
        for await (const [name, entry] of dir.entries()) {
          entries.push([name, entry instanceof globalThis.FileSystemHandle, entry.kind])
        }
        return {
          lastModified: file.lastModified === stats.mtimeMs,
          lastModifiedDate: Number(file.lastModifiedDate) === Number(new Date(stats.mtimeMs)),
          file: [handle instanceof globalThis.FileSystemFileHandle,
                 handle instanceof globalThis.FileSystemHandle,
                 handle instanceof globalThis.FileSystemDirectoryHandle,
                 handle instanceof web.FileSystemFileHandle, handle instanceof web.FileSystemHandle,
                 handle instanceof web.FileSystemDirectoryHandle, handle.kind, handle.name,
                 await handle.isSameEntry(await web.createFileSystemFileHandle(file)),
                 await (await handle.getFile()).text()],
          dir: [dir instanceof globalThis.FileSystemDirectoryHandle,
                dir instanceof globalThis.FileSystemFileHandle,
                dir instanceof web.FileSystemDirectoryHandle, dir instanceof web.FileSystemHandle,
                dir.kind, dir.name],
          entries: entries.sort(),
          illegal: await settle((async () => handle.createSyncAccessHandle())()),
        }
        """,
    )
    assert answer["lastModified"] is True
    assert answer["lastModifiedDate"] is True
    assert answer["file"] == [
        True, True, False, True, True, False, "file", "file.txt", True, "test 123\n",
    ]  # fmt: skip
    assert answer["dir"] == [True, False, True, True, "directory", "directory"]
    assert answer["entries"] == [["0.txt", True, "file"], ["a.txt", True, "file"]]
    assert answer["illegal"]["name"] == "TypeError"
