"""The host's GeoClue2 client on the system bus, and the pages' watches it feeds.

Positions come from GeoClue2 over D-Bus (jeepney on the host's loop): ``Manager.CreateClient``,
the client's ``DesktopId`` (the app's bundle identifier) and ``RequestedAccuracyLevel``,
``Start``, then each ``LocationUpdated`` signal names a ``Location`` object whose properties are
the position. One GeoClue client serves every caller of the host while someone waits for a
position or watches (GeoClue says when the position changes; a second client would only say
the same), and is stopped and deleted when nobody does. No system bus, no GeoClue on it, or
GeoClue waiting for a location agent that never answers is ``POSITION_UNAVAILABLE`` with the
reason.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, final

import anyio
import anyio.abc
import trio

from oro_desktop.positions import GeolocationPositionError, Position, unavailable
from oro_framework import Host, LazyModule, MetaSettings

if TYPE_CHECKING:
    from jeepney import Message  # type: ignore[import-untyped]

# D-Bus (jeepney, ~5 ms) imports with a page's first position, not with every launch.
jeepney = LazyModule("jeepney")
jeepney_trio = LazyModule("jeepney.io.trio")

__all__ = ["GeoClue", "Listener"]

logger = logging.getLogger("oro_desktop.geolocation")

CONNECT_TIMEOUT: Final = 5.0
CALL_TIMEOUT: Final = 5.0
"""Seconds one GeoClue call may take. GeoClue holds ``CreateClient`` until a location agent of
the user (the desktop's: GNOME Shell, KDE's...) is there: without one, this ends the wait."""
SIGNAL_BUFFER: Final = 256
SYSTEM_BUS: Final = "unix:path=/run/dbus/system_bus_socket"

GEOCLUE: Final = "org.freedesktop.GeoClue2"
_CLIENT: Final = f"{GEOCLUE}.Client"
_LOCATION: Final = f"{GEOCLUE}.Location"
ACCURACY_EXACT: Final = 8
"""``GCLUE_ACCURACY_LEVEL_EXACT``. GeoClue starts only the sources whose accuracy is at most the
level asked, so a lower level would leave a machine whose one source is a GPS without any
position; the page already holds the location permission, and the web's
``enableHighAccuracy`` is a hint."""


@functools.cache
def _manager() -> Any:
    return jeepney.DBusAddress(
        "/org/freedesktop/GeoClue2/Manager", bus_name=GEOCLUE, interface=f"{GEOCLUE}.Manager"
    )


@functools.cache
def _updates() -> Any:
    return jeepney.MatchRule(type="signal", interface=_CLIENT, member="LocationUpdated")


@functools.cache
def _owner() -> Any:
    rule = jeepney.MatchRule(
        type="signal",
        sender="org.freedesktop.DBus",
        interface="org.freedesktop.DBus",
        member="NameOwnerChanged",
    )
    rule.add_arg_condition(0, GEOCLUE)
    return rule


_ABSENT: Final = frozenset(
    {
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
    }
)
_INSTALL: Final = (
    "install and run GeoClue (Debian's geoclue-2.0) on the system bus, with a location agent "
    "for this user (the desktop's own)"
)


Listener = Callable[[Position | GeolocationPositionError], None]


@final
class GeoClue:
    """The host's GeoClue client and the pages' watches (``host.stash[GEOLOCATION]``)."""

    def __init__(self, host: Host) -> None:
        self._host = host
        self._tasks: anyio.abc.TaskGroup | None = None
        self._router: Any = None
        self._connecting = anyio.Lock()
        self._client: str | None = None
        self._location: Position | None = None
        self.last: Position | None = None
        self._listeners: dict[object, Listener] = {}
        self.watches: dict[tuple[int, int], object] = {}
        self.updates = 0

    @property
    def address(self) -> str:
        # The host's environment, not os.environ: each host (a test's too) has its own.
        return self._host.environ.get("DBUS_SYSTEM_BUS_ADDRESS") or SYSTEM_BUS

    @property
    def desktop_id(self) -> str:
        return self._host.settings(MetaSettings).bundle_identifier or "oro-app"

    async def run(self, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        """The service: holds the connection's tasks; connects when first asked."""
        try:
            async with anyio.create_task_group() as tasks:
                self._tasks = tasks
                task_status.started()
                await anyio.sleep_forever()
        finally:
            self._tasks = None
            self._router = None

    # ---------------------------------------------------------------------------------------
    # Positions
    # ---------------------------------------------------------------------------------------

    def cached(self, maximum_age_ms: int) -> Position | None:
        """The last position if it is at most ``maximum_age_ms`` old (the page's maximumAge)."""
        last = self.last
        if last is None or maximum_age_ms <= 0:
            return None
        return last if time.time() * 1000 - last.timestamp <= maximum_age_ms else None

    async def next_position(self) -> Position:
        """GeoClue's position: the running client's current one, else its first fix."""
        got: list[Position | GeolocationPositionError] = []
        arrived = anyio.Event()
        key = object()

        def listen(what: Position | GeolocationPositionError) -> None:
            got.append(what)
            arrived.set()

        await self.listen(key, listen)
        try:
            await arrived.wait()
        finally:
            await self.forget(key)
        if isinstance(got[0], GeolocationPositionError):
            raise got[0]
        return got[0]

    async def listen(self, key: object, listener: Listener) -> None:
        """Call ``listener`` with each position (the current one first, when known) until
        :meth:`forget`; a GeoClue that cannot be reached raises ``POSITION_UNAVAILABLE``."""
        self._listeners[key] = listener
        try:
            await self._start()
        except BaseException:
            await self.forget(key)
            raise
        if self._location is not None:
            listener(self._location)

    async def forget(self, key: object) -> None:
        self._listeners.pop(key, None)
        if not self._listeners:
            await self._stop()

    # ---------------------------------------------------------------------------------------
    # GeoClue
    # ---------------------------------------------------------------------------------------

    async def _start(self) -> None:
        async with self._connecting:
            if self._client is not None and self._router is not None:
                return
            router = await self._connect()
            (client,) = await self._call(
                router, jeepney.new_method_call(_manager(), "CreateClient")
            )
            address = jeepney.DBusAddress(client, bus_name=GEOCLUE, interface=_CLIENT)
            properties = jeepney.Properties(address)
            await self._call(router, properties.set("DesktopId", "s", self.desktop_id))
            await self._call(router, properties.set("RequestedAccuracyLevel", "u", ACCURACY_EXACT))
            self._client = str(client)
            self._location = None
            try:
                await self._call(router, jeepney.new_method_call(address, "Start"))
            except GeolocationPositionError:
                self._client = None
                raise
            logger.info("geolocation: GeoClue client %s started", client)

    async def _stop(self) -> None:
        client, router = self._client, self._router
        self._client = None
        self._location = None
        if client is None or router is None:
            return
        address = jeepney.DBusAddress(client, bus_name=GEOCLUE, interface=_CLIENT)
        # Shielded: a page that goes away mid-call must not leave GeoClue's client running.
        with anyio.CancelScope(shield=True), anyio.move_on_after(CALL_TIMEOUT):
            for message in (
                jeepney.new_method_call(address, "Stop"),
                jeepney.new_method_call(_manager(), "DeleteClient", "o", (client,)),
            ):
                try:
                    await self._call(router, message)
                except GeolocationPositionError as error:
                    logger.info("geolocation: stopping %s: %s", client, error.message)

    async def _connect(self) -> Any:
        if self._router is not None:
            return self._router
        tasks = self._tasks
        if tasks is None:
            raise unavailable("the geolocation service is not running")
        router = await tasks.start(self._serve)
        return router

    async def _serve(self, *, task_status: anyio.abc.TaskStatus[Any]) -> None:
        """Connect to the system bus, subscribe to ``LocationUpdated``, hand the router over,
        then dispatch signals until the connection ends."""
        try:
            with anyio.fail_after(CONNECT_TIMEOUT):
                connection = await jeepney_trio.open_dbus_connection(self.address)
        except Exception as error:
            # A bad address, a refused socket, failed authentication, no answer: no bus.
            logger.info("geolocation: cannot connect to %s: %r", self.address, error)
            raise unavailable(f"cannot connect to the system bus {self.address!r}") from None
        send, receive = trio.open_memory_channel[Any](SIGNAL_BUFFER)
        started = False
        try:
            async with connection, connection.router() as router:
                await self._call(router, jeepney.message_bus.AddMatch(_updates()))
                # GeoClue going away (a crash, a restart) ends its clients: the pages must hear
                # it rather than wait for updates that will never come.
                await self._call(router, jeepney.message_bus.AddMatch(_owner()))
                router.filter(_updates(), channel=send)
                router.filter(_owner(), channel=send)
                self._router = router
                task_status.started(router)
                started = True
                async for message in receive:
                    await self._dispatch(router, message)
        except Exception as error:
            if not started:
                raise
            logger.info("geolocation: the system bus connection ended: %r", error)
        finally:
            self._router = None
            self._client = None
            if started:
                self._fail_all(unavailable("the connection to the system bus was lost"))

    async def _dispatch(self, router: Any, message: Message) -> None:
        if message.header.fields.get(jeepney.HeaderFields.member) == "NameOwnerChanged":
            if self._client is not None:
                logger.warning("geolocation: GeoClue left the system bus; its client is gone")
                self._client = None
                self._location = None
                self._fail_all(unavailable("GeoClue left the system bus"))
            return
        path = message.header.fields.get(jeepney.HeaderFields.path)
        if self._client is None or path != self._client:
            return
        try:
            _old, new = message.body
            location = jeepney.DBusAddress(str(new), bus_name=GEOCLUE, interface=_LOCATION)
            (properties,) = await self._call(router, jeepney.Properties(location).get_all())
            position = Position.from_properties(properties)
        except (GeolocationPositionError, TypeError, ValueError) as error:
            logger.warning("geolocation: an unreadable location from GeoClue: %r", error)
            return
        if self._client != path:
            return
        self._location = self.last = position
        self.updates += 1
        for listener in list(self._listeners.values()):
            listener(position)

    def _fail_all(self, error: GeolocationPositionError) -> None:
        listeners = list(self._listeners.values())
        self._listeners.clear()
        # Told first (each watch's listener sends its page the error), then forgotten.
        for listener in listeners:
            listener(error)
        self.watches.clear()

    async def _call(self, router: Any, message: Message) -> tuple[Any, ...]:
        member = message.header.fields.get(jeepney.HeaderFields.member)
        try:
            with anyio.fail_after(CALL_TIMEOUT):
                reply = await router.send_and_get_reply(message)
        except TimeoutError:
            raise unavailable(
                f"GeoClue did not answer {member} within {CALL_TIMEOUT:g} s (it waits for a "
                "location agent of this user: the desktop's own)"
            ) from None
        except Exception:
            raise unavailable("the connection to the system bus was lost") from None
        if reply.header.message_type is jeepney.MessageType.error:
            name = str(reply.header.fields.get(jeepney.HeaderFields.error_name, ""))
            detail = str(reply.body[0]) if reply.body else name
            if name in _ABSENT:
                raise unavailable(f"GeoClue ({GEOCLUE}) is not on the system bus; {_INSTALL}")
            raise unavailable(f"GeoClue refused {member}: {detail}")
        body: tuple[Any, ...] = tuple(reply.body)
        return body

    # ---------------------------------------------------------------------------------------
    # Watches
    # ---------------------------------------------------------------------------------------

    def page_closed(self, window: int) -> None:
        for key in [key for key in self.watches if key[0] == window]:
            self.drop_watch(key)

    def drop_watch(self, key: tuple[int, int]) -> None:
        """End watch ``key`` (window, the page's id), if there is one."""
        token = self.watches.pop(key, None)
        if token is not None and self._tasks is not None:
            self._tasks.start_soon(self.forget, token)

    def diagnostics(self) -> dict[str, Any]:
        return {
            "connected": self._router is not None,
            "running": self._client is not None,
            "watches": len(self.watches),
            "updates": self.updates,
        }
