"""What a page in a WebKitGTK window asks of the web platform's powerful features goes to the
host's permission broker (:mod:`oro_framework.host.permission_broker`), and the broker's
question to the user is a native dialog over the asking window.

- ``permission-request``: a camera, microphone or screen capture request
  (``WebKitUserMediaPermissionRequest``), a location request
  (``WebKitGeolocationPermissionRequest``) and a notification request
  (``WebKitNotificationPermissionRequest``) are mapped to the broker's kinds as the Oro Runtime
  maps them (``src/runtime/window/linux.cc``) and answered when the broker has decided; the
  request is held meanwhile (WebKit waits for it). WebKit does not say which frame asked: the
  broker hears the page's origin and the origins of the page's frames of other origins
  (:mod:`.frames`), and grants only what it would grant each of them, a frame of another
  origin being denied unless the app grants it. Every other request (website data access,
  device info, media key systems, pointer lock, the clipboard...) is denied at once: nothing
  in oro's config or prompt speaks for it.
- ``query-permission-state``: ``navigator.permissions.query()`` answers the broker's state for
  the page's origin, synchronously (it reads config, the app's hook and remembered decisions:
  nobody is asked).
- :func:`ask`: the prompt, a ``Gtk.MessageDialog`` transient for the window with Allow, Deny
  and "Remember this decision", not modal (the app's other windows, and this one, keep
  working), answered exactly once: a window that closes first answers Deny.

Every function here runs on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

from oro_framework.gui.gtk.frames import foreign_origins, watch_frames
from oro_framework.gui.gtk.toolkit import repository
from oro_framework.host.origins import origin_of
from oro_framework.host.permission_broker import PermissionAnswer
from oro_framework.host.windows.engine import GuiListener

__all__ = ["PROMPT_TITLE", "ask", "enable_media", "kinds_of", "watch_permissions"]

logger = logging.getLogger("oro_framework.windows")

PROMPT_TITLE: Final = "Permission request"
"""The prompt's window title, as under Qt: a user (and a test) finds it by this name."""

_STATES: Final = {"granted": "GRANTED", "denied": "DENIED", "prompt": "PROMPT"}


def enable_media(settings: Any) -> None:
    """Turn on ``navigator.mediaDevices`` (Media Capture and Streams, WebRTC) in a view's
    ``settings``: without them ``getUserMedia`` does not exist; with them a page still gets
    nothing the broker does not grant. Settings this WebKit lacks are left alone."""
    for name in ("enable-media-stream", "enable-mediastream", "enable-webrtc"):
        if settings.find_property(name) is not None:
            settings.set_property(name, True)


def kinds_of(request: Any) -> tuple[str, ...]:
    """The broker's kinds ``request`` (a ``WebKitPermissionRequest``) asks for; none for a
    request the broker does not decide (denied by the caller)."""
    webkit = repository("WebKit2")
    if isinstance(request, webkit.GeolocationPermissionRequest):
        return ("geolocation",)
    if isinstance(request, webkit.NotificationPermissionRequest):
        return ("notifications",)
    if not isinstance(request, webkit.UserMediaPermissionRequest):
        return ()
    is_display = getattr(webkit, "user_media_permission_is_for_display_device", None)
    if is_display is not None and is_display(request):
        return ("screen",)
    kinds: list[str] = []
    if webkit.user_media_permission_is_for_video_device(request):
        kinds.append("camera")
    if webkit.user_media_permission_is_for_audio_device(request):
        kinds.append("microphone")
    return tuple(kinds)


def watch_permissions(view: Any, index: int, listener: GuiListener) -> None:
    """Send window ``index``'s permission requests and permission queries to ``listener``
    (the window manager, which asks the broker)."""
    enable_media(view.get_settings())
    frames = watch_frames(view)

    def requested(_view: Any, request: Any) -> bool:
        kinds = kinds_of(request)
        name = type(request).__name__
        if not kinds:
            logger.info("window %d: denied %s", index, name)
            request.deny()
            return True
        # The Python wrapper holds a reference to the request until the broker answers.
        answered: list[bool] = []

        def answer(allowed: bool) -> None:
            if answered:
                return
            answered.append(allowed)
            if allowed:
                logger.info("window %d: allowed %s (%s)", index, name, ", ".join(kinds))
                request.allow()
            else:
                logger.info("window %d: denied %s (%s)", index, name, ", ".join(kinds))
                request.deny()

        # WebKit says not which frame asked: the page's, or any frame of another origin in it
        # (frames.py). The broker grants only what it would grant each of them.
        page = _page_origin(view)
        others = foreign_origins(frames, page)
        listener.gui_permission_requested(index, kinds, page, answer, page=page, frames=others)
        return True

    def queried(_view: Any, query: Any) -> bool:
        webkit = repository("WebKit2")
        origin = query.get_security_origin()
        page = origin.to_string() if origin is not None else None
        # Held until the broker's state comes back (a copy is a reference, as WebKit's
        # documentation asks for an answer given later).
        held = query.copy()

        def answer(state: str) -> None:
            held.finish(getattr(webkit.PermissionState, _STATES.get(state, "PROMPT")))

        # The query's origin is the asking frame's own; the page's is the one it is embedded in.
        top = _page_origin(view)
        listener.gui_permission_state(index, query.get_name(), page or top, answer, page=top)
        return True

    view.connect("permission-request", requested)
    if repository("GObject").signal_lookup("query-permission-state", type(view)):
        # WebKitGTK 2.40 and later.
        view.connect("query-permission-state", queried)


def ask(parent: Any, question: str, answer: Callable[[PermissionAnswer], None]) -> Any:
    """Show the broker's ``question`` over ``parent`` (a ``Gtk.Window``); ``answer`` is called
    once: with the user's choice, or a denial when the dialog goes without one (its window
    closed). Returns the dialog."""
    gtk = repository("Gtk")
    dialog = gtk.MessageDialog(
        transient_for=parent,
        modal=False,
        destroy_with_parent=True,
        message_type=gtk.MessageType.QUESTION,
        buttons=gtk.ButtonsType.NONE,
        text=question,
        title=PROMPT_TITLE,
    )
    dialog.add_button("_Deny", gtk.ResponseType.REJECT)
    dialog.add_button("_Allow", gtk.ResponseType.ACCEPT)
    # Enter on the dialog as it opens denies: granting takes a deliberate choice.
    dialog.set_default_response(gtk.ResponseType.REJECT)
    remember = gtk.CheckButton.new_with_mnemonic("_Remember this decision")
    dialog.get_message_area().pack_start(remember, False, False, 0)
    remember.show()
    answered: list[PermissionAnswer] = []

    def give(given: PermissionAnswer) -> None:
        if answered:
            return
        answered.append(given)
        answer(given)

    def responded(_dialog: Any, response: int) -> None:
        # Allow or Deny may be remembered; Escape or the dialog's close button is a denial
        # for now only.
        chosen = response in (gtk.ResponseType.ACCEPT, gtk.ResponseType.REJECT)
        give(
            PermissionAnswer(
                allowed=response == gtk.ResponseType.ACCEPT,
                remember=chosen and remember.get_active(),
            )
        )
        dialog.destroy()

    dialog.connect("response", responded)
    # Destroyed with its window, or closed, without a choice.
    dialog.connect("destroy", lambda *_: give(PermissionAnswer(allowed=False)))
    dialog.show()
    return dialog


def _page_origin(view: Any) -> str:
    return origin_of(view.get_uri() or "")
