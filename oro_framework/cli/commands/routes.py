"""`oro routes`: every route of an app's plugins."""

from __future__ import annotations

from pathlib import Path

import click

from oro_framework.cli.common import (
    app_option,
    build_host,
    echo_json,
    host_errors,
    render_table,
    skip_broken_option,
)
from oro_framework.kernel.hookspecs import hookimpl


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@app_option
@skip_broken_option
@host_errors
def routes(as_json: bool, app_dir: Path, skip_broken_plugins: bool) -> None:
    """List every IPC route with its plugin, permission and a one-line doc, and the plugins
    that wrap route calls (oro_route_call), outermost first."""
    host = build_host(app_dir, skip_broken=skip_broken_plugins)
    try:
        table = host.routes.sorted()
        # A wrapper sees every call and picks the routes it acts on: one list for all routes.
        wrappers = host.hooks.route_wrappers()
    finally:
        host.close()
    if as_json:
        echo_json(
            [
                {
                    "name": route.name,
                    "plugin": route.plugin,
                    "permission": route.permission,
                    "doc": route.doc,
                    "timeout": route.timeout,
                    "wrapped_by": wrappers,
                }
                for route in table
            ]
        )
        return
    rows = [[route.name, route.plugin, route.permission, route.doc] for route in table]
    click.echo(render_table(["route", "plugin", "permission", "doc"], rows))
    if wrappers:
        click.echo(f"\nEvery route call is wrapped by, outermost first: {', '.join(wrappers)}")


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(routes)
