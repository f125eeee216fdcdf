"""The file dialog's Qt side; imported only with a GUI, every function runs on the GUI thread
(``host.windows.run_on_gui``).

The dialog is Qt's own widget dialog (``DontUseNativeDialog``), the one Qt shows under Xvfb
anyway and the same on every desktop, opened window-modal with ``open()``: the GUI thread goes
back to its event loop at once and the answer arrives through ``finished``. ``exec()`` would
run a nested event loop inside a dispatched call and hold up every other GUI call meanwhile.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from qtpy import QtWidgets

from oro_desktop.dialogs.options import PickerOptions

__all__ = ["close", "show"]

Answer = Callable[[list[str] | None], None]
"""Called once on the GUI thread with the picked paths, or ``None`` when the dialog closed
without an answer (cancelled, closed by the app, or destroyed with its window)."""


def show(parent: Any, options: PickerOptions, answer: Answer) -> Any:
    """Open the dialog over ``parent`` (the window's ``QMainWindow``) and return it; ``answer``
    hears how it ended."""
    dialog: Any = QtWidgets.QFileDialog(parent)
    flags = QtWidgets.QFileDialog.Option
    modes = QtWidgets.QFileDialog.FileMode
    dialog.setOption(flags.DontUseNativeDialog, True)
    if options.title is not None:
        dialog.setWindowTitle(options.title)
    if options.type == "save":
        dialog.setAcceptMode(QtWidgets.QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(modes.AnyFile)
    elif options.directories:
        dialog.setFileMode(modes.Directory)
        dialog.setOption(flags.ShowDirsOnly, True)
    else:
        dialog.setFileMode(modes.ExistingFiles if options.multiple else modes.ExistingFile)
    if options.filters:
        dialog.setNameFilters([name_filter.qt for name_filter in options.filters])
    if options.default_path is not None:
        if os.path.isdir(options.default_path):
            dialog.setDirectory(options.default_path)
        else:
            dialog.setDirectory(os.path.dirname(options.default_path))
            dialog.selectFile(os.path.basename(options.default_path))
    if options.default_name is not None:
        dialog.selectFile(options.default_name)

    answered = False

    def once(paths: list[str] | None) -> None:
        nonlocal answered
        if not answered:
            answered = True
            answer(paths)

    def destroyed() -> None:
        once(None)

    def finished(result: int) -> None:
        accepted = result == QtWidgets.QDialog.DialogCode.Accepted.value
        paths = [str(path) for path in dialog.selectedFiles()] if accepted else None
        # Answered: its deletion, which may come as late as Qt's own teardown at exit, must
        # not call back into Python (a crash at exit was seen with the handler still there).
        dialog.destroyed.disconnect(destroyed)
        dialog.deleteLater()
        once(paths or None)

    dialog.finished.connect(finished)
    # The window closing destroys the dialog with it, without a `finished`.
    dialog.destroyed.connect(destroyed)
    dialog.open()
    return dialog


def close(dialog: Any) -> None:
    """Close ``dialog`` as if cancelled; nothing if it already ended."""
    try:
        if dialog.isVisible():
            dialog.reject()
    except RuntimeError:
        pass  # its window took it along already ("wrapped C/C++ object has been deleted")
