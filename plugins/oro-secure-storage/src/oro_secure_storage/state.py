"""What oro-secure-storage keeps per host, ``host.stash[STATE]``: its settings and the Secret
Service of the host's session, for the app the host runs."""

from __future__ import annotations

from typing import Final, final

from oro_framework import Host, MetaSettings, StashKey
from oro_framework.records import record
from oro_secure_storage.settings import SecureStorageSettings
from oro_secure_storage.store import PAGE_SCHEMA, SecretStore, Shelf

__all__ = ["STATE", "SecureStorageState", "app_of", "store_for"]

BUS_VARIABLE: Final = "DBUS_SESSION_BUS_ADDRESS"


def store_for(host: Host) -> SecretStore:
    """The Secret Service of ``host``'s session: the bus its environment names (never this
    process's ``os.environ``: a test's host reaches its own bus)."""
    settings = host.settings(SecureStorageSettings)
    return SecretStore(host.environ.get(BUS_VARIABLE, ""), settings.timeout_ms / 1000)


def app_of(host: Host) -> str:
    """The identifier the app's items carry: ``meta.bundle_identifier``."""
    return host.settings(MetaSettings).bundle_identifier


@final
@record(frozen=False, eq=False)
class SecureStorageState:
    """oro-secure-storage's state for one host, made by ``oro_configure``."""

    settings: SecureStorageSettings
    store: SecretStore
    app: str

    @classmethod
    def from_host(cls, host: Host) -> SecureStorageState:
        """The state for ``host``, whose config is loaded."""
        return cls(host.settings(SecureStorageSettings), store_for(host), app_of(host))

    def shelf(self, scope: str) -> Shelf:
        """The app's page items of ``scope``."""
        return Shelf(PAGE_SCHEMA, self.app, scope)


STATE: Final = StashKey[SecureStorageState]("secure-storage")
"""Where a host keeps oro-secure-storage's :class:`SecureStorageState`."""
