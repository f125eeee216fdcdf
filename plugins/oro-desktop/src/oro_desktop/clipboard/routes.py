"""The clipboard routes of oro-desktop (``oro:clipboard``).

Every route takes ``selection``: ``"clipboard"`` (default) or ``"primary"``, the X11/Wayland
primary selection (``NotSupportedError`` ``ERR_SELECTION_UNSUPPORTED`` where there is none).
Content goes in a request body rather than the URL, where query values are JSON-decoded and
long ones do not fit: ``clipboard.writeText`` takes the UTF-8 body, ``clipboard.write`` a JSON
object ``{text?, html?, image?}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from oro_desktop.part import gui_toolkit
from oro_desktop.permissions import CLIPBOARD
from oro_desktop.state import STATE
from oro_framework import InvalidArgumentError, Request, RouteGroup

if TYPE_CHECKING:
    # The part and the content's record import with the first clipboard call
    # (oro_desktop/state.py).
    from oro_desktop.clipboard.content import Selection
    from oro_desktop.clipboard.part import Clipboard

__all__ = ["ROUTES"]


async def read_text(request: Request) -> str:
    """The clipboard's text ("" when it holds none), as navigator.clipboard.readText()."""
    return await _clipboard(request).read_text(_selection(request.params))


async def write_text(request: Request) -> None:
    """Put the text `value` (or the UTF-8 request body) on the clipboard."""
    if "value" in request.params:
        text = _text(request.params.require_str("value"), "value")
    else:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidArgumentError("Clipboard text must be UTF-8", parameter="value") from None
    await _clipboard(request).write_text(text, _selection(request.params))


async def read(request: Request) -> dict[str, Any]:
    """The clipboard's `text`, `html` and PNG `image` (base64), each null when not offered."""
    content = await _clipboard(request).read(_selection(request.params))
    return content.to_json()


async def write(request: Request) -> None:
    """Replace the clipboard with `text`, `html` and a PNG `image` (base64), any of them: the
    JSON object in the request body, else the parameters. Nothing given clears it."""
    from oro_desktop.clipboard.content import ClipboardContent
    from oro_desktop.clipboard.part import decode_image

    if request.body:
        fields = request.json()
        if not isinstance(fields, dict):
            raise InvalidArgumentError(
                "The body of clipboard.write must be a JSON object {text, html, image}"
            )
        selection = _selection(fields if "selection" in fields else request.params)
        text, html = _optional_text(fields, "text"), _optional_text(fields, "html")
        image = fields.get("image")
    else:
        selection = _selection(request.params)
        text, html = request.params.get_str("text"), request.params.get_str("html")
        image = request.params.get("image")
    content = ClipboardContent(
        text=None if text is None else _text(text, "text"),
        html=None if html is None else _text(html, "html"),
        image=None if image is None else decode_image(image),
    )
    await _clipboard(request).write(content, selection)


async def capabilities(request: Request) -> dict[str, bool]:
    """Whether the page can read and write the clipboard here (Oro's `canReadText` and
    `canWriteText`): true in a Qt or GTK window, false headless or with another toolkit."""
    usable = gui_toolkit(request.host) is not None
    return {"readText": usable, "writeText": usable}


def _clipboard(request: Request) -> Clipboard:
    return request.host.stash[STATE].clipboard


def _selection(params: Mapping[str, Any]) -> Selection:
    from oro_desktop.clipboard.content import SELECTIONS

    value = params.get("selection")
    if value is None:
        return "clipboard"
    for selection in SELECTIONS:
        if value == selection:
            return selection
    raise InvalidArgumentError.invalid("selection", "'clipboard' or 'primary'")


def _optional_text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidArgumentError.invalid(name, "a string")
    return value


def _text(value: str, name: str) -> str:
    # JSON can carry a lone surrogate, which no clipboard format can hold.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError.invalid(name, "Unicode text without lone surrogates") from None
    return value


ROUTES: Final = RouteGroup.guarded(
    CLIPBOARD,
    handlers={
        "clipboard.readText": read_text,
        "clipboard.writeText": write_text,
        "clipboard.read": read,
        "clipboard.write": write,
        "clipboard.capabilities": capabilities,
    },
)
