"""One QtWebEngine profile for all of an app's windows.

pywebview's Qt backend gives every window a profile of its own: a new off-the-record profile in
private mode, and ``QWebEngineProfile('pywebview')`` otherwise. Separate off-the-record profiles
do not share cookies, so a second window would have no session; and a second persistent profile
with the same storage name stalls QtWebEngine (the second window never loads). A browser shares
one profile between its windows, and so does an app: :func:`share_one_profile` makes pywebview
hand every window the same one, kept in the app's own directory. That one profile is also where
protocol-handler schemes get their QtWebEngine handler (:mod:`oro_framework.gui.qt.schemes`),
installed as it is created: QtWebEngine ignores a handler added after a page of the profile
loaded, and pywebview loads the page in the constructor that creates the profile.

pywebview offers no setting for this, so the module-level name its windows construct profiles
through is replaced before the GUI loop starts. Creating the profile is also the last moment
before QtWebEngine reads Chromium's flags: the one pywebview adds to grant every camera and
microphone request is taken out there (:mod:`oro_framework.gui.qt.permissions`, which also
takes pywebview's own answer off its pages: the permission broker answers for each window).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, final

from oro_framework.gui.qt import permissions as qt_permissions
from oro_framework.gui.qt import plugin_schemes
from oro_framework.gui.qt import schemes as qt_schemes
from oro_framework.gui.qt.toolkit import import_pywebview_qt

if TYPE_CHECKING:
    from qtpy.QtWebEngineCore import QWebEngineProfile

    from oro_framework.gui.qt.plugin_schemes import PluginSchemes

__all__ = ["share_one_profile"]


@final
class _SharedProfile:
    """Called as pywebview calls ``QWebEngineProfile(...)``; answers the one profile, created on
    the first call (on the GUI thread, once the QApplication exists)."""

    def __init__(
        self,
        storage_path: Path | None,
        schemes: tuple[str, ...],
        origin: str | None,
        plugins: PluginSchemes | None,
    ) -> None:
        self._storage_path = storage_path
        self._schemes = schemes
        self._origin = origin
        self._plugins = plugins
        self._profile: QWebEngineProfile | None = None

    def __call__(self, *args: Any) -> QWebEngineProfile:
        # pywebview has just added Chromium's switch that grants every camera and microphone
        # request (it does for each window); QtWebEngine reads the flags as the first profile
        # is created, so it goes now.
        qt_permissions.drop_auto_grant_flags(os.environ)
        if self._profile is None:
            self._profile = _create_profile(self._storage_path)
            qt_permissions.ask_every_time(self._profile)
            if self._schemes and self._origin is not None:
                qt_schemes.install_on_profile(self._profile, self._schemes, self._origin)
            if self._plugins is not None and self._origin is not None:
                plugin_schemes.install_plugin_schemes(self._profile, self._plugins, self._origin)
        return self._profile


def _create_profile(storage_path: Path | None) -> QWebEngineProfile:
    from qtpy.QtWebEngineCore import QWebEngineProfile

    if storage_path is None:
        return QWebEngineProfile()  # off the record: forgotten when the app ends

    class AppProfile(QWebEngineProfile):
        def setPersistentStoragePath(self, path: str | None) -> None:
            """pywebview points every app at ``~/.pywebview``; the app's path was set once,
            when the profile was created."""

    profile = AppProfile("oro")
    QWebEngineProfile.setPersistentStoragePath(profile, str(storage_path))
    profile.setCachePath(str(storage_path / "cache"))
    return profile


def share_one_profile(
    storage_path: Path | None,
    schemes: Sequence[str] = (),
    origin: str | None = None,
    plugins: PluginSchemes | None = None,
) -> None:
    """Make every window pywebview's Qt backend opens from now on use one profile, persistent
    in ``storage_path`` or off the record when it is ``None``, whose requests for ``schemes``
    go on to the app at ``origin`` and whose requests for ``plugins``' schemes go to the host;
    call before ``webview.start`` (schemes must be registered before the ``QApplication``
    exists)."""
    qt_schemes.register_schemes(schemes)
    if plugins is not None:
        plugin_schemes.register_plugin_schemes(plugins.names)
    qt_platform = import_pywebview_qt()
    vars(qt_platform)["QWebEngineProfile"] = _SharedProfile(
        storage_path, tuple(schemes), origin, plugins
    )
