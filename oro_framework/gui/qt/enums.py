"""Which Qt enums pywebview's Qt backend and qtpy name unscoped, and promoting only those.

PyQt6 names enum members by their enum (``Qt.WindowType.WindowStaysOnTopHint``) and makes each
enum class when it is first read. qtpy, which pywebview's Qt backend imports Qt through, makes
them reachable as in PyQt5 too (``Qt.WindowStaysOnTopHint``): its ``promote_enums`` reads every
enum of every class of QtCore, QtGui and QtWidgets as they are imported, making ~575 enum
classes, ~130 ms of every Qt launch. pywebview and qtpy itself name the members of a dozen
enums that way (:data:`UNSCOPED`), and the host's own Qt code, as oro-desktop's, names them by
their enum: :func:`promote_named` is what qtpy calls instead while
:func:`~oro_framework.gui.qt.toolkit.import_pywebview_qt` imports the backend.
``tests/test_qt_enums.py`` reads pywebview's Qt backend and the host's Qt modules and checks that
every member they name unscoped is reachable.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any, Final

__all__ = ["UNSCOPED", "promote", "promote_named"]

UNSCOPED: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "QtCore": {
        # qtpy's own Qt.BackgroundRole and Qt.MiddleButton; pywebview's window flags, states,
        # attributes and context menu policy.
        "Qt": (
            "ItemDataRole",
            "MouseButton",
            "WindowType",
            "WindowState",
            "WidgetAttribute",
            "ContextMenuPolicy",
        ),
        "QEvent": ("Type",),
        "QFile": ("OpenModeFlag",),
    },
    "QtWidgets": {"QMessageBox": ("StandardButton",), "QFileDialog": ("Option",)},
}
"""By Qt module and class, the enums whose members pywebview's Qt backend and qtpy name
unscoped (``QtCore.Qt.WindowStaysOnTopHint``, ``QMessageBox.Ok``, qtpy's ``Qt.BackgroundRole``)."""


def promote(klass: Any, enums: Iterable[str]) -> None:
    """Make every member of ``klass``'s enums named ``enums`` an attribute of ``klass``, as
    qtpy's ``promote_enums`` does for every enum of every class of a module."""
    for name in enums:
        value = getattr(klass, name, None)
        if isinstance(value, enum.EnumMeta):
            members: Mapping[str, enum.Enum] = value.__members__
            for member, item in members.items():
                setattr(klass, member, item)


def promote_named(module: ModuleType) -> None:
    """qtpy's ``promote_enums`` as the backend's import calls it: the named enums only."""
    for name, enums in UNSCOPED.get(module.__name__.rpartition(".")[2], {}).items():
        klass = getattr(module, name, None)
        if klass is not None:
            promote(klass, enums)
