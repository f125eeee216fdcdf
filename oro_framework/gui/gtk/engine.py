""":class:`GtkEngine`: the host's ``Engine`` on GTK 3 and WebKitGTK 4.1, written here
rather than borrowed from pywebview's GTK backend, which gives every window a WebKit context of
its own (no shared session), hides the views and offers no hook for schemes, crashes or state.

Threads are as under Qt (``docs/design.md``, "Windows and threads"): GTK's loop on the main
thread, the host's loop in ``oro-loop``, and the dispatcher thread (started here) performing the
window operations, each of which runs on the GUI thread while the dispatcher waits
(:mod:`oro_framework.gui.gtk.calls`).
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, Final, TypeVar, final

from oro_framework.gui.gtk import calls, context_menu, drops, permissions, script_dialogs
from oro_framework.gui.gtk import options as window_options
from oro_framework.gui.gtk.context import make_web_context, register_schemes
from oro_framework.gui.gtk.healing import Healer
from oro_framework.gui.gtk.leaving import LeaveGuard
from oro_framework.gui.gtk.page_console import watch_console
from oro_framework.gui.gtk.toolkit import repository
from oro_framework.gui.gtk.uri_schemes import register_plugin_schemes
from oro_framework.gui.gtk.window import GtkWindowParts, screen_size
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
from oro_framework.host.windows.options import on_screen

__all__ = ["GtkEngine"]

logger = logging.getLogger("oro_framework.windows")

ResultT = TypeVar("ResultT")

COOL_DOWN_SECONDS: Final = 5.0
"""How long :meth:`GtkEngine.cool_down` lets a warm web process launch before ending it."""

UNTRANSFERABLE_RESULT: Final = "Unsupported result type"
"""WebKit's error for a completion value it cannot copy out of the web process."""


@final
class GtkEngine:
    """Native windows of GTK 3 with a ``WebKitWebView`` each, all on one ``WebKitWebContext``.

    :param storage_path: where WebKit keeps cookies, storage, caches and service workers between
        runs (the app's own directory); ``None`` for an ephemeral session.
    :param protocol_schemes: protocol-handler schemes (``weather``, ``web+demo``) whose plain
        navigations are forwarded to the app (:mod:`oro_framework.gui.forwarding`).
    :param plugin_schemes: the schemes plugins serve (``clip``), answered by the host
        (:mod:`oro_framework.gui.gtk.uri_schemes`).
    :param hidden: never show a window, whatever is asked (a headless app's: its pages run,
        nobody sees them, as Socket's headless windows, src/runtime/window/linux.cc:1258).
    :raises ImportError: GTK 3 or WebKitGTK 4.1 cannot be loaded.
    """

    def __init__(
        self,
        *,
        storage_path: Path | None = None,
        protocol_schemes: Sequence[str] = (),
        plugin_schemes: Sequence[str] = (),
        hidden: bool = False,
    ) -> None:
        try:
            self._gtk = repository("Gtk")
            self._webkit = repository("WebKit2")
        except ValueError as error:  # a missing typelib
            raise ImportError(f"WebKitGTK 4.1 cannot be loaded: {error}") from error
        self._storage_path = storage_path
        self._schemes = tuple(protocol_schemes)
        self._plugin_schemes = tuple(plugin_schemes)
        self._hidden = hidden
        self._origin: str | None = None
        self._context: Any = None
        # A view on the context made by warm_up: its web process starts while the host is
        # built, and the first window's view shares it (WebKit's related views).
        self._warm_view: Any = None
        self._windows: dict[int, GtkWindowParts] = {}
        self._listener: GuiListener | None = None
        self._healer = Healer(self._crashed)
        self._is_running = False
        self._debugging = PageDebugging()

    @property
    def has_native_windows(self) -> bool:
        return True

    @property
    def toolkit(self) -> str:
        return "gtk"

    def native(self, index: int) -> GtkWindowParts | None:
        return self._windows.get(index)

    def post(self, function: Callable[[], None]) -> None:
        calls.post(function)

    # ---------------------------------------------------------------------------------------
    # Opening and closing
    # ---------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Start the web process the first window will use, now, on the calling thread (the
        main thread, before the GUI loop runs): WebKit takes a few hundred milliseconds to
        launch one and initialise it, which then overlap the host's start instead of
        following it. The process shows nothing until that window loads its page."""
        if self._context is not None:
            return
        self._context = make_web_context(self._storage_path)
        settings = self._webkit.Settings()
        self._healer.configure(settings)
        view = self._webkit.WebView(web_context=self._context, settings=settings)
        view.load_uri("about:blank")
        self._warm_view = view

    def add_protocol_schemes(
        self, schemes: Sequence[str], plugin_schemes: Sequence[str] = ()
    ) -> None:
        """Forward ``schemes`` and serve ``plugin_schemes`` too, as if given to the constructor
        (before the first window)."""
        self._schemes = (*self._schemes, *schemes)
        self._plugin_schemes = (*self._plugin_schemes, *plugin_schemes)

    def cool_down(self) -> None:
        """Undo :meth:`warm_up` when no window will come (the app runs headless after all):
        the web process ends with its last view."""
        view, self._warm_view = self._warm_view, None
        if view is None:
            return
        # No GUI loop will run: WebKit's own loop work is done here, until the process has
        # launched (its blank page loaded), so that it can be ended; bounded, as a process
        # that never launches ends with this one.
        main = repository("GLib").MainContext.default()
        deadline = time.monotonic() + COOL_DOWN_SECONDS
        while view.is_loading() and time.monotonic() < deadline:
            if not main.iteration(False):
                time.sleep(0.01)  # nothing ready yet: the process is still starting
        view.terminate_web_process()
        view.destroy()
        self._context = None

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
        create = lambda: self._create(window, url, listener, options or WindowOptions())  # noqa: E731
        if self._is_running:
            calls.call_and_wait(create)
        else:
            # Before the loop runs: made, in order, as it starts.
            calls.post(create)

    def _create(
        self, window: Window, url: str, listener: GuiListener, options: WindowOptions
    ) -> None:
        gtk, webkit = self._gtk, self._webkit
        if self._context is None:
            self._context = make_web_context(self._storage_path)
        if self._schemes:
            register_schemes(self._context, self._schemes, self._origin or "")
            self._schemes = ()
        if self._plugin_schemes:
            register_plugin_schemes(
                self._context,
                self._plugin_schemes,
                self._origin or "",
                lambda: self._listener,
                self._window_of,
            )
            self._plugin_schemes = ()
        index = window.index
        native = gtk.Window(title=window.title)
        width, height = window.width, window.height
        if options.screen_lengths is not None:
            screen = screen_size()
            width = screen_length_pixels(options.screen_lengths[0], screen[0], width)
            height = screen_length_pixels(options.screen_lengths[1], screen[1], height)
        native.set_default_size(width, height)
        native.set_position(gtk.WindowPosition.CENTER)
        native.set_resizable(options.resizable)
        native.set_decorated(not options.frameless)
        if options.bound_lengths is not None:
            options = on_screen(options, screen_size())  # the config's "N%" bounds
        window_options.apply_to_window(native, options)
        box = gtk.Box(orientation=gtk.Orientation.VERTICAL)
        warm, self._warm_view = self._warm_view, None
        # A related view shares the warm view's web process (and context) but has settings
        # and a user content manager of its own, as any other window's view.
        settings = webkit.Settings()
        self._healer.configure(settings)
        view = (
            webkit.WebView(web_context=self._context, settings=settings)
            if warm is None
            else webkit.WebView(related_view=warm, settings=settings)
        )
        if options.identity_script is not None:
            # This view's own content manager: the window's credential reaches its pages (and
            # their same-origin frames; the script checks the origin) and no other window's.
            view.get_user_content_manager().add_script(
                webkit.UserScript.new(
                    options.identity_script,
                    webkit.UserContentInjectedFrames.ALL_FRAMES,
                    webkit.UserScriptInjectionTime.START,
                    None,
                    None,
                )
            )
        # The User-Agent, and the window's userScript after the identity script.
        window_options.apply_to_view(view, options, self._origin or "")
        if self._debugging.console is not None:
            watch_console(view, index, self._debugging.console, hidden=self._hidden)
        if self._debugging.devtools:
            view.get_settings().set_enable_developer_extras(True)
        box.pack_start(view, True, True, 0)
        native.add(box)
        parts = GtkWindowParts(native, box, view, size=(width, height))
        self._windows[index] = parts
        self._wire(index, parts, listener)
        self._healer.watch(index, view)
        box.show_all()
        listener.gui_window_created(index)
        view.load_uri(url)
        if warm is not None:
            _drop_when_committed(view, warm)
        if options.hidden:
            return
        if self._hidden:
            # Socket shows a headless window without mapping it and calls it shown
            # (src/runtime/window/manager.cc:390-393): its pages see WINDOW_SHOWN.
            listener.gui_status_changed(index, WindowStatus.SHOWN)
        else:
            native.show()

    def _wire(self, index: int, parts: GtkWindowParts, listener: GuiListener) -> None:
        gdk = repository("Gdk")
        native = parts.window

        guard = LeaveGuard(parts.view)

        def deleting(*_: Any) -> bool:
            if guard.user_close():
                return True  # the page is asked first; WebKit's "close" closes the window
            listener.gui_status_changed(index, WindowStatus.CLOSING)
            return False  # let GTK destroy it

        def destroyed(*_: Any) -> None:
            if self._windows.get(index) is parts:
                del self._windows[index]
            self._healer.forget(index)
            listener.gui_status_changed(index, WindowStatus.CLOSED)
            if not self._windows and self._is_running:
                self._gtk.main_quit()

        def state_changed(_widget: Any, event: Any) -> bool:
            if event.changed_mask & gdk.WindowState.MAXIMIZED:
                parts.maximized = bool(event.new_window_state & gdk.WindowState.MAXIMIZED)
            if event.changed_mask & gdk.WindowState.ICONIFIED:
                parts.minimized = bool(event.new_window_state & gdk.WindowState.ICONIFIED)
                status = WindowStatus.HIDDEN if parts.minimized else WindowStatus.SHOWN
                listener.gui_status_changed(index, status)
            return False

        def configured(_widget: Any, event: Any) -> bool:
            size = (int(event.width), int(event.height))
            if size != parts.size:
                parts.size = size
                listener.gui_resized(index, *size)
            return False

        native.connect("delete-event", deleting)
        native.connect("destroy", destroyed)
        native.connect("window-state-event", state_changed)
        native.connect("configure-event", configured)
        native.connect("show", lambda *_: listener.gui_status_changed(index, WindowStatus.SHOWN))
        permissions.watch_permissions(parts.view, index, listener)
        parts.view.connect("script-dialog", script_dialogs.show_script_dialog)
        parts.view.connect("context-menu", context_menu.filter_menu(index))
        drops.watch_drops(parts.view, index, listener)
        # window.close() of the window's own page (WebKit emits it for the main frame only):
        # the window manager closes the window as for a user's close.
        parts.view.connect("close", lambda *_: listener.gui_close_requested(index))

    def _note_stop_signals(self) -> None:
        """Tell the healer when SIGINT or SIGTERM asks the app to stop, before the handler the
        runner installed runs. Ctrl-C in a terminal signals the whole process group, the web
        processes too, which die of it: that is the app stopping, not a crash to reload."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(signum)
            if not callable(handler):
                continue

            def noted(number: int, frame: FrameType | None, handler: Any = handler) -> None:
                self._healer.stopping = True
                handler(number, frame)

            signal.signal(signum, noted)

    def _crashed(self, index: int, reason: str, reloaded: bool) -> None:
        if self._listener is not None:
            self._listener.gui_web_process_ended(index, reason, reloaded)

    # ---------------------------------------------------------------------------------------
    # Window operations: on the dispatcher thread, each done on the GUI thread
    # ---------------------------------------------------------------------------------------

    def _window_of(self, view: Any) -> int | None:
        return next((i for i, parts in self._windows.items() if parts.view is view), None)

    def _parts(self, index: int) -> GtkWindowParts:
        parts = self._windows.get(index)
        if parts is None:
            raise NotFoundError(f"Window {index} has no native window", targetWindowIndex=index)
        return parts

    def _on(self, index: int, function: Callable[[GtkWindowParts], ResultT]) -> ResultT:
        return calls.call_and_wait(lambda: function(self._parts(index)))

    def show(self, index: int) -> None:
        if self._hidden:
            if self._listener is not None and index in self._windows:
                self._listener.gui_status_changed(index, WindowStatus.SHOWN)
            return
        self._on(index, lambda parts: parts.restore() if parts.minimized else parts.window.show())

    def hide(self, index: int) -> None:
        self._on(index, lambda parts: parts.window.hide())

    def focus(self, index: int) -> None:
        if self._hidden:
            return
        self._on(index, GtkWindowParts.focus)

    def close(self, index: int) -> None:
        def close(parts: GtkWindowParts) -> None:
            if self._listener is not None:
                self._listener.gui_status_changed(index, WindowStatus.CLOSING)
            parts.window.destroy()

        self._on(index, close)

    def set_title(self, index: int, title: str) -> None:
        self._on(index, lambda parts: parts.window.set_title(title))

    def set_size(self, index: int, width: int, height: int) -> None:
        self._on(index, lambda parts: parts.window.resize(width, height))

    def get_size(self, index: int) -> tuple[int, int]:
        def size(parts: GtkWindowParts) -> tuple[int, int]:
            width, height = parts.window.get_size()
            return int(width), int(height)

        return self._on(index, size)

    def navigate(self, index: int, url: str) -> None:
        self._on(index, lambda parts: parts.view.load_uri(url))

    def evaluate(self, index: int, script: str) -> Any:
        glib = repository("GLib")
        parts = self._parts(index)

        def start(finish: Callable[[Any], None]) -> None:
            def done(view: Any, result: Any, _data: Any = None) -> None:
                try:
                    value = view.evaluate_javascript_finish(result)
                except glib.Error as error:
                    if error.message == UNTRANSFERABLE_RESULT:
                        # The script ran; its value (a Promise, a DOM node) cannot leave the
                        # web process. JSON gives such objects as {}, as the Qt engine answers.
                        finish({})
                        return
                    finish(IPCError(f"window.eval: {error.message}", code="ERR_EVAL"))
                    return
                text = value.to_json(0)
                finish(None if text is None else json.loads(text))

            # The script's completion value, as eval gives it, without eval: a page whose CSP
            # forbids 'unsafe-eval' is still evaluated.
            parts.view.evaluate_javascript(script, -1, None, None, None, done, None)

        return calls.wait_for_callback(start)

    def page_url(self, index: int) -> str:
        return self._on(index, GtkWindowParts.page_url)

    def maximize(self, index: int) -> None:
        self._on(index, GtkWindowParts.maximize)

    def minimize(self, index: int) -> None:
        self._on(index, GtkWindowParts.minimize)

    def restore(self, index: int) -> None:
        if self._hidden:
            return
        self._on(index, GtkWindowParts.restore)

    def blur(self, index: int) -> None:
        self._on(index, GtkWindowParts.lower)

    def set_position(self, index: int, x: int, y: int) -> None:
        self._on(index, lambda parts: parts.window.move(x, y))

    def set_always_on_top(self, index: int, enabled: bool) -> None:
        self._on(index, lambda parts: parts.set_always_on_top(enabled))

    def set_background_color(self, index: int, color: WindowColor) -> None:
        self._on(index, lambda parts: parts.set_background_color(color))

    def state(self, index: int) -> NativeState:
        return self._on(index, GtkWindowParts.state)

    def screen_size(self) -> tuple[int, int]:
        return calls.call_and_wait(screen_size)

    def configure_debugging(self, debugging: PageDebugging) -> None:
        self._debugging = debugging

    def ask_permission(
        self, index: int, question: str, answer: Callable[[PermissionAnswer], None]
    ) -> None:
        permissions.ask(self._parts(index).window, question, answer)

    def show_inspector(self, index: int) -> None:
        if not self._debugging.devtools:
            self._parts(index)  # a window that is not open is not found, before anything else
            raise devtools_off(index)
        # WebKit's Web Inspector, attached to the view or in a window of its own as it decides.
        self._on(index, lambda parts: parts.view.get_inspector().show())

    # ---------------------------------------------------------------------------------------
    # The loop
    # ---------------------------------------------------------------------------------------

    def start(self, dispatcher: GuiDispatcher) -> None:
        calls.mark_gui_thread()
        self._note_stop_signals()
        self._is_running = True
        threading.Thread(target=dispatcher.serve, name="oro-gui-dispatcher", daemon=True).start()
        try:
            self._gtk.main()
        finally:
            self._is_running = False
            calls.mark_loop_ended()


def _drop_when_committed(view: Any, warm: Any) -> None:
    """Destroy ``warm`` once ``view``'s page has committed in their shared web process: until
    then the process counts only the warm page, and ending that one would end the process
    (the window's page then needs a new one, and the warm-up was for nothing)."""
    webkit = repository("WebKit2")
    handler: int | None = None

    def changed(_view: Any, event: Any) -> None:
        if event in (webkit.LoadEvent.COMMITTED, webkit.LoadEvent.FINISHED) and handler is not None:
            view.disconnect(handler)
            warm.destroy()

    handler = view.connect("load-changed", changed)
