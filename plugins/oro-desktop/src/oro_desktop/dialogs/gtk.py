"""The file dialog's GTK side; imported only with GTK windows, every function runs on the GUI
thread (``host.windows.run_on_gui``).

The dialog is ``GtkFileChooserNative``: the desktop portal's file chooser where GTK uses the
portal (in Flatpak or Snap, or with ``GTK_USE_PORTAL=1``), else GTK's own file chooser dialog,
the one shown under Xvfb. It is opened with ``show()``: the GUI thread goes back to its main
loop at once and the answer arrives through ``response``; ``run()`` would spin a nested main
loop inside a dispatched call and hold up every other GUI call meanwhile.

It is modal to its window only: the window is put in a window group of its own, which a modal
dialog transient for it joins, so the app's other windows stay usable, as with Qt's
window-modal dialog.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from typing import Any

from oro_desktop.dialogs.options import PickerOptions
from oro_desktop.gtk_bindings import repository

__all__ = ["close", "show"]

Answer = Callable[[list[str] | None], None]
"""Called once on the GUI thread with the picked paths, or ``None`` when the dialog closed
without an answer (cancelled, closed by the app, or gone with its window)."""


def show(parent: Any, options: PickerOptions, answer: Answer) -> Any:
    """Open the dialog over ``parent`` (the window's ``GtkWindowParts``; ``None``: a dialog of
    its own, as a headless app's, :mod:`oro_desktop.dialogs.detached`) and return it;
    ``answer`` hears how it ended."""
    gtk = repository("Gtk")
    # A dialog modal to an unmapped window never maps: none, then.
    window = None if parent is None else parent.window
    actions = gtk.FileChooserAction
    if options.type == "save":
        action, accept, title = actions.SAVE, "_Save", "Save As"
    elif options.directories:
        action, accept, title = actions.SELECT_FOLDER, "_Select", "Select a Folder"
    else:
        action, accept, title = actions.OPEN, "_Open", "Open"
    dialog = gtk.FileChooserNative.new(options.title or title, window, action, accept, "_Cancel")
    if window is not None and not window.has_group():
        gtk.WindowGroup().add_window(window)
    dialog.set_modal(True)
    dialog.set_select_multiple(options.multiple)
    if options.type == "save":
        dialog.set_do_overwrite_confirmation(True)
    for name_filter in options.filters:
        file_filter = gtk.FileFilter()
        file_filter.set_name(name_filter.qt)
        for pattern in name_filter.patterns:
            file_filter.add_pattern(pattern)
        dialog.add_filter(file_filter)
    _place(dialog, options)

    answered = False

    def once(paths: list[str] | None) -> None:
        nonlocal answered
        if not answered:
            answered = True
            # Gone already when the window's destruction took the dialog along.
            if window is not None and window.handler_is_connected(gone):
                window.disconnect(gone)
            answer(paths)

    # The handlers take the dialog as their argument, never from this scope: a dialog whose
    # own handler refers to it is a reference cycle, which Python's collector frees on
    # whichever thread it happens to run, and GTK objects finalized off the GUI thread
    # abort the app (seen in CI).
    def responded(answered_dialog: Any, response: int) -> None:
        accepted = response == gtk.ResponseType.ACCEPT
        paths = [str(path) for path in answered_dialog.get_filenames()] if accepted else None
        answered_dialog.disconnect(responding)
        # Destroyed once GTK is done with the response: destroying it in here, while GTK's
        # own handling of the key that answered (Escape) still runs, crashed the app.
        repository("GLib").idle_add(_destroy_once, answered_dialog)
        once(paths or None)

    responding = dialog.connect("response", responded)
    # The window closing takes the dialog along without a response; the handler holds the
    # dialog weakly, for the same reason.
    held = weakref.ref(dialog)

    def window_destroyed(*_: Any) -> None:
        if (still := held()) is not None:
            close(still)
        once(None)

    gone = None if window is None else window.connect("destroy", window_destroyed)
    dialog.show()
    return dialog


def _place(dialog: Any, options: PickerOptions) -> None:
    """Where the dialog starts: ``defaultPath`` (a directory, or a file in one), else the
    working directory, and the suggested ``defaultName``."""
    path = options.default_path
    if path is None:
        # The working directory, as Qt's dialog starts: GTK's would open on "Recent", whose
        # switch to a folder view as the user types a path loses keys and, in GTK 3's path
        # bar, has aborted the process.
        dialog.set_current_folder(os.getcwd())
    else:
        if os.path.isdir(path):
            dialog.set_current_folder(path)
        elif options.type == "save":
            dialog.set_current_folder(os.path.dirname(path))
            dialog.set_current_name(os.path.basename(path))
        elif os.path.exists(path):
            dialog.set_filename(path)
        else:
            dialog.set_current_folder(os.path.dirname(path))
    if options.default_name is not None:
        if options.type == "save":
            dialog.set_current_name(options.default_name)
        else:
            folder = dialog.get_current_folder() or os.getcwd()
            candidate = os.path.join(folder, options.default_name)
            if os.path.exists(candidate):
                dialog.select_filename(candidate)


def _destroy_once(dialog: Any) -> bool:
    dialog.destroy()
    return False  # an idle callback run once


def close(dialog: Any) -> None:
    """Close ``dialog`` as if cancelled; nothing if it already ended."""
    dialog.hide()
    dialog.destroy()
