"""A WebKitGTK page's console and uncaught errors, reported to the host (docs/debugging.md).

WebKitGTK 4.1 offers no console signal: a user script of the engine's own, run at the start of
every document in every frame before the page's scripts, wraps ``console.*`` and listens for the
window's ``error`` (a syntax error in a module script included) and ``unhandledrejection``
events, and sends each as an event on the document (``page_console.js``). A second user script,
in a script world of oro's own (:data:`WORLD`), relays them to a script message handler
registered in that world alone (``page_console_relay.js``), at most :data:`PAGE_BUDGET` a second
per document: the page cannot reach the handler, so a flood (a million ``console.log`` calls, or
events the page sends itself) costs the page's own web process, and the app's GUI thread, which
every window shares, hears a bounded trickle (it took some 70 µs a message: a million held it,
and every other window's native work, for minutes, and grew the app by 300 MB). A user script is
the engine's, not the page's: a Content-Security-Policy cannot block it.

Every function here runs on the GUI thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from importlib import resources
from typing import Any, Final, cast, get_args

from oro_framework.gui.console import HIDDEN_PAGE_BUDGET, MAX_LINE
from oro_framework.gui.gtk.toolkit import repository
from oro_framework.host.windows.debugging import ConsoleLevel, ConsoleMessage

__all__ = ["EVENT", "HANDLER", "PAGE_BUDGET", "WORLD", "watch_console"]

logger = logging.getLogger("oro_framework.windows")

HANDLER: Final = "oroConsole"
"""The script message handler's name (``window.webkit.messageHandlers.oroConsole``), in
:data:`WORLD` only."""

WORLD: Final = "oro-console"
"""The script world of the relay: not the page's."""

EVENT: Final = "oro-console"
"""The event the page's console hooks send on the document, to the relay."""

PAGE_BUDGET: Final = 100
"""Messages a document's relay passes on in a second (the terminal prints fewer:
:data:`~oro_framework.gui.console.LINES_PER_SECOND` per window); the rest are counted."""

_LEVELS: Final = frozenset(get_args(ConsoleLevel))

CONSOLE_SCRIPT: Final = (
    (resources.files("oro_framework.gui.gtk") / "page_console.js")
    .read_text(encoding="utf-8")
    .replace("__EVENT__", EVENT)
)
"""The hooks (``page_console.js``), injected at the start of every document."""

RELAY_SCRIPT: Final = (
    (resources.files("oro_framework.gui.gtk") / "page_console_relay.js")
    .read_text(encoding="utf-8")
    .replace("__EVENT__", EVENT)
    .replace("__HANDLER__", HANDLER)
    .replace("__MAX_TEXT__", str(2 * MAX_LINE))
)
"""The relay (``page_console_relay.js``), injected at the start of every document in
:data:`WORLD`, its ``__BUDGET__`` replaced."""


def watch_console(
    view: Any, index: int, console: Callable[[ConsoleMessage], None], *, hidden: bool = False
) -> None:
    """Report window ``index``'s console to ``console``: the hooks in every document of
    ``view`` and the handler they post to; a ``hidden`` window's (a headless app's) up to
    :data:`~oro_framework.gui.console.HIDDEN_PAGE_BUDGET` messages a second."""
    budget = HIDDEN_PAGE_BUDGET if hidden else PAGE_BUDGET
    webkit = repository("WebKit2")
    manager = view.get_user_content_manager()

    def received(_manager: Any, result: Any) -> None:
        try:
            # WebKitGTK 4.1 hands a WebKitJavascriptResult, newer versions the JSCValue.
            value = result.get_js_value() if hasattr(result, "get_js_value") else result
            message = _message(index, json.loads(str(value.to_string())))
        except (ValueError, TypeError, AttributeError) as error:
            logger.debug("window %d: unreadable console message: %s", index, error)
            return
        if message is not None:
            console(message)

    manager.connect(f"script-message-received::{HANDLER}", received)
    manager.register_script_message_handler_in_world(HANDLER, WORLD)
    # The relay first: it listens before the hooks can send.
    manager.add_script(
        webkit.UserScript.new_for_world(
            RELAY_SCRIPT.replace("__BUDGET__", str(budget)),
            webkit.UserContentInjectedFrames.ALL_FRAMES,
            webkit.UserScriptInjectionTime.START,
            WORLD,
            None,
            None,
        )
    )
    manager.add_script(
        webkit.UserScript.new(
            CONSOLE_SCRIPT,
            webkit.UserContentInjectedFrames.ALL_FRAMES,
            webkit.UserScriptInjectionTime.START,
            None,
            None,
        )
    )


def _message(index: int, data: Any) -> ConsoleMessage | None:
    """What the relay posted, if it is a message of the script's shape (the page may send the
    hooks' event too: its text is as untrusted as any console text)."""
    if not isinstance(data, dict):
        return None
    level, text = data.get("level"), data.get("text")
    if level not in _LEVELS or not isinstance(text, str):
        return None
    source, line = data.get("source"), data.get("line")
    return ConsoleMessage(
        index=index,
        level=cast(ConsoleLevel, level),
        text=text,
        source=source if isinstance(source, str) else "",
        line=line if isinstance(line, int) and not isinstance(line, bool) else 0,
    )
