"""The names of the page events the host and its plugins send, which no page may send.

A page event (``host.emit(name, data)``) reaches a page as a DOM event of that name, and pages
act on what the host says: a ``dropin`` grants files, ``applicationurl`` is a deep link,
``online``/``offline`` set ``navigator.onLine``. ``window.send`` lets a page send any other
event to another window's page, so it must know every name the host side sends. Each emitter
declares its names, as constants of the module that emits them, through the
``oro_register_page_events`` hook into :class:`PageEventTable` (``host.events.declared``);
``window.send`` refuses each declared name, and every name of a declared prefix
(``backend:``), with ``ERR_RESERVED_EVENT``.

Names are compared as pages compare them: exactly, case and all (a DOM event type and an
``EventSource`` event name are case-sensitive, and ``oro:bootstrap`` dispatches the name it
receives as it is).
"""

from __future__ import annotations

import re
from typing import Final, final

from oro_framework.host.registry import Registry
from oro_framework.records import record

__all__ = ["PAGE_EVENT_NAME", "PageEvent", "PageEventTable"]

PAGE_EVENT_NAME: Final = re.compile(r"[^\x00-\x20\x7f][^\x00-\x1f\x7f]{0,127}")
"""What a page event's name may be: it travels as an SSE ``event:`` line and becomes a DOM event
type, so any text a page may listen for (Oro's pages send 'secondary window loaded') of at most
128 characters, without a control character (a line break would end the line) and not starting
with a space (SSE drops it)."""

_PREFIX_KEY: Final = "\x00"
"""What a prefix's entry is keyed under before the prefix: no name holds a control character,
so a prefix and a name never share a key."""


@final
@record
class PageEvent:
    """A page event name the host side sends (or, with ``prefix``, every name starting so).

    :ivar name: the name, or the prefix (``backend:``).
    :ivar prefix: whether ``name`` is a prefix.
    :ivar plugin: the plugin that declared it.
    """

    name: str
    prefix: bool = False
    plugin: str = "oro"

    def covers(self, name: str) -> bool:
        """Whether a page event called ``name`` is this one (or of this family)."""
        return name.startswith(self.name) if self.prefix else name == self.name

    @property
    def label(self) -> str:
        """``dropin``, or ``backend:*`` for a prefix."""
        return f"{self.name}*" if self.prefix else self.name

    def __str__(self) -> str:
        return self.label


@final
class PageEventTable(Registry[PageEvent]):
    """Passed to ``oro_register_page_events``: the page events the plugins send, each
    declared by the plugin whose code emits it, from the constant it emits it by::

        from oro_fs.watch import EVENT_NAME

        events.add(EVENT_NAME)

    The host's own (lifecycle, windows, drops, deep links, permission changes...) are
    declared by its built-in plugin. ``window.send`` refuses every one of them.
    """

    kind = "page event"

    def add(self, *names: str) -> list[PageEvent]:
        """Declare that your plugin sends the page events ``names``.

        :raises RegistrationError: a name is not one a page can receive
            (:data:`PAGE_EVENT_NAME`).
        :raises RegistrationConflict: another plugin declared one of them.
        """
        return [self._declare(name, prefix=False) for name in names]

    def add_prefix(self, prefix: str) -> PageEvent:
        """Declare that your plugin sends page events whose names start with ``prefix``
        (``backend:`` for ``backend:progress``, ``backend:exit``...): names an app or a user
        chooses after a fixed start.

        :raises RegistrationError: ``prefix`` is empty or no name could start with it.
        :raises RegistrationConflict: another plugin declared the same prefix.
        """
        return self._declare(prefix, prefix=True)

    def _declare(self, name: str, *, prefix: bool) -> PageEvent:
        if not isinstance(name, str) or PAGE_EVENT_NAME.fullmatch(name) is None:
            what = "prefix" if prefix else "name"
            raise self._refuse(
                f"page event {what} {name!r} must be 1 to 128 characters without control "
                "characters, not starting with a space"
            )
        entry = PageEvent(name, prefix, self.current_plugin)
        self._claim(entry.label, entry, key=_PREFIX_KEY + name if prefix else name)
        return entry

    def reserving(self, name: str) -> PageEvent | None:
        """The declaration that covers a page event called ``name`` (its own, else the first
        prefix it starts with), or ``None`` when no plugin sends it: a page may send it."""
        exact = self._entries.get(name)
        if exact is not None:
            return exact
        return next((entry for entry in self if entry.prefix and entry.covers(name)), None)

    def names(self) -> list[str]:
        """Every declared name, prefixes left out."""
        return [entry.name for entry in self if not entry.prefix]

    def prefixes(self) -> list[str]:
        """Every declared prefix."""
        return [entry.name for entry in self if entry.prefix]
