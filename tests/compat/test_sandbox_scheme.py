"""A Socket file manager runs as under Socket on Linux: its deep-link scheme is a web scheme
(``[meta] application_protocol = "filesystem"``, which Chromium reserves) and its pages reach
the user's files, since Socket has no file-system sandbox there.

The app (``apps/file-manager``, in the image of Socket's templates) is copied to a temporary
folder and run with the real ``oro run --headless``; its page is opened in headless Chromium.
It starts with one warning for the scheme and one line for the sandbox, reads a file outside
its folders, gets the ``filesystem:`` link it was opened with and a second launch's as
``applicationurl`` (its page never calls ``window.ready``, as Socket's do not) and still cannot
read its own ``socket.ini`` or the host's ``/proc``. With the sandbox turned on
(``FS_SANDBOX=1``, ``[filesystem] sandbox_enabled``), and in an ``oro.toml`` app, the same read
is refused (EPERM)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.build.desktop import app_desktop_entry
from oro_framework.build.plan import plan_build
from oro_framework.testing.process import OroProcess, headless_environ, run_oro

APP = Path(__file__).with_name("apps") / "file-manager"
SCHEME_WARNING = "application_protocol = 'filesystem' is also a web scheme"
SANDBOX_LINE = "the file-system sandbox is off"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    target = tmp_path / "file-manager"
    shutil.copytree(APP, target)
    return target


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file of the user's, in none of the app's folders."""
    folder = tmp_path / "home" / "Documents"
    folder.mkdir(parents=True)
    file = folder / "letter.txt"
    file.write_text("Dear Socket,")
    return file


@pytest.fixture
def environ(tmp_path: Path) -> Iterator[dict[str, str]]:
    # A short runtime folder of its own (a Unix socket's path has at most 107 bytes): the
    # single-instance socket of this run, found by the second launch.
    with tempfile.TemporaryDirectory(prefix="rt-", dir="/tmp") as runtime:
        environ = headless_environ(
            {"XDG_RUNTIME_DIR": runtime, "XDG_DATA_HOME": str(tmp_path / "data")}
        )
        for alias in ("FS_SANDBOX", "FS_NOFOLLOW"):
            environ.pop(alias, None)
        yield environ


def _run(app: Path, environ: dict[str, str], *links: str) -> OroProcess:
    return OroProcess("run", str(app), "--headless", "--port", "0", *links, environ=environ)


def _opened(browser: Browser, oro: OroProcess) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(oro.launch_url())
    page.wait_for_function("() => typeof globalThis.files?.open === 'function'")
    try:
        yield page
    finally:
        context.close()


def _open(page: Page, path: Path | str) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("(path) => globalThis.files.open(path)", str(path))
    return result


def _count(text: str, needle: str) -> int:
    return sum(needle in line for line in text.splitlines())


def test_a_file_manager_with_a_web_scheme_reaches_the_users_files_and_its_links(
    app: Path, outside: Path, environ: dict[str, str], chromium_browser: Browser
) -> None:
    # Opened from the desktop with a link (Exec=... %u), then a second link from another launch.
    launch, link = f"filesystem:{outside}", f"filesystem:{outside.parent}"
    with _run(app, environ, launch) as oro:
        for page in _opened(chromium_browser, oro):
            # The page never calls window.ready, as Socket's do not: the link waits for its load.
            page.wait_for_function("() => globalThis.files.links.length > 0")
            assert page.evaluate("globalThis.files.links") == [launch]
            assert _open(page, outside) == {"path": str(outside), "text": "Dear Socket,"}
            # Off as under Socket, but oro's config and backend files stay out of reach.
            assert _open(page, app / "socket.ini")["code"] == "ENOENT"
            assert _open(page, "/proc/self/environ")["code"] == "ENOENT", "the host's keys"

            second = run_oro("run", str(app), "--headless", link, environ=environ, timeout=60)
            assert second.returncode == 0, second.stdout + second.stderr
            assert f"handed over {link}" in second.stdout, second.stdout
            page.wait_for_function("() => globalThis.files.links.length > 1")
            assert page.evaluate("globalThis.files.links") == [launch, link]
    output = "\n".join(oro.lines) + "\n" + oro.stderr()
    assert _count(output, SCHEME_WARNING) == 1, output
    assert _count(output, SANDBOX_LINE) == 1, output
    assert "sandbox_enabled = true or FS_SANDBOX=1" in output, output
    assert "Traceback" not in output, output
    assert "error:" not in output, output


def _sandbox_by_env(app: Path, environ: dict[str, str]) -> None:
    environ["FS_SANDBOX"] = "1"


def _sandbox_by_ini(app: Path, environ: dict[str, str]) -> None:
    with (app / "socket.ini").open("a") as ini:
        ini.write("\n[filesystem]\nsandbox_enabled = true\n")


def _oro_toml(app: Path, environ: dict[str, str]) -> None:
    (app / "socket.ini").unlink()
    (app / "oro.toml").write_text(
        '[meta]\nname = "Files"\nbundle_identifier = "org.example.filemanager"\n'
        'application_protocol = "filesystem"\n\n[webview]\nroot = "src"\n'
    )


@pytest.mark.parametrize("turn_on", [_sandbox_by_env, _sandbox_by_ini, _oro_toml])
def test_with_the_sandbox_on_the_same_read_is_refused(
    app: Path,
    outside: Path,
    environ: dict[str, str],
    chromium_browser: Browser,
    turn_on: Any,
) -> None:
    turn_on(app, environ)
    with _run(app, environ) as oro:
        for page in _opened(chromium_browser, oro):
            refused = _open(page, outside)
            own = _open(page, "index.html")
    assert refused["code"] == "EPERM", refused
    assert own.get("text", "").startswith("<!doctype html>"), "relative paths: the app's files"
    output = "\n".join(oro.lines) + "\n" + oro.stderr()
    assert _count(output, SANDBOX_LINE) == 0, output
    assert _count(output, SCHEME_WARNING) == 1, output


def test_the_desktop_entry_opens_filesystem_links_with_the_app(app: Path) -> None:
    entry = app_desktop_entry(plan_build(app), "/opt/file-manager/file-manager")
    assert "MimeType=x-scheme-handler/filesystem;\n" in entry, entry
    assert "Exec=/opt/file-manager/file-manager %u\n" in entry, entry
