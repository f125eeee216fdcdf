"""Debian's GeoClue (``geoclue-2.0``) as a real service on a private system-like bus, for the
geolocation tests.

- A ``dbus-daemon`` with a configuration of its own (``<type>system</type>``, every name and
  message allowed) whose address the app gets as ``DBUS_SYSTEM_BUS_ADDRESS``.
- ``/usr/libexec/geoclue`` in a private mount namespace (``unshare -m``, as root): only there is
  ``/etc/geoclue/geoclue.conf`` the test's own (bind-mounted over it), the machine's ``/etc`` is
  never touched. That configuration turns off every source but the network NMEA one, whose
  ``nmea-socket`` is a Unix socket the test serves: each ``$GPGGA`` sentence written there is a
  fix (Debian 12's GeoClue 2.6 has no static source; its NMEA socket works in 2.6 and 2.7 alike,
  and a new sentence is a new position, which a watch must hear). The app's desktop id is a
  system component (``system=true``): GeoClue asks no agent whether to let it in.
- A location agent (GeoClue answers no client before one of the user's is registered, as the
  desktop's would be): a small jeepney one that registers through ``Manager.AddAgent``.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from oro_framework.testing import session_bus, until

GEOCLUE = "/usr/libexec/geoclue"
AGENT_ID = "oro-test-agent"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:dir={directory}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

GEOCLUE_CONFIG = """[agent]
whitelist={agent}
[network-nmea]
enable=true
nmea-socket={nmea}
[3g]
enable=false
[cdma]
enable=false
[modem-gps]
enable=false
[wifi]
enable=false
url=http://127.0.0.1:9/
submit-data=false
[compass]
enable=false
{apps}"""

APP_CONFIG = "[{desktop_id}]\nallowed=true\nsystem=true\nusers=\n"

AGENT = """
import sys
from jeepney import DBusAddress, MatchRule, MessageType, message_bus, new_method_call
from jeepney import new_error, new_method_return
from jeepney.io.blocking import open_dbus_connection

connection = open_dbus_connection(sys.argv[1])
NAME = "org.freedesktop.GeoClue2"
manager = DBusAddress("/org/freedesktop/GeoClue2/Manager", bus_name=NAME,
                      interface="org.freedesktop.GeoClue2.Manager")
# GeoClue may not own its name yet: wait for it (NameOwnerChanged), then register.
owner = MatchRule(type="signal", interface="org.freedesktop.DBus", member="NameOwnerChanged")
owner.add_arg_condition(0, NAME)
connection.send_and_get_reply(message_bus.AddMatch(owner))
with connection.filter(owner) as appeared:
    if not connection.send_and_get_reply(message_bus.NameHasOwner(NAME)).body[0]:
        connection.recv_until_filtered(appeared, timeout=30)
# The agent's object must answer while AddAgent runs: GeoClue reads its properties then.
connection.send(new_method_call(manager, "AddAgent", "s", (sys.argv[2],)))
while True:
    message = connection.receive()
    header = message.header
    if header.message_type is MessageType.method_return:
        print("registered", flush=True)
        continue
    if header.message_type is MessageType.error:
        print("refused", message.body, flush=True)
        continue
    if header.message_type is not MessageType.method_call:
        continue
    member = header.fields.get(3)
    if member == "AuthorizeApp":
        connection.send(new_method_return(message, "bu", (True, message.body[1])))
    elif member == "GetAll":
        connection.send(new_method_return(message, "a{sv}", ({"MaxAccuracyLevel": ("u", 8)},)))
    elif member == "Get":
        connection.send(new_method_return(message, "v", (("u", 8),)))
    elif member == "Introspect":
        connection.send(new_method_return(message, "s", ("<node/>",)))
    else:
        connection.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod"))
"""


def sentence(latitude: float, longitude: float, altitude: float) -> bytes:
    """A ``$GPGGA`` fix now (GeoClue ignores one older than the last)."""
    now = datetime.datetime.now(datetime.UTC).strftime("%H%M%S.%f")[:9]

    def degrees(value: float, width: int, positive: str, negative: str) -> str:
        whole = int(abs(value))
        minutes = (abs(value) - whole) * 60
        return f"{whole:0{width}d}{minutes:07.4f},{positive if value >= 0 else negative}"

    body = (
        f"GPGGA,{now},{degrees(latitude, 2, 'N', 'S')},{degrees(longitude, 3, 'E', 'W')},"
        f"1,08,0.9,{altitude:.1f},M,46.9,M,,"
    )
    checksum = 0
    for character in body:
        checksum ^= ord(character)
    return f"${body}*{checksum:02X}\r\n".encode()


@dataclass
class NMEASource:
    """The Unix socket GeoClue's NMEA source reads: each connection gets the current fix at
    once, and every connection each new one."""

    path: Path
    position: tuple[float, float, float] = (48.8566, 2.3522, 35.0)
    connections: list[socket.socket] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self) -> socket.socket:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        server.listen(8)
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return server

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with self.lock:
                self.connections.append(connection)
                self._send(connection)

    def _send(self, connection: socket.socket) -> None:
        try:
            connection.sendall(sentence(*self.position))
        except OSError:
            self.connections.remove(connection)

    def move(self, latitude: float, longitude: float, altitude: float = 35.0) -> None:
        """The device moved: every connected reader gets the new fix."""
        with self.lock:
            self.position = (latitude, longitude, altitude)
            for connection in list(self.connections):
                self._send(connection)


@dataclass
class GeoClueBus:
    """The private system bus (``address``, for ``DBUS_SYSTEM_BUS_ADDRESS``) and its source."""

    address: str
    source: NMEASource
    service: subprocess.Popen[bytes] | None = None
    """GeoClue's process (``None`` on a bus without it)."""


def missing() -> list[str]:
    """What the machine lacks to run these tests (scripts/test installs it)."""
    needs = [("dbus-daemon", shutil.which("dbus-daemon")), ("unshare", shutil.which("unshare"))]
    found = [name for name, path in needs if path is None]
    if not Path(GEOCLUE).exists():
        found.append("geoclue-2.0 (/usr/libexec/geoclue)")
    if os.geteuid() != 0:
        found.append("root (a private mount namespace for GeoClue's configuration)")
    return found


@contextlib.contextmanager
def geoclue_bus(
    directory: Path, desktop_ids: list[str], *, geoclue: bool = True
) -> Iterator[GeoClueBus]:
    """A private system bus with GeoClue on it (``geoclue=False``: the bus alone, no GeoClue)
    serving ``desktop_ids`` without asking, and the agent."""
    directory.mkdir(parents=True, exist_ok=True)
    bus_config = directory / "bus.conf"
    bus_config.write_text(BUS_CONFIG.format(directory=directory))
    source = NMEASource(directory / "nmea.sock")
    apps = "".join(APP_CONFIG.format(desktop_id=each) for each in desktop_ids)
    config = directory / "geoclue.conf"
    config.write_text(GEOCLUE_CONFIG.format(agent=AGENT_ID, nmea=source.path, apps=apps))
    with session_bus(bus_config) as address, contextlib.closing(source.serve()):
        if not geoclue:
            yield GeoClueBus(address, source)
            return
        environ = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": address}
        log = (directory / "geoclue.log").open("wb")
        service = subprocess.Popen(
            [
                "unshare", "--mount", "--propagation", "private", "sh", "-c",
                'mount --bind "$1" /etc/geoclue/geoclue.conf && exec "$2" --timeout 0',
                "geoclue", str(config), GEOCLUE,
            ],
            env=environ, stdout=log, stderr=log,
        )  # fmt: skip
        agent = subprocess.Popen(
            [sys.executable, "-c", AGENT, address, AGENT_ID],
            env=environ, stdout=subprocess.PIPE, stderr=log, text=True,
        )  # fmt: skip
        try:
            assert agent.stdout is not None
            registered = until(agent.stdout.readline, "the agent registers with GeoClue", 30.0)
            assert registered.strip() == "registered", (registered, _tail(directory))
            yield GeoClueBus(address, source, service)
        finally:
            for process in (agent, service):
                process.terminate()
                process.wait(timeout=30)
            log.close()


def _tail(directory: Path) -> str:
    return (directory / "geoclue.log").read_text(errors="replace")[-2000:]
