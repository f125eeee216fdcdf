"""Programs that run another program named in their arguments ("trampolines"): allowing one
with any arguments allows every program. ``allow = ["env"]`` lets a page run ``env curl ...``,
``allow = ["nice"]`` ``nice sh -c ...``: the allow-list would name one program and mean all.

So a trampoline on ``[process] allow`` needs either an argument rule (``[process.args]``, which
decides what it may run) or to be listed in ``[process] trampolines``, the app's explicit
"pages may run anything through it". Shells are trampolines too (``sh -c``), which is what
``shell: true`` needs: listing ``sh`` in ``trampolines`` is saying so.

The list cannot be complete (GTFOBins knows hundreds of programs with a flag that runs a
command); it holds the programs made to run others, shells, interpreters that take code as an
argument, and the common tools with such a flag. A program is recognised by the rule's name,
the resolved path's name and the name of the file the path finally is (``sh`` is ``dash``, an
``awk`` symlink ``mawk``), except that a multi-call binary behaves by the name it runs as
(:mod:`.children` runs the resolved path, not its target): busybox's ``ls`` is ``ls``, its
``sh`` a shell.
"""

from __future__ import annotations

import os
import re
from typing import Final

__all__ = ["TRAMPOLINES", "is_trampoline"]

_SHELLS: Final = frozenset(
    {
        "sh", "ash", "bash", "dash", "ksh", "ksh93", "mksh", "pdksh", "oksh", "zsh", "fish",
        "csh", "tcsh", "rbash", "yash", "posh", "elvish", "nu", "xonsh", "busybox", "toybox",
    }
)  # fmt: skip
_WRAPPERS: Final = frozenset(
    {
        # made to run the program that follows
        "env", "nice", "nohup", "timeout", "stdbuf", "setsid", "ionice", "xargs", "sudo",
        "doas", "su", "runuser", "pkexec", "sg", "chroot", "flock", "strace", "ltrace", "time",
        "unshare", "nsenter", "taskset", "chrt", "numactl", "prlimit", "setpriv", "capsh",
        "setarch", "linux32", "linux64", "script", "watch", "systemd-run", "systemd-nspawn",
        "machinectl", "firejail", "bwrap", "proot", "fakeroot", "fakechroot", "cgexec",
        "chpst", "catchsegv", "valgrind", "gdb", "expect", "unbuffer", "sshpass", "parallel",
        "entr", "eatmydata", "torsocks", "proxychains", "proxychains4", "faketime", "rlwrap",
        "xvfb-run", "dbus-run-session", "dbus-launch", "flatpak-spawn", "start-stop-daemon",
        "daemonize", "at", "batch", "ssh-agent", "xterm",
        # a well-known argument runs a command
        "find", "awk", "gawk", "mawk", "nawk", "git", "ssh", "rsync", "tar",
        "make", "ed", "vi", "vim", "nvim", "emacs", "sqlite3", "man", "sort", "less",
        "more", "zip", "dpkg", "apt-get", "pip", "npm", "npx", "docker",
    }
)  # fmt: skip
TRAMPOLINES: Final = _SHELLS | _WRAPPERS
"""Names recognised as trampolines, besides the interpreters (:data:`_INTERPRETERS`)."""
_MULTI_CALL: Final = frozenset({"busybox", "toybox", "coreutils"})
_INTERPRETERS: Final = re.compile(
    r"(python|pypy|perl|ruby|irb|php|lua|luajit|node|nodejs|deno|bun|tclsh|wish|expectk"
    r"|Rscript|guile|racket|sbcl|clisp|julia|jshell|groovy|osascript|pwsh|powershell)"
    r"[0-9.]*(-[0-9.]+)?"
)
"""Interpreters run code given as an argument (``python3 -c``, ``perl -e``), and that code can
run anything; versioned names (``python3.12``) included."""


def is_trampoline(rule: str, path: str | None) -> bool:
    """Whether the ``allow`` rule ``rule``, resolved to ``path``, names a program that runs
    other programs (by any of its names, see the module's docstring)."""
    names = {os.path.basename(rule)}
    if path is not None:
        names.add(os.path.basename(path))
        target = os.path.basename(os.path.realpath(path))
        if target not in _MULTI_CALL:
            names.add(target)
    return any(name in TRAMPOLINES or _INTERPRETERS.fullmatch(name) for name in names)
