"""`oro types`: write the TypeScript declarations of the app: its backend's (``backend.d.ts``)
and those of every JS module its plugins serve (``oro-env.d.ts``, see
:mod:`oro_framework.backend.typescript_env`)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import click

from oro_framework.backend.commands import commands_of
from oro_framework.backend.events import events_of
from oro_framework.backend.typescript import declarations
from oro_framework.backend.typescript_env import ENV_TYPES_FILE, EnvTypes, env_types
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

__all__ = [
    "TYPES_FILE",
    "app_env_types",
    "backend_types",
    "write_app_types",
    "write_backend_types",
]

TYPES_FILE: Final = "backend.d.ts"
_FRAMEWORK: Final = "oro_framework."


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


def app_env_types(host: Host) -> tuple[Path, EnvTypes]:
    """Where the app's ``oro-env.d.ts`` goes (beside ``oro.toml``) and what it holds: the
    declarations of every JS module ``host`` serves but oro-framework's own, which js-api's
    ``index.d.ts`` declares or no app imports (``oro:dev``, served under ``oro dev`` alone):
    the file is the same whichever command writes it."""
    own = {info.name for info in host.plugins if (info.module or "").startswith(_FRAMEWORK)}
    modules = [
        module for module in host.js_modules.specifiers().values() if module.plugin not in own
    ]
    return host.app_dir / ENV_TYPES_FILE, env_types(host.app_dir, modules)


def write_app_types(host: Host) -> list[Path]:
    """Bring ``oro-env.d.ts`` and ``backend.d.ts`` up to date (see
    :func:`write_backend_types`): the files written, what ``oro dev`` calls as each host starts,
    so that the app's TypeScript follows the plugins installed."""
    path, env = app_env_types(host)
    written = [] if _read(path) == env.text else [path]
    if written:
        path.write_text(env.text, encoding="utf-8", newline="\n")
    backend = write_backend_types(host)
    return [*written, *([backend] if backend is not None else [])]


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
    help=f"Write the backend's types here instead of {TYPES_FILE} beside the backend module.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when a file is missing or out of date (for CI).",
)
@skip_broken_option
@host_errors
def types(app_dir: Path, out: Path | None, check: bool, skip_broken_plugins: bool) -> None:
    """Write the app's TypeScript declarations: oro-env.d.ts, the `oro:` modules of
    oro-framework and the installed plugins, and backend.d.ts, the backend's commands and
    events (oro dev keeps them up to date).

    Name oro-env.d.ts in tsconfig.json's "include" (with your .ts files): `import ... from
    'oro:<name>'` and `import backend from 'oro:backend'` then type-check.

    Imports the app's backend to read its commands' signatures: this runs its code, as oro run
    does (and says so on stderr first)."""
    # The one reading command that runs the app's code: the user learns it before it happens.
    echo_stderr(
        f"oro types: importing the backend of {app_dir} to read its commands; this runs the "
        "app's code, as `oro run` does"
    )
    host = build_host(app_dir, skip_broken=skip_broken_plugins)
    try:
        env_path, env = app_env_types(host)
        has_backend = host.backend is not None
        try:
            backend: tuple[Path, str] | BackendTypesUnavailable = backend_types(host)
        except BackendTypesUnavailable as error:
            backend = error
    finally:
        host.close()
    for line in env.skipped:
        echo_stderr(f"warning: left out of {ENV_TYPES_FILE}: {line}")
    files = [(env_path, env.text)]
    if isinstance(backend, tuple):
        files.append((out if out is not None else backend[0], backend[1]))
    stale = [_update(path, text, check=check) for path, text in files]
    if isinstance(backend, BackendTypesUnavailable):
        if has_backend:
            raise click.ClickException(str(backend))
        echo_stderr(f"no {TYPES_FILE}: {backend}")
    if any(stale):
        raise click.ClickException("; ".join(filter(None, stale)))


def _update(target: Path, text: str, *, check: bool) -> str | None:
    """Write ``text`` to ``target`` unless it holds it already (or only compare, ``check``),
    saying which on stdout; what is stale when checking, else ``None``."""
    current = _read(target)
    if current == text:
        click.echo(f"{target} is up to date")
        return None
    if check:
        state = "is missing" if current is None else "is out of date"
        return f"{target} {state}: run `oro types` to update it"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    click.echo(f"wrote {target}")
    return None


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(types)
