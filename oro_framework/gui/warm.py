"""Starting the window's web engine while the host is built, not after.

A window's first paint waits for WebKit to launch and initialise a web process (a few hundred
milliseconds), and ``oro run`` used to ask for one only once the host was built and serving.
:func:`warm_engine` guesses, from the few config keys that decide it (read as the host reads
its ``plugins.*`` keys, by :func:`~oro_framework.host.config.load_early`, before any plugin
loads), which engine and storage the window will have,
and starts that engine's web process at once. The guess is checked against the built host
(:meth:`WarmEngine.fits`): a warm engine that does not fit is cooled down and the window gets a
fresh one, as before; only the time is lost, never a setting.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple, final

from oro_framework.gui.display import has_display
from oro_framework.gui.engines import choose_engine
from oro_framework.host.app_paths import user_data_dir
from oro_framework.host.builtin_settings import MetaSettings, WebviewSettings
from oro_framework.host.config import load_early
from oro_framework.host.config.files import find_config_file
from oro_framework.host.errors import ConfigError, EngineUnavailableError
from oro_framework.host.private_files import adopt_private, app_state_dir
from oro_framework.host.windows.settings import WindowSettings

if TYPE_CHECKING:
    from oro_framework.gui.gtk.engine import GtkEngine

__all__ = ["WarmEngine", "warm_engine", "webview_storage"]

logger = logging.getLogger("oro_framework.gui")

_WARM_SETTINGS: Final = {MetaSettings: "meta", WebviewSettings: "webview", WindowSettings: "window"}
"""The settings whose keys decide a window's engine and storage, by section."""

WEBVIEW_STORAGE = "webview"
"""The folder of the app's state folder that keeps a persistent window's web storage (the
engine's: no page may plant a file there for the engine to write through)."""


def webview_storage(data: Path, state: Path) -> Path:
    """Where a persistent window's web storage lives, moved there from ``data`` (where older
    versions kept it) on first use."""
    storage = state / WEBVIEW_STORAGE
    try:
        adopt_private(data / WEBVIEW_STORAGE, storage)
    except OSError as error:
        logger.warning("the web storage stays where it was, not moved to %s: %s", storage, error)
    return storage


@final
class WarmEngine(NamedTuple):
    """An engine whose web process is starting, made before the host it will serve."""

    name: str
    storage_path: Path | None
    engine: GtkEngine

    def fits(self, name: str, storage_path: Path | None) -> bool:
        """Whether the host chose what this engine was made for."""
        return (name, storage_path) == (self.name, self.storage_path)

    def cool_down(self) -> None:
        """End the web process: the host runs headless or chose another engine or storage."""
        self.engine.cool_down()


def warm_engine(
    app_dir: Path, overrides: Mapping[str, str], environ: Mapping[str, str] | None = None
) -> WarmEngine | None:
    """The system engine, its web process starting, when the app in ``app_dir`` will likely
    open a window on it; ``None`` when it will not (no display, headless, another engine) or
    the keys cannot say (no bundle identifier). Called on the main thread before the host is
    built; never raises for a config problem: the host reports those."""
    environ = os.environ if environ is None else environ
    if not has_display(environ):
        return None
    try:
        path = find_config_file(app_dir, announce=False).path
        early = load_early(_WARM_SETTINGS, path=path, environ=environ, overrides=overrides)
        window = early.settings(WindowSettings)
        if window.headless:
            return None
        name = choose_engine(early.settings(WebviewSettings).engine or None)
        # Set by the app (its default names no app of its own).
        is_named = early.source("meta.bundle_identifier") != "default"
        bundle = early.settings(MetaSettings).bundle_identifier if is_named else ""
        persistent = window.persistent_storage
    except (ConfigError, EngineUnavailableError, OSError):
        return None  # the host reports a config problem, with its line, as it loads
    if name != "system" or not bundle:
        return None
    storage = webview_storage(user_data_dir(bundle), app_state_dir(bundle)) if persistent else None
    try:
        from oro_framework.gui.gtk.engine import GtkEngine

        engine = GtkEngine(storage_path=storage)
    except ImportError:
        return None
    engine.warm_up()
    return WarmEngine(name, storage, engine)
