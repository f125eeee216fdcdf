"""The app's windows as a host subsystem (``host.windows``): the model, the manager the
``window.*`` routes drive, and the backend protocol a GUI toolkit implements (the gui layer's
pywebview backend does). Headless without one."""

from oro_framework.kernel.windows.backend import Engine, GuiDispatcher, GuiListener
from oro_framework.kernel.windows.manager import WindowManager
from oro_framework.kernel.windows.model import (
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
    "Window",
    "WindowManager",
    "WindowOptions",
    "WindowStatus",
]
