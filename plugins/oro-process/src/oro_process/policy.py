"""The ``[process]`` allow-list: which program a page may run, with which arguments,
environment and working directory. Deny by default; every refusal is a ``SecurityError``
(``ERR_PROCESS_NOT_ALLOWED``) whose message names the rule that refused.

Programs named without a path are looked up on PATH once, when the config loads: that path is
what runs later, so a directory put on PATH afterwards (or a page's own ``PATH``) never changes
which program a rule means. A page may name the program by the rule's name or by that path,
never by another path to the same file (a multi-call binary such as busybox behaves by the name
it is run as).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, NamedTuple, final

from oro_framework import (
    AppPaths,
    ConfigError,
    FileGrant,
    InvalidArgumentError,
    Sandbox,
    SandboxRoot,
    is_private_path,
)
from oro_process.errors import not_allowed
from oro_process.settings import ProcessSettings

__all__ = ["SHELLS", "Policy", "Program", "check_private_args", "parse_env"]

SHELLS: Final = ("sh", "/bin/sh")
"""The rules that allow ``shell: true`` (which runs ``<that program> -c <command line>``)."""


@final
class Program(NamedTuple):
    """One rule of ``[process] allow``.

    :ivar rule: the entry as written (``"ls"``, ``"/usr/bin/git"``).
    :ivar path: the absolute path that runs; ``None`` for a name PATH did not have when the
        config loaded (spawning it fails with ENOENT, as in Node).
    :ivar args: the ``[process.args]`` expression every argument must match, if any.
    """

    rule: str
    path: str | None
    args: re.Pattern[str] | None = None

    def check_args(self, args: Sequence[str]) -> None:
        """:raises SecurityError: an argument does not match ``[process.args]``."""
        if self.args is None:
            return
        for index, argument in enumerate(args, start=1):
            if self.args.fullmatch(argument) is None:
                raise not_allowed(
                    f"argument {index} {argument!r} of {self.rule!r} does not match "
                    f"[process.args] {self.rule} = {self.args.pattern!r}"
                )


def _check_trampoline(program: Program, settings: ProcessSettings) -> None:
    """:raises ConfigError: ``program`` runs other programs and neither an argument rule nor
    ``trampolines`` says what the app means by allowing it."""
    if program.args is not None or program.rule in settings.trampolines:
        return
    # Its list of interpreters and shells is read only for an app that allows programs.
    from oro_process.trampolines import is_trampoline

    if not is_trampoline(program.rule, program.path):
        return
    rule = program.rule
    key = "process.allow"
    raise ConfigError(
        f"key '{key}' holds {rule!r}, which runs any program named in its arguments: with it "
        f"a page could run every program, not only those on allow. Give it an argument rule "
        f"([process.args] {_toml_key(rule)} = '<regex>' that no other program's name matches), "
        f"or, if pages are meant to run anything through it, add it to [process] trampolines "
        f"= [{rule!r}]",
        key=key,
    )


def _toml_key(rule: str) -> str:
    return rule if re.fullmatch(r"[A-Za-z0-9_-]+", rule) else f'"{rule}"'


def _lookup(name: str, path_variable: str) -> str | None:
    found = shutil.which(name, path=path_variable)
    return None if found is None else os.path.abspath(found)


@final
class Policy(NamedTuple):
    """What ``[process]`` allows, resolved once per host (:meth:`from_settings`)."""

    programs: tuple[Program, ...]
    env_names: frozenset[str]
    cwd_roots: tuple[Path, ...]
    """The configured ``cwd_roots``, absolute (``~`` expanded); the app's own directories and
    the page's picked directories are added per request (:meth:`cwd`)."""

    @classmethod
    def from_settings(
        cls, settings: ProcessSettings, *, app_dir: Path, environ: Mapping[str, str]
    ) -> Policy:
        """Resolve the rules: names on ``environ``'s PATH, the argument expressions compiled.

        :raises ConfigError: an argument expression that does not compile, or one for a
            program ``allow`` does not list; a ``trampolines`` entry ``allow`` does not list;
            a program that runs other programs (:mod:`.trampolines`) with neither.
        """
        path_variable = environ.get("PATH", os.defpath)
        patterns: dict[str, re.Pattern[str]] = {}
        for program, pattern in settings.args.items():
            key = f"process.args.{program}"
            if program not in settings.allow:
                raise ConfigError(
                    f"key '{key}' names {program!r}, which is not in [process] allow", key=key
                )
            try:
                patterns[program] = re.compile(pattern)
            except re.error as error:
                raise ConfigError(
                    f"key '{key}' is not a regular expression: {error}", key=key
                ) from None
        for rule in settings.trampolines:
            if rule not in settings.allow:
                key = "process.trampolines"
                raise ConfigError(
                    f"key '{key}' names {rule!r}, which is not in [process] allow", key=key
                )
        programs = tuple(
            Program(
                rule,
                os.path.normpath(rule) if rule.startswith("/") else _lookup(rule, path_variable),
                patterns.get(rule),
            )
            for rule in dict.fromkeys(settings.allow)
        )
        for resolved in programs:
            _check_trampoline(resolved, settings)
        roots = tuple((app_dir / Path(root).expanduser()).absolute() for root in settings.cwd_roots)
        return cls(programs, frozenset(settings.env), roots)

    # ----------------------------------------------------------------------------------------
    # Program and arguments
    # ----------------------------------------------------------------------------------------

    def program(self, command: str) -> Program:
        """The rule that allows ``command`` (a rule's name, or the path a rule resolved to).

        :raises SecurityError: no rule does.
        """
        absolute = os.path.normpath(command) if command.startswith("/") else None
        for program in self.programs:
            if command == program.rule or (absolute is not None and absolute == program.path):
                return program
        raise not_allowed(f"{command!r} is not in [process] allow")

    def shell(self) -> Program:
        """The rule that allows ``shell: true``.

        :raises SecurityError: neither ``sh`` nor ``/bin/sh`` is allowed.
        """
        for program in self.programs:
            if program.rule in SHELLS:
                return program
        raise not_allowed(
            "shell: true runs /bin/sh, and neither 'sh' nor '/bin/sh' is in [process] allow"
        )

    # ----------------------------------------------------------------------------------------
    # Environment
    # ----------------------------------------------------------------------------------------

    def environment(
        self, page_env: Mapping[str, str] | None, host_environ: Mapping[str, str]
    ) -> dict[str, str]:
        """The child's whole environment: ``page_env`` (which replaces the environment, as in
        Node), else the host's values of the allowed names.

        :raises SecurityError: ``page_env`` names a variable ``[process] env`` does not list.
        """
        if page_env is None:
            names = sorted(self.env_names & host_environ.keys())
            return {name: host_environ[name] for name in names}
        for name in page_env:
            if name not in self.env_names:
                raise not_allowed(f"environment variable {name!r} is not in [process] env")
        return dict(page_env)

    # ----------------------------------------------------------------------------------------
    # Working directory
    # ----------------------------------------------------------------------------------------

    def cwd(self, requested: str | None, paths: AppPaths, grants: Sequence[FileGrant]) -> str:
        """The real path of the child's working directory: ``requested`` (relative to the data
        directory, which is also the default) with every symlink and ``..`` resolved, inside
        one of the roots: the app's resources, data and temp directories, :attr:`cwd_roots` and
        the directories among the page's ``grants``. The host's sandbox decides
        (:meth:`oro_framework.Sandbox.find`, as for oro-fs and oro-sqlite); the roots are
        resolved at every call, as a directory made after the config loaded may be one.

        :raises SecurityError: it resolves outside every root.
        :raises InvalidArgumentError: it holds a NUL byte, or is not valid Unicode.
        :raises ErrnoError: ``ELOOP``: it runs into a symlink loop.
        """
        if requested is not None and "\0" in requested:
            raise InvalidArgumentError(
                "cwd must not contain null bytes", code="ERR_INVALID_ARG_VALUE", parameter="cwd"
            )
        roots = [
            SandboxRoot.at("resources", paths.resources, writable=False),
            SandboxRoot.at("data", paths.data, writable=True),
            SandboxRoot.at("temp", paths.temp, writable=True),
            *(SandboxRoot.at(str(root), root, writable=True) for root in self.cwd_roots),
        ]
        # A picked file is no directory to start in: only picked directories are roots here.
        picked = [grant for grant in grants if grant.is_directory]
        sandbox = Sandbox(roots).granting(picked)
        target = sandbox.find("." if requested is None else requested, base=paths.data)
        if target is None:
            shown = str(paths.data) if requested is None else requested
            raise not_allowed(
                f"cwd {shown!r} is outside the app's directories and [process] cwd_roots"
            )
        return target.absolute


def check_private_args(args: Sequence[str], cwd: str) -> None:
    """Refuse an argument that names a file of the host's own state (the cwd is checked by the
    sandbox): ``path`` or ``--option=path``, relative to ``cwd``. A shell or another
    trampoline can still build such a path itself; the app allowed it to run anything.

    :raises SecurityError: ``ERR_PROCESS_NOT_ALLOWED``, naming the argument.
    """
    for argument in args:
        for candidate in {argument, argument.partition("=")[2]}:
            if candidate and is_private_path(os.path.join(cwd, candidate)):
                raise not_allowed(f"argument {argument!r} names a file of the host's own state")


def _text(name: str, value: Any, parameter: str) -> str:
    """A value Node would turn into a string (``String(value)``)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    else:
        raise InvalidArgumentError.invalid(parameter, f"string values (got one for {name!r})")
    if "\0" in text:
        raise InvalidArgumentError(
            f"The property '{parameter}.{name}' must be a string without null bytes",
            code="ERR_INVALID_ARG_VALUE",
            parameter=parameter,
        )
    return text


def parse_env(value: Any) -> dict[str, str] | None:
    """A page's ``env``: a JSON object, or Oro's ``\\x01``-separated ``K=V`` items; ``None``
    when the page gave none. Entries whose value is ``null`` are left out, as Node leaves out
    ``undefined``.

    :raises InvalidArgumentError: anything else, or a value with a NUL byte.
    """
    if value is None:
        return None
    if isinstance(value, str):
        pairs: list[tuple[str, Any]] = []
        for item in value.split("\x01"):
            if item:
                name, _, text = item.partition("=")
                pairs.append((name, text))
    elif isinstance(value, dict):
        pairs = list(value.items())
    else:
        raise InvalidArgumentError.invalid("env", "an object of strings")
    env: dict[str, str] = {}
    # Names are not checked here: one that is no variable name is not on [process] env
    # either, and Policy.environment refuses it as such.
    for name, item in pairs:
        if item is not None:
            env[name] = _text(name, item, "env")
    return env
