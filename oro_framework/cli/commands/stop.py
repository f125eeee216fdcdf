"""`oro stop`: stop the app that `oro run` or `oro dev` runs, as Ctrl-C in their terminal would."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click

from oro_framework.cli.common import app_dir_argument, host_errors, parse_overrides
from oro_framework.hookspecs import hookimpl
from oro_framework.host.builtin_settings import MetaSettings
from oro_framework.host.config import load_early
from oro_framework.host.config.files import find_config_file
from oro_framework.host.terminal import terminal_safe

__all__ = ["app_identity", "stop"]


def app_identity(app_dir: Path, overrides: tuple[str, ...] = ()) -> MetaSettings:
    """The name and bundle identifier of the app in ``app_dir``, read as a host reads them
    (its config file, ``ORO_META_*``, ``-c``), without loading a plugin: what `oro run` named
    its running copy after.

    :raises ConfigError: the config file is not valid TOML.
    """
    path = find_config_file(app_dir.resolve(), announce=False).path
    early = load_early(
        {MetaSettings: "meta"}, path=path, environ=os.environ, overrides=parse_overrides(overrides)
    )
    return early.settings(MetaSettings)


@click.command()
@app_dir_argument
@click.option(
    "-c",
    "--config",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="The -c that started the app, when one named it (meta.bundle_identifier=...).",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds each copy has to stop.",
)
@host_errors
def stop(app_dir: Path, overrides: tuple[str, ...], timeout: float) -> None:
    """Stop the app in APP_DIR (default: the current directory) that `oro run` or `oro dev`
    started, as Ctrl-C would: its windows close and its services stop first.

    Every running copy of the app (its meta.bundle_identifier) is stopped: one per user with
    application.single_instance, each of them without. Says so when none runs (exit status
    0); exits with status 1 when a copy did not stop within --timeout.
    """
    # Imported here: `oro stop --help` needs no instance folder.
    from oro_framework.cli.running_copies import running_copies

    meta = app_identity(app_dir, overrides)
    name = terminal_safe(meta.name)
    copies = running_copies(meta.bundle_identifier)
    if not copies:
        click.echo(
            f"oro: {name} is not running (no copy of {terminal_safe(meta.bundle_identifier)})"
        )
        return
    with contextlib.ExitStack() as held:  # each copy's descriptor, closed whatever happens
        for copy in copies:
            held.enter_context(copy)
            copy.stop()
        stuck = [copy.pid for copy in copies if not copy.wait(timeout)]
    if stuck:
        raise click.ClickException(
            f"{name} did not stop within {timeout:g} s (process {', '.join(map(str, stuck))}): "
            "it may be waiting on a dialog; `kill -KILL <pid>` ends it without its clean-up"
        )
    stopped = ", ".join(str(copy.pid) for copy in copies)
    click.echo(f"oro: stopped {name} (process {stopped})")


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(stop)
