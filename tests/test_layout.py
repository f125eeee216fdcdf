"""The layout the project's design card names: ``oro_framework/hookspecs.py`` is the hook contract
and ``oro_framework/host/`` the host package; no ``kernel`` package is left behind, not even as an
alias."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import oro_framework
from oro_framework import hookspecs

REPOSITORY = Path(__file__).resolve().parents[1]


def test_the_hook_contract_is_oro_framework_hookspecs() -> None:
    from oro_framework.hookspecs import PLUGIN_API_VERSION, hookimpl

    assert hookimpl is oro_framework.hookimpl
    assert PLUGIN_API_VERSION == oro_framework.PLUGIN_API_VERSION
    specs = [name for name in vars(hookspecs) if name.startswith("oro_")]
    assert "oro_register_routes" in specs
    assert "oro_configure" in specs


def test_the_host_is_oro_framework_host() -> None:
    from oro_framework.host.app import Host

    assert Host is oro_framework.Host


def test_no_kernel_package_is_left_nor_named() -> None:
    assert importlib.util.find_spec("oro_framework.kernel") is None
    named = subprocess.run(
        ["git", "grep", "-l", "-e", "oro_framework.kernel", "-e", "oro_framework/kernel"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    # git grep exits 1 when nothing matches; this test file is the one that names it.
    found = [path for path in named.stdout.split() if not path.endswith("test_layout.py")]
    assert found == []
