"""What an engine needs to make a page's errors visible (docs/debugging.md): where the page's
console messages and uncaught errors go (:class:`PageDebugging`), whether its developer tools
may open, and the typed error a page gets for ``showInspector()`` when they may not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal, NamedTuple, final

from oro_framework.host.errors import NotSupportedError
from oro_framework.records import record

__all__ = [
    "DEVTOOLS_OFF",
    "ConsoleLevel",
    "ConsoleMessage",
    "PageDebugging",
    "devtools_off",
]

ConsoleLevel = Literal["error", "warning", "info", "log", "debug"]
"""A message's level: a console method's (``console.warn`` is ``warning``), ``error`` for an
uncaught error or unhandled rejection."""

DEVTOOLS_OFF: Final = "ERR_DEVTOOLS_OFF"
"""The code of ``showInspector()`` when the app's developer tools are off."""


@final
@record
class ConsoleMessage:
    """One console message or uncaught error of window ``index``'s page, as the engine reported
    it: untrusted text of the page, cleaned only where it is printed."""

    index: int
    level: ConsoleLevel
    text: str
    source: str = ""
    line: int = 0


@final
class PageDebugging(NamedTuple):
    """How an engine helps debug its pages: ``console`` gets every window's console messages
    and uncaught errors (called on the GUI thread; it must return at once), ``None`` to drop
    them; ``devtools`` lets ``showInspector()`` open the engine's inspector."""

    console: Callable[[ConsoleMessage], None] | None = None
    devtools: bool = False


def devtools_off(index: int) -> NotSupportedError:
    """``showInspector()``'s answer when the developer tools are off."""
    return NotSupportedError(
        "showInspector(): the developer tools are off; run `oro dev` or `oro run --devtools`, "
        "or set [webview] devtools = true (docs/debugging.md)",
        code=DEVTOOLS_OFF,
        targetWindowIndex=index,
    )
