"""A virtual X display (Xvfb) for real windows in tests and benchmarks on a machine with no
screen, and a private D-Bus session bus for the desktop services beside it. Needs the ``xvfb``
and ``dbus`` system packages (``scripts/test`` installs them)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

__all__ = ["session_bus", "virtual_display"]


@contextlib.contextmanager
def virtual_display(size: tuple[int, int] = (1280, 800)) -> Iterator[str]:
    """Run a fresh Xvfb server while the block runs and yield its ``DISPLAY`` (``":<n>"``).
    ``-displayfd`` makes it pick a free display number and write it once it accepts
    connections, so the block never races its start.

    :raises RuntimeError: Xvfb did not start.
    """
    read_end, write_end = os.pipe()
    with os.fdopen(read_end) as announced, os.fdopen(write_end, "w") as announcer:
        server = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(announcer.fileno()),
                "-screen",
                "0",
                f"{size[0]}x{size[1]}x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(announcer.fileno(),),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Xvfb holds its own copy now: ours must go, or the read below never sees the end
        # of the pipe when Xvfb fails before announcing.
        announcer.close()
        try:
            number = announced.readline().strip()
            if not number.isdigit():
                raise RuntimeError("Xvfb did not start")
            yield f":{number}"
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextlib.contextmanager
def session_bus(config_file: Path | None = None) -> Iterator[str]:
    """Run a private D-Bus session bus (Debian's ``dbus-daemon``) while the block runs and yield
    its address, for ``DBUS_SESSION_BUS_ADDRESS``; the daemon prints it once it accepts
    connections.

    :param config_file: a bus configuration instead of the session default (for one that
        activates no service on demand).
    :raises RuntimeError: dbus-daemon did not start.
    """
    config = "--session" if config_file is None else f"--config-file={config_file}"
    daemon = subprocess.Popen(
        ["dbus-daemon", config, "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not start")
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
