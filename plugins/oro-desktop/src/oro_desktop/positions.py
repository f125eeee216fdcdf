"""The web's answers to ``navigator.geolocation``: a ``GeolocationPosition`` and the typed
``GeolocationPositionError`` (``code`` ``PERMISSION_DENIED``/``POSITION_UNAVAILABLE``/``TIMEOUT``
and ``positionErrorCode`` 1/2/3), as GeoClue's locations become them."""

from __future__ import annotations

import math
import time
from typing import Any, ClassVar, Final, NamedTuple, final

from oro_framework import IPCError

__all__ = [
    "PERMISSION_DENIED",
    "POSITION_UNAVAILABLE",
    "TIMEOUT",
    "GeolocationPositionError",
    "Position",
    "unavailable",
]

PERMISSION_DENIED: Final = 1
POSITION_UNAVAILABLE: Final = 2
TIMEOUT: Final = 3
_NAMES: Final = {
    PERMISSION_DENIED: "PERMISSION_DENIED",
    POSITION_UNAVAILABLE: "POSITION_UNAVAILABLE",
    TIMEOUT: "TIMEOUT",
}
_STATUS: Final = {PERMISSION_DENIED: 403, POSITION_UNAVAILABLE: 503, TIMEOUT: 408}


class GeolocationPositionError(IPCError):
    """The web's ``GeolocationPositionError``: ``code`` is the constant's name, and
    ``positionErrorCode`` its number (1 denied, 2 unavailable, 3 timeout)."""

    error_type: ClassVar[str] = "GeolocationPositionError"

    def __init__(self, number: int, message: str) -> None:
        super().__init__(message, code=_NAMES[number], positionErrorCode=number)
        self.number = number

    @property
    def status(self) -> int:
        return _STATUS[self.number]


def unavailable(why: str) -> GeolocationPositionError:
    return GeolocationPositionError(POSITION_UNAVAILABLE, f"Position unavailable: {why}")


@final
class Position(NamedTuple):
    """A GeoClue location as the web's ``GeolocationPosition`` (``timestamp`` in ms)."""

    latitude: float
    longitude: float
    accuracy: float
    altitude: float | None
    heading: float | None
    speed: float | None
    timestamp: float

    @classmethod
    def from_properties(cls, properties: dict[str, tuple[str, Any]]) -> Position:
        """From ``Location``'s properties: GeoClue's ``-G_MAXDOUBLE`` altitude and negative
        speed/heading mean unknown (``null``)."""

        def number(name: str, default: float) -> float:
            value = properties.get(name, ("d", default))[1]
            return float(value) if isinstance(value, (int, float)) else default

        altitude = number("Altitude", -math.inf)
        speed = number("Speed", -1.0)
        heading = number("Heading", -1.0)
        seconds, microseconds = properties.get("Timestamp", ("(tt)", (0, 0)))[1]
        stamp = seconds * 1000 + microseconds / 1000 if seconds else time.time() * 1000
        return cls(
            latitude=number("Latitude", math.nan),
            longitude=number("Longitude", math.nan),
            accuracy=max(number("Accuracy", 0.0), 0.0),
            altitude=altitude if altitude > -1e300 else None,
            heading=heading if heading >= 0 else None,
            speed=speed if speed >= 0 else None,
            timestamp=min(stamp, time.time() * 1000),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "coords": {
                "latitude": self.latitude,
                "longitude": self.longitude,
                "accuracy": self.accuracy,
                "altitude": self.altitude,
                "altitudeAccuracy": None,
                "heading": self.heading,
                "speed": self.speed,
            },
            "timestamp": self.timestamp,
        }
