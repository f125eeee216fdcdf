"""A headless app (``oro run --headless``, its page in a browser) on a machine with a display:
a page's file dialog opens all the same, a native one on that display, answered by a real X
client, and what the user picks reaches the page. Without a display the page gets
``ERR_HEADLESS`` and the host says so in one line; under ``oro test`` ``ORO_TEST_PICKER``
answers instead, unattended."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import oro_desktop.plugin
import pytest
from _desktop_app import Desktop, write_app
from oro_desktop.state import STATE
from playwright.sync_api import Browser, Page
from test_dialogs import enter_path, is_gone, x_window

from oro_framework import PermissionRegistry, WindowOptions, hookimpl
from oro_framework.testing import MemoryClient, OroProcess, headless_environ, make_host, until

FIRST_SCREEN = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>folder first</title></head>
<body>
<p id="picked"></p>
<script type="module">
import { showDirectoryFilePicker } from 'oro:window'
const shown = document.querySelector('#picked')
try {
  const [folder] = await showDirectoryFilePicker({ title: 'Pick a notes folder' })
  shown.textContent = `picked ${folder}`
} catch (error) {
  shown.textContent = `${error.name} ${error.code}`
}
</script>
</body>
</html>
"""


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context()
    yield context.new_page()
    context.close()


def test_a_headless_apps_first_screen_folder_picker_opens_on_the_display(
    screen: Desktop, page: Page, tmp_path: Path
) -> None:
    app = write_app(tmp_path / "app", FIRST_SCREEN, name="folder first")
    notes = tmp_path / "notes"
    notes.mkdir()
    environ = headless_environ({**screen.environ, "XDG_DATA_HOME": str(tmp_path / "data")})
    with OroProcess("run", "--headless", "--port", "0", str(app), environ=environ) as oro:
        page.goto(oro.launch_url())
        dialog = x_window(screen, "Pick a notes folder")
        enter_path(screen, dialog, str(notes))
        until(lambda: is_gone(screen, "Pick a notes folder"), "the dialog closes")
        page.wait_for_function("document.querySelector('#picked').textContent !== ''")
        assert page.text_content("#picked") == f"picked {notes}"


@pytest.mark.anyio
async def test_with_no_display_the_page_gets_err_headless_and_the_host_says_why(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    async with make_host([oro_desktop.plugin]) as host:
        with caplog.at_level(logging.WARNING, logger="oro_desktop.dialogs"):
            for _ in range(2):
                reply = await MemoryClient(host).call("window.showFileSystemPicker", type="open")
                assert reply.error is not None
                assert reply.error.to_dict()["code"] == "ERR_HEADLESS"
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 1, said
    assert "runs headless (no display: DISPLAY is not set" in said[0], said


@pytest.mark.anyio
async def test_a_display_that_does_not_answer_is_err_headless_too(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DISPLAY", f":{_display_without_server()}")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    async with make_host([oro_desktop.plugin]) as host:
        await host.windows.create(WindowOptions(index=0))
        with caplog.at_level(logging.WARNING, logger="oro_desktop"):
            reply = await MemoryClient(host).call("window.showFileSystemPicker", type="open")
        assert reply.error is not None
        error = reply.error.to_dict()
        assert (error["type"], error["code"]) == ("NotSupportedError", "ERR_HEADLESS")
        assert "GTK cannot open the display" in error["message"]
        assert host.stash[STATE].dialogs.diagnostics() == {"open": []}
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 1, said
    assert "GTK cannot open the display" in said[0], said


def _display_without_server() -> int:
    """A display number no X server holds (no socket, no lock file) on this machine: another
    test's, or a developer's, Xvfb may hold any fixed one, and a dialog would then open and
    wait for a user."""
    for number in range(420, 1000):
        if not any(
            Path(path).exists() for path in (f"/tmp/.X11-unix/X{number}", f"/tmp/.X{number}-lock")
        ):
            return number
    raise AssertionError("every display number from 420 to 999 is taken")


class _TestRun:
    """Declares the permission only an ``oro test`` run's plugin declares."""

    @hookimpl
    def oro_register_permissions(self, permissions: PermissionRegistry) -> None:
        permissions.add("test", "oro test: the page reports the run's TAP to the host.")


@pytest.mark.anyio
async def test_under_oro_test_oro_test_picker_answers_unattended(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    picked = tmp_path / "picked.txt"
    picked.write_text("x")
    monkeypatch.setenv("ORO_TEST_PICKER", str(picked))
    async with make_host([oro_desktop.plugin]) as host:
        # Not a test run: the variable is ignored.
        reply = await MemoryClient(host).call("window.showFileSystemPicker", type="open")
        assert reply.error is not None
        assert reply.error.to_dict()["code"] == "ERR_HEADLESS"
    async with make_host([oro_desktop.plugin, _TestRun()]) as host:
        await host.windows.create(WindowOptions(index=0))
        reply = await MemoryClient(host).call("window.showFileSystemPicker", type="open")
        assert reply.error is None, reply
        assert reply.data == {"paths": [str(picked.resolve())]}
        monkeypatch.setenv("ORO_TEST_PICKER", "cancel")
        reply = await MemoryClient(host).call("window.showFileSystemPicker", type="open")
        assert reply.error is not None
        assert reply.error.to_dict()["type"] == "AbortError"
