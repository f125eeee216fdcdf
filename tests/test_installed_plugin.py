"""``installed_plugin``: the test kit loads a plugin by its entry point from its installed
distribution, as ``oro run`` does, so that a wrong entry point fails the plugin's tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _clipnotes import CLIPNOTES, install_distributions, write_distribution

from oro_framework import PluginLoadError
from oro_framework.testing import MemoryClient, installed_plugin, make_host, raise_for_error

MISSPELLED_HOOK = """
    from oro_framework import hookimpl

    ORO_PLUGIN_API = 1


    @hookimpl
    def oro_register_route(routes):
        pass
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """oro-clipnotes, a distribution whose entry point names a module it does not have, and one
    whose plugin misspells a hook, installed into one folder."""
    root = tmp_path_factory.mktemp("distributions")
    clipnotes = write_distribution(
        root / "clipnotes", "oro-clipnotes", 'clipnotes = "oro_clipnotes.plugin"', CLIPNOTES
    )
    typo = write_distribution(root / "typo", "oro-typo", 'typo = "oro_typo.plugn"')
    hooks = write_distribution(
        root / "hooks",
        "oro-hooks",
        'hooks = "oro_hooks.plugin"',
        {"src/oro_hooks/__init__.py": "", "src/oro_hooks/plugin.py": MISSPELLED_HOOK},
    )
    return install_distributions(root / "site", clipnotes, typo, hooks)


@pytest.fixture
def on_path(site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(site))
    return site


@pytest.mark.anyio
async def test_the_plugin_is_loaded_and_named_by_its_entry_point(on_path: Path) -> None:
    plugin = installed_plugin("clipnotes")
    async with make_host(plugins=[plugin]) as host:
        reply = await MemoryClient(host).call("clipnotes.add", text="milk")
        info = host.plugin_info("clipnotes")
        module = host.js_modules.get("oro:clipnotes")
    assert raise_for_error(reply) == {"id": 1, "text": "milk"}
    assert (info.distribution, info.entry_point) == (
        "oro-clipnotes",
        "clipnotes = oro_clipnotes.plugin",
    )
    assert module is not None
    assert module.path.is_relative_to(on_path)


@pytest.mark.usefixtures("on_path")
def test_an_entry_point_naming_a_missing_module_fails_as_oro_run_would() -> None:
    with pytest.raises(PluginLoadError) as raised:
        installed_plugin("typo")
    assert str(raised.value) == (
        "plugin entry point 'typo = oro_typo.plugn' from distribution 'oro-typo': import "
        "failed: ModuleNotFoundError: No module named 'oro_typo.plugn'"
    )


@pytest.mark.usefixtures("on_path")
def test_a_name_no_distribution_declares_lists_the_installed_and_the_nearest() -> None:
    with pytest.raises(PluginLoadError) as raised:
        installed_plugin("clipnote")
    message = str(raised.value)
    assert message.startswith(
        "plugin entry point 'clipnote': no installed distribution has an entry point named "
        "'clipnote' in group 'oro' (did you mean 'clipnotes'?); installed plugins: "
    )
    assert "clipnotes (oro-clipnotes)" in message
    assert "`uv sync`, or `pip install -e .`" in message


@pytest.mark.usefixtures("on_path")
def test_a_plugin_that_breaks_the_hookspecs_is_refused_by_the_host_loader() -> None:
    with pytest.raises(PluginLoadError, match=r"'hooks = oro_hooks.plugin' .*unknown hook"):
        installed_plugin("hooks")


def test_a_wrong_entry_point_fails_the_plugins_own_tests(site: Path, tmp_path: Path) -> None:
    """What the issue found: a typo in pyproject.toml passed pytest and failed at `oro run`."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_typo.py").write_text(
        textwrap.dedent(
            """
            from oro_framework.testing import installed_plugin

            plugin = installed_plugin("typo")


            def test_anything():
                assert plugin is not None
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=300,
    )
    assert result.returncode != 0
    assert "No module named 'oro_typo.plugn'" in result.stdout
    assert "1 error" in result.stdout
