"""A network namespace of its own for a test, and ways in: run a command inside it, and make
HTTP requests from inside it (to an ``oro run`` that serves on the namespace's 127.0.0.1).

The namespace has its loopback up and no other route: offline. :meth:`Namespace.online` gives
it a veth pair (a dummy link where the kernel has the ``dummy`` driver) with an address and a
default route; :meth:`Namespace.offline` removes the route. Everything it made goes with it:
the processes still inside are killed and the namespace deleted, whatever the test did.

Needs root and iproute2's ``ip`` (``scripts/test`` installs it).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final, TypeVar

__all__ = ["IP", "Namespace", "network_namespace"]

T = TypeVar("T")

IP: Final = "/usr/sbin/ip" if Path("/usr/sbin/ip").exists() else "ip"
_CLONE_NEWNET: Final = 0x40000000
LINK: Final = "oro0"
PEER: Final = "oro1"
ADDRESS: Final = "10.254.0.2/24"
GATEWAY: Final = "10.254.0.1"
_NO_IPV6: Final = ("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")


def _ip(*arguments: str) -> None:
    subprocess.run([IP, *arguments], check=True, capture_output=True, text=True, timeout=30)


class Namespace:
    """One named network namespace (``/run/netns/<name>``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._linked = False
        self._executor: ThreadPoolExecutor | None = None
        self._folders: list[Path] = []

    @property
    def path(self) -> Path:
        return Path("/run/netns") / self.name

    def command(self, *command: str) -> list[str]:
        """``command`` run inside the namespace."""
        return [IP, "netns", "exec", self.name, *command]

    def executable(self, program: str) -> Path:
        """A script that runs ``program`` inside the namespace with the arguments it gets (for
        a tool that takes a browser's path, such as Playwright)."""
        folder = Path(tempfile.mkdtemp(prefix=f"{self.name}-"))
        self._folders.append(folder)
        script = folder / Path(program).name
        script.write_text(f'#!/bin/sh\nexec {IP} netns exec {self.name} {program} "$@"\n')
        script.chmod(0o755)
        return script

    def online(self) -> None:
        """A link with an address and a default route through it."""
        if not self._linked:
            try:
                _ip("-n", self.name, "link", "add", LINK, "type", "dummy")
            except subprocess.CalledProcessError:
                # No dummy driver here (a container's kernel): a veth pair, both ends inside.
                _ip("-n", self.name, "link", "add", LINK, "type", "veth", "peer", "name", PEER)
                _ip("-n", self.name, "link", "set", PEER, "up")
            _ip("-n", self.name, "address", "add", ADDRESS, "dev", LINK)
            _ip("-n", self.name, "link", "set", LINK, "up")
            self._linked = True
        _ip("-n", self.name, "route", "add", "default", "via", GATEWAY, "dev", LINK)

    def offline(self) -> None:
        """No default route (the link and its address stay: a LAN without a gateway)."""
        _ip("-n", self.name, "route", "del", "default")

    def call(self, function: Callable[[], T]) -> T:
        """``function()`` on a thread inside the namespace: the sockets it opens are the
        namespace's (its 127.0.0.1 is not the machine's)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, initializer=self._enter)
        return self._executor.submit(function).result(timeout=120)

    def _enter(self) -> None:
        # setns() moves only the calling thread: this executor's one thread.
        libc = ctypes.CDLL(None, use_errno=True)
        descriptor = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            if libc.setns(descriptor, _CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns")
        finally:
            os.close(descriptor)

    def pids(self) -> list[int]:
        done = subprocess.run(
            [IP, "netns", "pids", self.name], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in done.stdout.split()]

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        # Only processes this test started are inside its namespace.
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        subprocess.run([IP, "netns", "del", self.name], capture_output=True, check=False)
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def network_namespace() -> Iterator[Namespace]:
    """A fresh network namespace, offline, deleted with everything inside it at the end."""
    namespace = Namespace(f"orotest-{os.getpid()}-{secrets.token_hex(3)}")
    _ip("netns", "add", namespace.name)
    try:
        # No IPv6: a new link's IPv6 address settles a second after it is up (duplicate address
        # detection), and Chromium (QtWebEngine) fails the requests it has in flight when an
        # address changes (ERR_NETWORK_CHANGED), which would race the page's first loads.
        subprocess.run(
            [*namespace.command("sysctl", "-q", "-w"), *_NO_IPV6],
            check=True,
            capture_output=True,
            timeout=30,
        )
        _ip("-n", namespace.name, "link", "set", "lo", "up")
        yield namespace
    finally:
        namespace.close()
