"""The cookie routes of oro-desktop (``oro:cookies``), Oro's four: ``cookies.get`` (the
``Cookie`` header value for `url`), ``cookies.set`` (a ``Set-Cookie`` value), ``cookies.remove``
and ``cookies.clear``, over the windows' own cookie store. A ``Set-Cookie`` value may be long:
it travels in the request body (``POST``), else as the ``cookie`` parameter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from oro_desktop.permissions import COOKIES
from oro_desktop.state import STATE
from oro_framework import InvalidArgumentError, Request, RouteGroup

if TYPE_CHECKING:
    from oro_desktop.cookies.part import Cookies

__all__ = ["ROUTES"]


async def get(request: Request) -> dict[str, str]:
    """The cookies a request of the page to `url` carries, as a `Cookie` header value
    (`"a=b; c=d"`): its origin's, without the HttpOnly ones."""
    value = await _cookies(request).get(_url(request), request.window)
    return {"value": value}


async def set_(request: Request) -> dict[str, bool]:
    """Store the cookie of the `Set-Cookie` value `cookie` (or the UTF-8 body) for `url`."""
    if request.body:
        try:
            header = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidArgumentError.invalid("cookie", "UTF-8 text") from None
    else:
        header = request.params.require_str("cookie")
    if not header.strip():
        raise InvalidArgumentError.invalid("cookie", "a non-empty Set-Cookie value")
    await _cookies(request).set(_url(request), header, request.window)
    return {"ok": True}


async def remove(request: Request) -> dict[str, Any]:
    """Remove the cookies named `name` that a request of the page to `url` would carry."""
    name = request.params.require_str("name")
    if not name.strip():
        raise InvalidArgumentError.invalid("name", "a non-empty cookie name")
    removed = await _cookies(request).remove(_url(request), name, request.window)
    return {"ok": True, "removed": removed}


async def clear(request: Request) -> dict[str, Any]:
    """Remove every cookie of the app's origin a page may see (never the host's)."""
    removed = await _cookies(request).clear(request.window)
    return {"ok": True, "removed": removed}


def _url(request: Request) -> str:
    url = request.params.require_str("url")
    if not url.strip():
        raise InvalidArgumentError.invalid("url", "a non-empty URL")
    return url


def _cookies(request: Request) -> Cookies:
    return request.host.stash[STATE].cookies


ROUTES: Final = RouteGroup.guarded(
    COOKIES,
    handlers={
        "cookies.get": get,
        "cookies.set": set_,
        "cookies.remove": remove,
        "cookies.clear": clear,
    },
)
