"""What ``oro:cookies`` checks in Python, whatever the engine: the page's URL against the app
origin, a page's ``Set-Cookie`` value (RFC 6265 section 5.2, stricter: where a browser silently
drops a cookie, the page is told why), and which of the store's cookies a page may see.

A page reaches the cookies of its own origin that its ``document.cookie`` reaches: never an
``HttpOnly`` cookie, and never the host's session cookie (``oro_session_<app>``, HttpOnly
itself), whose name no page may set, whatever its flags: the engine's store would let a
non-HttpOnly cookie of that name replace the session.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from oro_framework import SESSION_COOKIE, InvalidArgumentError, OutOfRangeError, SecurityError
from oro_framework.records import record

__all__ = [
    "MAX_COOKIE_BYTES",
    "CookieTarget",
    "StoredCookie",
    "cookie_header",
    "cookie_target",
    "is_host_cookie",
    "parse_set_cookie",
    "path_matches",
    "visible",
]

MAX_COOKIE_BYTES: Final = 4096
"""The longest ``Set-Cookie`` value a page may set: RFC 6265 section 6.1's per-cookie size,
which browsers enforce on the name and value."""
MAX_AGE_SECONDS: Final = 400 * 24 * 3600
"""RFC 6265bis caps a cookie's lifetime at 400 days; so do Chromium and WebKit."""
SAME_SITE: Final = {"strict": "Strict", "lax": "Lax", "none": "None"}

# RFC 6265 section 4.1.1: a cookie name is an RFC 2616 token.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Printable ASCII but ';' (the separator): what both engines keep as it is in a value.
_VALUE: Final = re.compile(r"[\x20-\x3a\x3c-\x7e]*")
_MAX_AGE: Final = re.compile(r"-?[0-9]+")


@record
class CookieTarget:
    """The URL a page named, within the app origin: its host and path."""

    host: str
    path: str


@record
class StoredCookie:
    """A cookie as an engine's store holds it (and as a parsed ``Set-Cookie`` becomes one).

    :ivar domain: the host it belongs to (a leading ``.`` for a domain cookie, as engines
        write it).
    :ivar expires: seconds since the epoch, ``None`` for a session cookie.
    :ivar same_site: ``Strict``, ``Lax``, ``None``, or ``None`` (not said).
    """

    name: str
    value: str
    domain: str
    path: str
    expires: float | None = None
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None


def cookie_target(url: str, origin: str) -> CookieTarget:
    """The host and path of ``url``, which must be of the app ``origin``.

    :raises SecurityError: ``ERR_COOKIE_ORIGIN``, another origin (Oro's takes any URL).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidArgumentError.invalid("url", "an absolute http URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidArgumentError.invalid("url", "an absolute http URL")
    app = urlsplit(origin)
    if (parts.scheme, parts.hostname, port) != (app.scheme, app.hostname, app.port):
        raise SecurityError(
            f"A page reaches the cookies of its own origin ({origin}) only, not of {url!r}",
            code="ERR_COOKIE_ORIGIN",
            url=url,
        )
    return CookieTarget(parts.hostname, parts.path or "/")


def is_host_cookie(name: str) -> bool:
    """Whether ``name`` is a host's session cookie (this app's or another's on 127.0.0.1:
    cookies ignore the port)."""
    return name.startswith(SESSION_COOKIE)


def host_cookie(name: str) -> SecurityError:
    return SecurityError(
        f"Cookie {name!r} is the host's session cookie: no page reads, sets or removes it",
        code="ERR_HOST_COOKIE",
        name=name,
    )


def parse_set_cookie(header: str, target: CookieTarget, now: float | None = None) -> StoredCookie:
    """The cookie a page's ``Set-Cookie`` value ``header`` sets for ``target``.

    :raises OutOfRangeError: ``ERR_COOKIE_TOO_LARGE``, over :data:`MAX_COOKIE_BYTES`.
    :raises InvalidArgumentError: ``ERR_COOKIE_SYNTAX``, a malformed name, value or attribute,
        or ``HttpOnly`` (a page could never read it back, nor can ``document.cookie`` set one).
    :raises SecurityError: ``ERR_HOST_COOKIE``, the host's cookie; ``ERR_COOKIE_DOMAIN``,
        a ``Domain`` other than the app's host.
    """
    size = len(header.encode("utf-8", "surrogatepass"))
    if size > MAX_COOKIE_BYTES:
        raise OutOfRangeError(
            f"A Set-Cookie value of {size} bytes is over the {MAX_COOKIE_BYTES} bytes a cookie "
            "may hold",
            code="ERR_COOKIE_TOO_LARGE",
            size=size,
            limit=MAX_COOKIE_BYTES,
        )
    pair, *attributes = header.split(";")
    name, separator, value = (part.strip() for part in pair.partition("="))
    if not separator or _TOKEN.fullmatch(name) is None:
        raise syntax("the cookie must start with name=value, the name a token (RFC 6265)")
    if is_host_cookie(name):
        raise host_cookie(name)
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if _VALUE.fullmatch(value) is None or '"' in value:
        raise syntax(f"the value of {name!r} holds characters a cookie cannot (printable ASCII)")
    cookie = _with_attributes(
        StoredCookie(name, value, target.host, default_path(target.path)),
        _attributes(attributes),
        target,
        time.time() if now is None else now,
    )
    _check_prefix(cookie)
    return cookie


def _attributes(attributes: Iterable[str]) -> dict[str, str]:
    """Each attribute's value by its lower-cased name, the last one winning (RFC 6265 section
    5.3); a flag's value is ``""``."""
    found: dict[str, str] = {}
    for attribute in attributes:
        key, _, raw = attribute.partition("=")
        found[key.strip().lower()] = raw.strip()
    return found


def _with_attributes(
    cookie: StoredCookie, found: dict[str, str], target: CookieTarget, now: float
) -> StoredCookie:
    if "httponly" in found:
        raise syntax("a page cannot set an HttpOnly cookie (nor can document.cookie)")
    domain = found.get("domain", "").lstrip(".").lower()
    if domain and domain != target.host:
        raise SecurityError(
            f"Domain={found['domain']} is not the app's host ({target.host}): a page sets "
            "cookies of its own origin only",
            code="ERR_COOKIE_DOMAIN",
        )
    path = found.get("path", "")
    same_site = None
    if "samesite" in found:
        same_site = SAME_SITE.get(found["samesite"].lower())
        if same_site is None:
            raise syntax(f"SameSite must be Strict, Lax or None, not {found['samesite']!r}")
    return StoredCookie(
        cookie.name,
        cookie.value,
        cookie.domain,
        path if path.startswith("/") else cookie.path,
        _expiry(found, now),
        secure="secure" in found,
        same_site=same_site,
    )


def _expiry(found: dict[str, str], now: float) -> float | None:
    """When the cookie ends: Max-Age wins over Expires (RFC 6265 section 5.3 step 3), both
    capped at :data:`MAX_AGE_SECONDS` from ``now``; ``None``: a session cookie."""
    if "max-age" in found:
        raw = found["max-age"]
        if _MAX_AGE.fullmatch(raw) is None:
            raise syntax(f"Max-Age must be a number of seconds, not {raw!r}")
        return now + min(int(raw), MAX_AGE_SECONDS)
    if "expires" in found:
        raw = found["expires"]
        try:
            expires = email.utils.parsedate_to_datetime(raw).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            raise syntax(f"Expires must be an HTTP date, not {raw!r}") from None
        return min(expires, now + MAX_AGE_SECONDS)
    return None


def _check_prefix(cookie: StoredCookie) -> None:
    """A browser drops a ``__Secure-`` cookie without ``Secure`` and a ``__Host-`` one that is
    not also of path ``/`` (RFC 6265bis section 4.1.3): say so instead."""
    if cookie.name.startswith(("__Secure-", "__Host-")) and not cookie.secure:
        raise syntax(f"{cookie.name!r} needs the Secure attribute (its prefix says so)")
    if cookie.name.startswith("__Host-") and cookie.path != "/":
        raise syntax(f"{cookie.name!r} needs Path=/ (its prefix says so)")


def syntax(why: str) -> InvalidArgumentError:
    return InvalidArgumentError(f"Malformed Set-Cookie value: {why}", code="ERR_COOKIE_SYNTAX")


def default_path(path: str) -> str:
    """RFC 6265 section 5.1.4's default path of a request path: up to its last ``/``."""
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rindex("/")]


def path_matches(request_path: str, cookie_path: str) -> bool:
    """RFC 6265 section 5.1.4's path-match."""
    if request_path == cookie_path:
        return True
    return request_path.startswith(cookie_path) and (
        cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"
    )


def visible(cookie: StoredCookie, host: str) -> bool:
    """Whether a page of ``host`` may see ``cookie`` at all (whatever its path): one of its
    host that its ``document.cookie`` would show."""
    return (
        cookie.domain.lstrip(".") == host
        and not cookie.http_only
        and not is_host_cookie(cookie.name)
    )


def applies(cookie: StoredCookie, target: CookieTarget, now: float) -> bool:
    """Whether a request to ``target`` would carry ``cookie`` (a store that cannot answer this
    itself: Qt's), leaving out what the page may not see."""
    return (
        visible(cookie, target.host)
        and path_matches(target.path, cookie.path)
        and (cookie.expires is None or cookie.expires > now)
    )


def cookie_header(cookies: Iterable[StoredCookie]) -> str:
    """The ``Cookie`` header value of ``cookies``, longer paths first (RFC 6265 section 5.4)."""
    ordered = sorted(cookies, key=lambda cookie: -len(cookie.path))
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in ordered)
