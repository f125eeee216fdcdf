"""The origins of the frames in a WebKitGTK window's page, for the permission broker.

WebKitGTK (2.50 included) tells the app no frame when a page asks for the camera, the
microphone, the location or notifications: ``WebKitUserMediaPermissionRequest``,
``WebKitGeolocationPermissionRequest`` and ``WebKitNotificationPermissionRequest`` carry no
origin, and the view's URI is the main frame's. An ``<iframe allow="camera">`` of another site
asking would be judged as the page that embeds it, the app itself.

So every document of every frame reports its origin as it starts, from a user script in a
script world of oro's own (:data:`WORLD`): it runs before the page's scripts, and the page
cannot reach the world's message handler (``window.webkit`` is undefined in the page's own
world) to forge or drop a report. A document of the top frame starts a new page: what the
frames of the previous one reported is forgotten. A frame that goes keeps its origin until the
page goes (the broker is stricter for it, never laxer). Reports and permission requests come
over the same connection from the web process, in order: a frame's report is in before any
request its scripts make.

:func:`foreign_origins` is what the permission broker gets as the origins that may be the one
asking (``GuiInbox.gui_permission_requested``'s ``frames``).

Every function here runs on the GUI thread.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

from oro_framework.gui.gtk.toolkit import repository

__all__ = ["HANDLER", "MAX_ORIGINS", "WORLD", "FrameOrigins", "foreign_origins", "watch_frames"]

logger = logging.getLogger("oro_framework.windows")

WORLD: Final = "oro-frames"
"""The script world the reports come from: not the page's."""

HANDLER: Final = "oroFrames"
"""The script message handler, registered in :data:`WORLD` only."""

MAX_ORIGINS: Final = 64
"""Distinct origins kept for one page; a page with more is treated as having an unknown
frame too (``"null"``, which no app grants by accident)."""

SCRIPT: Final = (
    "window.webkit.messageHandlers." + HANDLER + ".postMessage("
    "JSON.stringify({ origin: String(self.origin), top: window === window.top }))"
)
"""Run at the start of each document in :data:`WORLD`: its origin (``"null"`` for an opaque
one: a sandboxed frame, a ``data:`` URL) and whether it is the top frame's."""


class FrameOrigins:
    """The origins the documents of one view's current page reported."""

    def __init__(self) -> None:
        self.top: str | None = None
        self.origins: set[str] = set()

    def reported(self, origin: str, *, top: bool) -> None:
        if top:
            self.top = origin
            self.origins = {origin}
            return
        if len(self.origins) >= MAX_ORIGINS:
            self.origins.add("null")
            return
        self.origins.add(origin)


def watch_frames(view: Any) -> FrameOrigins:
    """Have every document of ``view`` report its origin; the view's :class:`FrameOrigins`."""
    webkit = repository("WebKit2")
    frames = FrameOrigins()
    manager = view.get_user_content_manager()

    def received(_manager: Any, result: Any) -> None:
        try:
            # WebKitGTK 4.1 hands a WebKitJavascriptResult, newer versions the JSCValue.
            value = result.get_js_value() if hasattr(result, "get_js_value") else result
            data = json.loads(str(value.to_string()))
            origin, top = data["origin"], data["top"]
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            logger.debug("unreadable frame report: %s", error)
            return
        if isinstance(origin, str) and isinstance(top, bool):
            frames.reported(origin.lower().rstrip("/"), top=top)

    manager.connect(f"script-message-received::{HANDLER}", received)
    manager.register_script_message_handler_in_world(HANDLER, WORLD)
    manager.add_script(
        webkit.UserScript.new_for_world(
            SCRIPT,
            webkit.UserContentInjectedFrames.ALL_FRAMES,
            webkit.UserScriptInjectionTime.START,
            WORLD,
            None,
            None,
        )
    )
    return frames


def foreign_origins(frames: FrameOrigins, page: str) -> tuple[str, ...]:
    """The origins of frames in the page of origin ``page`` other than ``page`` itself, in
    order: any of them may be the one asking."""
    own = page.lower().rstrip("/")
    return tuple(sorted(origin for origin in frames.origins if origin != own))
