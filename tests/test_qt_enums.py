"""pywebview's Qt backend is imported with only the Qt enums it names unscoped promoted
(``oro_framework/gui/qt/enums.py``, ``toolkit.py``): every ``Class.Member`` that pywebview's Qt
backend, the host's Qt modules and oro-desktop's name through qtpy is reachable, read from their
source."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]

# In a process of its own: which attribute chains of the given files, on names imported from
# qtpy, do not resolve once the backend is imported as the host imports it (argv[1]: "host"),
# or with nothing promoted at all ("none": what the scan finds to check).
SCAN = textwrap.dedent(
    """\
    import ast, importlib, json, sys
    import qtpy.enums_compat
    from qtpy import sip
    from oro_framework.gui.qt import enums, toolkit

    original = qtpy.enums_compat.promote_enums
    if sys.argv[1] == "host":
        backend = toolkit.import_pywebview_qt()
        assert qtpy.enums_compat.promote_enums is original, "qtpy's own promote_enums is back"
    else:
        def only_qt(module):
            if hasattr(module, "Qt"):  # qtpy's own module code names Qt's members unscoped
                enums.promote(module.Qt, [name for name in dir(module.Qt) if name[:1].isupper()])
        qtpy.enums_compat.promote_enums = only_qt

    def resolve(module, name):
        try:
            return getattr(importlib.import_module(module), name)
        except AttributeError:
            return importlib.import_module(f"{module}.{name}")

    missing, checked = [], 0
    for path in sys.argv[2:]:
        tree = ast.parse(open(path).read())
        names = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "qtpy":
                for alias in node.names:
                    names[alias.asname or alias.name] = (node.module, alias.name)
        for node in ast.walk(tree):
            parts = []
            while isinstance(node, ast.Attribute):
                parts.append(node.attr)
                node = node.value
            if not isinstance(node, ast.Name) or node.id not in names or not parts:
                continue
            value = resolve(*names[node.id])
            for part in reversed(parts):
                if not part[:1].isupper():
                    break
                if isinstance(value, sip.wrappertype):
                    checked += 1
                    if not hasattr(value, part):
                        missing.append(f"{path}: {node.id}...{part}")
                        break
                value = getattr(value, part, None)
    print(json.dumps({"missing": sorted(set(missing)), "checked": checked}))
    """
)

SOURCES = [
    Path(__import__("webview").__file__).parent / "platforms" / "qt.py",
    *sorted((REPOSITORY / "oro_framework" / "gui" / "qt").glob("*.py")),
    *sorted((REPOSITORY / "plugins" / "oro-desktop" / "src" / "oro_desktop").glob("*/qt.py")),
]


def _scan(promoted: str) -> dict[str, list[str] | int]:
    done = subprocess.run(
        [sys.executable, "-c", SCAN, promoted, *map(str, SOURCES)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found: dict[str, list[str] | int] = json.loads(done.stdout.splitlines()[-1])
    return found


def test_every_unscoped_qt_name_the_backend_and_the_host_use_is_reachable() -> None:
    found = _scan("host")
    assert found["missing"] == []
    checked = found["checked"]
    assert isinstance(checked, int)
    assert checked > 50


def test_the_scan_finds_the_names_pywebview_uses_unscoped() -> None:
    # The control: with only Qt's own namespace promoted, pywebview's QMessageBox.Ok and
    # QEvent.Move are missing, which is what the promoted classes are for.
    missing = _scan("none")["missing"]
    assert isinstance(missing, list)
    assert any(name.endswith("QMessageBox...Ok") for name in missing)
    assert any(name.endswith("QtCore...Move") for name in missing)
