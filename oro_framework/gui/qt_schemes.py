"""Protocol-handler schemes in QtWebEngine: plain navigations to ``weather:x`` or
``web+demo://...`` in a window.

A page's own ``fetch``/``EventSource``/link clicks are mapped by its preload; a navigation the
page does not see coming (``location.href = 'web+demo://x'``, a typed URL) reaches QtWebEngine,
which knows the scheme only if it was registered before the ``QApplication`` existed
(:func:`register_schemes`) and has a handler on the profile of the window's page, installed
before that page loads anything (:func:`install_on_profile`, called by
:func:`~oro_framework.gui.qt_profile.share_one_profile` as it creates the windows' profile).
The handler sends the navigation on to the mapped URL on the app origin, where the scheme's
Service Worker answers it, streaming included, as it answers any navigation in its scope.
Forwarding rather than serving keeps one implementation of each scheme (the worker) for every
mode.

Any scheme :func:`~oro_framework.kernel.protocols.check_scheme` allows is registered, Oro's
custom ones (``weather``) as ``web+`` ones; with the "path" syntax an opaque ``weather:current``
reaches the handler whole and maps as the preload maps it. WebKitGTK (not an engine of oro yet)
would register the same schemes with ``WebKitWebContext.register_uri_scheme`` here, before its
first view, answering with the same forwarding page.

Qt is imported only inside these functions: a host without a window never loads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final

from oro_framework.kernel.errors import IPCError
from oro_framework.kernel.protocols import to_app_path

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


_FORWARD_PAGE: Final = (
    '<!doctype html><meta charset="utf-8"><script>location.replace({target})</script>\n'
)
"""What a request of a scheme gets: a document that navigates on to the mapped URL. Not a
redirect: Chromium decides whether a Service Worker may take a navigation when it starts, and
one that starts at a custom scheme is never given to a worker, even once redirected to http.
A navigation the page starts itself is (the host would refuse it anyway, as from another
site: the custom scheme's document is not the app's origin)."""


def _redirector(origin: str, parent: Any) -> Any:
    from qtpy.QtCore import QBuffer, QByteArray, QIODevice
    from qtpy.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlSchemeHandler

    class Redirector(QWebEngineUrlSchemeHandler):
        """Sends each request of its schemes on to the mapped URL on the app origin."""

        def requestStarted(self, job: Any) -> None:
            url = bytes(job.requestUrl().toEncoded()).decode("ascii")
            try:
                path = to_app_path(url)
            except IPCError:
                job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
                return
            # json.dumps of an ASCII URL is a JS string literal; "</" cannot occur in it
            # escaped, so it cannot end the script element.
            target = json.dumps(origin + path).replace("</", "<\\/")
            # Parented to the job: Qt reads it until the job ends, then deletes both.
            body = QBuffer(job)
            body.setData(QByteArray(_FORWARD_PAGE.format(target=target).encode()))
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
