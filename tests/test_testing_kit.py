"""The test kit as a plugin author meets it: a light pytest plugin, trio only when asked for, and
a served app that has a page without any files of its own."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import oro_framework.core.ping
from oro_framework.testing import open_app_page, open_descriptors, opened_since, served_app

HEAVY = ("trio", "anyio", "httpx", "playwright", "click", "tomlkit", "oro_framework.kernel.app")


def test_the_pytest_plugin_imports_nothing_heavy():
    probe = (
        "import sys, oro_framework.testing.plugin\n"
        f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _run_pytest(project: Path, ini: str) -> str:
    (project / "pytest.ini").write_text(f"[pytest]\naddopts = -p no:cacheprovider\n{ini}")
    (project / "test_backend.py").write_text(
        textwrap.dedent(
            """
            import pytest
            import sniffio

            @pytest.mark.anyio
            async def test_backend():
                print("backend", sniffio.current_async_library())
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-s", "-q", str(project)],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_trio_is_opt_in_through_an_ini_option(tmp_path):
    other, ours = tmp_path / "other", tmp_path / "ours"
    other.mkdir()
    ours.mkdir()
    # Another project in the same environment keeps anyio's own default (asyncio among them).
    assert "backend asyncio" in _run_pytest(other, "")
    opted_in = _run_pytest(ours, "oro_anyio_backend = trio\n")
    assert "backend trio" in opted_in
    assert "backend asyncio" not in opted_in


def test_served_app_without_an_app_dir_serves_a_default_page(chromium_browser):
    with served_app([oro_framework.core.ping]) as app:
        page = open_app_page(chromium_browser, app)
        try:
            reply = page.evaluate("async () => (await import('oro:ipc')).request('ping')")
            assert reply == "pong"
            assert page.title() == "oro test app"
        finally:
            page.context.close()


def test_opened_since_names_what_is_still_open_and_ignores_what_closed(tmp_path):
    with (tmp_path / "unrelated").open("w"):
        before = open_descriptors()
    # The unrelated file closed above: something else in the process closing is no finding.
    with (tmp_path / "leaked").open("w") as leaked:
        assert opened_since(before) == {leaked.fileno(): str(tmp_path / "leaked")}
    assert opened_since(before) == {}
