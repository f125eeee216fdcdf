"""The ``oro`` command line: run apps and inspect plugins, routes and configuration.

The root group is here; every command lives in :mod:`oro_framework.cli.commands` and joins it
through ``oro_register_commands``, as a plugin's commands do."""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, Final

import click

from oro_framework import __version__
from oro_framework.cli.commands import add_own_commands, add_plugin_commands
from oro_framework.host.app_backend import backend_imports_off
from oro_framework.host.hooks import HookCaller
from oro_framework.host.plugins import create_plugin_manager

__all__ = ["BACKEND_COMMANDS", "cli", "main"]

BACKEND_COMMANDS: Final = frozenset({"run", "dev", "test", "build", "types"})
"""The commands that import the app's backend, and so run its code: those that run the app, and
``types``, which reads its commands' signatures (and says so first). Every other command, a
plugin's included, only reads the app folder: a host it builds leaves ``backend.py`` unimported."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oro")
@click.option(
    "-v", "--verbose", is_flag=True, help="Log what the host does; show tracebacks of errors."
)
@click.pass_context
def cli(context: click.Context, verbose: bool) -> None:
    """oro-framework: desktop apps with an HTML/JS UI and native services from plugins."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if context.invoked_subcommand not in BACKEND_COMMANDS:
        # Reading an app folder (a downloaded one, say) must never run it: until the command
        # ends, hosts leave its backend.py unimported.
        context.with_resource(backend_imports_off())


add_own_commands(cli)


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    click.echo(f"warning: {message}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: add plugin commands, then run the command line."""
    warnings.showwarning = _show_warning
    hooks = HookCaller(create_plugin_manager(environ=os.environ, strict=False))
    for error in add_plugin_commands(cli, hooks).values():
        click.echo(f"warning: skipping the commands of broken plugin: {error}", err=True)
    cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="oro")
