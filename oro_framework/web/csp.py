"""A page's own Content-Security-Policy, adapted to how oro carries Oro's transports.

Oro pages talk to their runtime over the ``ipc:`` scheme (``socket:`` and ``oro:`` for modules),
so Oro apps ship policies such as ``connect-src https: ipc: socket:``. Here the same calls go
to the app's own origin over HTTP (``/ipc/...``), its events and the Conduit over ``ws://``, and
modules come from ``/oro/``. A policy that allows Oro's schemes therefore gets the sources that
carry them here, and nothing else:

* ``connect-src`` (a copy of ``default-src`` when it has none) also allows the app origin, its
  ``ws://`` form and the Conduit's address;
* ``script-src`` and ``script-src-elem`` (a copy of ``default-src`` when neither exists) allow
  ``'self'`` for the modules under ``/oro/``, and the preload's inline scripts by hash unless
  the directive allows ``'unsafe-inline'`` (a hash would switch that keyword off);
* ``worker-src``, ``frame-src`` and ``child-src`` allow ``'self'`` where they allow Oro's
  schemes (service workers, the protocol handlers' frame).

Whatever else it allows, a fetch directive (``img-src``, ``media-src``, ``font-src``,
``style-src``, ``script-src``, ``connect-src``, ``default-src``...) that names the app's own files
the way Socket serves them (``file:``, ``file://*``, ``socket:``, ``https://localhost:*``) also
allows ``'self'``: here they come from the app's origin (``<img src="logo.png">`` under
``img-src file:``).

A policy that does not allow Oro's schemes is otherwise left as it is: the page chose to block
them. :func:`adapt_policy` then names the directive, and the bridge logs it once per page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import field
from typing import Final, final

from oro_framework.records import record

__all__ = [
    "ORO_SCHEMES",
    "AdaptedPolicy",
    "adapt_meta_policies",
    "adapt_policy",
    "allows_oro_schemes",
    "is_app_origin_source",
    "script_hash",
]

ORO_SCHEMES: Final = ("ipc", "socket", "oro")
"""Schemes through which Oro pages reach their runtime."""

_META_CSP: Final = re.compile(
    r"<meta\b(?=[^>]*\bhttp-equiv\s*=\s*[\"']?content-security-policy[\"'\s>/])[^>]*>",
    re.IGNORECASE,
)
_CONTENT: Final = re.compile(r"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SOURCE_SCHEME: Final = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_SCRIPT_DIRECTIVES: Final = ("script-src", "script-src-elem")
_EMBEDDING_DIRECTIVES: Final = ("worker-src", "frame-src", "child-src")
_WEB_SCHEMES: Final = ("http", "https", "ws", "wss")
_FETCH_DIRECTIVES: Final = frozenset(
    {
        "default-src",
        "connect-src",
        "script-src",
        "script-src-elem",
        "style-src",
        "style-src-elem",
        "img-src",
        "media-src",
        "font-src",
        "frame-src",
        "child-src",
        "worker-src",
        "manifest-src",
        "object-src",
        "prefetch-src",
    }
)
"""Directives whose sources say where a page may load from (those ``file:`` may appear in)."""


def allows_oro_schemes(sources: Sequence[str]) -> bool:
    """Whether a directive's source list names one of Oro's schemes, in any of its forms
    (``ipc:``, ``ipc://*``, ``socket:*``, ``oro://host``)."""
    for source in sources:
        found = _SOURCE_SCHEME.match(source)
        if found is not None and found.group(1).lower() in ORO_SCHEMES:
            return True
    return False


def script_hash(text: str) -> str:
    """The CSP source that allows an inline script with exactly ``text``."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


@final
@record(frozen=False)
class AdaptedPolicy:
    """A policy after :func:`adapt_policy`, and the directives that still block Oro."""

    policy: str
    blocking: list[str] = field(default_factory=list)
    """Directives that keep Oro's transports or modules out (the policy left as it was)."""


def _parse(policy: str) -> list[list[str]]:
    return [part.split() for part in policy.split(";") if part.strip()]


def _find(directives: list[list[str]], name: str) -> list[str] | None:
    for parts in directives:
        if parts[0].lower() == name:
            return parts
    return None


def _lowered(parts: Sequence[str]) -> list[str]:
    return [part.lower() for part in parts]


def _add(parts: list[str], sources: Sequence[str]) -> None:
    """Append the missing ``sources`` to a directive; ``'none'`` goes, since it cannot be
    combined with any source."""
    present = _lowered(parts[1:])
    if "'none'" in present:
        parts[:] = [parts[0], *(part for part in parts[1:] if part.lower() != "'none'")]
        present = _lowered(parts[1:])
    parts.extend(source for source in sources if source.lower() not in present)


def is_app_origin_source(source: str) -> bool:
    """Whether a source names where a Socket app's own files are: ``file:`` (``file://*``,
    ``file:///x``), ``socket:`` (``socket://<bundle id>``) or a ``localhost`` origin
    (``https://localhost:*``, ``http://*.localhost``, ``localhost:8080``). Oro serves the app
    from ``socket://<bundle id>/`` with ``file:`` its resources; oro serves them from the app's
    origin, which these sources stand for."""
    found = _SOURCE_SCHEME.match(source)
    rest = source
    if found is not None and (source[found.end() :] == "" or source[found.end() :][:2] == "//"):
        scheme, rest = found.group(1).lower(), source[found.end() :]
        if scheme in ("file", "socket"):
            return True
        if scheme not in _WEB_SCHEMES or not rest:
            return False  # `https:` alone is every https origin, not the app's
    host = rest.removeprefix("//").split("/", 1)[0].rsplit(":", 1)[0].lower()
    if host.startswith("[") or ":" in host:
        return False
    return host == "localhost" or host.endswith(".localhost")


def _map_app_sources(directives: list[list[str]]) -> bool:
    """Add ``'self'`` to each fetch directive that names the app's files by one of Socket's
    forms (:func:`is_app_origin_source`); whether one changed."""
    changed = False
    for parts in directives:
        if parts[0].lower() not in _FETCH_DIRECTIVES:
            continue
        names_app = any(is_app_origin_source(source) for source in parts[1:])
        if names_app and "'self'" not in _lowered(parts[1:]):
            _add(parts, ["'self'"])
            changed = True
    return changed


def adapt_policy(
    policy: str, *, connect: Sequence[str], inline_scripts: Sequence[str] = ()
) -> AdaptedPolicy:
    """``policy`` with Oro's transports allowed the way oro carries them, if it allows Oro's
    schemes; otherwise unchanged, with the directive that blocks them in ``blocking``.

    :param connect: the sources IPC, events and the Conduit use (``http://127.0.0.1:4000``,
        ``ws://127.0.0.1:4000``...).
    :param inline_scripts: the text of the preload's inline scripts, allowed by hash.
    """
    directives = _parse(policy)
    if not directives:
        return AdaptedPolicy(policy)
    changed = _map_app_sources(directives)
    default = _find(directives, "default-src")
    connect_directive = _find(directives, "connect-src")
    governing = connect_directive if connect_directive is not None else default
    if governing is not None and not allows_oro_schemes(governing[1:]):
        return AdaptedPolicy(_join(directives) if changed else policy, [governing[0].lower()])
    if not any(allows_oro_schemes(parts[1:]) for parts in directives):
        # Not written for Oro, and connections are not restricted.
        return AdaptedPolicy(_join(directives) if changed else policy)
    if governing is not None:
        if connect_directive is None:
            connect_directive = ["connect-src", *governing[1:]]
            directives.append(connect_directive)
        _add(connect_directive, connect)
    blocking: list[str] = []
    scripts = [parts for parts in directives if parts[0].lower() in _SCRIPT_DIRECTIVES]
    if not scripts and default is not None:
        scripts = [["script-src", *default[1:]]]
        directives.append(scripts[0])
    hashes = [script_hash(text) for text in inline_scripts]
    for parts in scripts:
        values = _lowered(parts[1:])
        if values == ["'none'"]:
            blocking.append(parts[0].lower())
            continue
        inline = [] if "'unsafe-inline'" in values else hashes
        _add(parts, ["'self'", *inline])
    for parts in directives:
        if parts[0].lower() in _EMBEDDING_DIRECTIVES and allows_oro_schemes(parts[1:]):
            _add(parts, ["'self'"])
    return AdaptedPolicy(_join(directives), blocking)


def _join(directives: list[list[str]]) -> str:
    return "; ".join(" ".join(parts) for parts in directives)


def _attribute_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


def _html_unescape(value: str) -> str:
    # The entities a policy in an attribute can hold; a full HTML decoder is not needed here.
    return (
        value.replace("&quot;", '"')
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def adapt_meta_policies(
    html: str, *, connect: Sequence[str], inline_scripts: Sequence[str] = ()
) -> tuple[str, list[str]]:
    """``html`` with each ``<meta http-equiv="Content-Security-Policy">`` adapted by
    :func:`adapt_policy`, and the directives that still block Oro (for the log)."""
    blocking: list[str] = []

    def rewrite(element: re.Match[str]) -> str:
        tag = element.group(0)
        content = _CONTENT.search(tag)
        if content is None:
            return tag
        raw = next(group for group in content.groups() if group is not None)
        adapted = adapt_policy(_html_unescape(raw), connect=connect, inline_scripts=inline_scripts)
        blocking.extend(name for name in adapted.blocking if name not in blocking)
        if adapted.policy == _html_unescape(raw):
            return tag
        replacement = f'content="{_attribute_escape(adapted.policy)}"'
        return tag[: content.start()] + replacement + tag[content.end() :]

    return _META_CSP.sub(rewrite, html), blocking
