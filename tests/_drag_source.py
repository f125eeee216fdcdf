"""A real X drag source for the drop tests: a small GTK 3 window at the screen's top-left corner
whose whole area can be dragged (with the mouse: ``xdotool``), offering what a file manager or a
browser would: ``text/uri-list`` bytes as given (``--uri-list FILE``), or plain text
(``--text``). GTK speaks XDND to the window it is dropped on, as any app's drag does.

``python _drag_source.py --uri-list FILE`` prints ``ready`` once its window is shown, then
``finished <status>`` for each drag that ended (``dropped``/``cancelled``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

TITLE = "oro drag source"
SIZE = 160
"""The window is SIZE x SIZE at (0, 0): drags start at its centre."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uri-list", type=Path)
    parser.add_argument("--text")
    arguments = parser.parse_args()
    payload: bytes = (
        arguments.uri_list.read_bytes()
        if arguments.uri_list is not None
        else str(arguments.text).encode()
    )
    target = "text/uri-list" if arguments.uri_list is not None else "text/plain"

    window = Gtk.Window(title=TITLE)
    window.set_default_size(SIZE, SIZE)
    window.move(0, 0)
    area = Gtk.EventBox()
    area.add(Gtk.Label(label="drag me"))
    window.add(area)
    targets = [Gtk.TargetEntry.new(target, Gtk.TargetFlags.OTHER_APP, 0)]
    area.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, targets, Gdk.DragAction.COPY)

    def data_get(_widget: Any, _context: Any, data: Any, _info: int, _time: int) -> None:
        # The bytes as given, not GTK's re-encoding: a test may offer a malformed list.
        data.set(Gdk.Atom.intern(target, False), 8, payload)

    def ended(_widget: Any, _context: Any) -> None:
        print("finished", flush=True)

    def failed(_widget: Any, _context: Any, result: Any) -> bool:
        print(f"failed {result.value_nick}", flush=True)
        return True  # no "snap back" animation

    area.connect("drag-data-get", data_get)
    area.connect("drag-end", ended)
    area.connect("drag-failed", failed)
    window.connect("destroy", Gtk.main_quit)
    window.connect("map-event", lambda *_: print("ready", flush=True) and False)
    window.show_all()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, Gtk.main_quit)
    Gtk.main()
    sys.exit(0)


if __name__ == "__main__":
    main()
