"""A real Secret Service for the tests: Debian's ``gnome-keyring-daemon`` on a private session
bus, with its files under a temporary home.

The bus is ``dbus-daemon`` with a configuration of its own rather than the session default: the
default one would start the machine's ``gnome-keyring-daemon`` on demand (D-Bus activation,
``/usr/share/dbus-1/services``) with the real home directory, and a test that wants no Secret
Service would get one. The keyring daemon reads the login password on stdin, so the login
keyring is created and unlocked without a prompt; the tests wait for its bus name to appear
(the bus's ``NameOwnerChanged`` signal), never for a fixed time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import secretstorage
from jeepney import (
    DBusAddress,
    HeaderFields,
    MatchRule,
    MessageType,
    message_bus,
    new_method_call,
)
from jeepney.io.blocking import Proxy, open_dbus_connection

from oro_framework.testing import session_bus

SERVICE = "org.freedesktop.secrets"
HANG_GUARD = 60.0
"""Bounds a failing wait only; nothing here is timed."""
PASSWORD = "login password of the test user"

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={directory}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def require(program: str) -> str:
    """The path of ``program``; a missing one fails the test (scripts/test installs them)."""
    path = shutil.which(program)
    assert path is not None, (
        f"{program} is not installed (apt-get install gnome-keyring libsecret-tools dbus)"
    )
    return path


@contextmanager
def private_bus(directory: Path) -> Iterator[str]:
    """A session bus that activates nothing, listening in ``directory``; yields its address."""
    require("dbus-daemon")
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "bus.conf"
    config.write_text(_BUS_CONFIG.format(directory=directory), encoding="utf-8")
    with session_bus(config) as address:
        yield address


class Keyring:
    """gnome-keyring-daemon (secrets only) serving the bus at ``address``, its files under
    ``home``; :meth:`stop` and :meth:`start` take it away and bring it back on the same files."""

    def __init__(self, address: str, home: Path, runtime: Path) -> None:
        self.address = address
        self.home = home
        self.environ = {
            "DBUS_SESSION_BUS_ADDRESS": address,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_RUNTIME_DIR": str(runtime),
        }
        """What a program needs to reach this keyring (``secret-tool``, a host's ``environ``)."""
        self._daemon: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the daemon, which creates or unlocks the login keyring with :data:`PASSWORD`,
        and return once it owns its bus name."""
        with self._name_change(appears=True):
            self._daemon = subprocess.Popen(
                [
                    require("gnome-keyring-daemon"),
                    "--foreground",
                    "--unlock",
                    "--components=secrets",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **self.environ},
            )
            assert self._daemon.stdin is not None
            self._daemon.stdin.write(PASSWORD.encode())
            self._daemon.stdin.close()

    def stop(self) -> None:
        """Stop the daemon and return once its bus name is gone."""
        if self._daemon is None:
            return
        with self._name_change(appears=False):
            self._daemon.terminate()
            self._daemon.wait(timeout=HANG_GUARD)
        self._daemon = None

    @contextmanager
    def _name_change(self, *, appears: bool) -> Iterator[None]:
        """Run the block, then wait for the bus to say the Secret Service's name appeared (or
        went away)."""
        with closing(open_dbus_connection(self.address)) as watcher:
            rule = MatchRule(
                type="signal",
                sender="org.freedesktop.DBus",
                interface="org.freedesktop.DBus",
                member="NameOwnerChanged",
                path="/org/freedesktop/DBus",
            )
            rule.add_arg_condition(0, SERVICE)
            with watcher.filter(rule) as signals:
                bus = Proxy(message_bus, watcher, timeout=HANG_GUARD)
                bus.AddMatch(rule)
                yield
                # Already there (or gone: a daemon that died on its own took its name with it
                # before anyone listened), so no signal is coming.
                if bool(bus.NameHasOwner(SERVICE)[0]) == appears:
                    return
                while True:
                    signal = watcher.recv_until_filtered(signals, timeout=HANG_GUARD)
                    if bool(signal.body[2]) == appears:
                        return

    def secret_tool(
        self, *arguments: str, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``secret-tool`` (libsecret's own client) against this keyring: the outside view."""
        return subprocess.run(
            [require("secret-tool"), *arguments],
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **self.environ},
            timeout=HANG_GUARD,
            check=False,
        )

    @contextmanager
    def callers(self) -> Iterator[set[str]]:
        """Collect the bus name of every connection that calls the Secret Service while the
        block runs (a ``BecomeMonitor`` connection on the bus); the set is complete when the
        block ends."""
        callers: set[str] = set()
        with closing(open_dbus_connection(self.address)) as monitor:
            monitoring = DBusAddress(
                "/org/freedesktop/DBus",
                bus_name="org.freedesktop.DBus",
                interface="org.freedesktop.DBus.Monitoring",
            )
            rule = f"type='method_call',destination='{SERVICE}'"
            monitor.send_and_get_reply(
                new_method_call(monitoring, "BecomeMonitor", "asu", ([rule], 0)),
                timeout=HANG_GUARD,
            )
            yield callers
            # A last call from a connection of our own marks the end of what was seen.
            with closing(open_dbus_connection(self.address)) as marker:
                peer = DBusAddress(
                    "/org/freedesktop/secrets",
                    bus_name=SERVICE,
                    interface="org.freedesktop.DBus.Peer",
                )
                marker.send_and_get_reply(new_method_call(peer, "Ping"), timeout=HANG_GUARD)
                while True:
                    seen = monitor.receive(timeout=HANG_GUARD)
                    # A monitor is also told that it lost its own name: not a call.
                    if seen.header.message_type is not MessageType.method_call:
                        continue
                    sender = str(seen.header.fields[HeaderFields.sender])
                    if sender == marker.unique_name:
                        return
                    callers.add(sender)

    def alive(self) -> bool:
        """Whether the daemon is still running (a crash, SIGABRT, ends it)."""
        return self._daemon is not None and self._daemon.poll() is None

    def lock(self) -> None:
        """Lock every collection, as the user's "Lock keyring" does."""
        with closing(open_dbus_connection(self.address)) as connection:
            for collection in secretstorage.get_all_collections(connection):
                collection.lock()


@contextmanager
def gnome_keyring(base: Path) -> Iterator[Keyring]:
    """gnome-keyring-daemon on a private bus, with a fresh home under ``base`` and an unlocked
    login keyring as the default collection."""
    home = base / "home"
    home.mkdir(parents=True, exist_ok=True)
    # The bus's and the daemon's Unix sockets live in a short directory of their own: a socket's
    # path is at most 108 bytes, which a test's tmp_path under an xdist worker's basetemp
    # (/tmp/pytest-of-root/pytest-N/popen-gw0/<test name>0/...) passed, and dbus-daemon then
    # did not start. mkdtemp's mode is 0700, as XDG_RUNTIME_DIR must be.
    with tempfile.TemporaryDirectory(prefix="oro-keyring-") as short:
        runtime = Path(short) / "runtime"
        runtime.mkdir(mode=0o700)
        with private_bus(Path(short) / "bus") as address:
            keyring = Keyring(address, home, runtime)
            keyring.start()
            try:
                yield keyring
            finally:
                keyring.stop()
