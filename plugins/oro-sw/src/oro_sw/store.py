"""The host's record of Service Worker registrations and their key/value storage, kept in one
JSON file in the app's state folder (the host's, which no page reaches: older versions kept it in
the data folder, from where it moves once).

The engine owns the workers; the record holds what pages reported about them (script, scope,
state) under an id derived from the scope URL, and the storage each registration's worker and
pages share (``serviceWorker.storage.*``). Both survive a restart; since the scope includes the
port, another port finds neither, as the engine finds no worker there.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, field
from pathlib import Path
from typing import Any, Final, final

import anyio

from oro_framework import NotFoundError, OutOfRangeError, load_private_json, write_private
from oro_framework.records import record

__all__ = ["MAX_KEY_LENGTH", "MAX_VALUE_BYTES", "STATES", "Record", "Store"]

logger = logging.getLogger("oro_sw.store")

STATES: Final = frozenset(
    {
        "registering",
        "registered",
        "parsed",
        "installing",
        "installed",
        "activating",
        "activated",
        "redundant",
        "error",
    }
)
"""What ``serviceWorker.updateState`` accepts: the engine's worker states plus Oro's own
``registering``/``registered`` and ``error`` (the engine refused the script)."""

MAX_FILE_BYTES: Final = 256 * 1024 * 1024
"""A larger record is not read back (it was not written by oro-sw, or pages kept more there
than a start should parse)."""
MAX_STORE_CHARACTERS: Final = 64 * 1024 * 1024
"""What every registration's storage together may hold, keys and values, in characters: the
whole record is in the host's memory and rewritten on every change, so a page must not grow it
without bound (issue 71: the host's files are bounded)."""
MAX_RECORDS: Final = 1024
"""Registrations kept at most; a page registering ever new scopes is refused past it."""
MAX_KEY_LENGTH: Final = 1024
MAX_VALUE_BYTES: Final = 1024 * 1024
"""A storage value larger than this is refused: the whole record is rewritten on every change."""


@final
@record(frozen=False)
class Record:
    """One registration as pages reported it."""

    id: str
    scope: str
    scriptURL: str
    state: str = "registering"
    origin: str = ""
    workerURL: str = ""

    def json(self) -> dict[str, Any]:
        return asdict(self)


@final
@record(frozen=False, eq=False)
class Store:
    """The records and storage of one app, loaded from ``path`` and written back after each
    change (atomically: a new file renamed over the old one)."""

    path: Path
    records: dict[str, Record] = field(default_factory=dict)
    storage: dict[str, dict[str, str]] = field(default_factory=dict)
    _lock: anyio.Lock = field(default_factory=anyio.Lock)

    @classmethod
    def load(cls, path: Path) -> Store:
        """The store saved at ``path``; an empty one when there is none or it is unreadable
        (logged: a damaged file must not keep the app from starting)."""
        store = cls(path)
        saved = load_private_json(path, limit=MAX_FILE_BYTES, what="not a service worker record")
        if saved is None:
            return store
        try:
            store.records = {key: Record(**value) for key, value in saved["registrations"].items()}
            store.storage = {
                key: {str(name): str(value) for name, value in values.items()}
                for key, values in saved["storage"].items()
            }
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.exception("service worker records in %s are unreadable; starting empty", path)
            store.records, store.storage = {}, {}
        return store

    def record(self, registration_id: str) -> Record:
        """:raises NotFoundError: no registration has that id."""
        found = self.records.get(registration_id)
        if found is None:
            raise NotFoundError(f"No Service Worker registration with id {registration_id!r}")
        return found

    def values(self, registration_id: str) -> dict[str, str]:
        """The storage of a registration (a live dict).

        :raises NotFoundError: no registration has that id.
        """
        self.record(registration_id)
        return self.storage.setdefault(registration_id, {})

    @staticmethod
    def check_entry(key: str, value: str | None = None) -> None:
        """:raises OutOfRangeError: an empty or too long key, or a too large value."""
        if not key or len(key) > MAX_KEY_LENGTH:
            raise OutOfRangeError(f"Storage key must have 1 to {MAX_KEY_LENGTH} characters")
        if value is not None and len(value.encode("utf-8", "surrogatepass")) > MAX_VALUE_BYTES:
            raise OutOfRangeError(f"Storage value is larger than {MAX_VALUE_BYTES} bytes")

    def check_room(self, key: str, value: str, replaced: str | None) -> None:
        """:raises OutOfRangeError: storing ``value`` at ``key`` (in place of ``replaced``)
        would take every registration's storage past :data:`MAX_STORE_CHARACTERS`."""
        held = sum(
            len(name) + len(text)
            for values in self.storage.values()
            for name, text in values.items()
        )
        grown = len(key) + len(value) - (0 if replaced is None else len(key) + len(replaced))
        if held + grown > MAX_STORE_CHARACTERS:
            raise OutOfRangeError(
                f"Service Worker storage is full ({MAX_STORE_CHARACTERS} characters in all)",
                code="ERR_SW_STORAGE_FULL",
            )

    def check_new_record(self) -> None:
        """:raises OutOfRangeError: :data:`MAX_RECORDS` registrations are kept already."""
        if len(self.records) >= MAX_RECORDS:
            raise OutOfRangeError(
                f"Too many Service Worker registrations (at most {MAX_RECORDS})",
                code="ERR_SW_TOO_MANY_REGISTRATIONS",
            )

    async def save(self) -> None:
        """Write the store back, in a worker thread; one write at a time, each of the state
        when it starts, so the last write holds the last change."""
        async with self._lock:
            snapshot = {
                "registrations": {key: record.json() for key, record in self.records.items()},
                "storage": {key: dict(values) for key, values in self.storage.items()},
            }
            await anyio.to_thread.run_sync(_write, self.path, snapshot)


def _write(path: Path, snapshot: dict[str, Any]) -> None:
    write_private(path, json.dumps(snapshot, ensure_ascii=False).encode("utf-8", "surrogatepass"))
