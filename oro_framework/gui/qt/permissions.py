"""What a page in a Qt window asks QtWebEngine for goes to the host's permission broker
(:mod:`oro_framework.host.permission_broker`): the camera, the microphone, both, the screen,
location and notifications, each mapped to the broker's kinds as under WebKitGTK; every other
permission (the clipboard, pointer lock, local fonts...) is denied at once. The broker's
question to the user is a native prompt over the asking window (:func:`ask`).

pywebview's Qt backend grants them in two ways, both undone here:

- It adds Chromium's ``--use-fake-ui-for-media-stream`` to ``QTWEBENGINE_CHROMIUM_FLAGS`` as it
  makes each window: Chromium then answers every camera and microphone request with "yes"
  itself, and Qt never hears of it. :func:`drop_auto_grant_flags` takes that switch (and
  Chromium's other auto-accepting ones) out of the environment again before the windows' profile
  is created, which is when QtWebEngine reads its flags.
- Its page connects ``featurePermissionRequested`` to a slot granting media and denying the rest
  with plain integers, which PyQt6 refuses: the slot raises, and PyQt aborts the app on an
  exception in a slot, so a page asking for its location ended the app.
  :func:`deny_every_permission` makes every page pywebview creates from then on disconnect that
  slot and deny instead, through ``permissionRequested`` (``QWebEnginePermission``, Qt 6.8 and
  later: every permission type) or ``featurePermissionRequested`` before it; a window's own
  page is then handed to the broker (:func:`ask_broker_on_page`) as the window is made.

The origin QtWebEngine reports is the asking frame's own (an ``<iframe allow="camera">`` of
another site reports that site); the page's origin goes to the broker beside it, which judges a
frame of another origin by its own (only the app grants it).

Until the broker answers, a request waits (QtWebEngine holds the page's promise); a page that
is denied gets the engine's refusal (``NotAllowedError``/``AbortError``, ``PERMISSION_DENIED``,
``"denied"``). QtWebEngine keeps no decision (``AskEveryTime``, :func:`ask_every_time`): a
grant some earlier version stored in the profile is not reused; what is remembered is the
broker's (``permissions.json``).

Qt is imported only inside these functions: a host without a window never loads it.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
from collections.abc import Callable, MutableMapping
from typing import Any, Final

from oro_framework.gui.qt.toolkit import import_pywebview_qt
from oro_framework.gui.qt.window import add_page_script
from oro_framework.host.origins import origin_of
from oro_framework.host.permission_broker import PermissionAnswer
from oro_framework.host.windows.engine import GuiListener

__all__ = [
    "AUTO_GRANT_SWITCHES",
    "CHROMIUM_FLAGS",
    "KINDS",
    "PROMPT_TITLE",
    "Prompts",
    "ask",
    "ask_broker_on_page",
    "ask_every_time",
    "deny_every_permission",
    "deny_on_page",
    "drop_auto_grant_flags",
]

logger = logging.getLogger("oro_framework.windows")

CHROMIUM_FLAGS: Final = "QTWEBENGINE_CHROMIUM_FLAGS"
"""The environment variable QtWebEngine reads Chromium's switches from."""

AUTO_GRANT_SWITCHES: Final = frozenset(
    {
        "--use-fake-ui-for-media-stream",
        "--auto-accept-camera-and-microphone-capture",
        "--auto-accept-this-tab-capture",
        "--auto-select-desktop-capture-source",
        "--auto-select-tab-capture-source-by-title",
        "--auto-select-window-capture-source-by-title",
    }
)
"""Chromium's switches that answer a page's capture requests themselves, without the app."""

KINDS: Final = {
    "MediaVideoCapture": ("camera",),
    "MediaAudioCapture": ("microphone",),
    "MediaAudioVideoCapture": ("camera", "microphone"),
    "DesktopVideoCapture": ("screen",),
    "DesktopAudioVideoCapture": ("screen",),
    "Geolocation": ("geolocation",),
    "Notifications": ("notifications",),
}
"""The broker's kinds for each QtWebEngine permission type (``QWebEnginePermission`` and the
older ``QWebEnginePage.Feature`` share the names); any other is denied unasked."""

CAPTURE: Final = frozenset({"camera", "microphone", "screen"})

DENIALS_SCRIPT: Final = """(() => {
  // QtWebEngine rejects a capture the app denied with AbortError, and refuses the same page a
  // denied kind again without asking, with AbortError too; the standard's error (and WebKit's)
  // is NotAllowedError. The engine marks each denial here, with its kinds, before it answers,
  // so that such a rejection is given its standard name; any other AbortError is left alone.
  const media = globalThis.navigator && navigator.mediaDevices;
  if (!media) return;
  let pending = 0;
  const denied = new Set();
  Object.defineProperty(globalThis, Symbol.for('oro.mediaDenied'), {
    value: (kinds) => { pending++; kinds.forEach(kind => denied.add(kind)) }
  });
  const kindsOf = (name, asked) => {
    if (name === 'getDisplayMedia') return ['screen'];
    return [asked && asked.video && 'camera', asked && asked.audio && 'microphone'].filter(Boolean);
  };
  for (const name of ['getUserMedia', 'getDisplayMedia']) {
    const original = media[name];
    if (typeof original !== 'function') continue;
    media[name] = function (...args) {
      return original.apply(this, args).catch(error => {
        const refused = pending > 0 || kindsOf(name, args[0]).some(kind => denied.has(kind));
        if (refused && error && error.name === 'AbortError') {
          pending = Math.max(0, pending - 1);
          throw new DOMException('Permission denied', 'NotAllowedError');
        }
        throw error;
      });
    };
  }
})()"""
"""Injected into each window's page: QtWebEngine's refusal of a capture the broker denied
reaches the page as ``NotAllowedError`` (AbortError otherwise)."""

MARK_DENIAL: Final = "globalThis[Symbol.for('oro.mediaDenied')]?.({kinds}), true"

PROMPT_TITLE: Final = "Permission request"
"""The prompt's window title, as under WebKitGTK."""

_PATCHED: Final = "_oro_denies_permissions"
"""Marks pywebview's page ``__init__`` once it is wrapped, so that it is wrapped once."""


def drop_auto_grant_flags(environ: MutableMapping[str, str]) -> list[str]:
    """Take :data:`AUTO_GRANT_SWITCHES` out of ``environ``'s Chromium flags; the ones taken."""
    flags = environ.get(CHROMIUM_FLAGS, "")
    kept: list[str] = []
    dropped: list[str] = []
    for flag in flags.split():
        (dropped if flag.split("=", 1)[0] in AUTO_GRANT_SWITCHES else kept).append(flag)
    if dropped:
        environ[CHROMIUM_FLAGS] = " ".join(kept)
    return dropped


def ask_every_time(profile: Any) -> None:
    """Keep no permission decision in ``profile`` (Qt 6.8 and later keep them, on disk for a
    persistent profile): nothing granted before is granted again without asking."""
    policies = getattr(type(profile), "PersistentPermissionsPolicy", None)
    if policies is not None:
        profile.setPersistentPermissionsPolicy(policies.AskEveryTime)


def deny_on_page(page: Any) -> None:
    """Make ``page`` deny every permission request, and drop whatever else answered them."""
    if hasattr(page, "permissionRequested"):
        # Qt 6.8 and later emit both signals for each request: the new one carries every
        # permission type and is the one answered; the old one's slots (pywebview's) go.
        _disconnect_all(page.featurePermissionRequested)
        page.permissionRequested.connect(_deny_permission)
        return
    _disconnect_all(page.featurePermissionRequested)
    page_class: Any = importlib.import_module("qtpy.QtWebEngineCore").QWebEnginePage
    denied = page_class.PermissionPolicy.PermissionDeniedByUser
    page.featurePermissionRequested.connect(_feature_denier(page, denied))


def deny_every_permission() -> None:
    """Make every page pywebview's Qt backend creates from now on deny what it is asked (call
    before ``webview.start``). pywebview offers no setting or hook for it: its page class's
    ``__init__`` is wrapped, which is where it connects its own answer."""
    browser_view: Any = import_pywebview_qt().BrowserView
    page_class: Any = browser_view.WebPage
    made: Callable[..., None] = page_class.__init__
    if getattr(made, _PATCHED, False):
        return

    def __init__(page: Any, *args: Any, **kwargs: Any) -> None:
        made(page, *args, **kwargs)
        deny_on_page(page)
        handler = getattr(page, "nav_handler", None)
        if handler is not None:
            # The page pywebview hands Chromium for a new window: it loads nothing itself, but
            # no page of the app answers a permission another way.
            deny_on_page(handler)

    setattr(__init__, _PATCHED, True)
    page_class.__init__ = __init__


def _disconnect_all(signal: Any) -> None:
    with contextlib.suppress(TypeError):  # nothing was connected
        signal.disconnect()


def _deny_permission(permission: Any) -> None:
    logger.info(
        "denied %s to %s",
        _name(permission.permissionType()),
        permission.origin().toString(),
    )
    permission.deny()


def _feature_denier(page: Any, denied: Any) -> Callable[[Any, Any], None]:
    def deny(origin: Any, feature: Any) -> None:
        logger.info("denied %s to %s", _name(feature), origin.toString())
        page.setFeaturePermission(origin, feature, denied)

    return deny


def _name(value: Any) -> str:
    return str(getattr(value, "name", value))


# -------------------------------------------------------------------------------------------
# The broker's side: a window's page asks, the broker answers
# -------------------------------------------------------------------------------------------


def ask_broker_on_page(widget: Any, index: int, listener: GuiListener) -> None:
    """Make the page of window ``index`` (pywebview's ``widget``) send the permission requests
    the broker decides to ``listener`` (the window manager) and deny the rest at once; whatever
    answered them before (the denial :func:`deny_every_permission` connected) is dropped. On
    the GUI thread."""
    page = widget.webview.page()
    add_page_script(page, "oro-media-denials", DENIALS_SCRIPT)
    if hasattr(page, "permissionRequested"):
        _disconnect_all(page.featurePermissionRequested)
        _disconnect_all(page.permissionRequested)
        page.permissionRequested.connect(_permission_asker(page, index, listener))
        return
    _disconnect_all(page.featurePermissionRequested)
    page.featurePermissionRequested.connect(_feature_asker(page, index, listener))


def _deny_capture(page: Any, kinds: tuple[str, ...], deny: Callable[[], None]) -> None:
    """Deny, after the page's script has counted the denial (see :data:`DENIALS_SCRIPT`): the
    mark runs in the page before the refusal is sent."""
    if CAPTURE.isdisjoint(kinds):
        deny()
        return
    mark = MARK_DENIAL.format(kinds=json.dumps(list(kinds)))
    page.runJavaScript(mark, 0, lambda _result: deny())


def _permission_asker(page: Any, index: int, listener: GuiListener) -> Callable[[Any], None]:
    def asked(permission: Any) -> None:
        name = _name(permission.permissionType())
        origin = permission.origin().toString()
        kinds = KINDS.get(name)
        if kinds is None:
            logger.info("denied %s to %s", name, origin)
            permission.deny()
            return

        def answer(allowed: bool) -> None:
            logger.info("%s %s to %s", "allowed" if allowed else "denied", name, origin)
            if allowed:
                held.grant()
            else:
                _deny_capture(page, kinds, held.deny)

        # PyQt hands the slot Qt's own object, gone when the slot returns: a copy (a handle on
        # the same request) is answered later.
        held = type(permission)(permission)
        # The origin is the asking frame's (an iframe's own); the broker judges a frame of
        # another origin than the page's as one embedded in it.
        listener.gui_permission_requested(
            index, kinds, origin, _once(answer), page=_page_origin(page)
        )

    return asked


def _feature_asker(page: Any, index: int, listener: GuiListener) -> Callable[[Any, Any], None]:
    page_class: Any = importlib.import_module("qtpy.QtWebEngineCore").QWebEnginePage
    policies = page_class.PermissionPolicy

    def asked(asking: Any, feature: Any) -> None:
        name = _name(feature)
        origin = type(asking)(asking)  # PyQt's argument is gone when the slot returns
        kinds = KINDS.get(name)
        if kinds is None:
            logger.info("denied %s to %s", name, origin.toString())
            page.setFeaturePermission(origin, feature, policies.PermissionDeniedByUser)
            return

        def answer(allowed: bool) -> None:
            logger.info("%s %s to %s", "allowed" if allowed else "denied", name, origin.toString())
            if allowed:
                page.setFeaturePermission(origin, feature, policies.PermissionGrantedByUser)
                return
            denied = policies.PermissionDeniedByUser
            _deny_capture(page, kinds, lambda: page.setFeaturePermission(origin, feature, denied))

        listener.gui_permission_requested(
            index, kinds, origin.toString(), _once(answer), page=_page_origin(page)
        )

    return asked


def _page_origin(page: Any) -> str:
    return origin_of(page.url().toString())


def _once(answer: Callable[[bool], None]) -> Callable[[bool], None]:
    given: list[bool] = []

    def once(allowed: bool) -> None:
        if not given:
            given.append(allowed)
            answer(allowed)

    return once


# -------------------------------------------------------------------------------------------
# The prompt
# -------------------------------------------------------------------------------------------


def ask(parent: Any, question: str, answer: Callable[[PermissionAnswer], None]) -> Any:
    """Show the broker's ``question`` over ``parent`` (the window's widget) as a
    ``QMessageBox`` with Allow, Deny and "Remember this decision", opened with ``open()``
    (modal to its window only: the app's other windows keep working, and nothing waits in a
    nested loop). ``answer`` is called once: the user's choice, or a denial when the box goes
    without one (Escape, its window closed). Returns the box."""
    widgets: Any = importlib.import_module("qtpy.QtWidgets")
    box = widgets.QMessageBox(parent)
    box.setWindowTitle(PROMPT_TITLE)
    box.setIcon(widgets.QMessageBox.Icon.Question)
    box.setText(question)
    roles = widgets.QMessageBox.ButtonRole
    allow = box.addButton("&Allow", roles.AcceptRole)
    deny = box.addButton("&Deny", roles.RejectRole)
    # Enter or Escape as it opens denies: granting takes a deliberate choice.
    box.setDefaultButton(deny)
    box.setEscapeButton(deny)
    remember = widgets.QCheckBox("&Remember this decision")
    box.setCheckBox(remember)
    given: list[PermissionAnswer] = []

    def give(chosen: PermissionAnswer) -> None:
        if not given:
            given.append(chosen)
            answer(chosen)

    def finished(_result: int) -> None:
        clicked = box.clickedButton()
        chose = clicked is not None and clicked in (allow, deny)
        give(PermissionAnswer(allowed=clicked == allow, remember=chose and remember.isChecked()))
        box.deleteLater()

    box.finished.connect(finished)
    denied = lambda *_: give(PermissionAnswer(allowed=False))  # noqa: E731
    box.destroyed.connect(denied)
    box.oro_deny = denied  # for Prompts.window_closed
    box.open()
    return box


class Prompts:
    """The prompts open over each window, so that a window that closes first denies them (a
    pywebview window that closes is hidden, not destroyed: its boxes would stay)."""

    def __init__(self) -> None:
        self._open: dict[int, list[Any]] = {}

    def ask(
        self, index: int, parent: Any, question: str, answer: Callable[[PermissionAnswer], None]
    ) -> None:
        """:func:`ask` over window ``index``'s widget ``parent``. On the GUI thread."""
        boxes = self._open.setdefault(index, [])
        box = ask(parent, question, answer)
        boxes.append(box)
        box.finished.connect(lambda *_: boxes.remove(box) if box in boxes else None)

    def window_closed(self, index: int) -> None:
        """Window ``index`` closed: its open prompts are answered Deny. On the GUI thread."""
        for box in self._open.pop(index, []):
            box.oro_deny()
            box.reject()

    def close_all(self) -> None:
        """The GUI loop ended (the last window closed before a posted :meth:`window_closed`
        ran): every open prompt is answered Deny."""
        for boxes in list(self._open.values()):
            for box in boxes:
                box.oro_deny()
        self._open.clear()
