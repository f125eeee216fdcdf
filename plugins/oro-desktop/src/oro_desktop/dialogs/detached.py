"""The file dialog of a headless app (``oro run --headless``, pages in a browser) on a display
that exists all the same: run as ``python -m oro_desktop.dialogs.detached`` by the dialogs
part, it opens GTK's dialog (the one :mod:`oro_desktop.dialogs.gtk` opens over a window) on
``DISPLAY`` and answers on standard output.

A process of its own, because a headless host runs no GUI loop, and starting one in the host
for a dialog would tie the host's life to a toolkit it otherwise never loads. Protocol: the
:class:`~oro_desktop.dialogs.options.PickerOptions` as JSON on standard input; one JSON line
on standard output, ``{"paths": [...]}`` or ``{"paths": null}`` (cancelled); exit status
:data:`NO_DISPLAY` with the reason on standard error when GTK cannot open the display. The host
ends the process to close the dialog (the page went away, the app stops).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any, Final

from oro_desktop.dialogs.options import NameFilter, PickerOptions

__all__ = ["NO_DISPLAY", "decode", "encode", "main"]

NO_DISPLAY: Final = 3
"""Exit status: GTK is missing or cannot open the display."""


def encode(options: PickerOptions) -> bytes:
    """``options`` as the JSON :func:`main` reads."""
    return json.dumps(asdict(options)).encode()


def decode(data: bytes) -> PickerOptions:
    """What :func:`encode` wrote, as options again."""
    fields: dict[str, Any] = json.loads(data)
    filters = tuple(
        NameFilter(str(item["name"]), tuple(str(pattern) for pattern in item["patterns"]))
        for item in fields.pop("filters")
    )
    return PickerOptions(filters=filters, **fields)


def main() -> int:
    options = decode(sys.stdin.buffer.read())
    try:
        from oro_desktop.dialogs import gtk
        from oro_desktop.gtk_bindings import repository

        toolkit = repository("Gtk")
    except (ImportError, ValueError) as error:
        print(f"GTK is not installed ({error})", file=sys.stderr)
        return NO_DISPLAY
    opened, _ = toolkit.init_check(sys.argv)
    if not opened:
        print("GTK cannot open the display", file=sys.stderr)
        return NO_DISPLAY

    def answer(paths: list[str] | None) -> None:
        sys.stdout.write(json.dumps({"paths": paths}) + "\n")
        sys.stdout.flush()
        toolkit.main_quit()

    # Held until the loop ends: a native dialog nobody references is closed.
    dialog = gtk.show(None, options, answer)
    toolkit.main()
    del dialog
    return 0


if __name__ == "__main__":
    sys.exit(main())
