"""`oro config`: read and edit an app's configuration."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click
import tomlkit

from oro_framework.cli.common import (
    build_host,
    echo_json,
    format_value,
    host_errors,
    skip_broken_option,
    warn,
)
from oro_framework.cli.config_edit import edit_config
from oro_framework.hookspecs import hookimpl
from oro_framework.host.config import (
    Config,
    ConfigRegistry,
    did_you_mean,
    flatten_key,
    get_document_value,
    is_secret_name,
    iter_document,
    load_config,
    read_document,
    type_name,
)
from oro_framework.host.config.files import find_config_file, is_ini_file
from oro_framework.host.permissions import PERMISSION_KINDS
from oro_framework.host.terminal import terminal_safe


def _app_config_file(
    context: click.Context, parameter: click.Parameter, value: Path | None
) -> Path:
    """The file given, else the app's: ./oro.toml, else ./oro.ini or ./socket.ini."""
    del context, parameter
    return value if value is not None else find_config_file(Path(), announce=False).path


_file_option = click.option(
    "--file",
    "config_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_app_config_file,
    help="The config file to read or edit (default: ./oro.toml, else ./oro.ini or ./socket.ini, "
    "which are read as they are and never edited).",
)


@click.group()
def config() -> None:
    """Read and edit oro.toml (keys as 'section.key' or flattened 'section_key'); an app's
    oro.ini or socket.ini is read too."""


def _declared_keys(config_file: Path) -> ConfigRegistry:
    host = build_host(
        config_file.parent, skip_broken=True, use_config_file=False, declare_only=True
    )
    host.close()
    return host.config_keys


def _effective_config(config_file: Path, *, skip_broken: bool, declare_only: bool) -> Config:
    """The configuration ``oro run`` would use with ``config_file``: the app's own config file
    through a host, any other file (``--file``) loaded against the declared keys. With
    ``declare_only`` no plugin is configured: a plugin that would be dropped for failing its
    ``oro_configure`` keeps its keys, and its failure is not reported."""
    if config_file == find_config_file(config_file.parent, announce=False).path:
        host = build_host(config_file.parent, skip_broken=skip_broken, declare_only=declare_only)
        host.close()
        return host.config
    return load_config(_declared_keys(config_file), path=config_file, environ=os.environ)


@config.command("get")
@click.argument("key")
@_file_option
@host_errors
def config_get(key: str, config_file: Path) -> None:
    """Print the effective value of KEY (default < oro.toml < platform table < environment)."""
    # One value is asked for: the plugins declare their keys and nothing is configured.
    effective = _effective_config(config_file, skip_broken=True, declare_only=True)
    if key in effective:
        click.echo(format_value(effective[key]))
        return
    if config_file.is_file() and not is_ini_file(config_file):
        document = read_document(config_file)
        dotted = _document_key(document, key)
        if dotted is not None:
            click.echo(format_value(get_document_value(document, dotted)))
            return
    raise click.ClickException(
        f"config key {key!r} is not declared by any plugin nor set in {config_file}"
        f"{did_you_mean(key, effective.registry)}"
    )


@config.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("key")
@click.argument("value")
@_file_option
@click.option(
    "--create", is_flag=True, help="Create the oro.toml when it does not exist (else refused)."
)
@click.option(
    "--force",
    is_flag=True,
    help="Write a key no installed plugin declares (for a plugin to be installed later).",
)
@host_errors
def config_set(key: str, value: str, config_file: Path, create: bool, force: bool) -> None:
    """Set KEY to VALUE in oro.toml, keeping comments, order and formatting.

    VALUE is parsed as the key's declared type (true/false, numbers, lists as JSON arrays or
    space-separated words); negative numbers need no "--". The edit is refused, and the file
    left as it was, when `oro run` would refuse the result: a value of the wrong type, one its
    key's check refuses, an undeclared permission. A key no installed plugin declares is refused
    too (with the nearest declared key), unless --force. Without --create, a missing file is
    refused: `oro init DIR` creates a whole app.
    """
    if is_ini_file(config_file):
        raise click.ClickException(
            f"{config_file} is read as it is and never edited: `oro init --from "
            f"{config_file}` writes the oro.toml beside it, which oro config set edits; "
            "nothing was written"
        )
    if not config_file.is_file() and not create:
        raise click.ClickException(
            f"{config_file} does not exist: is {config_file.parent.resolve()} the app's "
            "directory? --create writes a new oro.toml there (`oro init DIR` creates a whole "
            "app); nothing was written"
        )
    registry = _declared_keys(config_file)
    outcome = edit_config(registry, config_file, key, value, force=force)
    if outcome.created:
        click.echo(f"created {config_file}")
    if outcome.warning:
        warn(outcome.warning)
    click.echo(f"{outcome.dotted} = {format_value(outcome.value)}")


def _document_key(document: tomlkit.TOMLDocument, key: str) -> str | None:
    """The dotted key set in ``document`` that ``key`` names, dotted or flattened."""
    for dotted, _ in iter_document(document):
        if key in (dotted, flatten_key(dotted)):
            return dotted
    return None


@config.command("list")
@click.option("--describe", is_flag=True, help="Every declared key with type, default and doc.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--show-secrets",
    is_flag=True,
    help="Print the values of secret keys (names ending in key/secret/token/password) too.",
)
@_file_option
@skip_broken_option
@host_errors
def config_list(
    describe: bool,
    as_json: bool,
    show_secrets: bool,
    config_file: Path,
    skip_broken_plugins: bool,
) -> None:
    """List effective values (or, with --describe, every key every installed plugin declares).
    Values of secret keys are masked, so that a pasted listing leaks no key (--show-secrets
    prints them; `oro config get KEY` prints the one asked for)."""
    if describe:
        keys = sorted(_declared_keys(config_file), key=lambda key: key.name)
        described = [
            {
                "key": key.name,
                "flattened": key.flattened,
                "type": type_name(key.type),
                "default": key.default,
                "plugin": key.plugin,
                "env": list(key.env_names),
                "doc": key.doc,
            }
            for key in keys
        ]
        if as_json:
            echo_json(described)
            return
        for entry in described:
            default = "" if entry["default"] is None else f" = {json.dumps(entry['default'])}"
            click.echo(f"{entry['key']} ({entry['type']}{default}) [{entry['plugin']}]")
            click.echo(f"    {entry['doc']}")
            click.echo(
                f"    flattened: {entry['flattened']}  env: {', '.join(entry['env']) or '-'}"
            )
        return
    # The whole configuration, as `oro run` would take it: the plugins are configured, so a
    # plugin that fails there is reported (or, skipping broken plugins, dropped with its keys).
    effective = _effective_config(config_file, skip_broken=skip_broken_plugins, declare_only=False)
    values = [
        {
            "key": name,
            "value": _shown_value(effective, name, show_secrets),
            "source": effective.source(name),
        }
        for name in sorted(effective)
    ]
    if as_json:
        echo_json(values)
        return
    for entry in values:
        click.echo(f"{entry['key']} = {json.dumps(entry['value'])}  # {entry['source']}")


def _shown_value(effective: Config, name: str, show_secrets: bool) -> Any:
    reference = effective.reference(name)
    if reference is not None:
        # What oro.toml says; the secret it names is never listed, not even with --show-secrets.
        return str(reference)
    value = effective[name]
    key = effective.registry.find(name)
    is_secret = is_secret_name(name) or (key is not None and key.is_secret)
    if show_secrets or not is_secret or value in ("", None):
        return value
    return f"<secret: {len(str(value))} characters>"


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(config)


@config.command("permissions")
@click.argument("kinds", nargs=-1, type=click.Choice(sorted(PERMISSION_KINDS)))
@click.option(
    "--reset",
    is_flag=True,
    help="Forget the decisions (of the kinds named, else all): pages are asked again.",
)
@click.option(
    "--origin",
    default=None,
    help="Only this origin's decisions ('app' is the app's own pages).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_file_option
@host_errors
def config_permissions(
    kinds: tuple[str, ...], reset: bool, origin: str | None, as_json: bool, config_file: Path
) -> None:
    """The camera, microphone, screen, location and notification decisions the user asked the
    app to remember (per origin), or with --reset, forget them."""
    # The broker's store, not the broker: the other config commands do not import it.
    from oro_framework.host.permission_broker import STORE_NAME, read_decisions, reset_decisions

    host = build_host(config_file.parent, skip_broken=True, declare_only=True)
    host.close()
    store = host.paths.state / STORE_NAME
    site = origin.lower().rstrip("/") if origin is not None else None
    if reset:
        forgotten = reset_decisions(store, kinds=set(kinds) or None, site=site)
        click.echo(f"forgot {forgotten} decision(s) in {store}")
        return
    decisions = {
        each: {kind: state for kind, state in sorted(states.items()) if not kinds or kind in kinds}
        for each, states in sorted(read_decisions(store).items())
        if site is None or each == site
    }
    if as_json:
        echo_json(decisions)
        return
    for each, states in decisions.items():
        for kind, state in states.items():
            # The site is what a page named itself: its escapes are shown, never obeyed.
            click.echo(f"{terminal_safe(each)} {kind} {state}")
