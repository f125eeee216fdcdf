"""Protocol handlers: which schemes an app may claim, and how their URLs map onto the app origin.

A URL of a registered scheme, ``web+demo://host/path?q#f``, is served on the app's own origin at
``/oro/protocol/web+demo/host/path?q#f`` by that scheme's Service Worker (scope
``/oro/protocol/web+demo/``). An opaque URL, ``weather:current`` (Oro's usual form), has an
empty host and the path ``/current``, as Oro reads it: it is ``weather:///current`` and maps to
``/oro/protocol/weather//current``, which no ``weather://host/...`` URL maps to.
:func:`to_app_path` and :func:`from_app_path` are the two directions; the JS preload
(``js-api/protocol-handlers.js``) applies the same rules.

The mapped path is what a browser puts in an ``http:`` URL, and a browser removes dot segments
(``..``, ``%2e%2e``...) and reads ``\\`` as ``/`` there: so a mapping that kept either could step
out of ``/oro/protocol/<scheme>/`` into ``/ipc``. Dot segments are resolved the way the browser
resolves them in the source URL, and what cannot be resolved inside the scheme (a host that is a
dot segment, a backslash, control characters) is refused.

Pure: no I/O.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import field
from typing import Any, Final, final

from oro_framework.host.errors import InvalidArgumentError, NotFoundError, SecurityError
from oro_framework.records import record

__all__ = [
    "APPLICATION_URL_EVENT",
    "DESKTOP_SCHEMES",
    "PROTOCOL_PREFIX",
    "RESERVED_SCHEMES",
    "SAFELISTED_SCHEMES",
    "ProtocolHandler",
    "ProtocolHandlers",
    "check_application_scheme",
    "check_scheme",
    "check_script_path",
    "from_app_path",
    "reserved_reason",
    "scheme_of",
    "scope_of",
    "to_app_path",
]

PROTOCOL_PREFIX: Final = "/oro/protocol/"
SAFELISTED_SCHEMES: Final = frozenset(
    {
        "bitcoin",
        "ftp",
        "ftps",
        "geo",
        "im",
        "irc",
        "ircs",
        "magnet",
        "mailto",
        "matrix",
        "mms",
        "news",
        "nntp",
        "openpgp4fpr",
        "sftp",
        "sip",
        "sms",
        "smsto",
        "ssh",
        "tel",
        "urn",
        "webcal",
        "wtai",
        "xmpp",
    }
)
"""The schemes HTML's ``registerProtocolHandler`` lets a page claim without the ``web+`` prefix."""

RESERVED_SCHEMES: Final = {
    "http": "the app's own origin and the web",
    "https": "the app's own origin and the web",
    "ws": "WebSocket connections (the host's IPC and Conduit among them)",
    "wss": "WebSocket connections",
    "file": "local files, which only the host's sandbox opens",
    "data": "inline data the engine decodes itself",
    "blob": "object URLs of the page's own memory",
    "javascript": "runs script in the page",
    "about": "about:blank and about:srcdoc, the engine's own documents",
    "filesystem": "Chromium's sandboxed file system URLs",
    "view-source": "the engine's source viewer",
    "chrome": "Chromium's internal pages (QtWebEngine is Chromium)",
    "chrome-extension": "Chromium extensions",
    "chrome-untrusted": "Chromium's internal pages",
    "chrome-error": "Chromium's error pages",
    "chrome-search": "Chromium's internal pages",
    "devtools": "the developer tools",
    "qrc": "Qt's compiled-in resources, answered by QtWebEngine itself",
    "webkit-pdfjs-viewer": "WebKitGTK's PDF viewer",
    "ipc": "Oro's IPC scheme, which oro serves at /ipc",
    "oro": "oro's module specifiers (oro:fs)",
    "socket": "Socket Runtime's module specifiers, read as oro: (socket:fs)",
    "node": "Node.js module specifiers (node:fs)",
    "npm": "package specifiers of the app's node_modules (npm:hono), served at /oro/npm/",
}
"""Schemes no protocol handler may claim, each with the reason: the engine, the web or oro
already gives their URLs a meaning, and a handler would shadow it."""

DESKTOP_SCHEMES: Final = {
    "http": "the desktop's web browser",
    "https": "the desktop's web browser",
    "file": "the desktop's file manager (GIO asks x-scheme-handler/file before a file's type)",
}
"""Reserved schemes the desktop already hands to the user's browser or file manager, each with
who that is: an app whose deep-link scheme is one of them would take every such link from it
(Socket sets its app as the default handler of its scheme at each start)."""

MAX_SCHEME_LENGTH: Final = 64
_SCHEME: Final = re.compile(r"[a-z][a-z0-9+.\-]*\Z")
_WEB_SCHEME: Final = re.compile(r"web\+[a-z]+\Z")
_DOT_SEGMENTS: Final = frozenset({".", "%2e"})
_DOUBLE_DOT_SEGMENTS: Final = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
# Characters a browser would drop, encode or reinterpret in an http: URL; refusing them keeps the
# mapping one-to-one, so the page and the host agree on which resource a URL names. The quote,
# angle brackets, backtick and braces are what a browser percent-encodes in a path.
_REFUSED: Final = re.compile(r"[\x00-\x20\x7f\\\"<>`{}]|[^\x00-\x7f]")


def check_scheme(scheme: str) -> str:
    """``scheme`` in lowercase, if an app may register it: any valid URL scheme (Oro's custom
    schemes, ``weather``) that is not in :data:`RESERVED_SCHEMES`; ``web+`` schemes must be
    ``web+`` and lowercase ASCII letters, as HTML's ``registerProtocolHandler`` requires, which
    also allows :data:`SAFELISTED_SCHEMES`.

    :raises SecurityError: a reserved scheme (``http``, ``ipc``, ``chrome``...), one that is no
        URL scheme (``1x``, ``wé``, ``a b``), ``web+``, ``web+a1``, or a scheme longer than
        :data:`MAX_SCHEME_LENGTH`.
    """
    lowered = scheme.lower() if scheme.isascii() else scheme
    if _WEB_SCHEME.match(lowered) or lowered in SAFELISTED_SCHEMES:
        return lowered
    if lowered.startswith("web+"):
        raise SecurityError(
            f"The scheme {scheme!r} cannot have a protocol handler: after 'web+' HTML allows "
            "lowercase ASCII letters only (web+demo)",
            scheme=scheme,
        )
    reason = reserved_reason(lowered)
    if reason is not None:
        raise SecurityError(
            f"The scheme {scheme!r} cannot have a protocol handler: it is reserved ({reason})",
            scheme=scheme,
        )
    if len(lowered) > MAX_SCHEME_LENGTH or not _SCHEME.match(lowered):
        raise SecurityError(
            f"The scheme {scheme!r} cannot have a protocol handler: a scheme is an ASCII letter "
            "followed by letters, digits, '+', '-' or '.' (weather, web+demo)",
            scheme=scheme,
        )
    return lowered


def reserved_reason(scheme: str) -> str | None:
    """Why the lower-case ``scheme`` is reserved (:data:`RESERVED_SCHEMES`, ``chrome*``), or
    ``None``."""
    reason = RESERVED_SCHEMES.get(scheme)
    if reason is None and scheme.startswith("chrome"):
        reason = "Chromium's internal schemes"
    return reason


def check_application_scheme(scheme: str) -> str:
    """``scheme`` in lowercase, if it may be the app's own deep-link scheme (Oro's ``[meta]
    application_protocol``): what :func:`check_scheme` accepts, and a reserved scheme too
    (``filesystem``), as Socket registers whatever the app names. A deep link reaches the app
    only from the desktop entry and a second launch, never through the engine, so a reserved
    scheme keeps its meaning in the page; whether it is one the desktop's browser owns
    (:data:`DESKTOP_SCHEMES`) is the caller's to judge.

    :raises SecurityError: no URL scheme (``1x``, ``a b``), longer than
        :data:`MAX_SCHEME_LENGTH`, or a bad ``web+`` scheme.
    """
    lowered = scheme.lower() if scheme.isascii() else scheme
    if (
        reserved_reason(lowered) is not None
        and len(lowered) <= MAX_SCHEME_LENGTH
        and _SCHEME.match(lowered)
    ):
        return lowered
    return check_scheme(scheme)


def scope_of(scheme: str) -> str:
    """The Service Worker scope of ``scheme``'s handler: ``/oro/protocol/<scheme>/``."""
    return f"{PROTOCOL_PREFIX}{scheme}/"


def scheme_of(url: str) -> str | None:
    """The lower-case scheme of ``url`` (what precedes the first ``:``), ``None`` without one."""
    head, separator, _ = url.partition(":")
    if not separator or not head or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*", head):
        return None
    return head.lower()


def _is_dot(segment: str, dots: frozenset[str]) -> bool:
    return segment.lower() in dots


def _remove_dot_segments(path: str) -> str:
    """``path`` (starting with ``/`` or empty) with ``.`` and ``..`` segments resolved, as a
    browser resolves them, ``%2e`` spellings included; ``..`` never climbs above the root."""
    if not path:
        return path
    segments = path.split("/")[1:]
    output: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if _is_dot(segment, _DOUBLE_DOT_SEGMENTS):
            if output:
                output.pop()
            if last:
                output.append("")
        elif _is_dot(segment, _DOT_SEGMENTS):
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def _split_rest(rest: str) -> tuple[str, str]:
    """``"/path?q#f"`` → ``("/path", "?q#f")``."""
    cut = len(rest)
    for mark in "?#":
        position = rest.find(mark)
        if position != -1:
            cut = min(cut, position)
    return rest[:cut], rest[cut:]


def to_app_path(url: str) -> str:
    """The path (with query and fragment) on the app origin that serves ``url``:
    ``web+demo://host/a/../b?q`` → ``/oro/protocol/web+demo/host/b?q``, and an opaque
    ``weather:a/../b?q`` (or ``weather:/b?q``) → ``/oro/protocol/weather//b?q`` (empty host).

    :raises SecurityError: the scheme may not have a protocol handler (:func:`check_scheme`).
    :raises InvalidArgumentError: a host that is a dot segment, or characters an ``http:`` URL
        would change (spaces, ``\\``, non-ASCII: percent-encode them).
    """
    scheme = scheme_of(url)
    if scheme is None:
        raise InvalidArgumentError(f"{url!r} is not a URL with a scheme", value=url)
    scheme = check_scheme(scheme)
    rest = url.partition(":")[2]
    if _REFUSED.search(rest):
        raise InvalidArgumentError(
            f"{url!r} contains spaces, control characters, backslashes or non-ASCII "
            "characters: percent-encode them",
            value=url,
        )
    if not rest.startswith("//"):
        # Oro reads the opaque form as an empty host and a path from the root.
        path, tail = _split_rest(rest)
        return f"{scope_of(scheme)}{_remove_dot_segments('/' + path.removeprefix('/'))}{tail}"
    after = rest[2:]
    host_end = len(after)
    for mark in "/?#":
        position = after.find(mark)
        if position != -1:
            host_end = min(host_end, position)
    host, remainder = after[:host_end], after[host_end:]
    if _is_dot(host, _DOT_SEGMENTS | _DOUBLE_DOT_SEGMENTS):
        raise InvalidArgumentError(f"The host of {url!r} cannot be a dot segment", value=url)
    path, tail = _split_rest(remainder)
    return f"{scope_of(scheme)}{host}{_remove_dot_segments(path)}{tail}"


def from_app_path(path: str) -> str:
    """The protocol URL an app path under :data:`PROTOCOL_PREFIX` stands for:
    ``/oro/protocol/web+demo/host/b?q`` → ``web+demo://host/b?q``.

    :raises NotFoundError: ``path`` is not below ``/oro/protocol/<scheme>/``.
    :raises SecurityError: the scheme may not have a protocol handler.
    """
    if not path.startswith(PROTOCOL_PREFIX):
        raise NotFoundError(f"{path!r} is not under {PROTOCOL_PREFIX}", value=path)
    scheme, separator, rest = path[len(PROTOCOL_PREFIX) :].partition("/")
    if not separator:
        raise NotFoundError(f"{path!r} names no URL of the scheme {scheme!r}", value=path)
    if check_scheme(scheme) != scheme:
        raise NotFoundError(f"{path!r} names the scheme in uppercase", value=path)
    return f"{scheme}://{rest}"


def check_script_path(script: str) -> str:
    """The absolute URL path of a worker script given relative to the app's resources
    (``./demo-sw.js``, ``sw/demo.js``, ``/demo-sw.js``).

    :raises SecurityError: the path leaves the app's resources (``../x.js``), is a URL of
        another origin (``https://cdn/x.js``) or lies where the host serves its own resources
        (``/ipc``, ``/oro/...``).
    """
    if scheme_of(script) is not None or script.startswith("//") or "\\" in script:
        raise SecurityError(
            f"The worker script {script!r} must be a path inside the app, not a URL", value=script
        )
    stripped = script.removeprefix("./") if not script.startswith("/") else script
    if not stripped.strip() or _REFUSED.search(stripped):
        raise SecurityError(f"The worker script {script!r} is not a usable path", value=script)
    joined = "/" + stripped.lstrip("/")
    # Any ``..`` that climbs would be resolved against the origin root by the browser: refuse it
    # rather than silently serve a different file.
    depth = 0
    for segment in joined.split("/")[1:]:
        if _is_dot(segment, _DOUBLE_DOT_SEGMENTS):
            depth -= 1
            if depth < 0:
                raise SecurityError(
                    f"The worker script {script!r} lies outside the app's resources",
                    value=script,
                )
        elif not _is_dot(segment, _DOT_SEGMENTS):
            depth += 1
    normal = posixpath.normpath(joined)
    # Here: the exchange's module (and the envelope and credentials it imports) is the request
    # path's, which `oro config get` and `oro build` never take.
    from oro_framework.host.exchange import reserved_prefix

    if reserved_prefix(normal) is not None:
        raise SecurityError(
            f"The worker script {script!r} lies under {reserved_prefix(normal)}, which the "
            "host serves itself",
            value=script,
        )
    return normal


@final
@record(frozen=False)
class ProtocolHandler:
    """One registered scheme: its worker script (an app path) and the data pages attach to it."""

    scheme: str
    script: str
    data: Any = None

    @property
    def scope(self) -> str:
        return scope_of(self.scheme)

    def to_json(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "scriptURL": self.script, "scope": self.scope}


@final
@record(frozen=False)
class ProtocolHandlers:
    """The schemes this run of the app serves, from the config and ``protocol.register``, and
    the app's own deep-link scheme (Oro's ``[meta] application_protocol``), whose URLs no
    worker serves: the pages get them as ``applicationurl`` events only."""

    handlers: dict[str, ProtocolHandler] = field(default_factory=dict)
    application_scheme: str | None = None

    def register(self, scheme: str, script: str, data: Any = None) -> ProtocolHandler:
        """Register (or re-register, replacing script and data) ``scheme``."""
        handler = ProtocolHandler(check_scheme(scheme), check_script_path(script), data)
        self.handlers[handler.scheme] = handler
        return handler

    def get(self, scheme: str) -> ProtocolHandler:
        """:raises NotFoundError: ``scheme`` is not registered."""
        handler = self.handlers.get(scheme.lower())
        if handler is None:
            raise NotFoundError(f"No protocol handler is registered for {scheme!r}", scheme=scheme)
        return handler

    def unregister(self, scheme: str) -> ProtocolHandler:
        """:raises NotFoundError: ``scheme`` is not registered."""
        handler = self.get(scheme)
        del self.handlers[handler.scheme]
        return handler

    def find(self, scheme: str) -> ProtocolHandler | None:
        return self.handlers.get(scheme.lower())

    def to_json(self) -> dict[str, dict[str, Any]]:
        """``{scheme: {scheme, scriptURL, scope}}``: what pages get in ``__args``."""
        return {scheme: handler.to_json() for scheme, handler in sorted(self.handlers.items())}

    def deep_link_schemes(self) -> tuple[str, ...]:
        """Every scheme whose URLs open the app: the handlers' and the application scheme."""
        schemes = set(self.handlers)
        if self.application_scheme is not None:
            schemes.add(self.application_scheme)
        return tuple(sorted(schemes))


APPLICATION_URL_EVENT: Final = "applicationurl"
"""The page event a deep link becomes (:func:`application_url_event` makes its detail): a URL of
the app's own opened it, in a second launch or through ``platform.openExternal``."""


def application_url_event(
    url: str, handlers: ProtocolHandlers, origin: str | None
) -> dict[str, Any] | None:
    """The ``applicationurl`` event ``{url, path, appURL}`` pages get for ``url`` of one of the
    app's protocol handlers, or ``{url, path: None, appURL: None}`` for one of the application
    scheme (no worker serves it); ``None`` for any other URL.

    :raises InvalidArgumentError: a URL of a handled scheme that no app path can serve.
    """
    scheme = scheme_of(url)
    if scheme is None:
        return None
    if handlers.find(scheme) is None:
        if scheme != handlers.application_scheme:
            return None
        return {"url": url, "path": None, "appURL": None}
    path = to_app_path(url)
    return {"url": url, "path": path, "appURL": f"{origin}{path}" if origin else None}
