"""The errors secure storage answers when the Secret Service cannot keep a secret, each naming
the fix. There is no fallback: a secret is kept by the Secret Service or not at all."""

from __future__ import annotations

from typing import Final

from oro_framework import NotSupportedError, SecurityError

__all__ = [
    "LOCKED",
    "NO_COLLECTION",
    "NO_SERVICE",
    "locked",
    "no_collection",
    "no_service",
]

NO_SERVICE: Final = "ERR_NO_SECRET_SERVICE"
LOCKED: Final = "ERR_SECRET_STORE_LOCKED"
NO_COLLECTION: Final = "ERR_NO_SECRET_COLLECTION"

_SERVICE_FIX: Final = (
    "run a Secret Service on the user's session bus: GNOME Keyring "
    "(apt-get install gnome-keyring; it starts with the desktop session, or "
    "`gnome-keyring-daemon --start --components=secrets`), or KeePassXC with its Secret Service "
    "integration on; a session without a desktop needs a session D-Bus "
    "(dbus-run-session, or DBUS_SESSION_BUS_ADDRESS set)"
)


def no_service(why: str) -> NotSupportedError:
    """Nothing keeps secrets on this session: ``ERR_NO_SECRET_SERVICE``."""
    return NotSupportedError(
        f"Secure storage is not available: {why}; {_SERVICE_FIX}", code=NO_SERVICE
    )


def locked(why: str) -> SecurityError:
    """The keyring is locked and only the user can unlock it: ``ERR_SECRET_STORE_LOCKED``.
    Nothing here prompts for the password; the user unlocks it in their keyring tool."""
    return SecurityError(
        f"Secure storage is locked: {why}; unlock the default keyring (log in to the desktop "
        "session, or unlock it in Seahorse (Passwords and Keys) or KeePassXC), then try again",
        code=LOCKED,
    )


def no_collection() -> NotSupportedError:
    """The Secret Service has no default collection (keyring): ``ERR_NO_SECRET_COLLECTION``.
    Creating one needs the user's password, so it is theirs to do."""
    return NotSupportedError(
        "Secure storage is not available: the Secret Service has no default keyring; create "
        "one and make it the default (Seahorse: + → Password keyring, then 'Set as default'; "
        "KeePassXC: expose a database group in its Secret Service settings)",
        code=NO_COLLECTION,
    )
