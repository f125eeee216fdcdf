"""What ``oro run`` and ``oro dev`` set up for debugging the app's pages (docs/debugging.md):
the pages' console messages and uncaught errors printed to standard error, and whether
``showInspector()`` may open the developer tools (``[webview] devtools``)."""

from __future__ import annotations

import atexit
import os
from typing import Final

from oro_framework.cli.common import is_verbose
from oro_framework.gui.console import ConsolePrinter, printed_levels
from oro_framework.host.app import Host
from oro_framework.host.builtin_settings import WebviewSettings
from oro_framework.host.windows.debugging import PageDebugging
from oro_framework.host.windows.engine import Engine

__all__ = ["PAGE_CONSOLE_ENV", "configure_page_debugging"]

PAGE_CONSOLE_ENV: Final = "ORO_PAGE_CONSOLE"
"""``quiet`` when ``oro dev --quiet`` runs its host (``oro run --dev-child``), which inherits
the environment: the dev loop builds the host's command line."""


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
    engine.configure_debugging(
        PageDebugging(console=printer.submit, devtools=host.settings(WebviewSettings).devtools)
    )
