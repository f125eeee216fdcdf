"""The clipboard part of oro-desktop: the system clipboard and, on X11 and Wayland, the primary
selection, read and written through the toolkit's clipboard on the GUI thread (Qt's
``QClipboard``, :mod:`oro_desktop.clipboard.qt`; GTK's ``GtkClipboard`` and selections,
:mod:`oro_desktop.clipboard.gtk`).

Content is text, HTML and PNG images. Everything is checked on the way in and out against
``desktop.clipboard_max_bytes``: a page cannot make the app hold (or hand over) more than that
at once, whatever another program put on the clipboard.

Headless there is no toolkit clipboard: every route answers ``NotSupportedError``
(``ERR_HEADLESS``) and the page is pointed at ``navigator.clipboard``, which a browser offers.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal, Protocol, final

import anyio

from oro_desktop.clipboard.content import (
    PNG_SIGNATURE,
    SELECTIONS,
    ClipboardContent,
    Selection,
    too_large,
    utf8_size,
)
from oro_desktop.part import Spawn, require_gui
from oro_desktop.settings import DesktopSettings
from oro_framework import Host, InvalidArgumentError, OutOfRangeError, Window

__all__ = ["PNG_SIGNATURE", "SELECTIONS", "Clipboard", "ClipboardContent", "Selection"]


class ClipboardEngine(Protocol):
    """What an engine module (``qt``, ``gtk``) offers; all but :meth:`decode_png` run on the
    GUI thread."""

    def read_text(self, selection: Selection) -> str: ...

    def read(self, selection: Selection, limit: int) -> ClipboardContent: ...

    def write(self, content: ClipboardContent, image: Any, selection: Selection) -> None: ...

    def decode_png(self, png: bytes) -> Any: ...


def engine(toolkit: str) -> ClipboardEngine:
    """The engine module of ``toolkit``, imported now: a headless host never loads one."""
    if toolkit == "gtk":
        from oro_desktop.clipboard import gtk

        return gtk
    from oro_desktop.clipboard import qt

    return qt


@final
class Clipboard:
    """The clipboard routes' work, one per host."""

    def __init__(self, host: Host, settings: DesktopSettings, spawn: Spawn) -> None:
        self._host = host
        self._settings = settings
        self._spawn = spawn
        self._reads = 0
        self._writes = 0
        self._refused = 0

    @property
    def max_bytes(self) -> int:
        return self._settings.clipboard_max_bytes

    async def read_text(self, selection: Selection) -> str:
        clipboard = self._engine()
        text: str = await self._host.windows.run_on_gui(clipboard.read_text, selection)
        self._check_size(utf8_size(text), "read")
        self._reads += 1
        return text

    async def write_text(self, text: str, selection: Selection) -> None:
        self._check_size(utf8_size(text), "written")
        clipboard = self._engine()
        await self._host.windows.run_on_gui(
            clipboard.write, ClipboardContent(text=text), None, selection
        )
        self._writes += 1

    async def read(self, selection: Selection) -> ClipboardContent:
        clipboard = self._engine()
        try:
            content: ClipboardContent = await self._host.windows.run_on_gui(
                clipboard.read, selection, self.max_bytes
            )
        except OutOfRangeError:
            self._refused += 1
            raise
        self._reads += 1
        return content

    async def write(self, content: ClipboardContent, selection: Selection) -> None:
        # The page's mistakes first, whatever the app runs on.
        self._check_size(content.size, "written")
        if content.image is not None and not content.image.startswith(PNG_SIGNATURE):
            self._refused += 1
            raise not_png()
        clipboard = self._engine()
        image = None
        if content.image is not None:
            # Decoding a large image takes a while: a worker thread, not the loop or the GUI.
            image = await anyio.to_thread.run_sync(clipboard.decode_png, content.image)
            if image is None:
                self._refused += 1
                raise not_png()
        await self._host.windows.run_on_gui(clipboard.write, content, image, selection)
        self._writes += 1

    def _engine(self) -> ClipboardEngine:
        return engine(
            require_gui(
                self._host,
                "The system clipboard and selection",
                "use the browser's navigator.clipboard instead",
            )
        )

    def _check_size(self, size: int, direction: Literal["read", "written"]) -> None:
        if size > self.max_bytes:
            self._refused += 1
            raise too_large(size, self.max_bytes, direction)

    def window_created(self, window: Window) -> None:
        pass

    def page_closed(self, window: int) -> None:
        pass

    async def stop(self) -> None:
        pass

    def diagnostics(self) -> dict[str, Any]:
        return {
            "reads": self._reads,
            "writes": self._writes,
            "refused": self._refused,
            "maxBytes": self.max_bytes,
        }


def not_png() -> InvalidArgumentError:
    return InvalidArgumentError(
        "Clipboard 'image' must be a PNG image (base64-encoded PNG bytes)",
        code="ERR_CLIPBOARD_INVALID_IMAGE",
        parameter="image",
    )


def decode_image(value: Any) -> bytes:
    """The PNG bytes of a base64 ``image`` field (standard alphabet, padding optional)."""
    if not isinstance(value, str):
        raise InvalidArgumentError.invalid("image", "a base64 string of PNG bytes")
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidArgumentError.invalid("image", "a base64 string of PNG bytes") from None
