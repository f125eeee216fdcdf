"""`oro routes`: every route of an app's plugins."""

from __future__ import annotations

from pathlib import Path

import click

from oro_framework.cli.backend_source import (
    NOT_IMPORTED,
    describe_backend,
    parse_backend,
    static_commands,
)
from oro_framework.cli.common import (
    app_option,
    build_host,
    echo_json,
    echo_stderr,
    host_errors,
    render_table,
    skip_broken_option,
    warn,
)
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host
from oro_framework.host.app_backend import BACKEND_PLUGIN
from oro_framework.host.terminal import terminal_safe
from oro_framework.records import record


@record
class _Row:
    name: str
    plugin: str
    permission: str
    doc: str
    timeout: float | None


def _backend_rows(host: Host) -> list[_Row]:
    """The backend's commands as routes, read from its source: listing routes never imports
    (runs) the app. Says on stderr where they come from, or why they are left out."""
    backend = host.backend
    if backend is None or backend.imported:
        return []  # imported: its routes are in the table already
    shown = describe_backend(host.app_dir, backend)
    try:
        tree = parse_backend(backend)
    except (SyntaxError, OSError) as error:
        warn(f"the backend's commands are left out: {shown} does not parse ({error})")
        return []
    if tree is None:
        warn(f"the backend's commands are left out: {shown} is no file of the app ({NOT_IMPORTED})")
        return []
    echo_stderr(
        f"note: the backend's commands (backend.*) are {terminal_safe(shown)}'s @command "
        f"functions, {NOT_IMPORTED}"
    )
    # Every backend command asks for the permission named as the plugin (core/backend.py).
    return [
        _Row(
            f"{BACKEND_PLUGIN}.{spec.name}", BACKEND_PLUGIN, BACKEND_PLUGIN, spec.doc, spec.timeout
        )
        for spec in static_commands(tree)
    ]


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
        table = [
            _Row(route.name, route.plugin, route.permission, route.doc, route.timeout)
            for route in host.routes.sorted()
        ]
        table = sorted([*table, *_backend_rows(host)], key=lambda row: row.name.lower())
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
    # Every cell is what a plugin (or the app's backend) chose: shown, never obeyed.
    rows = [
        [terminal_safe(cell) for cell in (route.name, route.plugin, route.permission, route.doc)]
        for route in table
    ]
    click.echo(render_table(["route", "plugin", "permission", "doc"], rows))
    if wrappers:
        shown = ", ".join(terminal_safe(wrapper) for wrapper in wrappers)
        click.echo(f"\nEvery route call is wrapped by, outermost first: {shown}")


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(routes)
