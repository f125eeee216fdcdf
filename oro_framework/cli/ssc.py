"""``ssc``: Socket Runtime's command line, read as Socket reads it and run as the ``oro`` command
that does the same, so that an app's ``package.json`` scripts (``"start": "ssc build -r -o"``,
``"test": "ssc build -r -o --test=./test/index.js --headless"``) work unchanged.

The options and their aliases are Socket's (``src/cli/main.cc``: ``buildOptions``,
``runOptions``, ``printBuildDirOptions``), parsed by its rules: ``--key=value`` or ``--key
value``, an argument without a leading ``-`` is the app folder, an unknown option or one given
twice is an error. Options that only concern another platform or native compilation
(``--codesign``, ``--notarize``, ``--quiet``) are accepted and do nothing here; another
``--platform`` than Linux is an error, as oro builds Linux desktop apps."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path
from typing import Final

import click

from oro_framework import __version__
from oro_framework.host.errors import ConfigError, SscUsageError
from oro_framework.host.terminal import terminal_safe
from oro_framework.records import record

__all__ = ["READING_SUBCOMMANDS", "SUBCOMMANDS", "SscCommand", "main", "parse", "to_oro"]


@record
class _Option:
    aliases: tuple[str, ...]
    takes_value: bool


def _options(*rows: tuple[tuple[str, ...], bool]) -> tuple[_Option, ...]:
    return tuple(_Option(aliases, takes_value) for aliases, takes_value in rows)


_RUN: Final = _options(
    (("--platform",), True),
    (("--prod", "-P"), False),
    (("--test", "-t"), True),
    (("--headless", "-H"), False),
    (("--debug", "-D"), False),
    (("--verbose", "-V"), False),
    (("--env", "-E"), True),
    (("--port",), True),
    (("--host",), True),
)
_BUILD: Final = (
    _options(
        (("--quiet", "-q"), False),
        (("--only-build", "-o"), False),
        (("--run", "-r"), False),
        (("--watch", "-w"), False),
        (("--package", "-p"), False),
        (("--package-format", "-f"), True),
        (("--codesign", "-c"), False),
        (("--notarize", "-n"), False),
        (("--vebose",), False),
    )
    + _RUN
)
_PRINT_BUILD_DIR: Final = _options((("--platform",), True), (("--root",), False))
SUBCOMMANDS: Final = {"build": _BUILD, "run": _RUN, "print-build-dir": _PRINT_BUILD_DIR}
"""Socket's subcommands that oro's ``ssc`` runs, with their options."""
READING_SUBCOMMANDS: Final = frozenset({"print-build-dir"})
"""Those that only read the app folder: they never import its ``backend.py`` or plugins, nor run
its build steps, as ``oro``'s reading commands do not (``ssc build`` and ``ssc run`` run it)."""
_LINUX: Final = frozenset({"", "linux"})


@record(frozen=False)
class SscCommand:
    """One ``ssc`` command line as Socket reads it."""

    subcommand: str
    app: Path
    values: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    env: list[str] = field(default_factory=list)

    def has(self, option: str) -> bool:
        return option in self.flags or option in self.values


def parse(argv: Sequence[str], cwd: Path) -> SscCommand:
    """``argv`` (without the program name) read by Socket's ``parseCommandLineOptions``.

    :raises SscUsageError: an unknown subcommand or option, an option given twice, a value
        where none is taken.
    """
    if not argv or argv[0] not in SUBCOMMANDS:
        raise SscUsageError(
            f"oro's ssc runs {', '.join(sorted(SUBCOMMANDS))} (and -v); "
            f"got {argv[0] if argv else 'nothing'!r}: use the oro command for the rest"
        )
    command = SscCommand(argv[0], cwd)
    available = SUBCOMMANDS[argv[0]]
    rest = list(argv[1:])
    index = 0
    while index < len(rest):
        argument = rest[index]
        index += 1
        key, equals, value = argument.partition("=")
        if not key.startswith("-"):
            command.app = (cwd / argument).resolve()
            continue
        option = next((o for o in available if key in o.aliases), None)
        if option is None:
            raise SscUsageError(f"unrecognized option {key!r}")
        name = option.aliases[0]
        if equals and not option.takes_value:
            raise SscUsageError(f"option {name!r} does not take a value")
        following = rest[index] if index < len(rest) else "-"
        if option.takes_value and not equals and not following.startswith("-"):
            # "--key value", as Socket reads it.
            value = following
            index += 1
        if name == "--env":
            command.env.extend(part.strip() for part in value.split(",") if part.strip())
            continue
        if command.has(name):
            raise SscUsageError(f"option {name!r} is used more than once")
        if value:
            command.values[name] = value
        else:
            command.flags.add(name)
    platform = command.values.get("--platform", "")
    if platform not in _LINUX:
        raise SscUsageError(f"--platform={platform}: oro builds and runs Linux desktop apps")
    return command


HEADLESS: Final = "--config=window.headless=true"
"""Socket's ``--headless``: the app's window is never shown and its page runs
(src/desktop/main.cc:532-535, 1106-1110), as ``[build] headless = true`` says."""


def _run_arguments(command: SscCommand, *, watch: bool = False) -> list[str]:
    arguments = []
    if command.has("--headless"):
        # oro dev's --headless serves the app to a browser, the dev loop's own way to run
        # without a window.
        arguments.append("--headless" if watch else HEADLESS)
    if "--port" in command.values:
        arguments += ["--port", command.values["--port"]]
    return arguments


def _test_arguments(command: SscCommand) -> list[str]:
    test = command.values.get("--test")
    if test is None:
        raise SscUsageError("--test value is required")
    # Socket runs them in the app's window, hidden with --headless. oro test does where a
    # display exists, or a virtual one can be started for a hidden window; in a headless
    # browser otherwise.
    headless = [HEADLESS] if command.has("--headless") else []
    return ["test", "--window", *headless, str(command.app), test]


def to_oro(command: SscCommand) -> list[str] | None:
    """The ``oro`` arguments doing what ``command`` does under Socket; ``None`` for ``ssc
    build`` without ``--run`` (the build steps only, run here) and ``print-build-dir``."""
    app = str(command.app)
    if command.subcommand == "print-build-dir":
        return None
    if command.has("--test"):
        if command.subcommand == "build" and not command.has("--run"):
            return None
        return _test_arguments(command)
    if command.subcommand == "run":
        return ["run", *_run_arguments(command), app]
    if not command.has("--run"):
        return ["build", app] if command.has("--package") else None
    if command.has("--watch"):
        return ["dev", *_run_arguments(command, watch=True), app]
    return ["run", "--build", *_run_arguments(command), app]


def _build_steps_only(command: SscCommand) -> int:
    """``ssc build`` without ``--run``: the app's build steps (script, copy, copy-map) into its
    output, with ``--test=<file>`` passed to the script when given, and nothing run."""
    from oro_framework.cli.commands.build import build_steps_only

    test = command.values.get("--test")
    output = build_steps_only(
        command.app,
        production=command.has("--prod"),
        test_files=[test] if test else [],
        config=_env_entries(command),
    )
    click.echo(terminal_safe(f"ssc: built {command.app} into {output or command.app}"), err=True)
    return 0


def _print_build_dir(command: SscCommand) -> int:
    """The folder the app is served from: its build output, or the app folder itself. The app
    is read, never run: its backend and plugins stay unimported.

    :raises ConfigError: ``build.output`` names a folder no build may replace (``/etc``, ``~``).
    """
    from oro_framework.build.steps import BuildSteps
    from oro_framework.host.app import Host
    from oro_framework.host.build_paths import check_build_output

    host = Host(command.app, resolve_secrets=False, load_backend=False)
    steps = BuildSteps.from_host(host)
    host.close()
    # A script may cd into the answer or empty it: never /, ~, a system folder or the app's parent.
    folder = check_build_output(command.app, steps.output) if steps.configured else command.app
    click.echo(terminal_safe(str(folder)))
    return 0


def _env_entries(command: SscCommand) -> dict[str, str]:
    """``--env NAME=value`` (or ``NAME``, taken from this environment) adds an ``[env]`` entry
    under Socket: here the config key ``env.NAME`` for this run."""
    entries = {}
    for entry in command.env:
        name, equals, value = entry.partition("=")
        if not equals:
            value = os.environ.get(name, "")
        if name and value:
            entries[f"env.{name}"] = value
    return entries


def main(
    argv: Sequence[str] | None = None, *, run_oro: Callable[[list[str]], None] | None = None
) -> None:
    """Console-script entry point of ``ssc``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] in (["-v"], ["--version"]):
        click.echo(f"{__version__} (oro; Socket Runtime's command line)")
        return
    try:
        command = parse(arguments, Path.cwd())
    except SscUsageError as error:
        click.echo(f"ERROR: {error}", err=True)
        raise SystemExit(1) from None
    oro = to_oro(command)
    if oro is None:
        run = _print_build_dir if command.subcommand in READING_SUBCOMMANDS else _build_steps_only
        try:
            raise SystemExit(run(command))
        except ConfigError as error:
            click.echo(terminal_safe(f"ERROR: {error}"), err=True)
            raise SystemExit(1) from None
    overrides = [f"--config={key}={value}" for key, value in _env_entries(command).items()]
    oro = [oro[0], *overrides, *oro[1:]]
    click.echo(terminal_safe(f"ssc: oro {' '.join(oro)}"), err=True)
    if run_oro is None:
        from oro_framework.cli import main as oro_main

        run_oro = oro_main
    run_oro(oro)
