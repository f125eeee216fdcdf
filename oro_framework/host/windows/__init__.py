"""The app's windows as a host subsystem (``host.windows``): the model, the manager the
``window.*`` routes drive, and the :class:`Engine` protocol every engine implements: the gui
layer's native ones (WebKitGTK, QtWebEngine) and the :class:`HeadlessEngine` of an app without a
GUI."""

from oro_framework.host.windows.engine import Engine, GuiDispatcher, GuiListener
from oro_framework.host.windows.headless import HeadlessEngine
from oro_framework.host.windows.manager import WindowManager
from oro_framework.host.windows.model import (
    MAIN_WINDOW,
    MAX_WINDOWS,
    WINDOW_EVENTS,
    Window,
    WindowOptions,
    WindowStatus,
)

__all__ = [
    "MAIN_WINDOW",
    "MAX_WINDOWS",
    "WINDOW_EVENTS",
    "Engine",
    "GuiDispatcher",
    "GuiListener",
    "HeadlessEngine",
    "Window",
    "WindowManager",
    "WindowOptions",
    "WindowStatus",
]
