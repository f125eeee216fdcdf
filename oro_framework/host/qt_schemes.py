"""Protocol-handler schemes in QtWebEngine: plain navigations to ``web+demo://...`` in a window.

A page's own ``fetch``/``EventSource``/link clicks are mapped by its preload; a navigation the
page does not see coming (``location.href = 'web+demo://x'``, a typed URL) reaches QtWebEngine,
which knows the scheme only if it was registered before the ``QApplication`` existed
(:func:`register_schemes`) and has a handler on the profile of the window's page, installed
before that page loads anything (:func:`prepare_pywebview`). The handler sends the navigation
on to the mapped URL on the app origin, where the scheme's Service Worker answers it,
streaming included, as it answers any navigation in its scope. Forwarding rather than serving
keeps one implementation of each scheme (the worker) for every mode.

Qt is imported only inside these functions: a host without a window never loads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import urlsplit

from oro_framework.errors import IPCError
from oro_framework.host.protocols import check_scheme, to_app_path

__all__ = ["configured_schemes", "install_on_profile", "prepare_pywebview", "register_schemes"]

_LIVE: set[Any] = set()
"""The installed handlers. A profile holds its handler only as a C++ pointer: without a Python
reference the handler object is collected, Qt drops it from the profile, and the scheme's
navigations end on ``about:blank#blocked``."""


def configured_schemes(config: Any) -> tuple[str, ...]:
    """The schemes ``[webview.protocol-handlers]`` (and Oro's flattened list) name, lower-case,
    ignoring any the host will refuse anyway when it configures the app (a ConfigError there
    names the key; the window must not fail first with a vaguer one)."""
    names = [*config.section("webview.protocol-handlers")]
    if "webview.protocol-handlers" in config:
        names += str(config["webview.protocol-handlers"]).split()
    schemes: list[str] = []
    for name in names:
        try:
            scheme = check_scheme(name)
        except IPCError:
            continue
        if scheme not in schemes:
            schemes.append(scheme)
    return tuple(schemes)


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


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


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


def prepare_pywebview(schemes: Iterable[str], page_url: str) -> None:
    """Make every window pywebview creates from now on serve ``schemes`` by redirecting to the
    origin of ``page_url``; call before ``webview.start`` (the ``QApplication`` must not exist
    yet for the schemes to register). Idempotent.

    pywebview creates each window's profile (off the record, or persistent with
    ``storage_path``) and loads the page's URL right away in the same constructor, and
    QtWebEngine ignores a handler installed on a profile after one of its pages loaded. So the
    handler is installed as the profile is created: pywebview's Qt module is given a profile
    class that installs it. The windows' actual profiles get it, never ``defaultProfile()``.
    """
    wanted = tuple(schemes)
    if not wanted:
        return
    register_schemes(wanted)
    import webview.platforms.qt as pywebview_qt

    base = pywebview_qt.QWebEngineProfile  # type: ignore[attr-defined]
    if getattr(base, "oro_protocol_schemes", None) is not None:
        return
    origin = _origin_of(page_url)

    class ProfileWithSchemes(base):  # type: ignore[misc,valid-type]
        oro_protocol_schemes = wanted

        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            install_on_profile(self, wanted, origin)

    pywebview_qt.QWebEngineProfile = ProfileWithSchemes  # type: ignore[attr-defined]
