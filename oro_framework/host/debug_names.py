"""``DEBUG`` as Node's ``debug`` package reads it, for oro's loggers: ``DEBUG=conduit oro run``
logs what the Conduit does, ``DEBUG='*,-windows'`` everything but the windows.

A logger's *namespace* is its name without oro's package prefix, dots written as colons:
``oro_conduit`` is ``conduit``, ``oro_ai.llama`` is ``ai:llama``, ``oro_framework.windows`` is
``windows``; any other logger keeps its name (``asyncio``). The value is read as ``debug`` reads
it (debug's ``src/common.js``, ``enable``): names separated by commas or spaces, ``*`` standing
for any text, a name starting with ``-`` leaving namespaces out, which wins over any that lets
them in. As with Python's loggers, a name takes the namespaces below it along: ``ai`` is
``ai:llama`` too. ``ORO_SERVICE_WORKER_DEBUG`` (the Oro Runtime's variable, set to anything but
``0`` or nothing) adds ``sw``: oro-sw's log, the service workers' fetches among it.

``DEBUG`` comes from the environment, where anything may be written: a name holding any other
character than letters, digits and ``_ . : * -`` (an escape sequence, a control character) is
refused, and :func:`debug_selection`'s caller says so with the name made
:func:`~oro_framework.host.terminal.terminal_safe`.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from typing import Final, final

from oro_framework.records import record

__all__ = [
    "DEBUG_ENV",
    "SERVICE_WORKER_DEBUG_ENV",
    "DebugFilter",
    "DebugSelection",
    "debug_selection",
    "namespace_of",
]

DEBUG_ENV: Final = "DEBUG"
SERVICE_WORKER_DEBUG_ENV: Final = "ORO_SERVICE_WORKER_DEBUG"
_SERVICE_WORKER_NAMESPACE: Final = "sw"
_SEPARATORS: Final = re.compile(r"[\s,]+")
_NAME: Final = re.compile(r"-?[A-Za-z0-9_.:*-]+")
_PREFIXES: Final = ("oro_framework.", "oro_", "oro.")


def namespace_of(logger_name: str) -> str:
    """The ``DEBUG`` namespace of the logger ``logger_name`` (``oro_ai.llama`` → ``ai:llama``)."""
    for prefix in _PREFIXES:
        if logger_name.startswith(prefix) and len(logger_name) > len(prefix):
            logger_name = logger_name[len(prefix) :]
            break
    return logger_name.replace(".", ":")


def _pattern(name: str) -> re.Pattern[str]:
    # Dots and colons are one separator, as in namespace_of; the name or anything below it.
    body = ".*?".join(re.escape(part) for part in name.replace(".", ":").split("*"))
    return re.compile(f"{body}(?::.*)?")


@final
@record
class DebugSelection:
    """The namespaces a ``DEBUG`` value lets in.

    :ivar names: the names that let namespaces in, as written.
    :ivar skips: the names (without their ``-``) that leave namespaces out.
    :ivar refused: the names not used: they hold characters no namespace has.
    """

    names: tuple[str, ...] = ()
    skips: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.names)

    def enables(self, namespace: str) -> bool:
        """Whether debug records of ``namespace`` are logged."""
        return _enables(self.names, self.skips, namespace)


@functools.lru_cache(maxsize=512)
def _enables(names: tuple[str, ...], skips: tuple[str, ...], namespace: str) -> bool:
    if any(_pattern(skip).fullmatch(namespace) for skip in skips):
        return False
    return any(_pattern(name).fullmatch(namespace) for name in names)


def debug_selection(environ: Mapping[str, str]) -> DebugSelection:
    """What ``DEBUG`` (and ``ORO_SERVICE_WORKER_DEBUG``) in ``environ`` ask to log."""
    names: list[str] = []
    skips: list[str] = []
    refused: list[str] = []
    for name in _SEPARATORS.split(environ.get(DEBUG_ENV, "")):
        if not name:
            continue
        if not _NAME.fullmatch(name) or name == "-":
            refused.append(name)
        elif name.startswith("-"):
            skips.append(name[1:])
        else:
            names.append(name)
    if environ.get(SERVICE_WORKER_DEBUG_ENV, "") not in ("", "0"):
        names.append(_SERVICE_WORKER_NAMESPACE)
    return DebugSelection(tuple(names), tuple(skips), tuple(refused))


@final
class DebugFilter(logging.Filter):
    """Lets a record through when it is at ``level`` or above, or its logger's namespace is
    one ``selection`` lets in: put on the terminal's handler, with the root logger at
    ``DEBUG``, it shows the debug records of the chosen parts only."""

    def __init__(self, selection: DebugSelection, level: int) -> None:
        super().__init__()
        self._selection = selection
        self._level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self._level:
            return True
        return self._selection.enables(namespace_of(record.name))
