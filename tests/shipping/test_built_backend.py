"""The Qt bundle (PyInstaller) ships the app's backend.py and its [backend] requirements: the
built notes app, run from its folder in a clean environment, answers its page's backend call
with a library that neither oro nor any plugin requires."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from conftest import BuiltApp, backend_answers


def test_the_built_app_calls_its_backend_with_its_requirement(
    built_notes: BuiltApp, chromium_browser: Browser, tmp_path: Path
) -> None:
    internal = built_notes.folder / "_internal"
    assert (internal / "oro_app" / "backend.py").is_file()
    assert (internal / "pathspec").is_dir()
    backend_answers(chromium_browser, built_notes.executable, tmp_path / "home")
