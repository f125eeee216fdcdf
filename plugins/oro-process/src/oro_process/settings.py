"""The ``[process]`` config keys, declared once as the fields of :class:`ProcessSettings`, and
the ``[process.backend]`` keys, the fields of :class:`BackendSettings`."""

from __future__ import annotations

from typing import Final, final

from oro_framework import is_variable_name, setting, validators
from oro_framework.records import record

__all__ = ["DEFAULT_ENV", "BackendSettings", "ProcessSettings"]

DEFAULT_ENV: Final = ["PATH", "LANG", "LC_ALL", "TZ"]


def _programs(programs: list[str]) -> None:
    for program in programs:
        if not program or "\0" in program:
            raise ValueError(f"holds {program!r}, which is not a program name or path")
        if "/" in program and not program.startswith("/"):
            raise ValueError(
                f"holds {program!r}: a program is a name looked up on PATH or an absolute path"
            )


def _variable_names(names: list[str]) -> None:
    for name in names:
        if not is_variable_name(name):
            raise ValueError(f"holds {name!r}, which is not an environment variable name")


def _roots(roots: list[str]) -> None:
    for root in roots:
        if not root or "\0" in root:
            raise ValueError(f"holds {root!r}, which is not a directory")


@final
@record
class ProcessSettings:
    """The ``[process]`` keys of one host. Deny by default: nothing runs until ``allow`` names
    it. ``state.py`` turns them into a :class:`~oro_process.policy.Policy` when the config
    loads."""

    allow: list[str] = setting(
        [],
        "Programs pages may run: absolute paths, or names looked up on PATH when the config "
        "loads (that path is what runs). Empty: nothing runs. 'sh' or '/bin/sh' here also "
        "allows shell: true, and with it everything the shell can run.",
        validator=_programs,
    )
    args: dict[str, str] = setting(
        {},
        "args.<program> = 'regex': every argument of that program (named as in allow) must "
        "match it whole (re.fullmatch); a program without an entry takes any arguments. A "
        "program that runs other programs (a shell, env, nice, timeout, xargs...) must have "
        "an entry unless trampolines lists it.",
    )
    trampolines: list[str] = setting(
        [],
        "Programs of allow that run other programs named in their arguments (shells, env, "
        "nice, timeout, xargs, sudo...) and that pages may run with any arguments, which lets "
        "them run any program. Such a program on allow without an args entry and not listed "
        "here is a ConfigError.",
        validator=_programs,
    )
    env: list[str] = setting(
        list(DEFAULT_ENV),
        "The only environment variables a child may have: without a page env it gets the "
        "host's values of these names (never the whole environment); a page env may name "
        "only these.",
        validator=_variable_names,
    )
    cwd_roots: list[str] = setting(
        [],
        "Directories (~ expanded, relative to the app directory) a child may run in, besides "
        "the app's resources, data and temp directories and directories the page's user "
        "picked.",
        validator=_roots,
    )
    kill_grace_ms: int = setting(
        2000,
        "Milliseconds between SIGTERM and SIGKILL when the host ends a child's process group "
        "(its page closed, the app stopping).",
        validator=validators.not_negative,
    )
    max_children: int = setting(
        32,
        "Children one window's page may have at once; one more is a RangeError "
        "(ERR_TOO_MANY_CHILDREN).",
        validator=validators.positive,
    )
    max_buffer_bytes: int = setting(
        1 << 20,
        "Default maxBuffer of child_process.exec: stdout or stderr bytes past it kill the "
        "child (ERR_CHILD_PROCESS_STDIO_MAXBUFFER).",
        validator=validators.positive,
    )
    max_buffer_limit_bytes: int = setting(
        64 << 20,
        "The most maxBuffer a page may ask of child_process.exec: larger values, Infinity, "
        "NaN and negatives become this (and never more than ipc.memory_budget_bytes).",
        validator=validators.positive,
    )


def _command_line(command: str) -> None:
    if "\0" in command:
        raise ValueError("holds a NUL byte, which no command line may hold")


@final
@record
class BackendSettings:
    """The ``[process.backend]`` keys: the app's backend process, Oro's and Socket Runtime's
    ``[linux] cmd`` (which ``socket.ini``/``oro.ini`` map to ``cmd``). Declared by the app, not
    chosen by a page: pages only start and stop it (:mod:`.backend`)."""

    cmd: str = setting(
        "",
        "The backend program's command line (Oro's [linux] cmd), started when a page calls "
        "application.backend.open(): words run directly (./name relative to cwd, a bare name "
        "on PATH); a line with shell syntax (pipes, redirections, $VARS, globs) runs under "
        "/bin/sh -c, as Oro runs it. Empty: the app has no backend process.",
        validator=_command_line,
        oro_names=("linux.cmd",),
    )
    cwd: str = setting(
        "",
        "The backend's working directory (~ expanded, relative to the app directory); empty: "
        "the app's resources (webview.root, or the build's output), where Socket runs its cmd.",
    )
    env: dict[str, str] = setting(
        {},
        "env.NAME = 'value': variables the backend gets besides the host's values of the "
        "[process] env names (never the host's whole environment). Kept from pages.",
        private=True,
    )
