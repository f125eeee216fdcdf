"""The Secret Service (``org.freedesktop.secrets``) as a key-value store per app and scope,
through secretstorage, with blocking calls: callers run them in a worker thread.

Every item lives in the user's default collection (the login keyring), which encrypts it on
disk, and carries four attributes: ``xdg:schema`` (what kind of item), ``oro:app`` (the app's
``meta.bundle_identifier``), ``oro:scope`` and ``oro:key``. A :class:`Shelf` names the first
three, so every search is confined to one app's items of one scope and two apps never see each
other's.

A store keeps one bus connection and one Secret Service session for its whole life, as
libsecret does, and lets one thread use it at a time. Opening a connection per operation would
be simpler, but gnome-keyring-daemon (42 to 50 at least) aborts when clients connect, call and
hang up in quick succession: a race between its per-client bookkeeping and the bus's
``NameOwnerChanged`` (gnome-keyring#195). Every operation asks the bus who owns
``org.freedesktop.secrets``: a keyring that restarted gets a new session, so a restart between
two calls costs nothing; any failure of the bus drops the connection and the next call makes a
new one.

Nothing here ever shows a prompt: a collection that needs the user's password to unlock, or
that does not exist, is an error naming the fix, and never a fallback to a file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final, NamedTuple, final

from oro_framework import LazyModule, NotSupportedError
from oro_secure_storage.errors import locked, no_collection, no_service

if TYPE_CHECKING:
    from secretstorage import Collection
    from secretstorage.dhcrypto import Session

    from oro_secure_storage.bus import TimedConnection

# The session bus (jeepney, ~5 ms) imports with a page's first secret, not with every launch.
jeepney = LazyModule("jeepney")

__all__ = ["CONFIG_SCHEMA", "PAGE_SCHEMA", "SecretStore", "Shelf"]

PAGE_SCHEMA: Final = "dev.oro.SecureStorage"
"""Items pages keep through ``secureStorage.*``."""
CONFIG_SCHEMA: Final = "dev.oro.ConfigSecret"
"""Items ``secure-storage:`` references in ``oro.toml`` name (``oro secure-storage set``): no
route reaches them, whatever scope a page names."""

_SERVICE: Final = "org.freedesktop.secrets"
_SERVICE_PATH: Final = "/org/freedesktop/secrets"
_INTERFACE: Final = "org.freedesktop.Secret"
_IS_LOCKED: Final = "org.freedesktop.Secret.Error.IsLocked"
_NO_PROMPT: Final = "/"
_NAME_HAS_NO_OWNER: Final = "org.freedesktop.DBus.Error.NameHasNoOwner"


@final
class Shelf(NamedTuple):
    """One app's items of one kind and scope: the attributes that confine every search."""

    schema: str
    app: str
    scope: str

    def attributes(self, key: str | None = None) -> dict[str, str]:
        """The attributes of the shelf's items, or of its item ``key``."""
        attributes = {"xdg:schema": self.schema, "oro:app": self.app, "oro:scope": self.scope}
        if key is not None:
            attributes["oro:key"] = key
        return attributes

    def label(self, key: str) -> str:
        """What keyring tools (Seahorse, ``secret-tool search``) show for item ``key``."""
        return f"{self.app} ({self.scope}): {key}"


@final
class SecretStore:
    """The session's Secret Service at ``address``; each call waits at most ``timeout`` seconds
    for each reply.

    Every method raises ``NotSupportedError`` ``ERR_NO_SECRET_SERVICE`` when no Secret Service
    answers, ``ERR_NO_SECRET_COLLECTION`` when it has no default keyring, and
    ``SecurityError`` ``ERR_SECRET_STORE_LOCKED`` when the keyring is locked.
    """

    def __init__(self, address: str, timeout: float) -> None:
        self.address = address
        self.timeout = timeout
        self._lock = threading.Lock()
        self._link: _Link | None = None

    def close(self) -> None:
        """Hang up the bus connection, if there is one; a later call makes a new one."""
        with self._lock:
            self._hang_up()

    def _hang_up(self) -> None:
        if self._link is not None:
            self._link.connection.close()
            self._link = None

    def put(self, shelf: Shelf, key: str, secret: bytes, content_type: str) -> None:
        """Keep ``secret`` as item ``key``, replacing the one there."""
        with self._collection() as collection:
            collection.create_item(
                shelf.label(key),
                shelf.attributes(key),
                secret,
                replace=True,
                content_type=content_type,
            )

    def read(self, shelf: Shelf, key: str) -> bytes | None:
        """Item ``key``'s secret, or ``None`` when there is none."""
        with self._collection() as collection:
            for item in collection.search_items(shelf.attributes(key)):
                return item.get_secret()
        return None

    def delete(self, shelf: Shelf, key: str) -> bool:
        """Remove item ``key``; whether there was one."""
        with self._collection() as collection:
            items = list(collection.search_items(shelf.attributes(key)))
            for item in items:
                item.delete()
        return bool(items)

    def clear(self, shelf: Shelf) -> int:
        """Remove every item of the shelf; how many there were."""
        with self._collection() as collection:
            items = list(collection.search_items(shelf.attributes()))
            for item in items:
                item.delete()
        return len(items)

    def keys(self, shelf: Shelf) -> list[str]:
        """The keys of the shelf's items, sorted."""
        with self._collection() as collection:
            keys = {
                item.get_attributes().get("oro:key", "")
                for item in collection.search_items(shelf.attributes())
            }
        return sorted(keys)

    @contextmanager
    def _collection(self) -> Iterator[Collection]:
        """The default collection, unlocked, on the store's connection and session; every failure
        of the service or the bus as a typed error."""
        # Imported on first use: every `oro` command imports this plugin, few talk to a keyring.
        import secretstorage

        from oro_secure_storage.bus import connect

        milliseconds = round(self.timeout * 1000)
        with self._lock:
            try:
                if self._link is None:
                    self._link = _Link(connect(self.address, self.timeout))
                link = self._link
                collection = _default_collection(link.connection, link.session())
                _unlock(link.connection, collection)
                yield collection
            except secretstorage.LockedException:
                raise locked("the default keyring was locked meanwhile") from None
            except secretstorage.SecretServiceNotAvailableException as error:
                raise no_service(f"nothing provides org.freedesktop.secrets ({error})") from None
            except TimeoutError:
                # A late reply would answer a question nobody asks any more.
                self._hang_up()
                raise no_service(
                    f"the Secret Service gave no answer in {milliseconds} ms"
                ) from None
            except OSError as error:
                self._hang_up()
                raise no_service(f"the session bus connection failed ({error})") from None
            except jeepney.DBusErrorResponse as error:
                if error.name == _IS_LOCKED:
                    raise locked("the default keyring is locked") from None
                raise NotSupportedError(
                    f"The Secret Service refused the call: {error.name}",
                    code="ERR_SECRET_SERVICE_FAILED",
                ) from None


@final
class _Link:
    """A store's bus connection and its session with the Secret Service that owns
    ``org.freedesktop.secrets`` now; a new owner (the keyring restarted) gets a new session."""

    def __init__(self, connection: TimedConnection) -> None:
        self.connection = connection
        self._owner: str | None = None
        self._session: Session | None = None

    def session(self) -> Session | None:
        """The session with the service's current owner, opened on first use; ``None`` when
        nothing owns the name yet (the first call then starts a bus-activated service, or fails
        as unavailable)."""
        from secretstorage.util import open_session

        owner = self._service_owner()
        if owner is None:
            self._session = None
        elif owner != self._owner or self._session is None:
            self._session = open_session(self.connection)
        self._owner = owner
        return self._session

    def _service_owner(self) -> str | None:
        reply = self.connection.send_and_get_reply(
            jeepney.new_method_call(jeepney.message_bus, "GetNameOwner", "s", (_SERVICE,))
        )
        if reply.header.message_type is jeepney.MessageType.error:
            error = jeepney.DBusErrorResponse(reply)
            if error.name == _NAME_HAS_NO_OWNER:
                return None
            raise error
        return str(reply.body[0])


def _default_collection(connection: TimedConnection, session: Session | None) -> Collection:
    import secretstorage

    try:
        # The default alias, never get_default_collection(): creating a collection prompts.
        return secretstorage.Collection(connection, session=session)
    except secretstorage.PromptDismissedException:  # pragma: no cover - never prompted here
        raise no_collection() from None
    except secretstorage.ItemNotFoundException:
        raise no_collection() from None


def _unlock(connection: TimedConnection, collection: Collection) -> None:
    """Unlock ``collection`` if the service can without the user (a keyring unlocked at login
    reports unlocked; some services unlock on request); otherwise the locked error."""
    if not collection.is_locked():
        return
    service = jeepney.DBusAddress(
        _SERVICE_PATH, bus_name=_SERVICE, interface=f"{_INTERFACE}.Service"
    )
    reply = connection.send_and_get_reply(
        jeepney.new_method_call(service, "Unlock", "ao", ([collection.collection_path],))
    )
    if reply.header.message_type is jeepney.MessageType.error:
        raise jeepney.DBusErrorResponse(reply)
    _unlocked, prompt = reply.body
    if prompt == _NO_PROMPT and not collection.is_locked():
        return
    if prompt != _NO_PROMPT:
        # The prompt would ask for the user's password; an app must not, so it is dropped.
        dismiss = jeepney.DBusAddress(prompt, bus_name=_SERVICE, interface=f"{_INTERFACE}.Prompt")
        connection.send_and_get_reply(jeepney.new_method_call(dismiss, "Dismiss"))
    raise locked("the default keyring is locked and only its password unlocks it")
