"""The docs keep up with the code: every hook documented, the template plugin still valid."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

from _clipnotes import install_distributions

from oro_framework import hookspecs
from oro_framework.testing import HookRecorder

REPOSITORY = Path(__file__).resolve().parents[1]
HOOK_NAMES = sorted(
    name
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("oro_")
)


def test_every_hook_has_a_section_in_the_hook_reference() -> None:
    text = (REPOSITORY / "docs" / "plugin-hooks.md").read_text()
    headings = set(re.findall(r"^## (oro_\w+)", text, flags=re.MULTILINE))
    assert headings == set(HOOK_NAMES)


def test_every_hook_has_a_docstring_saying_when_it_is_called() -> None:
    for name in HOOK_NAMES:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "Called" in doc, name
        assert ":return:" in doc, name


def test_hook_recorder_records_every_hook() -> None:
    recorded = {name for name in dir(HookRecorder) if name.startswith("oro_")}
    assert recorded == set(HOOK_NAMES)


def _run_pytest_on(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """The tests of the plugin distribution in ``project``, run as its author runs them: with
    the distribution installed (into ``site``, which goes on the path), since its tests load it
    by its entry point."""
    install_distributions(site, project)
    tests = project / "tests"
    environment = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        cwd=tests.parent,
    )


def test_plugin_template_tests_pass(tmp_path: Path) -> None:
    result = _run_pytest_on(REPOSITORY / "plugins" / "_template", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sample_third_party_plugin_tests_pass(tmp_path: Path) -> None:
    result = _run_pytest_on(REPOSITORY / "examples" / "hello-plugin", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_plugin_guide_shows_the_sample_plugin_files_as_they_are() -> None:
    guide = (REPOSITORY / "docs" / "writing-plugins.md").read_text()
    sample = REPOSITORY / "examples" / "hello-plugin"
    shown = [
        "pyproject.toml",
        "src/oro_hello/plugin.py",
        "src/oro_hello/permissions.py",
        "src/oro_hello/settings.py",
        "src/oro_hello/state.py",
        "src/oro_hello/routes.py",
        "src/oro_hello/service.py",
        "src/oro_hello/js/hello.js",
        "src/oro_hello/js/hello.d.ts",
        "tests/conftest.py",
        "tests/test_hello.py",
        "tests/test_hello_browser.py",
    ]
    for name in shown:
        assert (sample / name).read_text().rstrip("\n") in guide, name
