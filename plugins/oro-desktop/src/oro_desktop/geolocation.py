"""Oro's Geolocation service on Linux: ``geolocation.getCurrentPosition|watchPosition|clearWatch``
backed by GeoClue2 on the system bus (:mod:`.geoclue`), and the page's ``navigator.geolocation``
answered by it (``oro:geolocation``) on every engine.

Every call asks the host's permission broker first (``host.permission_broker``: the config's
``permissions.allow_geolocation``, the app's ``oro_permission_request``, the user's remembered
decision, else a prompt over the asking window); a denial is ``PERMISSION_DENIED``. Errors are
typed as the web's ``GeolocationPositionError`` (:mod:`.positions`).

Where oro differs from Socket, for safety: a watch belongs to the window that made it (another
window's ``clearWatch`` of the same id does nothing), watches are bounded per window and per
host, a watch ends with its page (``oro_page_closed``), and ``clearWatch`` replies once.
"""

from __future__ import annotations

import math
from typing import Any, Final, NamedTuple

import anyio

from oro_desktop.geoclue import GeoClue
from oro_desktop.positions import (
    PERMISSION_DENIED,
    TIMEOUT,
    GeolocationPositionError,
    Position,
    unavailable,
)
from oro_framework import InvalidArgumentError, OutOfRangeError, Request, RouteGroup, StashKey

__all__ = [
    "EVENT",
    "GEOLOCATION",
    "MAX_WATCHES",
    "MAX_WATCHES_PER_WINDOW",
    "ROUTES",
    "SERVICE_NAME",
    "GeoClue",
    "options",
]

SERVICE_NAME: Final = "geolocation"
EVENT: Final = "geolocationposition"
"""The event a window's watches hear: ``{watch: {identifier}, coords, timestamp}`` or
``{watch: {identifier}, err}``."""

MAX_WATCHES_PER_WINDOW: Final = 64
"""Watches one window's page may hold; past it, a typed ``RangeError`` (nothing grows)."""
MAX_WATCHES: Final = 512
"""Watches all pages together may hold."""
MAX_WAIT: Final = 120.0
"""Seconds ``getCurrentPosition`` waits for a first position when the page set no timeout:
then ``POSITION_UNAVAILABLE`` rather than a call held forever."""
ANSWER_WAIT: Final = 900.0
"""Seconds a ``getCurrentPosition``/``watchPosition`` call may take in all: the user's answer to
the permission prompt (which the web's ``timeout`` does not count), then GeoClue."""
MAX_MILLISECONDS: Final = 2**32 - 1
"""The largest ``timeout``/``maximumAge`` (WebIDL's ``unsigned long``)."""


class Options(NamedTuple):
    """``PositionOptions`` as the page sent them, checked."""

    timeout_ms: int | None
    maximum_age_ms: int
    high_accuracy: bool


GEOLOCATION: Final = StashKey[GeoClue]("oro-desktop.geolocation")


# -------------------------------------------------------------------------------------------
# Routes
# -------------------------------------------------------------------------------------------


def _milliseconds(request: Request, name: str) -> int | None:
    value = request.params.get(name)
    if value is None or value == "Infinity":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError.invalid(name, "milliseconds (a number)") from None
    if math.isnan(number) or number < 0:
        raise InvalidArgumentError.invalid(name, "milliseconds, 0 or more")
    return None if math.isinf(number) else min(int(number), MAX_MILLISECONDS)


def options(request: Request) -> Options:
    """The page's ``PositionOptions``: ``timeout`` and ``maximumAge`` in ms (absent or
    ``Infinity``: none), ``enableHighAccuracy``."""
    return Options(
        timeout_ms=_milliseconds(request, "timeout"),
        maximum_age_ms=_milliseconds(request, "maximumAge") or 0,
        high_accuracy=request.params.get_bool("enableHighAccuracy", False),
    )


async def _allowed(request: Request) -> None:
    broker = request.host.permission_broker
    origin = request.host.windows.origin or "app"
    if not await broker.decide(broker.request(["geolocation"], origin, request.window)):
        raise GeolocationPositionError(
            PERMISSION_DENIED, "User denied Geolocation (permission 'geolocation')"
        )


async def get_current_position(request: Request) -> dict[str, Any]:
    """The device's position: ``{coords: {latitude, longitude, accuracy, altitude,
    altitudeAccuracy, heading, speed}, timestamp}`` (options ``timeout``, ``maximumAge``)."""
    wanted = options(request)
    await _allowed(request)
    geoclue = request.host.stash[GEOLOCATION]
    cached = geoclue.cached(wanted.maximum_age_ms)
    if cached is not None:
        return cached.to_json()
    wait = MAX_WAIT if wanted.timeout_ms is None else min(wanted.timeout_ms / 1000, MAX_WAIT)
    with anyio.move_on_after(wait) as waiting:
        position = await geoclue.next_position()
    if waiting.cancelled_caught:
        if wanted.timeout_ms is not None and wanted.timeout_ms / 1000 <= MAX_WAIT:
            raise GeolocationPositionError(TIMEOUT, "Position acquisition timed out")
        raise unavailable(f"GeoClue gave no position within {MAX_WAIT:g} s")
    return position.to_json()


def _watch_id(request: Request) -> int:
    return request.params.require_int("id", minimum=0, maximum=2**31 - 1)


def _check_room(geoclue: GeoClue, key: tuple[int, int]) -> None:
    if key in geoclue.watches:
        return
    held = sum(1 for each in geoclue.watches if each[0] == key[0])
    if held >= MAX_WATCHES_PER_WINDOW or len(geoclue.watches) >= MAX_WATCHES:
        raise OutOfRangeError(
            f"Too many geolocation watches: at most {MAX_WATCHES_PER_WINDOW} per window "
            f"and {MAX_WATCHES} in all; clearWatch the ones no longer needed",
            code="ERR_TOO_MANY_WATCHES",
        )


async def watch_position(request: Request) -> dict[str, Any]:
    """Watch the position: window events ``geolocationposition`` with ``{watch: {identifier},
    coords, timestamp}`` (or ``err``) until ``clearWatch`` (param ``id``, the page's)."""
    window = request.require_window()
    identifier = _watch_id(request)
    wanted = options(request)
    geoclue = request.host.stash[GEOLOCATION]
    key = (window, identifier)
    _check_room(geoclue, key)
    await _allowed(request)
    # Again: other calls of the page may have been waiting for the same answer meanwhile.
    _check_room(geoclue, key)
    host = request.host
    watch = {"identifier": identifier}

    def deliver(what: Position | GeolocationPositionError) -> None:
        if geoclue.watches.get(key) is not token:
            return
        if isinstance(what, GeolocationPositionError):
            geoclue.watches.pop(key, None)
            host.emit(EVENT, {"watch": watch, "err": what.to_dict()}, window=window)
        else:
            host.emit(EVENT, {"watch": watch, **what.to_json()}, window=window)

    # The same id again replaces the page's watch, as Socket's does.
    geoclue.drop_watch(key)
    token = object()
    geoclue.watches[key] = token
    cached = geoclue.cached(wanted.maximum_age_ms)
    try:
        await geoclue.listen(token, deliver)
    except BaseException:
        geoclue.watches.pop(key, None)
        raise
    if cached is not None and geoclue.watches.get(key) is token:
        deliver(cached)
    return {"watch": watch}


async def clear_watch(request: Request) -> dict[str, Any]:
    """Stop the page's watch ``id``; another window's watch of the same id is not touched."""
    identifier = _watch_id(request)
    if request.window is not None:
        request.host.stash[GEOLOCATION].drop_watch((request.window, identifier))
    return {}


ROUTES: Final = RouteGroup(
    permission="geolocation",
    doc="Let pages ask for the device's location.",
    handlers={
        "geolocation.getCurrentPosition": get_current_position,
        "geolocation.watchPosition": watch_position,
        "geolocation.clearWatch": clear_watch,
    },
    timeouts={
        "geolocation.getCurrentPosition": ANSWER_WAIT,
        "geolocation.watchPosition": ANSWER_WAIT,
    },
)
