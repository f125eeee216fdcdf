"""What the clipboard holds, in the formats oro-desktop handles, and the limit on it: shared by
the clipboard part and its engine modules (which import nothing of the part)."""

from __future__ import annotations

import base64
from typing import Any, Final, Literal, final

from oro_framework import OutOfRangeError
from oro_framework.records import record

__all__ = [
    "PNG_SIGNATURE",
    "SELECTIONS",
    "ClipboardContent",
    "Selection",
    "too_large",
    "utf8_size",
]

Selection = Literal["clipboard", "primary"]
SELECTIONS: Final[tuple[Selection, ...]] = ("clipboard", "primary")
PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


@final
@record
class ClipboardContent:
    """What a clipboard holds in the formats oro-desktop handles; ``None``: not offered."""

    text: str | None = None
    html: str | None = None
    image: bytes | None = None
    """PNG bytes."""

    @property
    def size(self) -> int:
        """Bytes of all the parts together (text and HTML as UTF-8), what the limit bounds."""
        return utf8_size(self.text) + utf8_size(self.html) + len(self.image or b"")

    def read_within(self, limit: int) -> ClipboardContent:
        """This content, read from the clipboard, if it fits ``limit`` bytes.

        :raises OutOfRangeError: ``ERR_CLIPBOARD_TOO_LARGE``.
        """
        if self.size > limit:
            raise too_large(self.size, limit, "read")
        return self

    def to_json(self) -> dict[str, Any]:
        image = None if self.image is None else base64.b64encode(self.image).decode("ascii")
        return {"text": self.text, "html": self.html, "image": image}


def too_large(size: int, limit: int, direction: Literal["read", "written"]) -> OutOfRangeError:
    return OutOfRangeError(
        f"Clipboard content of {size} bytes is larger than desktop.clipboard_max_bytes "
        f"({limit} bytes) and was not {direction}",
        code="ERR_CLIPBOARD_TOO_LARGE",
        size=size,
        limit=limit,
    )


def utf8_size(text: str | None) -> int:
    if text is None:
        return 0
    # surrogatepass: a lone surrogate (JSON allows one) is counted, not an error.
    return len(text.encode("utf-8", errors="surrogatepass"))
