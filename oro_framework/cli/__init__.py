"""The ``oro`` command line: run apps and inspect plugins, routes and configuration.

The root group is here; every command lives in :mod:`oro_framework.cli.commands` and joins it
through ``oro_register_commands``, as a plugin's commands do."""

from __future__ import annotations

import gc
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, Final

import click

from oro_framework.cli.commands import OroGroup
from oro_framework.host import installed, tracing

__all__ = ["BACKEND_COMMANDS", "cli", "log_to_terminal", "main"]

BACKEND_COMMANDS: Final = frozenset({"run", "dev", "test", "build", "types"})
"""The commands that import the app's backend, and so run its code: those that run the app, and
``types``, which reads its commands' signatures (and says so first). Every other command, a
plugin's included, only reads the app folder: a host it builds leaves ``backend.py`` unimported."""


@click.group(cls=OroGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda context, _, shown: _show_version(context, shown),
    help="Show the version and exit.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Log what the host does; show tracebacks of errors."
)
@click.pass_context
def cli(context: click.Context, verbose: bool) -> None:
    """oro-framework: desktop apps with an HTML/JS UI and native services from plugins."""
    # The command's module is imported, with the collector off (main()): what the imports made
    # lives as long as the process, so it is frozen out of the collector, which then runs for
    # the command's own work (oro run turns it off again while it builds the host). Turned on
    # without the freeze, its next pass would walk every object the imports made.
    gc.freeze()
    gc.enable()
    log_to_terminal(verbose=verbose)
    if context.invoked_subcommand not in BACKEND_COMMANDS:
        # Reading an app folder (a downloaded one, say) must never run it: until the command
        # ends, hosts leave its backend.py unimported.
        from oro_framework.host.app_backend import backend_imports_off

        context.with_resource(backend_imports_off())


def log_to_terminal(*, verbose: bool) -> None:
    """Log to stderr, as ``logging.basicConfig`` does (nothing when the root logger has a
    handler already): ``LEVEL logger: message``, each record's arguments (a page's path, an
    event's name, an origin, a plugin's error) :func:`~oro_framework.host.terminal.terminal_safe`
    by :class:`~oro_framework.host.terminal.TerminalFormatter`, so that no log line obeys an
    escape a page or a plugin chose. ``DEBUG`` adds the debug records of the parts it names
    (:mod:`~oro_framework.host.debug_names`)."""
    # Imported by the commands, not by `oro --help` (tests/test_cli_lazy.py).
    from oro_framework.host.debug_names import DebugFilter, debug_selection
    from oro_framework.host.terminal import TerminalFormatter, terminal_safe

    level = logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler()
    handler.setFormatter(TerminalFormatter("%(levelname)s %(name)s: %(message)s"))
    selection = debug_selection(os.environ)
    for name in selection.refused:
        click.echo(
            f"warning: DEBUG: ignoring {terminal_safe(repr(name))}: a name is letters, digits "
            "and '_ . : * -' (DEBUG=conduit, DEBUG='*,-windows')",
            err=True,
        )
    if selection:
        handler.addFilter(DebugFilter(selection, level))
        level = logging.DEBUG
    logging.basicConfig(level=level, handlers=[handler])


def _show_version(context: click.Context, shown: bool) -> None:
    # Looked up only when asked: reading the installed version imports importlib.metadata,
    # which every other command would pay for.
    if shown and not context.resilient_parsing:
        from oro_framework import __version__

        click.echo(f"oro, version {__version__}")
        context.exit()


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    from oro_framework.host.terminal import terminal_safe

    # A warning may name what the app chose (a key of its oro.toml): shown, never obeyed.
    click.echo(f"warning: {terminal_safe(str(message), multiline=True)}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the command line (a plugin's commands join it when
    first looked up, see :class:`~oro_framework.cli.commands.OroGroup`)."""
    warnings.showwarning = _show_warning
    tracing.startup("command line imported")
    # What is installed, which every command asks, is kept from one command to the next
    # (host/installed.py): importlib.metadata would take a fifth of `oro config get`.
    installed.remember()
    # Finding the command imports its module, and for oro run most of the host: ~100,000
    # objects that live as long as the process. The collector would walk them again and again
    # while they are made (~12 ms of a headless launch, bench/startup.py); it is off until the
    # command runs (cli() above).
    gc.disable()
    try:
        cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="oro")
    finally:
        gc.enable()
