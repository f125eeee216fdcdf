"""`oro plugins`: list, inspect, install, uninstall and start plugins."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import logging
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import click

from oro_framework.cli.common import (
    app_option,
    echo_json,
)
from oro_framework.cli.plugin_info import (
    PluginDetails,
    distributions,
    find_plugins,
    install_command,
    is_core,
    normalize,
    plugin_details,
    plugin_distributions,
    run_installer,
    uninstall_command,
)
from oro_framework.cli.scaffold import PluginNames, scaffold_plugin
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host, plugin_logger
from oro_framework.host.errors import HostError, InstallError
from oro_framework.host.plugins import PluginInfo, create_plugin_manager
from oro_framework.host.terminal import terminal_safe


@contextlib.contextmanager
def silenced(logger: logging.Logger) -> Iterator[None]:
    """Mute ``logger`` inside the block: a command that lists broken plugins says so itself."""
    was_disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = was_disabled


def inspect_plugins(app_dir: Path) -> tuple[list[PluginInfo], HostError | None]:
    """Every plugin, broken ones with their error: failed imports and validations, hooks that
    raised while a host for ``app_dir`` was built (broken plugins skipped) and
    ``oro_register_commands`` failures. Also the error that kept that host from being built, if
    any (an invalid ``oro.toml``); then only import and validation failures show."""
    _, infos, problem = inspect_host(app_dir)
    return infos, problem


def inspect_host(app_dir: Path) -> tuple[Host | None, list[PluginInfo], HostError | None]:
    """:func:`inspect_plugins`, with the (closed) host whose registries say what each plugin
    registered, or ``None`` when it could not be built."""
    with silenced(plugin_logger):
        try:
            host = Host(app_dir, skip_broken_plugins=True, resolve_secrets=False)
        except HostError as error:
            loaded = create_plugin_manager(environ=os.environ, strict=False)
            return None, sorted_plugins(loaded.infos), error
    try:
        # The commands package imports this module: its registration is looked up when used.
        from oro_framework.cli.commands import add_own_commands, add_plugin_commands

        own = click.Group()
        add_own_commands(own)
        failures = add_plugin_commands(own, host.hooks)
    finally:
        host.close()
    infos = [
        dataclasses.replace(
            info, error=failures[info.name].reason, failed_hook=failures[info.name].hook
        )
        if info.name in failures and info.error is None
        else info
        for info in host.plugins
    ]
    return host, sorted_plugins(infos), None


def _problem(error: HostError | None) -> str:
    """Why the app could not be built, for a warning line: its message may quote a plugin."""
    return terminal_safe(f"{type(error).__name__}: {error}")


def sorted_plugins(infos: Sequence[PluginInfo]) -> list[PluginInfo]:
    return sorted(infos, key=lambda info: (info.distribution or "", info.name))


@click.group()
def plugins() -> None:
    """Inspect installed plugins, or start a new one."""


def _describe_plugin(info: PluginInfo) -> str:
    """``oro-fs 0.1.0 (fs)``: what the user installed, then the plugin's name."""
    installed = info.distribution or info.module or info.name
    if info.version:
        installed += f" {info.version}"
    isolated = ", isolated" if info.isolated else ""
    return f"{installed} ({info.name}{isolated})"


@plugins.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include oro-framework's own core plugins.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--hook", "hook_name", metavar="NAME", help="Only plugins implementing hook NAME.")
@app_option
def plugins_list(show_all: bool, as_json: bool, hook_name: str | None, app_dir: Path) -> None:
    """List the installed plugins ('oro' entry-point group): distribution, version and name,
    the hooks each implements, and why a broken one is broken.

    Builds the app in --app with broken plugins skipped, so that a hook raising while a host is
    built shows too. A broken plugin is listed with its error (a broken core plugin even
    without --all), and the command exits 1 when one is broken.
    """
    every, problem = inspect_plugins(app_dir)
    if problem is not None:
        click.echo(
            f"warning: cannot build the app in {app_dir} ({_problem(problem)}); "
            "hook failures are not shown",
            err=True,
        )
    infos = [info for info in every if show_all or not info.is_core or info.error is not None]
    if hook_name:
        wanted = hook_name if hook_name.startswith("oro_") else f"oro_{hook_name}"
        infos = [info for info in infos if wanted in info.hooks]
    if as_json:
        echo_json([info.to_json() for info in infos])
    elif not infos:
        click.echo("No plugins installed." + ("" if show_all else " (--all shows core plugins)"))
    else:
        _echo_plugins(infos)
    broken = [info.name for info in every if info.error is not None]
    if broken:
        # A script (CI, an installer's check) learns from the exit code that one is broken.
        click.echo(
            terminal_safe(
                f"error: {len(broken)} broken plugin{'s' if len(broken) > 1 else ''}: "
                f"{', '.join(broken)} (oro plugins info NAME says why)"
            ),
            err=True,
        )
        raise SystemExit(1)


def _echo_plugins(infos: Sequence[PluginInfo]) -> None:
    # Names, versions and errors are what each plugin chose: every line is shown, never obeyed.
    for info in infos:
        click.echo(terminal_safe(_describe_plugin(info)))
        if info.hooks:
            hooks = ", ".join(hook.removeprefix("oro_") for hook in info.hooks)
            click.echo(terminal_safe(f"  hooks: {hooks}"))
        if info.error is not None:
            click.echo(terminal_safe(f"  error: {info.error}"))


@plugins.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list, one object a plugin).")
@app_option
def plugins_info(name: str, as_json: bool, app_dir: Path) -> None:
    """Show what plugin NAME brings: distribution, version, location, hooks, routes with their
    permissions, config keys, JS modules, services, permissions, mounts, and its error if broken.

    NAME is an entry-point name (fs) or a distribution name (oro-fs; oro-framework shows the core
    plugins). Builds the app in --app with broken plugins skipped, as `oro plugins list` does.
    Exits 1 when no plugin has that name, or when the plugin is broken.
    """
    chosen = _plugin_details(app_dir, name)
    if as_json:
        echo_json([details.to_json() for details in chosen])
    else:
        click.echo("\n\n".join(details.render() for details in chosen))
    if any(details.info.error is not None for details in chosen):
        raise SystemExit(1)


def _plugin_details(app_dir: Path, name: str) -> list[PluginDetails]:
    host, every, problem = inspect_host(app_dir)
    if host is None:
        # The app's oro.toml is invalid: what plugins register does not depend on it.
        with silenced(plugin_logger), contextlib.suppress(HostError):
            host = Host(app_dir, skip_broken_plugins=True, use_config_file=False)
            host.close()
        click.echo(
            f"warning: cannot build the app in {app_dir} ({_problem(problem)}); "
            "showing what plugins register without its oro.toml",
            err=True,
        )
    chosen = find_plugins(every, name)
    if not chosen:
        known = sorted({info.name for info in every} | {i.distribution or "" for i in every})
        close = difflib.get_close_matches(name, [k for k in known if k], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; `oro plugins list --all` lists them"
        raise click.ClickException(f"no installed plugin is named {name!r}{hint}")
    return [plugin_details(host, info) for info in chosen]


@plugins.command("install", context_settings={"ignore_unknown_options": True})
@click.argument("specs", nargs=-1, required=True)
@app_option
def plugins_install(specs: tuple[str, ...], app_dir: Path) -> None:
    """Install plugin distributions into the environment oro runs from, then show their info.

    SPECS are what pip takes: names with versions (oro-fs>=0.1), paths, URLs, `-e PATH`. uv
    installs them when it is on PATH (`uv pip install --python <this python>`), else this
    Python's pip. When what was installed holds no oro plugin (no 'oro' entry point), the
    distributions it added are uninstalled again and the command fails.
    """
    before = distributions()
    try:
        run_installer(install_command(specs))
    except InstallError as error:
        raise click.ClickException(str(error)) from None
    after = distributions()
    changed = sorted(name for name, version in after.items() if before.get(name) != version)
    plugins_after = plugin_distributions()
    installed = [name for name in changed if name in plugins_after]
    if not changed:
        click.echo(f"nothing was installed or changed: {' '.join(specs)} is installed already")
        return
    if not installed:
        added = [name for name in changed if name not in before]
        if added:
            run_installer(uninstall_command(added))
        upgraded = [name for name in changed if name in before]
        raise click.ClickException(
            f"{' '.join(specs)} holds no oro plugin (no distribution it installed declares an "
            f"'oro' entry point); uninstalled again: {', '.join(added) or '-'}"
            + (f"; left upgraded: {', '.join(upgraded)}" if upgraded else "")
        )
    # A fresh process: this one cannot import what was just installed (an editable install's
    # path comes from a .pth file read at start-up) nor forget an older version it imported.
    for distribution in installed:
        click.echo(f"installed {distribution} {after[distribution]}")
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from oro_framework.cli import main; main()",
                "plugins",
                "info",
                distribution,
                "--app",
                str(app_dir),
            ],
            check=False,
        )


@plugins.command("uninstall")
@click.argument("names", nargs=-1, required=True)
def plugins_uninstall(names: tuple[str, ...]) -> None:
    """Uninstall the plugin distributions NAMES (entry-point or distribution names) from the
    environment oro runs from, with uv when on PATH, else pip. Refuses oro-framework itself
    and any distribution that holds no oro plugin."""
    owners = plugin_distributions()
    by_entry_point = {point: dist for dist, points in owners.items() for point in points}
    chosen: list[str] = []
    for name in names:
        distribution = normalize(name) if normalize(name) in owners else by_entry_point.get(name)
        if distribution is None:
            raise click.ClickException(
                f"no installed oro plugin is named {name!r} (`oro plugins list` shows them); "
                "nothing was uninstalled"
            )
        if is_core(distribution):
            raise click.ClickException(
                "oro-framework itself cannot be uninstalled with oro; nothing was uninstalled"
            )
        chosen.append(distribution)
    try:
        run_installer(uninstall_command(chosen))
    except InstallError as error:
        raise click.ClickException(str(error)) from None
    for distribution in chosen:
        click.echo(f"uninstalled {distribution} (plugins: {', '.join(owners[distribution])})")


@plugins.command("new")
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def plugins_new(name: str, directory: Path | None) -> None:
    """Create the plugin distribution oro-NAME in DIRECTORY (default: ./oro-NAME).

    NAME (lowercase, words joined by "_") becomes the entry point, the route namespace, the
    permission, the config section and the JS module oro:NAME; the package is oro_NAME. The copy
    of the plugin template has every part (settings, per-host state, routes, a service, a JS
    module with its .d.ts) and its tests. Refuses a DIRECTORY that is not empty.
    """
    try:
        names = PluginNames.parse(name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    destination = directory if directory is not None else Path(names.distribution)
    try:
        written = scaffold_plugin(names, destination)
    except (FileExistsError, FileNotFoundError) as error:
        raise click.ClickException(f"{error}; nothing was written") from None
    click.echo(
        f"created {names.distribution} in {destination} ({len(written)} files): "
        f"plugin '{names.name}', package {names.package}"
    )
    # The test kit comes with the [testing] extra, which a bare `pip install oro-framework` lacks.
    click.echo(f"next: pip install -e {destination} 'oro-framework[testing]'  (or uv pip install)")
    click.echo(f"      pytest {destination}  then  oro plugins list")
    click.echo(f"      {destination / 'README.md'} says how to build and publish it")


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(plugins)
