"""The page's ``alert()``, ``confirm()``, ``prompt()`` and leave-page question as native GTK
dialogs over its window, titled as the Qt engine titles them (``Javascript Confirm -
<origin>``), instead of the sheets WebKitGTK draws inside the web view.

Handled asynchronously (``WebKitWebView::script-dialog``): the handler keeps a reference to the
``WebKitScriptDialog``, shows a non-modal-to-the-app dialog and returns at once; the answer is
given, and the page's script resumes, when the user responds. A nested main loop (``run()``)
would hold up every other GUI call meanwhile, as it would for the file dialogs.

Every function here runs on the GUI thread.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

from oro_framework.gui.gtk.toolkit import repository
from oro_framework.host.origins import origin_of

__all__ = ["show_script_dialog"]

TITLES: Final = {
    "ALERT": "Javascript Alert - {origin}",
    "CONFIRM": "Javascript Confirm - {origin}",
    "PROMPT": "Javascript Prompt - {origin}",
    "BEFORE_UNLOAD_CONFIRM": "Are you sure you want to leave this page?",
}
"""QtWebEngine's titles, so that a user (and a test typing into the dialog) meets the same
dialog on either engine."""

LEAVE_MESSAGE: Final = "Changes that you made may not be saved."


def show_script_dialog(view: Any, request: Any) -> bool:
    """``script-dialog``'s handler: show ``request`` (a ``WebKitScriptDialog``) as a dialog
    transient for ``view``'s window and answer it when the user responds. Returns ``True``
    (handled: WebKit draws nothing itself)."""
    gtk = repository("Gtk")
    webkit = repository("WebKit2")
    # The signal's reference ends with the handler; the dialog outlives it.
    script_dialog = request.ref()
    kinds = webkit.ScriptDialogType
    kind = script_dialog.get_dialog_type()
    # A kind unknown here is shown as an alert: answered by dismissing it.
    name = next((key for key in TITLES if getattr(kinds, key, None) == kind), "ALERT")
    title = TITLES[name].format(origin=_origin(view.get_uri() or ""))
    window = view.get_toplevel()
    parent = window if window.is_toplevel() else None

    buttons = gtk.ButtonsType.OK if name == "ALERT" else gtk.ButtonsType.OK_CANCEL
    message = LEAVE_MESSAGE if name == "BEFORE_UNLOAD_CONFIRM" else script_dialog.get_message()
    dialog = gtk.MessageDialog(
        transient_for=parent,
        modal=True,
        destroy_with_parent=True,
        message_type=gtk.MessageType.QUESTION if name != "ALERT" else gtk.MessageType.INFO,
        buttons=buttons,
        text=message,
        title=title,
    )
    if parent is not None and not parent.has_group():
        # Modal to its own window only: the app's other windows stay usable.
        gtk.WindowGroup().add_window(parent)
    dialog.set_default_response(gtk.ResponseType.OK)
    entry: Any = None
    if name == "PROMPT":
        entry = gtk.Entry(text=script_dialog.prompt_get_default_text() or "")
        entry.set_activates_default(True)
        dialog.get_message_area().pack_start(entry, False, False, 0)
        entry.show()
        entry.grab_focus()

    answered = False
    watches: list[int] = []

    def answer(accepted: bool) -> None:
        nonlocal answered
        if answered:
            return
        answered = True
        for watch in watches:
            if view.handler_is_connected(watch):
                view.disconnect(watch)
        if name in ("CONFIRM", "BEFORE_UNLOAD_CONFIRM"):
            script_dialog.confirm_set_confirmed(accepted)
        elif name == "PROMPT" and accepted:
            script_dialog.prompt_set_text(entry.get_text())
        # Unanswered (cancelled, or its window gone): confirm() is false, prompt() null.
        script_dialog.close()

    def responded(_dialog: Any, response: int) -> None:
        answer(response == gtk.ResponseType.OK)
        dialog.destroy()

    def page_going(_view: Any, event: Any) -> None:
        # WebKit dismisses the request itself when the page goes away; the dialog goes too.
        if event == webkit.LoadEvent.STARTED:
            answer(False)
            dialog.destroy()

    def web_process_gone(*_: Any) -> None:
        answer(False)
        dialog.destroy()

    dialog.connect("response", responded)
    # Destroyed with its window, without a response.
    dialog.connect("destroy", lambda *_: answer(False))
    watches.append(view.connect("load-changed", page_going))
    watches.append(view.connect("web-process-terminated", web_process_gone))
    dialog.show()
    return True


def _origin(uri: str) -> str:
    """``scheme://host[:port]`` of ``uri``, as Qt names the page asking (its security
    origin); the whole ``uri`` when it has no host."""
    parts = urlsplit(uri)
    return origin_of(uri) if parts.scheme and parts.netloc else uri
