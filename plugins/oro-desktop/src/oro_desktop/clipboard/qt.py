"""The clipboard's Qt side; imported only with a GUI, every function but :func:`decode_png` runs
on the GUI thread (``host.windows.run_on_gui``).

Reading what another program owns is Qt's own synchronous transfer: on X11, QClipboard waits
for the owner's answer (at most a few seconds) while handling X events, so the GUI stays
responsive enough and the loop is never blocked.
"""

from __future__ import annotations

from typing import Any

from qtpy import QtCore, QtGui

from oro_desktop.clipboard.content import ClipboardContent, Selection
from oro_framework import NotSupportedError

PNG_TYPE = "image/png"


def _clipboard(selection: Selection) -> tuple[Any, Any]:
    clipboard: Any = QtGui.QGuiApplication.clipboard()
    if selection == "clipboard":
        return clipboard, QtGui.QClipboard.Mode.Clipboard
    if not clipboard.supportsSelection():
        raise NotSupportedError(
            "This system has no primary selection (it is X11's and Wayland's): use the "
            "clipboard instead",
            code="ERR_SELECTION_UNSUPPORTED",
        )
    return clipboard, QtGui.QClipboard.Mode.Selection


def read_text(selection: Selection) -> str:
    clipboard, mode = _clipboard(selection)
    text: str = clipboard.text(mode)
    return text


def read(selection: Selection, limit: int) -> ClipboardContent:
    clipboard, mode = _clipboard(selection)
    data: Any = clipboard.mimeData(mode)
    if data is None:
        return ClipboardContent()
    text: str | None = data.text() if data.hasText() else None
    html: str | None = data.html() if data.hasHtml() else None
    # Checked before the image is fetched: text alone may already be too much.
    ClipboardContent(text=text, html=html).read_within(limit)
    image: bytes | None = None
    if PNG_TYPE in data.formats():
        # The owner's own PNG bytes, unchanged.
        image = bytes(data.data(PNG_TYPE))
    elif data.hasImage():
        # Another image type (BMP, JPEG, Qt's own): converted, since PNG is what the page gets.
        image = encode_png(data.imageData())
    return ClipboardContent(text=text, html=html, image=image).read_within(limit)


def write(content: ClipboardContent, image: Any, selection: Selection) -> None:
    """Put ``content`` on the clipboard; ``image`` is its PNG decoded (:func:`decode_png`), so
    that programs asking for other image types (BMP, JPEG...) get it too."""
    clipboard, mode = _clipboard(selection)
    data: Any = QtCore.QMimeData()
    if content.text is not None:
        data.setText(content.text)
    if content.html is not None:
        data.setHtml(content.html)
    if content.image is not None:
        # The page's bytes exactly for image/png; Qt converts the decoded image for the rest.
        data.setData(PNG_TYPE, QtCore.QByteArray(content.image))
        if image is not None:
            data.setImageData(image)
    clipboard.setMimeData(data, mode)


def decode_png(png: bytes) -> Any:
    """``png`` as a ``QImage``, or ``None`` if it is not a PNG Qt can read. QImage is reentrant:
    any thread."""
    image: Any = QtGui.QImage()
    if not image.loadFromData(png, "PNG") or image.isNull():
        return None
    return image


def encode_png(image: Any) -> bytes | None:
    if image is None:
        return None
    if not isinstance(image, QtGui.QImage):
        # Qt hands application/x-qt-image over as a QVariant holding a QImage or QPixmap.
        image = QtGui.QImage(image)
    if image.isNull():
        return None
    buffer: Any = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        return None
    return bytes(buffer.data())
