"""pywebview's Qt backend, imported without making every Qt enum member reachable unscoped.

PyQt6 names enum members by their enum (``Qt.WindowType.WindowStaysOnTopHint``) and makes each
enum class when it is first read. qtpy, which pywebview's Qt backend imports Qt through, makes
them reachable as in PyQt5 too (``Qt.WindowStaysOnTopHint``): its ``promote_enums`` reads every
enum of every class of QtCore, QtGui and QtWidgets as they are imported, making ~575 enum
classes, ~130 ms of every Qt launch. pywebview and qtpy itself name the members of a dozen
enums that way (:data:`UNSCOPED`), and the host's own Qt code, as oro-desktop's, names them by
their enum: :func:`import_backend` imports the backend with only those enums' members promoted,
then gives qtpy its own ``promote_enums`` back, for any later caller.
``tests/test_qt_enums.py`` reads pywebview's Qt backend and the host's Qt modules and checks that
every member they name unscoped is reachable.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any, Final

__all__ = ["BACKEND", "UNSCOPED", "import_backend", "promote"]

BACKEND: Final = "webview.platforms.qt"
"""pywebview's Qt backend."""
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


def _promote_named(module: ModuleType) -> None:
    """qtpy's ``promote_enums`` as the backend's import calls it: the named enums only."""
    for name, enums in UNSCOPED.get(module.__name__.rpartition(".")[2], {}).items():
        klass = getattr(module, name, None)
        if klass is not None:
            promote(klass, enums)


def import_backend() -> Any:
    """pywebview's Qt backend, imported (once) with the enums of :data:`UNSCOPED` promoted:
    how the host reaches it. Where qtpy promotes nothing (another binding than PyQt6) or its
    modules were imported already, the backend imports as it would."""
    compat: Any = importlib.import_module("qtpy.enums_compat")
    original: Callable[[ModuleType], None] | None = getattr(compat, "promote_enums", None)
    if original is None:
        return importlib.import_module(BACKEND)
    compat.promote_enums = _promote_named
    try:
        return importlib.import_module(BACKEND)
    finally:
        compat.promote_enums = original
