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
   kind in ``permissions.json`` in the app's state folder, which no page reaches, reset with
   ``oro config permissions --reset``), else one given earlier in this run. The store is read
   off the event loop, at most :data:`STORE_LIMIT` bytes of a 0600 file of the user's own
   (:mod:`oro_framework.host.private_files`): anything else is ignored with one warning and
   grants nothing.
4. **The user.** A native prompt over the asking window (as the Oro Runtime's
   ``gtk_message_dialog`` "<title> would like access to your camera."). No window that can
   show one (headless, the window gone): denied.

**A frame of another origin** embedded in a window's page (an ``<iframe allow="camera">`` of
another site) is judged by its own origin (:attr:`PermissionRequest.embedder`): the config, then
the app; nobody else grants it (no remembered decision, no prompt), so it is denied unless the
app grants that origin. An engine that cannot tell which frame asked (WebKitGTK) names the
origins of the page's frames: :meth:`PermissionBroker.decide_in_page` grants only what it would
grant each of them.

Until an answer comes nothing is granted. One prompt at a time per window and kind: a request
for a kind a prompt over its window is open for waits for that answer, then asks (in a prompt
of its own) only about the kinds still undecided, so a page asking in a loop, or for the camera
alone and then the camera and the microphone, shows one prompt per kind. Every change of a
kind's state is emitted to the pages as Oro's ``permissionchange`` event, ``{name, state}``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, final

import anyio
import trio

from oro_framework.host.builtin_settings import MetaSettings
from oro_framework.host.errors import IPCError, NotSupportedError
from oro_framework.host.permissions import PERMISSION_KINDS
from oro_framework.host.private_files import load_private_json, write_private
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "CHANGE_EVENT",
    "STORE_LIMIT",
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
"""The file in the app's state folder that keeps the decisions the user asked to remember."""

STORE_LIMIT: Final = 64 * 1024
"""The largest store read (some 500 sites): a larger one is no store the host wrote."""

_EMBEDDED: Final = "a frame of another origin gets only what the app grants it"

APP_SITE: Final = "app"
"""How the app's own origin is kept: its port changes with every launch."""

CHANGE_EVENT: Final = "permissionchange"
"""The page event every page gets when a kind's state changes, Oro's ``{name, state}``."""

State = Literal["granted", "denied", "prompt"]


@final
@record
class PermissionRequest:
    """What a page asks for.

    :ivar kinds: one or more of :data:`PERMISSION_KINDS` (a call for the camera and the
        microphone at once asks once for both).
    :ivar origin: the page's origin as the engine or the transport reports it.
    :ivar window: the asking window's index (proven by the host), ``None`` when not a window.
    :ivar site: the origin as decisions are kept: ``"app"`` for the app's own.
    :ivar embedder: the origin of the window's page when a frame of another origin embedded
        in it asks (``origin`` is then the frame's); ``None`` when the page itself asks.
    """

    kinds: tuple[str, ...]
    origin: str
    window: int | None
    site: str
    embedder: str | None = None


@final
@record
class PermissionAnswer:
    """What the user answered a prompt: allowed or not, and whether to remember it."""

    allowed: bool
    remember: bool = False


@final
@record
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


@final
class _Asking:
    """A prompt on screen: later requests of its window for any of its kinds wait for it."""

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.allowed = False


@final
class PermissionBroker:
    """Decides :class:`PermissionRequest` s for one host (``host.permission_broker``)."""

    def __init__(self, host: Host) -> None:
        self._host = host
        self._this_run: dict[tuple[str, str], bool] = {}
        self._asking: dict[tuple[int | None, str], _Asking] = {}
        self._states: dict[tuple[str, str], State] = {}
        self._read: tuple[tuple[int, int, int] | None, dict[str, dict[str, str]]] = (None, {})
        adopt_denials(host.paths.data / STORE_NAME, self.store)

    # ---------------------------------------------------------------------------------------
    # Questions
    # ---------------------------------------------------------------------------------------

    def request(
        self,
        kinds: Iterable[str],
        origin: str,
        window: int | None,
        embedder: str | None = None,
    ) -> PermissionRequest:
        """A :class:`PermissionRequest` for ``kinds`` from a page of ``origin``, or from a frame
        of ``origin`` in a page of ``embedder`` (the same site as ``origin``: the page's own).

        :raises NotSupportedError: a kind that is not one of :data:`PERMISSION_KINDS`.
        """
        asked = tuple(dict.fromkeys(kinds))
        unknown = [kind for kind in asked if kind not in PERMISSION_KINDS]
        if unknown or not asked:
            raise NotSupportedError(
                f"No permission prompt for {unknown or 'nothing'}", permission=",".join(unknown)
            )
        # QtWebEngine writes an origin as a URL (``http://127.0.0.1:8000/``).
        origin = origin.rstrip("/")
        site = self.site(origin)
        if embedder is not None and self.site(embedder) == site:
            embedder = None
        return PermissionRequest(asked, origin, window, site, embedder and embedder.rstrip("/"))

    def site(self, origin: str) -> str:
        """``origin`` as decisions about it are kept: the app's own is :data:`APP_SITE`."""
        own = self._host.windows.origin
        lowered = origin.lower().rstrip("/")
        if own is not None and lowered == own.lower().rstrip("/"):
            return APP_SITE
        return lowered

    async def state(
        self, kind: str, origin: str, window: int | None = None, embedder: str | None = None
    ) -> PermissionState:
        """What a page of ``origin`` (a frame in a page of ``embedder``) would get for ``kind``
        now, without asking anyone."""
        request = self.request([kind], origin, window, embedder)
        await self._refresh()
        disabled = self._disabled(kind)
        if disabled is not None:
            return PermissionState(kind, "denied", disabled)
        decided = self._app_decision(request)
        if decided is not None:
            return PermissionState(kind, "granted" if decided else "denied")
        if request.embedder is not None:
            return PermissionState(kind, "denied", _EMBEDDED)
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
                self._note(request, (kind,), allowed=False)
                return False
        decided = self._app_decision(request)
        if decided is not None:
            self._note(request, request.kinds, allowed=decided)
            return decided
        if request.embedder is not None:
            logger.info(
                "denied %s to %s, a frame in a page of %s: %s",
                ", ".join(request.kinds),
                request.origin,
                request.embedder,
                _EMBEDDED,
            )
            return False
        if UNASKED.issuperset(request.kinds):
            return True
        await self._refresh()
        known = [self._known(kind, request.site) for kind in request.kinds]
        if all(answer is True for answer in known):
            return True
        if any(answer is False for answer in known):
            return False
        return await self._ask_once(request)

    async def decide_in_page(
        self,
        kinds: Iterable[str],
        origin: str,
        window: int | None,
        *,
        page: str | None = None,
        frames: Iterable[str] = (),
    ) -> bool:
        """Whether an engine's request for ``kinds`` from a frame of ``origin`` in window
        ``window``'s page of ``page`` (``None``: ``origin``'s) is granted. ``frames`` are the
        origins of other frames in the page when the engine cannot tell which one asked: each
        must be granted too, as a frame embedded in the page. They are decided first, so that
        the user is asked only once none of them is denied (they are never asked about).

        :raises NotSupportedError: a kind that is not one of :data:`PERMISSION_KINDS`.
        """
        kinds = tuple(kinds)
        top = page if page is not None else origin
        for frame in dict.fromkeys(frames):
            embedded = self.request(kinds, frame, window, embedder=top)
            if embedded.embedder is not None and not await self.decide(embedded):
                return False
        return await self.decide(self.request(kinds, origin, window, embedder=page))

    # ---------------------------------------------------------------------------------------
    # Remembered decisions
    # ---------------------------------------------------------------------------------------

    @property
    def store(self) -> Path:
        """The file of remembered decisions."""
        return self._host.paths.state / STORE_NAME

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

    async def _refresh(self) -> None:
        """Read the store again when it changed (every permission query of every page asks):
        ``oro config permissions --reset`` reaches a running app. In a worker thread: however
        the file came to be, it never holds up the loop."""
        try:
            stat = self.store.stat()
            version: tuple[int, int, int] | None = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            version = None
        if version is None:
            self._read = (None, {})
        elif self._read[0] != version:
            decisions = await anyio.to_thread.run_sync(read_decisions, self.store)
            self._read = (version, decisions)

    def _remembered(self) -> dict[str, dict[str, str]]:
        """The store's decisions as last read (:meth:`_refresh`)."""
        return self._read[1]

    def _known(self, kind: str, site: str) -> bool | None:
        this_run = self._this_run.get((kind, site))
        if this_run is not None:
            return this_run
        remembered = self._remembered().get(site, {}).get(kind)
        return None if remembered is None else remembered == "granted"

    async def _ask_once(self, request: PermissionRequest) -> bool:
        while True:
            # A prompt over this window for one of these kinds is open: its answer first.
            waiting = self._open_prompt(request)
            if waiting is None:
                break
            await waiting.done.wait()
            known = [self._known(kind, request.site) for kind in request.kinds]
            if any(answer is False for answer in known):
                return False
            if all(answer is True for answer in known):
                return True
            undecided = tuple(
                kind for kind, answer in zip(request.kinds, known, strict=True) if answer is None
            )
            request = replace(request, kinds=undecided)
        asking = _Asking()
        keys = [(request.window, kind) for kind in request.kinds]
        self._asking.update(dict.fromkeys(keys, asking))
        # The prompt is the broker's, not this request's: a page that abandons its call (aborts
        # it) leaves the prompt on screen, and what asks next waits for its answer instead of
        # opening another one.
        trio.lowlevel.spawn_system_task(
            self._prompt, request, asking, keys, name="oro.permissions.prompt"
        )
        await asking.done.wait()
        return asking.allowed

    async def _prompt(
        self, request: PermissionRequest, asking: _Asking, keys: list[tuple[int | None, str]]
    ) -> None:
        """Ask the user about ``request`` (a system task: it outlives the request that opened
        it, never the host), then let every request waiting for ``asking`` go on."""
        try:
            answer = await self._ask(request)
            asking.allowed = answer is not None and answer.allowed
            if answer is not None:
                self._note(request, request.kinds, allowed=answer.allowed)
                if answer.remember:
                    await anyio.to_thread.run_sync(
                        remember_decisions, self.store, request.site, request.kinds, answer.allowed
                    )
        except Exception:  # a system task must not raise: the request is denied instead
            logger.exception("denied %s to %s: the prompt failed", request.kinds, request.origin)
        finally:
            for key in keys:
                del self._asking[key]
            asking.done.set()

    def _open_prompt(self, request: PermissionRequest) -> _Asking | None:
        for kind in request.kinds:
            asking = self._asking.get((request.window, kind))
            if asking is not None:
                return asking
        return None

    async def _ask(self, request: PermissionRequest) -> PermissionAnswer | None:
        if request.window is None:
            logger.info("denied %s to %s: no window to ask in", request.kinds, request.origin)
            return None
        title = self._host.settings(MetaSettings).name or "This app"
        wants = " and ".join(PERMISSION_KINDS[kind] for kind in request.kinds)
        source = "" if request.site == APP_SITE else f" ({request.origin})"
        question = f"{title}{source} would like to {wants}."
        try:
            return await self._host.windows.ask_permission(request.window, question)
        except IPCError as error:
            logger.info("denied %s to %s: %s", request.kinds, request.origin, error)
            return None

    def _note(self, request: PermissionRequest, kinds: Iterable[str], *, allowed: bool) -> None:
        """Keep ``allowed`` for this run; a frame of another origin's answer is not kept (the
        app answers each of its requests)."""
        if request.embedder is not None:
            return
        site = request.site
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
        self._host.emit(CHANGE_EVENT, {"name": kind, "state": state})


def _matches(key: tuple[str, str], kinds: set[str] | None, site: str | None) -> bool:
    return (kinds is None or key[0] in kinds) and (site is None or key[1] == site)


# -------------------------------------------------------------------------------------------
# The store: {"<site>": {"<kind>": "granted" | "denied"}}
# -------------------------------------------------------------------------------------------


def read_decisions(store: Path) -> dict[str, dict[str, str]]:
    """The remembered decisions in ``store``; none when it is missing or fails a check of
    :func:`~oro_framework.host.private_files.load_private_json` (reported once and left for
    the user, never granting anything)."""
    return _decisions(load_private_json(store, limit=STORE_LIMIT, what="not a permission store"))


def _decisions(data: Any) -> dict[str, dict[str, str]]:
    """The well-formed decisions in the parsed store ``data``; anything else is left out."""
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


def adopt_denials(old: Path, store: Path) -> None:
    """Move the store an older version kept in the pages' data folder (``old``) to ``store``,
    keeping its denials only: any page could have written it, so a grant found there may be
    forged and the user is asked again, while a forged denial costs one prompt. Once: nothing
    happens when ``store`` exists or ``old`` does not."""
    if os.path.lexists(store) or not os.path.lexists(old):
        return
    data = load_private_json(old, limit=STORE_LIMIT, what="not a permission store", shared=True)
    denials = {
        site: {kind: state for kind, state in kinds.items() if state == "denied"}
        for site, kinds in _decisions(data).items()
    }
    _write(store, {site: kinds for site, kinds in denials.items() if kinds})
    with contextlib.suppress(OSError):
        os.unlink(old)
    logger.warning(
        "%s moved to %s, out of the pages' reach; its grants were dropped (a page could have "
        "written them): the user is asked again",
        old,
        store,
    )


def _write(store: Path, decisions: dict[str, dict[str, str]]) -> None:
    text = json.dumps(decisions, indent=2, sort_keys=True) + "\n"
    write_private(store, text.encode("utf-8"))
