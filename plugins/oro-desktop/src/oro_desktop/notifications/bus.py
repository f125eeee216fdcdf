"""A client of the session bus's ``org.freedesktop.Notifications`` service (the Desktop
Notifications Specification 1.2) over one jeepney connection on the host's trio loop.

D-Bus needs no window: this works the same in a headless app, as long as the environment names
a session bus (``DBUS_SESSION_BUS_ADDRESS``) on which a notification daemon runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final, final

import anyio
from jeepney import (  # type: ignore[import-untyped]
    DBusAddress,
    HeaderFields,
    MatchRule,
    Message,
    MessageType,
    message_bus,
    new_method_call,
)
from jeepney.io.common import RouterClosed  # type: ignore[import-untyped]

from oro_framework import NotSupportedError
from oro_framework.records import record

__all__ = [
    "CALL_TIMEOUT",
    "CONNECT_TIMEOUT",
    "NO_SERVICE",
    "ActionInvoked",
    "NotificationBus",
    "NotificationClosed",
    "Signal",
    "no_service",
]

logger = logging.getLogger("oro_desktop.notifications")

SERVICE: Final = "org.freedesktop.Notifications"
PATH: Final = "/org/freedesktop/Notifications"
ADDRESS: Final = DBusAddress(PATH, bus_name=SERVICE, interface=SERVICE)

CONNECT_TIMEOUT: Final = 5.0
"""Seconds to connect and authenticate to the session bus: a stale address must fail, not hang."""
CALL_TIMEOUT: Final = 5.0
"""Seconds one method call may take: a daemon that hangs fails the call instead of the page."""
SIGNAL_BUFFER: Final = 1024
"""Signals waiting to be handled. Other apps' notifications' signals arrive too when a daemon
broadcasts them; beyond this many waiting, jeepney drops the newest rather than grow."""

NO_SERVICE: Final = "ERR_NO_NOTIFICATION_SERVICE"
FAILED: Final = "ERR_NOTIFICATION_FAILED"
_FIX: Final = (
    "run a notification daemon on the session bus (one that owns org.freedesktop.Notifications: "
    "the desktop's own, or dunst, mako, notification-daemon...)"
)
# The bus answers these when nobody owns the name (and none can be activated for it).
_ABSENT: Final = frozenset(
    {
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.NoReply",
    }
)
# Every signal of the interface, matched locally without a sender: a signal's sender is the
# daemon's unique name, never the well-known one.
_SIGNALS: Final = MatchRule(type="signal", interface=SERVICE, path=PATH)


def no_service(why: str) -> NotSupportedError:
    """The error of every route when notifications cannot be shown here, naming the fix."""
    return NotSupportedError(
        f"Desktop notifications are not available: {why}; {_FIX}", code=NO_SERVICE
    )


@record
class NotificationClosed:
    """``NotificationClosed(id, reason)``: 1 expired, 2 dismissed by the user, 3 closed by
    ``CloseNotification``, 4 undefined."""

    dbus_id: int
    reason: int


@record
class ActionInvoked:
    """``ActionInvoked(id, action_key)``: ``default`` for a click on the notification itself."""

    dbus_id: int
    key: str


Signal = NotificationClosed | ActionInvoked


@final
class NotificationBus:
    """One connection to the session bus, subscribed to the service's two signals.

    :meth:`run` (a task of the desktop service) opens it and keeps it until :meth:`aclose` or
    until the bus goes away; calls made meanwhile share it. ``on_signal`` is called on the loop
    for each signal.
    """

    def __init__(self, address: str, on_signal: Callable[[Signal], None]) -> None:
        self._address = address
        self._on_signal = on_signal
        self._router: Any = None
        self._scope: anyio.CancelScope | None = None
        self._closed = False
        self.ready = anyio.Event()
        """Set once :meth:`run` is connected, or failed (then :attr:`failure` says why)."""
        self.failure = ""
        self.server: dict[str, str] | None = None
        self.capabilities: list[str] | None = None
        self.signals = 0

    @property
    def is_open(self) -> bool:
        return self._router is not None

    async def run(self) -> None:
        """Connect, subscribe, and dispatch signals until closed."""
        try:
            # One scope from the start: aclose() during the connection attempt stops it too.
            with anyio.CancelScope() as scope:
                self._scope = scope
                if not self._closed:
                    await self._run()
        finally:
            self._router = None
            if not self.failure:
                self.failure = "the connection to the session bus was closed"
            self.ready.set()

    async def _run(self) -> None:
        # trio and jeepney's trio transport import with the first notification, not with the
        # routes: declaring the plugin's permission (`oro config`) imports this module.
        import trio
        from jeepney.io.trio import open_dbus_connection  # type: ignore[import-untyped]

        try:
            with anyio.fail_after(CONNECT_TIMEOUT):
                connection = await open_dbus_connection(self._address)
        except TimeoutError:
            self.failure = f"the session bus did not answer within {CONNECT_TIMEOUT:g} s"
            return
        except Exception as error:
            # A bad address (RuntimeError/ValueError from jeepney), a refused socket (OSError),
            # failed authentication: all mean there is no usable session bus.
            logger.info("notifications: cannot connect to %s: %r", self._address, error)
            self.failure = f"cannot connect to the session bus {self._address!r} ({error})"
            return
        send, receive = trio.open_memory_channel[Message](SIGNAL_BUFFER)
        try:
            async with connection, connection.router() as router:
                with anyio.move_on_after(CALL_TIMEOUT) as subscribing:
                    await router.send_and_get_reply(message_bus.AddMatch(_SIGNALS))
                if subscribing.cancelled_caught:
                    self.failure = f"the session bus did not answer within {CALL_TIMEOUT:g} s"
                    return
                # Registered for the router's lifetime, never left: jeepney's receiver
                # closes the filters' channels as it stops, and a filter removed meanwhile
                # breaks its loop over them (RuntimeError: dictionary changed size).
                router.filter(_SIGNALS, channel=send)
                async with trio.open_nursery() as tasks:
                    self._router = router
                    self.ready.set()
                    tasks.start_soon(self._describe_server)
                    async for message in receive:
                        self._dispatch(message)
        except Exception as error:
            # The bus went away: jeepney's receiver task fails inside its nursery, so this
            # is an ExceptionGroup (EndOfChannel, BrokenResourceError...).
            logger.info("notifications: the session bus connection ended: %r", error)
            self.failure = "the connection to the session bus was lost"
        finally:
            self._router = None

    async def _describe_server(self) -> None:
        """Ask once what the daemon is and can do, for diagnostics; it may not be running yet."""
        try:
            name, vendor, version, spec = await self.call("GetServerInformation")
            self.server = {"name": name, "vendor": vendor, "version": version, "spec": spec}
            (self.capabilities,) = await self.call("GetCapabilities")
        except NotSupportedError:
            pass

    def _dispatch(self, message: Message) -> None:
        member = message.header.fields.get(HeaderFields.member)
        try:
            if member == "NotificationClosed":
                dbus_id, reason = message.body
                signal: Signal = NotificationClosed(int(dbus_id), int(reason))
            elif member == "ActionInvoked":
                dbus_id, key = message.body
                signal = ActionInvoked(int(dbus_id), str(key))
            else:
                return
        except (TypeError, ValueError):
            logger.warning("notifications: malformed %s signal %r ignored", member, message.body)
            return
        self.signals += 1
        try:
            self._on_signal(signal)
        except Exception:
            logger.exception("notifications: handling %r failed", signal)

    async def call(self, method: str, signature: str | None = None, *body: Any) -> tuple[Any, ...]:
        """The body of the service's answer to ``method(*body)``.

        :raises NotSupportedError: ``ERR_NO_NOTIFICATION_SERVICE`` when no daemon answers (none
            owns the name, the bus is gone, or the answer takes over :data:`CALL_TIMEOUT`);
            ``ERR_NOTIFICATION_FAILED`` when the daemon answers with an error.
        """
        import trio

        router = self._router
        if router is None:
            raise no_service(self.failure or "not connected to the session bus")
        message = new_method_call(ADDRESS, method, signature, body)
        try:
            with anyio.fail_after(CALL_TIMEOUT):
                reply = await router.send_and_get_reply(message)
        except TimeoutError:
            why = f"the service did not answer {method} within {CALL_TIMEOUT:g} s"
            raise no_service(why) from None
        except (RouterClosed, trio.BrokenResourceError, trio.ClosedResourceError):
            raise no_service("the connection to the session bus was lost") from None
        if reply.header.message_type is MessageType.error:
            name = str(reply.header.fields.get(HeaderFields.error_name, ""))
            detail = str(reply.body[0]) if reply.body else name
            if name in _ABSENT:
                raise no_service(f"nothing on the session bus provides {SERVICE} ({detail})")
            raise NotSupportedError(
                f"The notification service refused {method}: {detail}", code=FAILED, dbusError=name
            )
        body_out: tuple[Any, ...] = tuple(reply.body)
        return body_out

    async def notify(
        self,
        *,
        app_name: str,
        replaces_id: int,
        app_icon: str,
        summary: str,
        body: str,
        actions: list[str],
        hints: dict[str, tuple[str, Any]],
        expire_timeout: int,
    ) -> int:
        """``Notify``: the daemon's id of the notification shown (``replaces_id`` when it
        replaced that one)."""
        (dbus_id,) = await self.call(
            "Notify",
            "susssasa{sv}i",
            app_name,
            replaces_id,
            app_icon,
            summary,
            body,
            actions,
            hints,
            expire_timeout,
        )
        return int(dbus_id)

    async def close_notification(self, dbus_id: int) -> None:
        await self.call("CloseNotification", "u", dbus_id)

    async def aclose(self) -> None:
        """Close the connection (the app stops); :meth:`run` returns."""
        self._closed = True
        if self._scope is not None:
            self._scope.cancel()
        await anyio.lowlevel.checkpoint()

    def diagnostics(self) -> dict[str, Any]:
        return {
            "connected": self.is_open,
            "server": self.server,
            "capabilities": self.capabilities,
            "signals": self.signals,
            **({"failure": self.failure} if self.failure and not self.is_open else {}),
        }
