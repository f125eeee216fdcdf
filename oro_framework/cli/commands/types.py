"""`oro types`: write the TypeScript declarations of the app's backend (``backend.d.ts``)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import click

from oro_framework.backend.commands import commands_of
from oro_framework.backend.events import events_of
from oro_framework.backend.typescript import declarations
from oro_framework.cli.common import (
    app_option,
    build_host,
    echo_stderr,
    host_errors,
    skip_broken_option,
)
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host
from oro_framework.host.app_backend import AppBackend
from oro_framework.host.errors import BackendTypesUnavailable

__all__ = ["TYPES_FILE", "backend_types", "write_backend_types"]

TYPES_FILE: Final = "backend.d.ts"


def backend_types(host: Host) -> tuple[Path, str]:
    """Where the app's ``backend.d.ts`` goes (beside the backend's module) and its text.

    :raises BackendTypesUnavailable: the app has no backend, or it does not import.
    """
    backend = host.backend
    if backend is None:
        raise BackendTypesUnavailable(
            f"{host.app_dir} has no backend: put backend.py beside oro.toml "
            "(or name one with [backend] module)"
        )
    if backend.error is not None or backend.module is None:
        message = backend.error.message if backend.error is not None else "it did not import"
        raise BackendTypesUnavailable(message)
    try:
        commands = commands_of(vars(backend.module))
    except TypeError as error:
        raise BackendTypesUnavailable(
            f"The app's backend has a command pages cannot call: {error}"
        ) from None
    text = declarations(commands, events_of(vars(backend.module)), source=_source(host, backend))
    return _module_directory(host, backend) / TYPES_FILE, text


def write_backend_types(host: Host) -> Path | None:
    """Bring the app's ``backend.d.ts`` up to date: the path when it was written (new or
    changed), ``None`` when it already was, or the app has no backend that imports (what
    ``oro dev`` calls on every change; an unchanged file is left alone so that watchers of the
    backend's folder do not see a change)."""
    try:
        path, text = backend_types(host)
    except BackendTypesUnavailable:
        return None
    if _read(path) == text:
        return None
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        return None


def _module_file(backend: AppBackend) -> Path | None:
    location = getattr(backend.module, "__file__", None)
    return Path(location).resolve() if isinstance(location, str) else None


def _module_directory(host: Host, backend: AppBackend) -> Path:
    location = _module_file(backend)
    if location is not None:
        return location.parent
    return backend.directory or host.app_dir


def _source(host: Host, backend: AppBackend) -> str:
    """The backend as the header names it: its file relative to the app (the same text on
    every machine), or its dotted module name."""
    location = _module_file(backend)
    if location is None:
        return backend.source
    try:
        return location.relative_to(Path(host.app_dir).resolve()).as_posix()
    except ValueError:
        return backend.source if not backend.source.endswith(".py") else location.name


@click.command("types")
@app_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Write here instead of {TYPES_FILE} beside the backend module.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when the file is missing or out of date (for CI).",
)
@skip_broken_option
@host_errors
def types(app_dir: Path, out: Path | None, check: bool, skip_broken_plugins: bool) -> None:
    """Write backend.d.ts: the TypeScript types of the app backend's commands and events, for
    `import backend from 'oro:backend'` (oro dev keeps it up to date).

    Imports the app's backend to read its commands' signatures: this runs its code, as oro run
    does (and says so on stderr first)."""
    # The one reading command that runs the app's code: the user learns it before it happens.
    echo_stderr(
        f"oro types: importing the backend of {app_dir} to read its commands; this runs the "
        "app's code, as `oro run` does"
    )
    host = build_host(app_dir, skip_broken=skip_broken_plugins)
    try:
        path, text = backend_types(host)
    except BackendTypesUnavailable as error:
        raise click.ClickException(str(error)) from None
    finally:
        host.close()
    target = out if out is not None else path
    current = _read(target)
    if check:
        if current != text:
            state = "is missing" if current is None else "is out of date"
            raise click.ClickException(f"{target} {state}: run `oro types` to update it")
        click.echo(f"{target} is up to date")
        return
    if current == text:
        click.echo(f"{target} is up to date")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    click.echo(f"wrote {target}")


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(types)
