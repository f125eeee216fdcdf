"""The clipboard's GTK side; imported only with GTK windows, every function but
:func:`decode_png` runs on the GUI thread (``host.windows.run_on_gui``).

Writing owns the selection with a hidden ``GtkInvisible`` and GTK's selection API, serving each
format as asked: ``GtkClipboard.set_with_data``, which would offer several formats at once, is
not usable from Python. What this process owns is answered from memory, as Qt does; what another
program owns is GTK's synchronous transfer (``wait_for_contents``: a nested main loop that
handles X events until the owner answers, at most a few seconds), so the loop is never blocked.
"""

from __future__ import annotations

from typing import Any, Final

from oro_desktop.clipboard.content import ClipboardContent, Selection
from oro_desktop.gtk_bindings import repository
from oro_framework import NotSupportedError
from oro_framework.records import record

__all__ = ["decode_png", "read", "read_text", "write"]

PNG_TYPE: Final = "image/png"
HTML_TYPE: Final = "text/html"
UTF8_TARGETS: Final = ("UTF8_STRING", "text/plain;charset=utf-8", "text/plain")
"""Text targets served as the UTF-8 bytes themselves. GTK's own conversion would give
``text/plain`` (no charset: ASCII by the spec) with every other character replaced; Qt, Firefox
and Chromium all read it as UTF-8."""
CONVERTED_TARGETS: Final = ("STRING", "TEXT", "COMPOUND_TEXT")
"""Legacy X text targets, converted by GTK (``gtk_selection_data_set_text``)."""


@record(frozen=False)
class _Held:
    """What this process put on one selection, until another program takes it."""

    content: ClipboardContent
    pixbuf: Any


_owners: dict[Selection, Any] = {}
_held: dict[Selection, _Held] = {}


def _atom(selection: Selection) -> Any:
    gdk = repository("Gdk")
    return gdk.SELECTION_CLIPBOARD if selection == "clipboard" else gdk.SELECTION_PRIMARY


def _check_selection(selection: Selection) -> None:
    if selection == "clipboard":
        return
    display = repository("Gdk").Display.get_default()
    # GTK 3 has a primary selection on X11 and on Wayland (its primary-selection protocol).
    if type(display).__name__ not in ("X11Display", "WaylandDisplay"):
        raise NotSupportedError(
            "This system has no primary selection (it is X11's and Wayland's): use the "
            "clipboard instead",
            code="ERR_SELECTION_UNSUPPORTED",
        )


def read_text(selection: Selection) -> str:
    _check_selection(selection)
    held = _held.get(selection)
    if held is not None:
        return held.content.text or ""
    clipboard = repository("Gtk").Clipboard.get(_atom(selection))
    text: str | None = clipboard.wait_for_text()
    return text or ""


def read(selection: Selection, limit: int) -> ClipboardContent:
    _check_selection(selection)
    held = _held.get(selection)
    if held is not None:
        return held.content
    gdk = repository("Gdk")
    clipboard = repository("Gtk").Clipboard.get(_atom(selection))
    # Asked afresh rather than wait_for_targets(), whose cache may predate a new owner.
    offered = clipboard.wait_for_contents(gdk.Atom.intern("TARGETS", False))
    if offered is None:
        return ClipboardContent()
    valid, atoms = offered.get_targets()
    names = {atom.name() for atom in atoms} if valid else set()
    text: str | None = None
    if offered.targets_include_text():
        text = clipboard.wait_for_text()
    html: str | None = None
    if HTML_TYPE in names:
        data = clipboard.wait_for_contents(gdk.Atom.intern(HTML_TYPE, False))
        if data is not None and data.get_length() >= 0:
            html = _decode_html(bytes(data.get_data()))
    # Checked before the image is fetched: text alone may already be too much.
    ClipboardContent(text=text, html=html).read_within(limit)
    image: bytes | None = None
    if PNG_TYPE in names:
        # The owner's own PNG bytes, unchanged.
        data = clipboard.wait_for_contents(gdk.Atom.intern(PNG_TYPE, False))
        if data is not None and data.get_length() >= 0:
            image = bytes(data.get_data())
    elif offered.targets_include_image(False):
        # Another image type (BMP, JPEG...): converted, since PNG is what the page gets.
        image = _encode_png(clipboard.wait_for_image())
    return ClipboardContent(text=text, html=html, image=image).read_within(limit)


def write(content: ClipboardContent, image: Any, selection: Selection) -> None:
    """Own ``selection`` with ``content``; ``image`` is its PNG decoded (:func:`decode_png`), so
    that programs asking for other image types (BMP, JPEG...) get it too."""
    _check_selection(selection)
    gtk, gdk = repository("Gtk"), repository("Gdk")
    owner = _owner(selection)
    atom = _atom(selection)
    gtk.selection_clear_targets(owner, atom)
    targets: list[str] = []
    if content.text is not None:
        targets += [*UTF8_TARGETS, *CONVERTED_TARGETS]
    if content.html is not None:
        targets.append(HTML_TYPE)
    if content.image is not None:
        targets.append(PNG_TYPE)
        if image is not None:
            targets += [name for name in _writable_image_types() if name != PNG_TYPE]
    for info, name in enumerate(targets):
        gtk.selection_add_target(owner, atom, gdk.Atom.intern(name, False), info)
    _held[selection] = _Held(content, image)
    if not gtk.selection_owner_set(owner, atom, gdk.CURRENT_TIME):
        del _held[selection]
        raise NotSupportedError(
            "The clipboard could not be taken: the display refused it", code="ERR_CLIPBOARD"
        )


def decode_png(png: bytes) -> Any:
    """``png`` as a ``GdkPixbuf``, or ``None`` if it is not a PNG GdkPixbuf reads. Any thread:
    the loader is this call's own."""
    pixbuf_module, glib = repository("GdkPixbuf"), repository("GLib")
    try:
        loader = pixbuf_module.PixbufLoader.new_with_type("png")
        loader.write(png)
        loader.close()
    except glib.Error:
        return None
    return loader.get_pixbuf()


def _owner(selection: Selection) -> Any:
    owner = _owners.get(selection)
    if owner is None:
        owner = repository("Gtk").Invisible()
        owner.connect("selection-get", _serve, selection)
        owner.connect("selection-clear-event", _cleared, selection)
        _owners[selection] = owner
    return owner


def _serve(_owner: Any, data: Any, _info: int, _time: int, selection: Selection) -> None:
    """Another program (or this one) asks for one format of what this process owns."""
    held = _held.get(selection)
    if held is None:
        return
    content = held.content
    target = data.get_target()
    name = target.name()
    if name in UTF8_TARGETS and content.text is not None:
        data.set(target, 8, content.text.encode("utf-8"))
    elif name in CONVERTED_TARGETS and content.text is not None:
        data.set_text(content.text, -1)
    elif name == HTML_TYPE and content.html is not None:
        data.set(target, 8, content.html.encode("utf-8"))
    elif name == PNG_TYPE and content.image is not None:
        # The page's bytes exactly; GdkPixbuf converts the decoded image for the rest.
        data.set(target, 8, content.image)
    elif held.pixbuf is not None:
        data.set_pixbuf(held.pixbuf)


def _cleared(_owner: Any, _event: Any, selection: Selection) -> bool:
    # Another program owns the selection now: what this process held is no longer on it.
    _held.pop(selection, None)
    return False


def _writable_image_types() -> list[str]:
    pixbuf_module = repository("GdkPixbuf")
    types: list[str] = []
    for image_format in pixbuf_module.Pixbuf.get_formats():
        if image_format.is_writable():
            types += image_format.get_mime_types()
    return types


def _encode_png(pixbuf: Any) -> bytes | None:
    if pixbuf is None:
        return None
    saved, png = pixbuf.save_to_bufferv("png", [], [])
    return bytes(png) if saved else None


def _decode_html(data: bytes) -> str:
    # Firefox offers text/html as UTF-16 with a byte order mark; everyone else as UTF-8.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")
