"""Removing from a frozen app what it never loads, and saying how much each kind weighed.

PyInstaller collects Qt by module, and Qt's modules bring the whole QML stack, every WebEngine
locale and the developer tools with them. An oro window is a QtWebEngineWidgets view showing
HTML, so a build keeps exactly the Qt libraries that the collected Python modules, Qt plugins
and the WebEngine helper process link against (followed through ``DT_NEEDED``), and drops:

* QML modules (a widgets window loads none);
* WebEngine locales but ``en-US.pak`` (Chromium's own fallback; pages bring their own text);
* Qt's ``.qm`` translations of its own dialogs;
* the WebEngine developer tools (the inspector is not part of a shipped app);
* platform plugins for embedded screens (EGLFS, LinuxFB, VNC);
* ``__pycache__`` folders that data collection copied.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final, final

from oro_framework.build.elf import is_elf, needed_libraries
from oro_framework.records import record

__all__ = ["TrimmedKind", "trim_bundle"]

_QT: Final = Path("PyQt6") / "Qt6"
_KEPT_LOCALE: Final = "en-US.pak"
_EMBEDDED_PLATFORMS: Final = frozenset(
    {"libqeglfs.so", "libqlinuxfb.so", "libqvnc.so", "libqvkkhrdisplay.so", "libqminimalegl.so"}
)


@final
@record
class TrimmedKind:
    """One kind of file a build removed: how many, and their size in bytes."""

    kind: str
    files: int
    size: int


def _files(path: Path) -> Iterator[Path]:
    if path.is_file() or path.is_symlink():
        yield path
    elif path.is_dir():
        yield from (item for item in path.rglob("*") if item.is_file() or item.is_symlink())


def _size(path: Path) -> int:
    return 0 if path.is_symlink() else path.stat().st_size


class _Remover:
    def __init__(self) -> None:
        self.kinds: dict[str, list[int]] = {}

    def remove(self, kind: str, path: Path) -> None:
        counts = self.kinds.setdefault(kind, [0, 0])
        for file in _files(path):
            counts[0] += 1
            counts[1] += _size(file)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _matching(
    root: Path, pattern: str, keep: Callable[[Path], bool] = lambda _: False
) -> list[Path]:
    return sorted(path for path in root.glob(pattern) if not keep(path))


def _used_qt_libraries(bundle: Path, qt_lib: Path) -> set[str]:
    """File names of the Qt libraries something outside ``qt_lib`` needs, directly or not."""
    by_name = {path.name: path for path in qt_lib.iterdir() if is_elf(path)}
    pending = [path for path in _files(bundle) if not path.is_relative_to(qt_lib) and is_elf(path)]
    used: set[str] = set()
    while pending:
        for name in needed_libraries(pending.pop()):
            if name in by_name and name not in used:
                used.add(name)
                pending.append(by_name[name])
    return used


def trim_bundle(bundle: Path) -> list[TrimmedKind]:
    """Remove what the frozen app in ``bundle`` (its ``_internal`` folder) never loads.

    :returns: what was removed, by kind; nothing when the bundle holds no Qt (headless-only).
    """
    remover = _Remover()
    qt = bundle / _QT
    if qt.is_dir():
        for path in _matching(qt, "qml"):
            remover.remove("QML modules", path)
        locales = qt / "translations" / "qtwebengine_locales"
        for path in _matching(locales, "*.pak", lambda path: path.name == _KEPT_LOCALE):
            remover.remove("WebEngine locales (en-US kept)", path)
        for path in _matching(qt / "translations", "*.qm"):
            remover.remove("Qt translations", path)
        for path in _matching(qt / "resources", "qtwebengine_devtools_resources*.pak"):
            remover.remove("WebEngine developer tools", path)
        for path in _matching(qt / "plugins", "egldeviceintegrations"):
            remover.remove("platform plugins for embedded screens", path)
        for path in _matching(
            qt / "plugins" / "platforms", "*.so", lambda path: path.name not in _EMBEDDED_PLATFORMS
        ):
            remover.remove("platform plugins for embedded screens", path)
        qt_lib = qt / "lib"
        if qt_lib.is_dir():
            used = _used_qt_libraries(bundle, qt_lib)
            for path in sorted(qt_lib.iterdir()):
                if is_elf(path) and path.name not in used:
                    remover.remove("Qt libraries nothing links against", path)
    for path in sorted(bundle.rglob("__pycache__"), reverse=True):
        if path.is_dir():
            remover.remove("__pycache__ folders", path)
    for link in sorted(bundle.rglob("*")):
        if link.is_symlink() and not os.path.exists(link):
            link.unlink()
    return [TrimmedKind(kind, files, size) for kind, (files, size) in remover.kinds.items()]
