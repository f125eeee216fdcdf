"""Protocol-handler schemes in QtWebEngine: plain navigations to ``weather:x`` or
``web+demo://...`` in a window.

A page's own ``fetch``/``EventSource``/link clicks are mapped by its preload; a navigation the
page does not see coming (``location.href = 'web+demo://x'``, a typed URL) reaches QtWebEngine,
which knows the scheme only if it was registered before the ``QApplication`` existed
(:func:`register_schemes`) and has a handler on the profile of the window's page, installed
before that page loads anything (:func:`install_on_profile`, called by
:func:`~oro_framework.gui.qt.profile.share_one_profile` as it creates the windows' profile).
The handler sends the navigation on to the mapped URL on the app origin, where the scheme's
Service Worker answers it, streaming included, as it answers any navigation in its scope.
Forwarding rather than serving keeps one implementation of each scheme (the worker) for every
mode.

Any scheme :func:`~oro_framework.host.protocols.check_scheme` allows is registered, Oro's
custom ones (``weather``) as ``web+`` ones; with the "path" syntax an opaque ``weather:current``
reaches the handler whole and maps as the preload maps it. The GTK engine registers the same
schemes on its shared ``WebKitWebContext`` and answers with the same forwarding page
(:mod:`oro_framework.gui.forwarding`).

Qt is imported only inside these functions: a host without a window never loads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from oro_framework.gui.forwarding import forward_page

__all__ = ["install_on_profile", "register_schemes"]

_LIVE: set[Any] = set()
"""The installed handlers. A profile holds its handler only as a C++ pointer: without a Python
reference the handler object is collected, Qt drops it from the profile, and the scheme's
navigations end on ``about:blank#blocked``."""


def register_schemes(schemes: Iterable[str]) -> None:
    """Tell QtWebEngine about ``schemes``; must run before the ``QApplication`` is created."""
    wanted = tuple(schemes)
    if not wanted:
        return
    from qtpy.QtWebEngineCore import QWebEngineUrlScheme

    for scheme in wanted:
        name = scheme.encode()
        if QWebEngineUrlScheme.schemeByName(name).name() == name:
            continue
        definition = QWebEngineUrlScheme(name)
        # "Path" syntax: Chromium leaves the rest of the URL to the handler; host and path
        # are mapped by to_app_path, the same rules the preload applies.
        definition.setSyntax(QWebEngineUrlScheme.Syntax.Path)
        QWebEngineUrlScheme.registerScheme(definition)


def _redirector(origin: str, parent: Any) -> Any:
    from qtpy.QtCore import QBuffer, QByteArray, QIODevice
    from qtpy.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlSchemeHandler

    class Redirector(QWebEngineUrlSchemeHandler):
        """Sends each request of its schemes on to the mapped URL on the app origin."""

        def requestStarted(self, job: Any) -> None:
            url = bytes(job.requestUrl().toEncoded()).decode("ascii")
            page = forward_page(url, origin)
            if page is None:
                job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
                return
            # Parented to the job: Qt reads it until the job ends, then deletes both.
            body = QBuffer(job)
            body.setData(QByteArray(page))
            body.open(QIODevice.OpenModeFlag.ReadOnly)
            job.reply(QByteArray(b"text/html"), body)

    return Redirector(parent)


def install_on_profile(profile: Any, schemes: Iterable[str], origin: str) -> None:
    """Install the redirecting handler of ``schemes`` on ``profile``; on the GUI thread, before
    any page of the profile loads anything (a page that loaded before never sees the handler)."""
    handler = _redirector(origin, profile)
    _LIVE.add(handler)
    profile.destroyed.connect(lambda: _LIVE.discard(handler))
    for scheme in schemes:
        if profile.urlSchemeHandler(scheme.encode()) is None:
            profile.installUrlSchemeHandler(scheme.encode(), handler)
