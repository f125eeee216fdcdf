"""The dialogs route of oro-desktop: ``window.showFileSystemPicker``, with the Oro Runtime's
parameters (``oro:window``'s ``showOpenFilePicker``, ``showSaveFilePicker`` and
``showDirectoryFilePicker`` call it)."""

from __future__ import annotations

from typing import Any, Final

from oro_desktop.permissions import DIALOGS
from oro_desktop.state import STATE
from oro_framework import Request, RouteGroup

__all__ = ["DIALOG_TIMEOUT", "ROUTES"]

DIALOG_TIMEOUT: Final = 24 * 3600.0
"""Seconds a dialog may stay open: the user decides, not ``ipc.timeout_ms``; a bound still, so
a forgotten dialog's request does not live forever."""


async def show_file_system_picker(request: Request) -> dict[str, Any]:
    """Show a native file dialog and answer {paths}; the paths become usable through oro:fs.

    Parameters: ``type`` (``open``/``save``), ``allowFiles`` (default true), ``allowDirs``,
    ``allowMultiple``, ``contentTypeSpecs``, ``defaultName``, ``defaultPath``, ``title``,
    ``writable`` (a picked directory may be written to) and ``targetWindowIndex``. What was
    picked is granted to the calling window's page (over the HTTP bridge: the target window's)
    until that page goes away. Cancelling is an ``AbortError``.
    """
    # The options' reader (MIME types and all) imports with the first dialog, not at start.
    from oro_desktop.dialogs.options import PickerOptions

    options = PickerOptions.from_request(request)
    host = request.host
    dialogs = host.stash[STATE].dialogs
    dialogs.check_available()
    window = host.windows.open_window(request)
    grantee = request.window if request.window is not None else window.index
    picked = await dialogs.pick(window, grantee, options)
    return {"paths": [item.path for item in picked]}


ROUTES: Final = RouteGroup.guarded(
    DIALOGS,
    handlers={"window.showFileSystemPicker": show_file_system_picker},
    timeouts={"window.showFileSystemPicker": DIALOG_TIMEOUT},
)
