"""Name → entry tables that remember which plugin registered each entry.

Every ``oro_register_*`` hook receives one of these. The host calls each plugin's hook
implementation inside :meth:`Registry.registering`, so an entry is owned by the plugin that added
it, a second claim on the same name raises a :class:`RegistrationConflict` naming both, and a
broken plugin's entries can be taken out again with :meth:`Registry.drop_plugin`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from oro_framework.host.errors import RegistrationConflict, RegistrationError

__all__ = ["Registry"]

EntryT = TypeVar("EntryT")


class Registry(Generic[EntryT]):
    """Base of every registry handed to a ``oro_register_*`` hook.

    :cvar kind: what an entry is called in conflict messages (``"route"``, ``"permission"``...).
    """

    kind = "entry"

    def __init__(self) -> None:
        self._entries: dict[str, EntryT] = {}
        self._owners: dict[str, str] = {}
        self._plugin = "oro"

    @contextmanager
    def registering(self, plugin: str) -> Iterator[None]:
        """Attribute every entry added inside the block to ``plugin``."""
        previous, self._plugin = self._plugin, plugin
        try:
            yield
        finally:
            self._plugin = previous

    @property
    def current_plugin(self) -> str:
        """The plugin whose hook implementation is registering right now."""
        return self._plugin

    def _claim(self, name: str, entry: EntryT, *, key: str | None = None) -> None:
        lookup = name if key is None else key
        if lookup in self._entries:
            raise RegistrationConflict(
                self.kind, name, owner=self._owners[lookup], challenger=self._plugin
            )
        self._entries[lookup] = entry
        self._owners[lookup] = self._plugin

    def _refuse(self, message: str) -> RegistrationError:
        """The error for a bad ``add()`` call, naming the plugin that made it."""
        return RegistrationError(message, plugin=self._plugin)

    def drop_plugin(self, plugin: str) -> list[EntryT]:
        """Remove every entry ``plugin`` registered (the host drops a broken plugin this way);
        return them, once each, in registration order."""
        names = [name for name, owner in self._owners.items() if owner == plugin]
        dropped: list[EntryT] = []
        for name in names:
            entry = self._entries.pop(name)
            del self._owners[name]
            # One entry may be claimed under several names (a JS module and its aliases).
            if not any(entry is seen for seen in dropped):
                dropped.append(entry)
        return dropped

    def owner(self, name: str) -> str:
        """The plugin that registered ``name``."""
        return self._owners[self._key(name)]

    def _key(self, name: str) -> str:
        return name

    def get(self, name: str) -> EntryT | None:
        return self._entries.get(self._key(name))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._key(name) in self._entries

    def __iter__(self) -> Iterator[EntryT]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)
