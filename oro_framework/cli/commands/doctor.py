"""`oro doctor`: what this machine and the plugins offer, and what is missing."""

from __future__ import annotations

import os
from pathlib import Path

import click

from oro_framework.cli import doctor_checks
from oro_framework.cli.commands.plugins import inspect_host, silenced
from oro_framework.cli.common import (
    app_option,
    echo_json,
)
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import plugin_logger
from oro_framework.host.config.files import find_config_file
from oro_framework.host.plugins import create_plugin_manager
from oro_framework.host.terminal import terminal_safe


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@app_option
def doctor(as_json: bool, app_dir: Path) -> None:
    """Report what this machine offers (Python, GUI backends, Chromium for tests, and what each
    plugin reports about its own needs: oro-ai its CPU features, llama-cpp-python and default
    model) and whether every plugin works: builds the app in --app and reports each broken one.

    Each line is ok, warn or fail, with a one-line fix under the others. Exits with status 1
    when a check fails (a broken plugin, an app that cannot be built, llama-cpp-python unusable
    while oro-ai is installed); a missing optional piece is a warning.
    """
    config_file = find_config_file(app_dir.resolve(), announce=False)
    host, infos, problem = inspect_host(app_dir)
    with silenced(plugin_logger):
        loaded = create_plugin_manager(environ=os.environ, strict=False)
    checks = doctor_checks.run_checks(
        infos,
        app_dir=app_dir,
        app_error=problem,
        plugin_checks=doctor_checks.plugin_checks(loaded),
        config_file=config_file,
        config_checks=(
            [
                *doctor_checks.ini_checks(config_file, host.config_keys),
                *doctor_checks.backend_checks(host),
            ]
            if host is not None
            else ()
        ),
    )
    failed = [check for check in checks if check.required and not check.ok]
    if as_json:
        echo_json([check.to_json() for check in checks])
    else:
        # A line is what a plugin (oro_doctor_checks, its error) or the app chose, in part.
        for check in checks:
            name, detail = terminal_safe(str(check.name)), terminal_safe(str(check.detail))
            click.echo(f"{check.status:<4} {name}: {detail}")
            if not check.ok and check.hint:
                click.echo(f"     fix: {terminal_safe(str(check.hint))}")
        if any(check.name.startswith("plugin ") for check in failed):
            click.echo(
                "oro run goes on without a broken installed plugin (its routes answer "
                "ERR_PLUGIN_NOT_LOADED) unless [plugins] require names it or --strict-plugins"
            )
    if failed:
        raise SystemExit(1)


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(doctor)
