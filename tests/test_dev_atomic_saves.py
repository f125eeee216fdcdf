"""``oro dev --headless`` in a real subprocess, its page in the system Chromium, with the app's
files saved the ways editors and tools save them: in place, a temporary file renamed onto the
target, GIO's ``g_file_replace`` (gedit, GNOME Text Editor), GNU ``sed -i``, Vim, JetBrains'
safe write, Emacs, and a file deleted and written again.

A save of ``backend.py`` swaps the backend (the new code answers) without reloading the page
(a JS variable survives); a save of ``main.js`` reloads it once. No reload is ever missed for
want of waiting: after each save the test saves a sentinel page file, whose reload line comes
after any reload the save caused, and then counts the reload lines between.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _oro_process import OroProcess, headless_environ, until
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

_CONFIG = """[meta]
name = "atomic"
bundle_identifier = "dev.oro.test-dev-atomic-saves"
"""
_INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>atomic</title>
<script type="module" src="main.js"></script></head>
<body><p>oro dev</p></body></html>
"""
# Counts its loads in sessionStorage (it survives a reload of the tab) and says when the event
# channel is open, so that a reload asked for after that cannot be missed.
_MAIN = """import { whenReady } from 'oro:bootstrap'
sessionStorage.loads = String(Number(sessionStorage.loads ?? 0) + 1)
globalThis.version = 'VERSION'
whenReady().then(() => { globalThis.ready = true })
"""
_BACKEND = """from oro_framework.backend import command


@command
def answer() -> str:
    return "ANSWER"
"""
_STATE = """() => ({
    ready: globalThis.ready === true,
    loads: Number(sessionStorage.loads),
    version: globalThis.version ?? null,
    typed: globalThis.typed ?? null,
})"""
_SWAPPED = r"^oro dev: backend\.py changed; the backend reloaded in place$"
_RELOADED = r"^oro dev: reloading pages "
_SENTINEL = "sentinel.txt"


def _save_in_place(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _save_by_rename(path: Path, old: str, new: str) -> None:
    """NAME.tmp written, then renamed onto the target (most tools' atomic save)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.replace(temporary, path)


def _save_by_random_name(path: Path, old: str, new: str) -> None:
    """A temporary file of a random name beside the target, renamed onto it."""
    text = path.read_text(encoding="utf-8").replace(old, new)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix="", suffix="", delete=False, encoding="utf-8"
    ) as stream:
        stream.write(text)
    os.replace(stream.name, path)


def _save_with_gio(path: Path, old: str, new: str) -> None:
    """GIO's own g_file_replace_contents: what gedit and GNOME Text Editor call."""
    import gi

    gi.require_version("Gio", "2.0")
    from gi.repository import Gio

    text = path.read_text(encoding="utf-8").replace(old, new).encode()
    Gio.File.new_for_path(str(path)).replace_contents(
        text, None, False, Gio.FileCreateFlags.NONE, None
    )


def _save_with_sed(path: Path, old: str, new: str) -> None:
    subprocess.run(["sed", "-i", f"s/{old}/{new}/", str(path)], check=True)


def _vim(options: str) -> Callable[[Path, str, str], None]:
    """Vim itself, with its backup on (its default ``writebackup``; ``backupskip`` emptied:
    its default skips the temporary folder the test's app lives in)."""

    def save(path: Path, old: str, new: str) -> None:
        vim = shutil.which("vim") or shutil.which("vi")
        assert vim is not None, "vim is needed: apt-get install vim"
        command = [vim, "-u", "NONE", "-i", "NONE", "-N", "-es", "-c", f"set wb bsk= {options}"]
        subprocess.run([*command, "-c", f"%s/{old}/{new}/", "-c", "wq", str(path)], check=True)

    return save


def _save_like_jetbrains(path: Path, old: str, new: str) -> None:
    """JetBrains' safe write: NAME___jb_tmp___ written, the target renamed to
    NAME___jb_old___, the new file renamed onto the target, the old one deleted."""
    text = path.read_text(encoding="utf-8").replace(old, new)
    temporary = path.with_name(path.name + "___jb_tmp___")
    previous = path.with_name(path.name + "___jb_old___")
    temporary.write_text(text, encoding="utf-8")
    os.replace(path, previous)
    os.replace(temporary, path)
    previous.unlink()


def _save_like_emacs(path: Path, old: str, new: str) -> None:
    """Emacs: the lock link .#NAME while the buffer is modified, an auto-save #NAME#, then the
    save: the target renamed to its backup NAME~, the new text written, the others removed."""
    text = path.read_text(encoding="utf-8").replace(old, new)
    lock = path.with_name(".#" + path.name)
    autosave = path.with_name(f"#{path.name}#")
    lock.symlink_to("user@host.1234:1")
    autosave.write_text(text, encoding="utf-8")
    os.replace(path, path.with_name(path.name + "~"))
    path.write_text(text, encoding="utf-8")
    autosave.unlink()
    lock.unlink()


def _delete_and_write(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8").replace(old, new)
    path.unlink()
    path.write_text(text, encoding="utf-8")


_SAVES: dict[str, Callable[[Path, str, str], None]] = {
    "in place": _save_in_place,
    "NAME.tmp renamed": _save_by_rename,
    "random name renamed": _save_by_random_name,
    "GIO": _save_with_gio,
    "sed -i": _save_with_sed,
    "vim backupcopy=auto": _vim("bkc=auto"),
    "vim backupcopy=no": _vim("bkc=no"),
    "vim backupcopy=yes, backup kept": _vim("bk bkc=yes"),
    "JetBrains": _save_like_jetbrains,
    "Emacs": _save_like_emacs,
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("atomic-app")
    (directory / "oro.toml").write_text(_CONFIG, encoding="utf-8")
    (directory / "index.html").write_text(_INDEX, encoding="utf-8")
    (directory / "main.js").write_text(_MAIN.replace("VERSION", "v0"), encoding="utf-8")
    (directory / "backend.py").write_text(_BACKEND.replace("ANSWER", "a0"), encoding="utf-8")
    (directory / _SENTINEL).write_text("0", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def oro(app: Path) -> Iterator[OroProcess]:
    with OroProcess("dev", str(app), "--headless", environ=headless_environ()) as process:
        yield process


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, oro: OroProcess) -> Iterator[Page]:
    context = chromium_browser.new_context()
    page = context.new_page()
    page.goto(oro.launch_url())
    try:
        yield page
    finally:
        context.close()


def _state(page: Page) -> dict[str, Any] | None:
    """The page's state once loaded with its channel open; ``None`` meanwhile (a reload
    destroys the context an evaluation runs in)."""
    try:
        state: dict[str, Any] = page.evaluate(_STATE)
    except PlaywrightError:
        return None
    return state if state["ready"] else None


def _settled(page: Page, **expected: Any) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        state = _state(page)
        if state is None or any(state[key] != value for key, value in expected.items()):
            return None
        return state

    state = until(check, f"the page with {expected}")
    assert state is not None
    return state


def _reloads_until_sentinel(app: Path, oro: OroProcess, start: int) -> list[str]:
    """Save the sentinel page file and wait for its reload: every reload a save before it
    caused has been printed by then. The reload lines printed since ``start``."""
    sentinel = app / _SENTINEL
    sentinel.write_text(str(int(sentinel.read_text(encoding="utf-8")) + 1), encoding="utf-8")
    oro.wait_for_line(_RELOADED + r"\(sentinel\.txt changed\)$")
    return [line for line in oro.lines[start:] if line.startswith("oro dev: reloading pages")]


def _answer(page: Page) -> Any:
    return page.evaluate("async () => (await import('oro:backend')).default.answer()")


_SENTINEL_RELOAD = f"oro dev: reloading pages ({_SENTINEL} changed)"


@pytest.mark.parametrize(
    "save", [*_SAVES.values(), _delete_and_write], ids=[*_SAVES, "deleted and written again"]
)
def test_saving_backend_py_swaps_it_and_keeps_the_page(
    app: Path, oro: OroProcess, page: Page, save: Callable[[Path, str, str], None]
) -> None:
    before = _settled(page)
    old = _answer(page)
    page.evaluate("() => { globalThis.typed = 'kept' }")
    start = len(oro.lines)

    save(app / "backend.py", old, old + "x")

    oro.wait_for_line(_SWAPPED)
    kept = _settled(page)
    answer = _answer(page)
    reloads = _reloads_until_sentinel(app, oro, start)
    _settled(page, loads=before["loads"] + 1)  # the sentinel's reload, before the next test

    assert answer == old + "x"
    assert kept["typed"] == "kept"
    assert kept["loads"] == before["loads"]
    assert reloads == [_SENTINEL_RELOAD]
    assert [line for line in oro.lines[start:] if "backend.py changed" in line] == [
        "oro dev: backend.py changed; the backend reloaded in place"
    ]


@pytest.mark.parametrize("save", _SAVES.values(), ids=_SAVES)
def test_saving_main_js_reloads_the_page_once(
    app: Path, oro: OroProcess, page: Page, save: Callable[[Path, str, str], None]
) -> None:
    before = _settled(page)
    start = len(oro.lines)

    save(app / "main.js", before["version"], before["version"] + "x")

    reloaded = _settled(page, version=before["version"] + "x")
    reloads = _reloads_until_sentinel(app, oro, start)
    after = _settled(page, loads=before["loads"] + 2)

    assert reloaded["loads"] == before["loads"] + 1
    assert reloads == ["oro dev: reloading pages (main.js changed)", _SENTINEL_RELOAD]
    assert after["version"] == before["version"] + "x"


def test_no_swap_made_the_watchdog_warn(oro: OroProcess) -> None:
    # Every swap above imported the backend in a worker thread, so none stalled the host's
    # event loop (on it, each swap blocked it for 0.2-0.4 s and the watchdog said so). Only the
    # dev loop's own services are asked about: on a machine this loaded, the OS may preempt
    # any other step long enough to pass the watchdog's threshold.
    swaps = [line for line in oro.lines if re.match(_SWAPPED, line)]
    stalls = [line for line in oro.stderr().splitlines() if "blocked the event loop" in line]

    assert len(swaps) == len(_SAVES) + 1
    assert [line for line in stalls if "of plugin 'oro-dev'" in line] == []
    assert "Traceback" not in oro.stderr()
