"""``oro secure-storage``: put the secrets ``secure-storage:`` references name into the user's
keyring, for the app in the current directory (or ``--app``).

A secret is read from stdin (typed without echo at a terminal), never taken from the command
line, where other users' ``ps`` and the shell's history would see it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from oro_framework import OroError

if TYPE_CHECKING:
    from oro_secure_storage.store import SecretStore, Shelf

# What the commands use imports when one runs: `oro --help` lists this group, and must not
# import the host and the keyring's D-Bus client (jeepney) to do so.

__all__ = ["secure_storage"]

F = TypeVar("F", bound=Callable[..., None])

_app_option = click.option(
    "--app",
    "app_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The app's directory: its meta.bundle_identifier says whose secrets these are.",
)


@click.group("secure-storage")
def secure_storage() -> None:
    """Keep the secrets an app's oro.toml names as "secure-storage:NAME" in the user's keyring
    (the desktop's Secret Service: GNOME Keyring, KeePassXC)."""


@contextmanager
def _shelf(app_dir: Path) -> Iterator[tuple[SecretStore, Shelf, int]]:
    """The keyring, the app's config secrets in it and the value cap, or one error line."""
    from oro_framework import Host
    from oro_secure_storage.references import config_shelf
    from oro_secure_storage.settings import SecureStorageSettings
    from oro_secure_storage.state import app_of, store_for

    try:
        # Unresolved: the references may name the very secret this command is about to set.
        host = Host(app_dir, resolve_secrets=False)
        try:
            store, app = store_for(host), app_of(host)
            limit = host.settings(SecureStorageSettings).max_value_bytes
        finally:
            host.close()
        with closing(store):
            yield store, config_shelf(app), limit
    except OroError as error:
        raise click.ClickException(str(error)) from None


def _name_argument(function: F) -> F:
    def checked(_context: click.Context, _parameter: click.Parameter, name: str) -> str:
        from oro_secure_storage.references import check_name

        try:
            return check_name(name)
        except OroError as error:
            raise click.BadParameter(str(error)) from None

    return click.argument("name", callback=checked)(function)


def _read_secret(name: str) -> bytes:
    from oro_secure_storage.references import SCHEME

    if sys.stdin.isatty():
        typed = click.prompt(f"Secret for {SCHEME}:{name}", hide_input=True)
        return str(typed).encode("utf-8")
    data = sys.stdin.buffer.read()
    # `echo KEY | oro secure-storage set NAME` ends it with a newline that is not part of it.
    data = data.removesuffix(b"\n").removesuffix(b"\r")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise click.ClickException("the secret on stdin is not UTF-8 text") from None
    return data


@secure_storage.command("set")
@_name_argument
@_app_option
def set_secret(name: str, app_dir: Path) -> None:
    """Keep the secret read from stdin as NAME ("secure-storage:NAME" in oro.toml)."""
    from oro_secure_storage.references import SCHEME

    secret = _read_secret(name)
    if not secret:
        raise click.ClickException("no secret on stdin: nothing was kept")
    with _shelf(app_dir) as (store, shelf, limit):
        if len(secret) > limit:
            raise click.ClickException(
                f"the secret has {len(secret)} bytes; secure_storage.max_value_bytes allows {limit}"
            )
        store.put(shelf, name, secret, "text/plain")
    click.echo(f"kept {SCHEME}:{name} for {shelf.app}", err=True)


@secure_storage.command("get")
@_name_argument
@_app_option
def get_secret(name: str, app_dir: Path) -> None:
    """Print the secret kept as NAME."""
    with _shelf(app_dir) as (store, shelf, _limit):
        secret = store.read(shelf, name)
    if secret is None:
        raise click.ClickException(f"no secret {name!r} is kept for {shelf.app}")
    sys.stdout.buffer.write(secret + b"\n")


@secure_storage.command("list")
@_app_option
def list_secrets(app_dir: Path) -> None:
    """Print the names of the app's kept secrets, one a line."""
    with _shelf(app_dir) as (store, shelf, _limit):
        names = store.keys(shelf)
    for name in names:
        click.echo(name)


@secure_storage.command("remove")
@_name_argument
@_app_option
def remove_secret(name: str, app_dir: Path) -> None:
    """Remove the secret kept as NAME."""
    from oro_secure_storage.references import SCHEME

    with _shelf(app_dir) as (store, shelf, _limit):
        removed = store.delete(shelf, name)
    if not removed:
        raise click.ClickException(f"no secret {name!r} is kept for {shelf.app}")
    click.echo(f"removed {SCHEME}:{name} for {shelf.app}", err=True)
