"""A virtual X display of the app's own, for a headless app (``window.headless``, Socket's
``[build] headless``) run where no display exists: its page runs in a hidden window there, as
Socket's ``ssc`` runs such an app under ``xvfb-run`` (``src/cli/main.cc:877-897``).

As ``xvfb-run`` does, the server gets a free display number (Xvfb's ``-displayfd`` picks one
and writes it once it accepts connections, so nothing races its start) and an authorization
cookie of its own, so that no other local user can connect to it; unlike ``xvfb-run`` it is
the app's child, ended when the app ends: stopped at exit, and sent SIGTERM by the kernel
should the app die without a word (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import struct
import subprocess
import tempfile
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Final, final

from oro_framework.host.private_files import write_private

__all__ = ["XVFB_PACKAGES", "VirtualDisplay", "VirtualDisplayUnavailable", "start_virtual_display"]

XVFB_PACKAGES: Final = (
    "the xvfb package (apt-get install xvfb on Debian and Ubuntu, dnf install "
    "xorg-x11-server-Xvfb on Fedora, pacman -S xorg-server-xvfb on Arch)"
)
"""What to install for :func:`start_virtual_display`, named in the message when it is missing."""

SCREEN: Final = "1920x1080x24"
"""The screen Socket's ``ssc`` gives ``xvfb-run`` (``src/cli/main.cc:890``)."""

STOP_SECONDS: Final = 10.0
"""How long the server has to end on SIGTERM before it is killed."""

_FAMILY_WILD: Final = 0xFFFF
"""An Xauthority entry for any address; with no display number it matches every display."""
_PR_SET_PDEATHSIG: Final = 1


class VirtualDisplayUnavailable(Exception):
    """No virtual display could be started; the message says why and what to install."""


@final
class VirtualDisplay:
    """A running Xvfb server: its ``DISPLAY`` name, stopped by :meth:`stop` (at exit at the
    latest)."""

    def __init__(self, server: subprocess.Popen[bytes], display: str, folder: Path) -> None:
        self._server = server
        self._folder = folder
        self.display = display
        """The display's name, ``":<n>"``."""
        self.pid = server.pid
        """The server's process id."""

    def stop(self) -> None:
        """End the server and remove its cookie; again, nothing."""
        if self._server.poll() is None:
            self._server.terminate()
            try:
                self._server.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait()
        shutil.rmtree(self._folder, ignore_errors=True)


def start_virtual_display(
    environ: MutableMapping[str, str] | None = None, *, executable: str = "Xvfb"
) -> VirtualDisplay:
    """Start Xvfb on a free display number with a cookie of its own, and point ``environ``
    (this process's environment by default) at it: ``DISPLAY`` and ``XAUTHORITY``, which the
    web engine and every process the app starts inherit. It stops when this process exits.

    :raises VirtualDisplayUnavailable: Xvfb is not installed, or did not start.
    """
    environ = os.environ if environ is None else environ
    path = shutil.which(executable, path=environ.get("PATH"))
    if path is None:
        raise VirtualDisplayUnavailable(f"{executable} is not installed: install {XVFB_PACKAGES}")
    folder = Path(tempfile.mkdtemp(prefix="oro-display-"))  # 0700: the cookie is no one else's
    cookie = folder / "Xauthority"
    write_private(cookie, _xauthority_entry(secrets.token_bytes(16)))
    read_end, write_end = os.pipe()
    arguments = ["-displayfd", str(write_end), "-auth", str(cookie)]
    arguments += ["-screen", "0", SCREEN, "-nolisten", "tcp"]
    with os.fdopen(read_end) as announced:
        try:
            server = subprocess.Popen(
                [path, *arguments],
                pass_fds=(write_end,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=_ended_with_parent(),
            )
        except OSError as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise VirtualDisplayUnavailable(f"{executable} cannot start: {error}") from None
        finally:
            # The server holds its own copy: ours must go, or the read below never sees the
            # end of the pipe when the server fails before it announces its number.
            os.close(write_end)
        number = announced.readline().strip()
    display = VirtualDisplay(server, f":{number}", folder)
    if not number.isdigit():
        display.stop()
        raise VirtualDisplayUnavailable(f"{executable} did not start (exit status {server.wait()})")
    atexit.register(display.stop)
    environ["DISPLAY"] = display.display
    environ["XAUTHORITY"] = str(cookie)
    return display


def _xauthority_entry(cookie: bytes) -> bytes:
    """One Xauthority entry (libXau's format: big-endian lengths before each field) giving
    ``cookie`` for any address and display: the server reads only the name and the data, and a
    client takes an entry without a number for whatever display it connects to."""

    def counted(field: bytes) -> bytes:
        return struct.pack(">H", len(field)) + field

    return (
        struct.pack(">H", _FAMILY_WILD)
        + counted(b"")
        + counted(b"")
        + counted(b"MIT-MAGIC-COOKIE-1")
        + counted(cookie)
    )


def _ended_with_parent() -> Callable[[], None] | None:
    """What the server's process runs before Xvfb: the kernel's SIGTERM once this thread is
    gone (the app died without stopping it). Looked up here, in the app: the child only makes
    the one call, importing nothing."""
    with contextlib.suppress(OSError, AttributeError):
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        term = int(signal.SIGTERM)
        return lambda: prctl(_PR_SET_PDEATHSIG, term, 0, 0, 0)
    return None
