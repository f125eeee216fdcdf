"""The Qt engine: native windows from pywebview with the Qt toolkit (PyQt6 + QtWebEngine, a
whole Chromium), behind the host's :class:`~oro_framework.host.windows.engine.Engine`."""

from __future__ import annotations

import importlib
import logging
import os
import signal
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, final

from oro_framework.gui.qt import context_menu as qt_context_menu
from oro_framework.gui.qt import debugging as qt_debugging
from oro_framework.gui.qt import drops as qt_drops
from oro_framework.gui.qt import options as qt_options
from oro_framework.gui.qt import permissions as qt_permissions
from oro_framework.gui.qt import window as qt_window
from oro_framework.gui.qt.calls import QtPoster
from oro_framework.gui.qt.focus import Focuser, make_focuser
from oro_framework.gui.qt.leaving import LeaveGuard
from oro_framework.gui.qt.plugin_schemes import PluginSchemes
from oro_framework.gui.qt.profile import share_one_profile
from oro_framework.gui.qt.threads import release_stranded_evaluations
from oro_framework.gui.qt.toolkit import import_pywebview_qt
from oro_framework.host.config.values import screen_length_pixels
from oro_framework.host.errors import IPCError, NotFoundError
from oro_framework.host.origins import origin_of
from oro_framework.host.permission_broker import PermissionAnswer
from oro_framework.host.windows.debugging import PageDebugging, devtools_off
from oro_framework.host.windows.engine import GuiDispatcher, GuiListener
from oro_framework.host.windows.model import (
    NativeState,
    Window,
    WindowColor,
    WindowOptions,
    WindowStatus,
)

if TYPE_CHECKING:
    from webview import Window as NativeWindow

__all__ = ["QtEngine"]

logger = logging.getLogger("oro_framework.windows")

ResultT = TypeVar("ResultT")


# -------------------------------------------------------------------------------------------------
# The GUI side: what a toolkit must offer, the dispatcher, and pywebview
# -------------------------------------------------------------------------------------------------


@final
class QtEngine:
    """:class:`Engine` over pywebview with the Qt toolkit (PyQt6 + QtWebEngine); oro runs on
    Linux only, so there is no other platform's toolkit to fall back to.

    :param storage_path: where the web engine keeps cookies, storage, caches and service
        workers between runs (the app's own directory: pywebview's default is shared by every
        app); ``None`` runs a private profile that forgets everything when the app ends.
    :param protocol_schemes: protocol-handler schemes (``web+demo``) QtWebEngine should forward
        to the app, so that plain navigations to them work (``gui/qt/schemes.py``).
    :param plugin_schemes: the schemes plugins serve (``clip``), answered by the host
        (``gui/qt/plugin_schemes.py``).
    :param hidden: never show a window, whatever is asked (a headless app's: its pages run,
        nobody sees them, as Socket's headless windows).
    :raises ImportError: pywebview is not installed (``pip install 'oro-framework[qt]'``).
    """

    def __init__(
        self,
        environ: MutableMapping[str, str] | None = None,
        *,
        storage_path: Path | None = None,
        protocol_schemes: Sequence[str] = (),
        plugin_schemes: Sequence[str] = (),
        hidden: bool = False,
    ) -> None:
        self._storage_path = storage_path
        self._hidden = hidden
        self._protocol_schemes = tuple(protocol_schemes)
        self._plugin_schemes = tuple(plugin_schemes)
        self._listener: GuiListener | None = None
        self._origin: str | None = None
        environ = os.environ if environ is None else environ
        if os.geteuid() == 0:
            # QtWebEngine's Chromium refuses to start as root unless its sandbox is off; this
            # must be in the environment before Qt initialises.
            flags = environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
            if "--no-sandbox" not in flags.split():
                environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
        dropped = qt_permissions.drop_auto_grant_flags(environ)
        if dropped:
            logger.warning(
                "%s: left out %s, which would give every page the camera, microphone or screen "
                "without asking; oro's permission broker decides them (docs/security.md)",
                qt_permissions.CHROMIUM_FLAGS,
                " ".join(dropped),
            )
        import webview
        import webview.errors

        try:
            # Loads QtWebEngine's libraries now, so that a missing system library means
            # "no window" here rather than a failure once the host already runs.
            importlib.import_module("qtpy.QtWebEngineWidgets")
        except Exception as error:
            raise ImportError(f"Qt WebEngine cannot be loaded: {error}") from error
        self._webview = webview
        self._javascript_error = webview.errors.JavascriptException
        self._windows: dict[int, NativeWindow] = {}
        self._minimized: set[int] = set()
        self._closing: set[int] = set()
        """Windows the app is closing (close()): a window that is not closable refuses every
        other close, the window manager's."""
        self._focuser: Focuser | None = None
        self._poster = QtPoster()
        self._debugging = PageDebugging()
        self._prompts = qt_permissions.Prompts()

    @property
    def has_native_windows(self) -> bool:
        return True

    @property
    def toolkit(self) -> str:
        return "qt"

    def native(self, index: int) -> Any:
        window = self._windows.get(index)
        return None if window is None else window.native

    def post(self, function: Callable[[], None]) -> None:
        self._poster.post(function)

    def open(
        self,
        window: Window,
        url: str,
        listener: GuiListener,
        options: WindowOptions | None = None,
    ) -> None:
        if self._origin is None:
            self._origin = origin_of(url)
        self._listener = listener
        options = options or WindowOptions()
        native = self._webview.create_window(
            window.title,
            url=url,
            width=window.width,
            height=window.height,
            resizable=options.resizable,
            frameless=options.frameless,
            hidden=options.hidden or self._hidden,
            min_size=options.min_size,
            # pywebview's default injects `body {user-select: none}` into every page; the
            # page's own CSS decides, as under WebKitGTK.
            text_select=True,
        )
        if native is None:
            raise RuntimeError("pywebview did not create a window")
        self._windows[window.index] = native
        index = window.index
        self._minimized.discard(index)  # an earlier window with this index may have been minimized
        self._closing.discard(index)
        # pywebview reports a window created hidden as "shown" once; it is not. A headless app's
        # window is created hidden too, and that report is right for it: Socket calls a headless
        # window it showed shown without mapping it (src/runtime/window/manager.cc:390-393).
        unshown = [True] if options.hidden else []

        def status(value: WindowStatus) -> Callable[[], None]:
            return lambda: listener.gui_status_changed(index, value)

        def shown() -> None:
            if unshown:
                unshown.clear()
                return
            listener.gui_status_changed(index, WindowStatus.SHOWN)

        def minimized() -> None:
            self._minimized.add(index)
            listener.gui_status_changed(index, WindowStatus.HIDDEN)

        def restored() -> None:
            self._minimized.discard(index)
            listener.gui_status_changed(index, WindowStatus.SHOWN)

        def resized(width: int, height: int) -> None:
            listener.gui_resized(index, width, height)

        reported: list[bool] = []

        def before_show() -> None:
            # pywebview runs this on the GUI thread as it makes the native window, before it is
            # shown: the first one is where the Qt application exists and the poster can be made.
            if reported:
                return
            reported.append(True)
            if not self._poster.is_attached:
                self._poster.attach()
            qt_context_menu.wire(
                native.native,
                index,
                lambda: listener.gui_close_requested(index),
                devtools=lambda: self._debugging.devtools,  # Inspect in the menu with devtools on
            )
            self._prepare_page(native.native, index, options)
            qt_permissions.ask_broker_on_page(native.native, index, listener)
            qt_drops.watch_drops(native.native, index, listener)
            if options.screen_lengths is not None:
                # The screen exists now: "N%" sizes become pixels before the window shows,
                # and before a remembered geometry (restored once it is created) applies.
                screen = qt_window.screen_size()
                qt_window.resize_centered(
                    native.native,
                    screen_length_pixels(options.screen_lengths[0], screen[0], window.width),
                    screen_length_pixels(options.screen_lengths[1], screen[1], window.height),
                )
            listener.gui_window_created(index)

        native.events.before_show += before_show
        if native.events.before_show.is_set():
            # A window made while the GUI runs may be built on the GUI thread before this
            # handler was added; report it from there all the same, once.
            self.post(before_show)
        native.events.shown += shown
        native.events.minimized += minimized
        native.events.restored += restored
        native.events.closing += self._closing_handler(index, options, listener)
        native.events.closed += status(WindowStatus.CLOSED)
        native.events.closed += lambda: self.post(lambda: self._prompts.window_closed(index))
        native.events.resized += resized

    def _closing_handler(
        self, index: int, options: WindowOptions, listener: GuiListener
    ) -> Callable[[], bool | None]:
        """pywebview's ``closing`` handler of window ``index``: reports the closing window, or
        refuses the window manager's close (its button, Alt+F4) of a window that is not
        closable (False cancels the close); the app's own close() always closes it."""

        leave = LeaveGuard(lambda: self.native(index))

        def closing() -> bool | None:
            if not options.closable and index not in self._closing:
                return False
            if index not in self._closing and leave.user_close():
                return False  # the page is asked first; windowCloseRequested closes it
            listener.gui_status_changed(index, WindowStatus.CLOSING)
            return None

        return closing

    def _prepare_page(self, widget: Any, index: int, options: WindowOptions) -> None:
        """On the GUI thread, before the window's first document exists."""
        if options.identity_script is not None:
            # The page's own script collection: the window's credential reaches this window's
            # pages and no other's.
            qt_window.add_identity_script(widget, options.identity_script)
        # Bounds, buttons, type, aspect ratio; the User-Agent and the window's userScript
        # (after the identity script).
        qt_options.apply_to_window(widget, options, qt_window.screen_size())
        qt_options.apply_to_page(widget, options, self._origin or "")
        if self._debugging.console is not None:
            qt_debugging.watch_console(
                widget,
                index,
                self._debugging.console,
                limit=not self._debugging.devtools,
                hidden=self._hidden,
            )

    def _native(self, index: int) -> NativeWindow:
        window = self._windows.get(index)
        if window is None:
            raise NotFoundError(f"Window {index} has no native window", targetWindowIndex=index)
        return window

    def show(self, index: int) -> None:
        if self._hidden:
            if self._listener is not None and index in self._windows:
                self._listener.gui_status_changed(index, WindowStatus.SHOWN)
            return
        if index in self._minimized:
            self._native(index).restore()
        self._native(index).show()

    def hide(self, index: int) -> None:
        self._native(index).hide()

    def focus(self, index: int) -> None:
        if self._hidden:
            return
        self.show(index)
        # pywebview has no focus call; its Qt window is a QMainWindow of Qt's main thread.
        widget = self._native(index).native
        if widget is not None:
            if self._focuser is None:
                self._focuser = make_focuser(widget)
            self._focuser.focus(widget)

    def close(self, index: int) -> None:
        native = self._native(index)
        self._closing.add(index)  # the app's close: a window that is not closable closes too
        native.destroy()
        # Gone for every later call, as under GTK (pywebview keeps the object).
        if self._windows.get(index) is native:
            del self._windows[index]

    def set_title(self, index: int, title: str) -> None:
        self._native(index).set_title(title)

    def set_size(self, index: int, width: int, height: int) -> None:
        self._native(index).resize(width, height)

    def get_size(self, index: int) -> tuple[int, int]:
        native = self._native(index)
        return int(native.width), int(native.height)

    def navigate(self, index: int, url: str) -> None:
        self._native(index).load_url(url)

    def evaluate(self, index: int, script: str) -> Any:
        try:
            return self._native(index).evaluate_js(script)
        except self._javascript_error as error:
            raise IPCError(f"window.eval: {error}", code="ERR_EVAL") from None

    # Qt's own calls, for what pywebview does not offer or does not report back: each runs on
    # the GUI thread while the dispatcher thread waits (gui/qt/window.py).

    def _widget(self, index: int) -> Any:
        widget = self._native(index).native
        if widget is None:
            raise NotFoundError(f"Window {index} has no native window yet", targetWindowIndex=index)
        return widget

    def _qt(self, index: int, function: Callable[[Any], ResultT]) -> ResultT:
        widget = self._widget(index)
        return self._poster.call_and_wait(lambda: function(widget))

    def page_url(self, index: int) -> str:
        return self._qt(index, qt_window.page_url)

    # Qt's maximise, minimise and restore show the window: a hidden engine's stays unshown.

    def maximize(self, index: int) -> None:
        if not self._hidden:
            self._qt(index, qt_window.maximize)

    def minimize(self, index: int) -> None:
        if not self._hidden:
            self._qt(index, qt_window.minimize)

    def restore(self, index: int) -> None:
        if self._hidden:
            return
        self._qt(index, qt_window.restore)
        self._minimized.discard(index)

    def blur(self, index: int) -> None:
        self._qt(index, qt_window.lower)

    def set_position(self, index: int, x: int, y: int) -> None:
        self._qt(index, lambda widget: widget.move(x, y))

    def set_always_on_top(self, index: int, enabled: bool) -> None:
        self._qt(index, lambda widget: qt_window.set_always_on_top(widget, enabled))

    def set_background_color(self, index: int, color: WindowColor) -> None:
        self._qt(index, lambda widget: qt_window.set_background_color(widget, color))

    def state(self, index: int) -> NativeState:
        return self._qt(index, qt_window.state)

    def screen_size(self) -> tuple[int, int]:
        return self._poster.call_and_wait(qt_window.screen_size)

    def configure_debugging(self, debugging: PageDebugging) -> None:
        self._debugging = debugging

    def ask_permission(
        self, index: int, question: str, answer: Callable[[PermissionAnswer], None]
    ) -> None:
        self._prompts.ask(index, self._widget(index), question, answer)

    def show_inspector(self, index: int) -> None:
        if not self._debugging.devtools:
            self._native(index)  # a window that is not open is not found, before anything else
            raise devtools_off(index)
        self._qt(index, qt_debugging.show_devtools)

    def start(self, dispatcher: GuiDispatcher) -> None:
        storage = self._storage_path
        import_pywebview_qt()  # first: what imports qtpy's QtCore, QtGui and QtWidgets
        plugins = (
            PluginSchemes(self._plugin_schemes, lambda: self._listener, self.post)
            if self._plugin_schemes
            else None
        )
        share_one_profile(storage, self._protocol_schemes, self._origin, plugins)
        qt_permissions.deny_every_permission()
        _keep_sigint_handler()
        try:
            self._webview.start(
                dispatcher.serve,
                gui="qt",
                private_mode=storage is None,
                storage_path=None if storage is None else str(storage),
            )
        finally:
            self._poster.mark_ended()
            self._prompts.close_all()  # the app ended with prompts open: each is a denial
            release_stranded_evaluations()


def _keep_sigint_handler() -> None:
    """Keep Ctrl-C the runner's: pywebview's Qt backend replaces the SIGINT handler with one
    calling ``QApplication.quit()``, which in Qt 6 asks every window to close as a user's close
    would, so each page would be asked (beforeunload) and the host never told. Its handler is
    looked up when the first window is made: the one in place now (the runner's, which stops
    the host, which then closes every window without asking) is made its handler."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        backend: Any = import_pywebview_qt()
        backend._sigint_handler = handler
