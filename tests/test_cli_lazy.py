"""``oro`` imports a command's module only when that command runs, and the plugins only when a
name is not oro's own or the whole list is shown: what a command does not use it does not pay
for (bench/startup.py measures it)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest

from oro_framework.cli.commands import (
    BUILTIN_PLUGIN,
    OWN_COMMANDS,
    add_own_commands,
    summary_of,
)
from oro_framework.host import plugins
from oro_framework.host.installed import plugin_entries

LOADED = textwrap.dedent(
    """\
    import json, sys
    from oro_framework.cli import main
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
    """
)


def _modules_after(*arguments: str, cwd: Path | None = None) -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", LOADED, *arguments],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    return set(json.loads(completed.stderr.splitlines()[-1]))


def test_the_summaries_oro_help_lists_are_each_commands_own_help() -> None:
    group = click.Group("oro")
    add_own_commands(group)

    assert set(group.commands) == set(OWN_COMMANDS)
    assert {name: summary_of(command) for name, command in group.commands.items()} == {
        name: own.summary for name, own in OWN_COMMANDS.items()
    }
    assert BUILTIN_PLUGIN == plugins.BUILTIN_PLUGIN


@pytest.mark.parametrize("arguments", [("--version",), ("--help",), ("run", "--help")])
def test_version_and_help_import_neither_the_host_nor_another_command(
    arguments: tuple[str, ...],
) -> None:
    loaded = _modules_after(*arguments)

    assert "oro_framework.cli.commands.build" not in loaded
    assert "oro_framework.cli.commands.doctor" not in loaded
    if arguments == ("--version",):
        # The version is what is installed; the errors (a package) are the only other part.
        host_modules = {name for name in loaded if name.startswith("oro_framework.host.")}
        errors = {name for name in host_modules if name.startswith("oro_framework.host.errors")}
        installed = {"oro_framework.host.installed", "oro_framework.host.tracing"}
        assert host_modules - errors <= installed
        assert "pluggy" not in loaded
    if arguments == ("--help",):
        # The plugins load for their commands, but neither the host's request path nor the
        # core plugins' routes (which add no command: the test below).
        assert "oro_framework.host.router" not in loaded
        assert "trio" not in loaded
        assert not {name for name in loaded if name.startswith("oro_framework.core.")}


def test_no_core_plugin_adds_a_command_which_is_why_oro_help_does_not_load_them() -> None:
    core = [
        entry_point
        for entry_point in plugin_entries()
        if entry_point.distribution == plugins.CORE_DISTRIBUTION
    ]

    assert len(core) >= 10
    assert [
        entry_point.name
        for entry_point in core
        if hasattr(entry_point.load(), "oro_register_commands")
    ] == []


def test_a_plugins_command_is_found_though_oro_did_not_load_the_plugins_first() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "oro_framework.cli", "secure-storage", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert "Usage: oro secure-storage" in completed.stdout


def test_config_get_reads_the_declarations_without_importing_what_serves_requests(
    tmp_path: Path,
) -> None:
    """``oro config`` needs the declared permissions and keys, not a host that can run: no
    plugin is configured (oro-conduit's server is not made), neither trio nor the WebSocket
    stack is imported by any plugin's permission declaration, and no plugin's routes are (each
    declares the :class:`~oro_framework.PermissionSpec` of its ``permissions.py``), nor the
    host's router, services, windows or permission broker (a declare-only ``Host`` builds none
    of them, and the core plugins import them only for their types)."""
    (tmp_path / "oro.toml").write_text('[meta]\nname = "Lazy"\n')
    completed = subprocess.run(
        [sys.executable, "-m", "oro_framework.cli", "config", "get", "meta.name"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert completed.stdout.strip() == "Lazy"

    loaded = _modules_after("config", "get", "meta.name", cwd=tmp_path)

    assert "oro_conduit.plugin" in loaded  # the plugins were loaded for their declarations
    assert {"trio", "wsproto", "oro_conduit.server", "oro_ai.api"}.isdisjoint(loaded)
    assert "oro_tls.permissions" in loaded  # the declarations were read...
    routes = sorted(name for name in loaded if name.startswith("oro_") and ".routes" in name)
    assert routes == []  # ...and not the routes they guard
    # Nor the host's run-time machinery: the Host is built to declare, not to serve.
    serving = {
        "oro_framework.host.router",
        "oro_framework.host.services",
        "oro_framework.host.events",
        "oro_framework.host.windows.manager",
        "oro_framework.host.permission_broker",
        "oro_framework.host.file_grants",
        "oro_framework.host.mounts",
        "oro_framework.host.modules",
    }
    assert sorted(serving & loaded) == []
    # Nor what only a page's call needs: OpenSSL's hashes (a service worker's id, a TLS pin),
    # the socket module (a name's resolution, os.networkInterfaces()), signal (os.constants).
    assert sorted({"hashlib", "_hashlib", "socket", "signal"} & loaded) == []
