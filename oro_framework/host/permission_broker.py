"""The one place that decides what a page may use of the web platform's powerful features:
the camera, the microphone, the screen, the location, notifications.

Both web engines ask the app about them (WebKitGTK's ``permission-request``, QtWebEngine's
feature permissions); Oro's own routes do too (``geolocation.*``, ``permissions.request``).
Every such question comes here, as a :class:`PermissionRequest` for one origin and one or more
kinds, and is answered in this order:

1. **Config.** ``permissions.allow_<kind>`` false (or, for the camera and the microphone, the
   Socket umbrella ``permissions.allow_user_media``) denies, as the Oro Runtime does; a kind
   no plugin declares is denied. Notifications are the config's alone (:data:`UNASKED`).
2. **The app.** ``oro_permission_request`` (a plugin, or the app's ``backend.py``) may grant
   or deny (:mod:`oro_framework.hookspecs`).
3. **What the user said.** A decision the user asked to remember (kept per app, origin and
   kind in ``permissions.json`` in the app's data folder, reset with ``oro config
   permissions --reset``), else one given earlier in this run.
4. **The user.** A native prompt over the asking window (as the Oro Runtime's
   ``gtk_message_dialog`` "<title> would like access to your camera."). No window that can
   show one (headless, the window gone): denied.

Until an answer comes nothing is granted; a page asking twice while a prompt is open waits for
the same prompt. Every change of a kind's state is emitted to the pages as Oro's
``permissionchange`` event, ``{name, state}``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, final

import anyio

from oro_framework.host.errors import IPCError, NotSupportedError
from oro_framework.host.permissions import PERMISSION_KINDS

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "STORE_NAME",
    "PermissionAnswer",
    "PermissionBroker",
    "PermissionRequest",
    "PermissionState",
    "read_decisions",
    "reset_decisions",
]

logger = logging.getLogger("oro_framework.permissions")

MEDIA: Final = frozenset({"camera", "microphone"})
"""The kinds Socket's ``permissions_allow_user_media`` also switches off."""

UMBRELLA: Final = "user_media"

UNASKED: Final = frozenset({"notifications"})
"""The kinds the config grants without asking the user: oro-desktop shows notifications through
the desktop's notification service, which the user controls, and its ``Notification.permission``
is ``granted`` unless ``permissions.allow_notifications`` is false; the engine's answer agrees."""

STORE_NAME: Final = "permissions.json"
"""The file in the app's data folder that keeps the decisions the user asked to remember."""

APP_SITE: Final = "app"
"""How the app's own origin is kept: its port changes with every launch."""

State = Literal["granted", "denied", "prompt"]


@final
@dataclass(frozen=True)
class PermissionRequest:
    """What a page asks for.

    :ivar kinds: one or more of :data:`PERMISSION_KINDS` (a call for the camera and the
        microphone at once asks once for both).
    :ivar origin: the page's origin as the engine or the transport reports it.
    :ivar window: the asking window's index (proven by the host), ``None`` when not a window.
    :ivar site: the origin as decisions are kept: ``"app"`` for the app's own.
    """

    kinds: tuple[str, ...]
    origin: str
    window: int | None
    site: str


@final
@dataclass(frozen=True)
class PermissionAnswer:
    """What the user answered a prompt: allowed or not, and whether to remember it."""

    allowed: bool
    remember: bool = False


@final
@dataclass(frozen=True)
class PermissionState:
    """A kind's state for one origin, as ``permissions.query`` answers it."""

    name: str
    state: State
    reason: str | None = None

    def to_json(self) -> dict[str, str]:
        answer = {"name": self.name, "state": self.state}
        if self.reason is not None:
            answer["reason"] = self.reason
        return answer


@dataclass(eq=False)
class _Asking:
    """A prompt on screen: later requests for the same window, site and kinds wait for it."""

    done: anyio.Event = field(default_factory=anyio.Event)
    allowed: bool = False


@final
class PermissionBroker:
    """Decides :class:`PermissionRequest` s for one host (``host.permission_broker``)."""

    def __init__(self, host: Host) -> None:
        self._host = host
        self._this_run: dict[tuple[str, str], bool] = {}
        self._asking: dict[tuple[int | None, str, tuple[str, ...]], _Asking] = {}
        self._states: dict[tuple[str, str], State] = {}
        self._read: tuple[tuple[int, int] | None, dict[str, dict[str, str]]] = (None, {})

    # ---------------------------------------------------------------------------------------
    # Questions
    # ---------------------------------------------------------------------------------------

    def request(self, kinds: Iterable[str], origin: str, window: int | None) -> PermissionRequest:
        """A :class:`PermissionRequest` for ``kinds`` from a page of ``origin``.

        :raises NotSupportedError: a kind that is not one of :data:`PERMISSION_KINDS`.
        """
        asked = tuple(dict.fromkeys(kinds))
        unknown = [kind for kind in asked if kind not in PERMISSION_KINDS]
        if unknown or not asked:
            raise NotSupportedError(
                f"No permission prompt for {unknown or 'nothing'}", permission=",".join(unknown)
            )
        return PermissionRequest(asked, origin, window, self.site(origin))

    def site(self, origin: str) -> str:
        """``origin`` as decisions about it are kept: the app's own is :data:`APP_SITE`."""
        own = self._host.windows.origin
        lowered = origin.lower().rstrip("/")
        if own is not None and lowered == own.lower().rstrip("/"):
            return APP_SITE
        return lowered

    def state(self, kind: str, origin: str, window: int | None = None) -> PermissionState:
        """What a page of ``origin`` would get for ``kind`` now, without asking anyone."""
        request = self.request([kind], origin, window)
        disabled = self._disabled(kind)
        if disabled is not None:
            return PermissionState(kind, "denied", disabled)
        decided = self._app_decision(request)
        if decided is not None:
            return PermissionState(kind, "granted" if decided else "denied")
        if kind in UNASKED:
            return PermissionState(kind, "granted")
        known = self._known(kind, request.site)
        if known is None:
            return PermissionState(kind, "prompt")
        return PermissionState(kind, "granted" if known else "denied")

    async def decide(self, request: PermissionRequest) -> bool:
        """Whether ``request`` is granted: config, then the app, then what the user said, then
        the user (see the module). Never raises for a denial."""
        for kind in request.kinds:
            reason = self._disabled(kind)
            if reason is not None:
                logger.info("denied %s to %s: %s", kind, request.origin, reason)
                self._note(request.site, (kind,), allowed=False)
                return False
        decided = self._app_decision(request)
        if decided is not None:
            self._note(request.site, request.kinds, allowed=decided)
            return decided
        if UNASKED.issuperset(request.kinds):
            return True
        known = [self._known(kind, request.site) for kind in request.kinds]
        if all(answer is True for answer in known):
            return True
        if any(answer is False for answer in known):
            return False
        return await self._ask_once(request)

    # ---------------------------------------------------------------------------------------
    # Remembered decisions
    # ---------------------------------------------------------------------------------------

    @property
    def store(self) -> Path:
        """The file of remembered decisions."""
        return self._host.paths.data / STORE_NAME

    def forget(self, kinds: Iterable[str] | None = None, site: str | None = None) -> None:
        """Drop decisions (remembered and of this run) for ``kinds`` and ``site``, all when
        ``None``; pages hear the kinds that are back to ``prompt``."""
        wanted = set(kinds) if kinds is not None else None
        for key in [key for key in self._this_run if _matches(key, wanted, site)]:
            del self._this_run[key]
        reset_decisions(self.store, kinds=wanted, site=site)
        for key in [key for key in self._states if _matches(key, wanted, site)]:
            self._changed(key[0], key[1], "prompt")

    # ---------------------------------------------------------------------------------------
    # Internals
    # ---------------------------------------------------------------------------------------

    def _disabled(self, kind: str) -> str | None:
        names = [kind, UMBRELLA] if kind in MEDIA else [kind]
        for name in names:
            if name not in self._host.permissions:
                if name == UMBRELLA:
                    continue
                return f"No installed plugin declares the permission '{name}'"
            if not self._host.is_permission_allowed(name):
                return f"Runtime permission is disabled for '{name}'"
        return None

    def _app_decision(self, request: PermissionRequest) -> bool | None:
        decided = self._host.hooks.permission_request(self._host, request)
        return None if decided is None else bool(decided)

    def _remembered(self) -> dict[str, dict[str, str]]:
        """The store's decisions, read again only when the file changed (every permission
        query of every page asks): ``oro config permissions --reset`` reaches a running app."""
        try:
            stat = self.store.stat()
            version: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            version = None
        if version is None:
            return {}
        if self._read[0] != version:
            self._read = (version, read_decisions(self.store))
        return self._read[1]

    def _known(self, kind: str, site: str) -> bool | None:
        this_run = self._this_run.get((kind, site))
        if this_run is not None:
            return this_run
        remembered = self._remembered().get(site, {}).get(kind)
        return None if remembered is None else remembered == "granted"

    async def _ask_once(self, request: PermissionRequest) -> bool:
        key = (request.window, request.site, request.kinds)
        asking = self._asking.get(key)
        if asking is not None:
            await asking.done.wait()
            return asking.allowed
        asking = self._asking[key] = _Asking()
        try:
            answer = await self._ask(request)
            asking.allowed = answer is not None and answer.allowed
            if answer is not None:
                self._note(request.site, request.kinds, allowed=answer.allowed)
                if answer.remember:
                    remember_decisions(self.store, request.site, request.kinds, answer.allowed)
        finally:
            del self._asking[key]
            asking.done.set()
        return asking.allowed

    async def _ask(self, request: PermissionRequest) -> PermissionAnswer | None:
        if request.window is None:
            logger.info("denied %s to %s: no window to ask in", request.kinds, request.origin)
            return None
        title = str(self._host.config.get("meta.name", "") or "This app")
        wants = " and ".join(PERMISSION_KINDS[kind] for kind in request.kinds)
        source = "" if request.site == APP_SITE else f" ({request.origin})"
        question = f"{title}{source} would like to {wants}."
        try:
            return await self._host.windows.ask_permission(request.window, question)
        except IPCError as error:
            logger.info("denied %s to %s: %s", request.kinds, request.origin, error)
            return None

    def _note(self, site: str, kinds: Iterable[str], *, allowed: bool) -> None:
        for kind in kinds:
            self._this_run[(kind, site)] = allowed
            self._changed(kind, site, "granted" if allowed else "denied")

    def _changed(self, kind: str, site: str, state: State) -> None:
        if self._states.get((kind, site)) == state:
            return
        previous = self._states.get((kind, site))
        self._states[(kind, site)] = state
        if previous is None and state == "prompt":
            return
        self._host.emit("permissionchange", {"name": kind, "state": state})


def _matches(key: tuple[str, str], kinds: set[str] | None, site: str | None) -> bool:
    return (kinds is None or key[0] in kinds) and (site is None or key[1] == site)


# -------------------------------------------------------------------------------------------
# The store: {"<site>": {"<kind>": "granted" | "denied"}}
# -------------------------------------------------------------------------------------------


def read_decisions(store: Path) -> dict[str, dict[str, str]]:
    """The remembered decisions in ``store``; none when it is missing or unreadable (a broken
    file is reported once per read and left for the user, never granting anything)."""
    try:
        data: Any = json.loads(store.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        logger.warning("%s: ignored, not a permission store: %s", store, error)
        return {}
    if not isinstance(data, dict):
        return {}
    decisions: dict[str, dict[str, str]] = {}
    for site, kinds in data.items():
        if isinstance(site, str) and isinstance(kinds, dict):
            decisions[site] = {
                kind: state
                for kind, state in kinds.items()
                if kind in PERMISSION_KINDS and state in ("granted", "denied")
            }
    return decisions


def remember_decisions(store: Path, site: str, kinds: Iterable[str], allowed: bool) -> None:
    """Keep ``allowed`` for ``kinds`` of ``site`` in ``store`` (written whole, then renamed)."""
    decisions = read_decisions(store)
    for kind in kinds:
        decisions.setdefault(site, {})[kind] = "granted" if allowed else "denied"
    _write(store, decisions)


def reset_decisions(store: Path, *, kinds: set[str] | None = None, site: str | None = None) -> int:
    """Forget the remembered decisions for ``kinds`` of ``site`` (all when ``None``); how many
    were forgotten."""
    decisions = read_decisions(store)
    forgotten = 0
    for each in list(decisions):
        if site is not None and each != site:
            continue
        for kind in list(decisions[each]):
            if kinds is None or kind in kinds:
                del decisions[each][kind]
                forgotten += 1
        if not decisions[each]:
            del decisions[each]
    if forgotten:
        _write(store, decisions)
    return forgotten


def _write(store: Path, decisions: dict[str, dict[str, str]]) -> None:
    store.parent.mkdir(parents=True, exist_ok=True)
    partial = store.with_name(f".{store.name}.{os.getpid()}")
    partial.write_text(json.dumps(decisions, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    with contextlib.suppress(OSError):
        partial.chmod(0o600)
    partial.replace(store)
