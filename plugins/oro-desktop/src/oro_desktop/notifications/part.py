"""The notifications part of oro-desktop: what the app shows through the session's
``org.freedesktop.Notifications`` daemon, and the events its pages get back.

Events, sent to the window whose page showed the notification (to every window when it was
shown from outside a page, over the HTTP bridge):

- ``notificationpresented`` ``{id}`` once the daemon accepted it (the ``Notify`` reply);
- ``notificationresponse`` ``{id, action}``: ``"default"`` for a click on the notification,
  the action's own id for one of its buttons, ``"dismiss"`` when the user closed it;
- ``notificationclose`` ``{id, reason}`` when it is gone: ``"expired"``, ``"dismissed"``,
  ``"closed"`` (``notification.close``), ``"replaced"`` (a new one with its tag or id) or
  ``"undefined"``; it leaves ``notification.list`` then.

The D-Bus connection is opened on first use, in the desktop service's task group, and kept until
the app stops. Nothing here needs a window: a headless app shows notifications the same way.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict, deque
from dataclasses import field
from typing import Any, Final, final

import anyio

from oro_desktop.notifications import CLOSE_EVENT, PRESENTED_EVENT, RESPONSE_EVENT
from oro_desktop.notifications.bus import (
    CONNECT_TIMEOUT,
    ActionInvoked,
    NotificationBus,
    NotificationClosed,
    Signal,
    no_service,
)
from oro_desktop.part import Spawn
from oro_desktop.settings import DesktopSettings
from oro_framework import (
    BuildSettings,
    Host,
    MetaSettings,
    NotFoundError,
    OutOfRangeError,
    Window,
)
from oro_framework.records import record

__all__ = [
    "CLOSE_EVENT",
    "PRESENTED_EVENT",
    "RESPONSE_EVENT",
    "NotificationSpec",
    "Notifications",
]

RATE_LIMITED: Final = "ERR_RATE_LIMITED"

_REASONS: Final = {1: "expired", 2: "dismissed", 3: "closed"}
_DISMISSED: Final = 2
_EARLY_SIGNALS: Final = 64
"""Signals kept for daemon ids not known yet: a signal may be handled before the ``Notify``
reply that tells which notification the id is (the two run as separate tasks)."""


@record
class NotificationSpec:
    """One notification as a page asked for it, checked (``routes.py`` builds it)."""

    title: str
    body: str = ""
    id: str | None = None
    tag: str = ""
    icon: str = ""
    """The page's ``icon`` as given (for ``list``)."""
    icon_uri: str = ""
    """What the daemon gets: a ``file://`` URI in the app's resources or an icon-theme name."""
    silent: bool = False
    require_interaction: bool = False
    timeout_ms: int | None = None
    actions: tuple[tuple[str, str], ...] = ()

    @property
    def expire_timeout(self) -> int:
        """``Notify``'s ``expire_timeout``: 0 never expires, -1 the daemon's default."""
        if self.require_interaction:
            return 0
        return -1 if self.timeout_ms is None else self.timeout_ms


@record(frozen=False, eq=False)
class _Shown:
    id: str
    dbus_id: int
    window: int | None
    spec: NotificationSpec
    acted: bool = field(default=False)

    def describe(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "id": self.id,
            "title": spec.title,
            "body": spec.body,
            "tag": spec.tag,
            "icon": spec.icon,
            "silent": spec.silent,
            "requireInteraction": spec.require_interaction,
            "actions": [{"action": key, "title": title} for key, title in spec.actions],
        }


@final
class Notifications:
    def __init__(self, host: Host, settings: DesktopSettings, spawn: Spawn) -> None:
        self._host = host
        self._settings = settings
        self._spawn = spawn
        self._bus: NotificationBus | None = None
        self._connecting: anyio.Lock | None = None
        self._shown: dict[str, _Shown] = {}
        self._by_dbus_id: dict[int, _Shown] = {}
        self._early: OrderedDict[int, list[Signal]] = OrderedDict()
        self._recent: deque[float] = deque()
        self._rate_limited = 0
        self._stopped = False

    # -- the routes -----------------------------------------------------------------------

    async def show(self, spec: NotificationSpec, *, window: int | None) -> str:
        """Show ``spec``; its id once the daemon accepted it."""
        # Counted before any D-Bus traffic: a flood of calls never reaches the daemon.
        self._admit()
        bus = await self._connect()
        notification_id = spec.id or str(uuid.uuid4())
        replaced = self._shown.get(notification_id) or self._tagged(spec.tag)
        dbus_id = await bus.notify(
            app_name=self._app_name(),
            replaces_id=0 if replaced is None else replaced.dbus_id,
            app_icon=spec.icon_uri or self._app_icon(),
            summary=spec.title,
            body=spec.body,
            actions=["default", "", *(part for action in spec.actions for part in action)],
            hints=self._hints(spec),
            expire_timeout=spec.expire_timeout,
        )
        if replaced is not None and self._forget(replaced) and replaced.id != notification_id:
            self._emit(replaced, CLOSE_EVENT, {"id": replaced.id, "reason": "replaced"})
        shown = _Shown(notification_id, dbus_id, window, spec)
        self._shown[notification_id] = shown
        self._by_dbus_id[dbus_id] = shown
        self._emit(shown, PRESENTED_EVENT, {"id": notification_id})
        for signal in self._early.pop(dbus_id, []):
            self._on_signal(signal)
        return notification_id

    async def close(self, notification_id: str) -> None:
        shown = self._shown.get(notification_id)
        if shown is None:
            raise NotFoundError(
                f"No notification '{notification_id}' is shown (closed already, or never shown)",
                id=notification_id,
            )
        bus = await self._connect()
        await bus.close_notification(shown.dbus_id)
        # The daemon also sends NotificationClosed; whichever comes first reports the close.
        if self._forget(shown):
            self._emit(shown, CLOSE_EVENT, {"id": shown.id, "reason": "closed"})

    def list(self) -> list[dict[str, Any]]:
        return [shown.describe() for shown in self._shown.values()]

    # -- the D-Bus connection -------------------------------------------------------------

    async def _connect(self) -> NotificationBus:
        if self._bus is not None and self._bus.is_open:
            return self._bus
        if self._connecting is None:
            self._connecting = anyio.Lock()
        async with self._connecting:
            if self._bus is not None and self._bus.is_open:
                return self._bus
            if self._stopped:
                raise no_service("the app is stopping")
            # The host's environment, not os.environ: each host (a test's too) has its own.
            address = self._host.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
            if not address:
                raise no_service("there is no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
            bus = NotificationBus(address, self._on_signal)
            self._bus = bus
            self._spawn(bus.run)
            with anyio.move_on_after(CONNECT_TIMEOUT * 2):
                await bus.ready.wait()
            if not bus.is_open:
                await bus.aclose()
                raise no_service(bus.failure or "the session bus did not answer in time")
            return bus

    def _on_signal(self, signal: Signal) -> None:
        shown = self._by_dbus_id.get(signal.dbus_id)
        if shown is None:
            # Another app's notification (daemons may broadcast signals), or one of ours whose
            # Notify reply is still on its way.
            self._early.setdefault(signal.dbus_id, []).append(signal)
            while len(self._early) > _EARLY_SIGNALS:
                self._early.popitem(last=False)
            return
        if isinstance(signal, ActionInvoked):
            shown.acted = True
            self._emit(shown, RESPONSE_EVENT, {"id": shown.id, "action": signal.key})
        elif isinstance(signal, NotificationClosed) and self._forget(shown):
            # A daemon closes a notification once its action ran: that is no dismissal.
            if signal.reason == _DISMISSED and not shown.acted:
                self._emit(shown, RESPONSE_EVENT, {"id": shown.id, "action": "dismiss"})
            reason = _REASONS.get(signal.reason, "undefined")
            self._emit(shown, CLOSE_EVENT, {"id": shown.id, "reason": reason})

    # -- helpers --------------------------------------------------------------------------

    def _admit(self) -> None:
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        limit = self._settings.notifications_per_second
        if len(self._recent) >= limit:
            self._rate_limited += 1
            retry_after = max(1, round((1.0 - (now - self._recent[0])) * 1000))
            raise OutOfRangeError(
                f"More than {limit} notifications in a second (desktop.notifications_per_second);"
                f" try again in {retry_after} ms",
                code=RATE_LIMITED,
                limit=limit,
                retryAfter=retry_after,
            )
        self._recent.append(now)

    def _tagged(self, tag: str) -> _Shown | None:
        if not tag:
            return None
        return next((shown for shown in self._shown.values() if shown.spec.tag == tag), None)

    def _forget(self, shown: _Shown) -> bool:
        """Take ``shown`` out of the list; whether it was still there."""
        if self._shown.get(shown.id) is not shown:
            return False
        del self._shown[shown.id]
        if self._by_dbus_id.get(shown.dbus_id) is shown:
            del self._by_dbus_id[shown.dbus_id]
        return True

    def _emit(self, shown: _Shown, name: str, detail: dict[str, Any]) -> None:
        self._host.emit(name, detail, window=shown.window)

    def _app_name(self) -> str:
        return self._host.settings(MetaSettings).name or self._host.app_dir.name

    def _app_icon(self) -> str:
        icon = self._host.settings(BuildSettings).icon
        if not icon:
            return ""
        path = (self._host.app_dir / icon).resolve()
        return path.as_uri() if path.is_file() else ""

    @staticmethod
    def _hints(spec: NotificationSpec) -> dict[str, tuple[str, Any]]:
        hints: dict[str, tuple[str, Any]] = {}
        if spec.icon_uri:
            hints["image-path"] = ("s", spec.icon_uri)
        if spec.silent:
            hints["suppress-sound"] = ("b", True)
        return hints

    # -- DesktopPart ----------------------------------------------------------------------

    def window_created(self, window: Window) -> None:
        pass

    def page_closed(self, window: int) -> None:
        # Desktop notifications outlive the page that showed them (a "download finished"
        # should stay); their events go to whatever page the window shows next.
        pass

    async def stop(self) -> None:
        self._stopped = True
        if self._bus is not None:
            await self._bus.aclose()

    def diagnostics(self) -> dict[str, Any]:
        return {
            "handles": {"count": len(self._shown), "ids": sorted(self._shown)},
            # Which of the daemon's notifications each is, to find it in `dbus-monitor`.
            "daemonIds": {shown.id: shown.dbus_id for shown in self._shown.values()},
            "rateLimited": self._rate_limited,
            "bus": None if self._bus is None else self._bus.diagnostics(),
        }
