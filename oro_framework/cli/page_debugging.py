"""What ``oro run`` and ``oro dev`` set up for debugging the app's pages (docs/debugging.md):
the pages' console messages and uncaught errors printed to standard error, and whether
``showInspector()`` may open the developer tools (``[webview] devtools``). Under ``oro dev``,
what ``oro:dev`` writes to a page's console is left out: it is the host's own log
(:mod:`~oro_framework.cli.dev_logs`), on the terminal already."""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Callable
from typing import Final
from urllib.parse import urlsplit

from oro_framework.cli.common import is_verbose
from oro_framework.gui.console import ConsolePrinter, printed_levels
from oro_framework.host.app import Host
from oro_framework.host.builtin_settings import WebviewSettings
from oro_framework.host.windows.debugging import ConsoleMessage, PageDebugging
from oro_framework.host.windows.engine import Engine

__all__ = ["PAGE_CONSOLE_ENV", "configure_page_debugging"]

PAGE_CONSOLE_ENV: Final = "ORO_PAGE_CONSOLE"
"""``quiet`` when ``oro dev --quiet`` runs its host (``oro run --dev-child``), which inherits
the environment: the dev loop builds the host's command line."""
_DEV_MODULE: Final = "oro:dev"
"""``oro dev``'s module in every page (:mod:`~oro_framework.cli.dev_child`; not imported here,
which ``oro run`` would pay for)."""


def configure_page_debugging(
    host: Host, engine: Engine, *, quiet: bool, hidden: bool = False
) -> None:
    """Tell ``engine`` where its pages' console goes and whether their devtools may open;
    before its first window opens. A ``hidden`` app's (a headless app's: nobody sees its
    windows) is printed whole, log and info too, as Socket prints it."""
    quiet = quiet or os.environ.get(PAGE_CONSOLE_ENV) == "quiet"
    # A printer even when quiet: without a receiver of its own QtWebEngine prints every console
    # message itself ("js: ..."), the page's escapes and all.
    levels = printed_levels(verbose=hidden or is_verbose(), quiet=quiet)
    printer = ConsolePrinter(levels, limited=not hidden)
    atexit.register(printer.drain)
    console: Callable[[ConsoleMessage], None] = printer.submit
    dev_module = host.js_modules.get(_DEV_MODULE)
    if dev_module is not None:
        console = _leaving_out(dev_module.url_path, console)
    engine.configure_debugging(
        PageDebugging(console=console, devtools=host.settings(WebviewSettings).devtools)
    )


def _leaving_out(
    path: str, console: Callable[[ConsoleMessage], None]
) -> Callable[[ConsoleMessage], None]:
    """``console`` but for the messages of the script served at ``path`` (each engine reports
    the script that called ``console``)."""

    def submit(message: ConsoleMessage) -> None:
        # The page can name its scripts (`//# sourceURL=`): one urlsplit refuses is printed.
        with contextlib.suppress(ValueError):
            if urlsplit(message.source).path == path:
                return
        console(message)

    return submit
