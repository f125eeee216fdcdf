"""``oro doctor``'s line for secure storage: whether the session has a Secret Service."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import closing
from typing import Final

from jeepney import message_bus  # type: ignore[import-untyped]
from jeepney.io.blocking import Proxy  # type: ignore[import-untyped]

from oro_framework import DoctorCheck, IPCError
from oro_secure_storage.bus import connect
from oro_secure_storage.errors import no_service
from oro_secure_storage.state import BUS_VARIABLE

__all__ = ["secret_service_check"]

NAME: Final = "Secret Service (oro-secure-storage)"
SERVICE: Final = "org.freedesktop.secrets"
TIMEOUT: Final = 2.0


def secret_service_check(environ: Mapping[str, str]) -> DoctorCheck:
    """Whether a Secret Service owns, or the bus can start one for, ``org.freedesktop.secrets``
    on the session bus ``environ`` names. Asks the bus only: nothing is started or unlocked."""
    try:
        with closing(connect(environ.get(BUS_VARIABLE, ""), TIMEOUT)) as connection:
            bus = Proxy(message_bus, connection, timeout=TIMEOUT)
            if bus.NameHasOwner(SERVICE)[0]:
                return DoctorCheck(NAME, True, f"{SERVICE} runs on the session bus")
            if SERVICE in bus.ListActivatableNames()[0]:
                return DoctorCheck(NAME, True, f"the session bus starts {SERVICE} on demand")
            raise no_service(f"nothing provides {SERVICE} on the session bus")
    except IPCError as error:
        detail = str(error)
    except OSError as error:
        detail = str(no_service(f"the session bus does not answer ({error})"))
    why, _, fix = detail.partition("; ")
    return DoctorCheck(NAME, False, why, hint=fix)
