"""The ``secureStorage.*`` routes (Oro's names): keep, read, list and remove the app's secrets.

Each takes ``scope`` (default ``default``) and ``key`` and, for ``set``, ``value`` and
``encoding``, from the query or, as ``oro:secure-storage`` sends them, from a JSON object in the
request body: a secret never travels in a URL, and a query value would be JSON-decoded by the
transport (a key ``null`` or ``true`` would not arrive as the text the page wrote). The handlers
are plain ``def``s: the router runs them in a worker thread, off the event loop, because every
Secret Service call blocks on D-Bus.
"""

from __future__ import annotations

from typing import Any, Final

from oro_framework import InvalidArgumentError, Params, Request, RouteGroup
from oro_secure_storage.permissions import SECURE_STORAGE
from oro_secure_storage.state import STATE
from oro_secure_storage.values import (
    DEFAULT_SCOPE,
    MAX_KEY_CHARS,
    MAX_SCOPE_CHARS,
    decode_value,
    encode_value,
    encoding_of,
    text_field,
)

__all__ = ["ROUTES"]


def set_value(request: Request) -> dict[str, Any]:
    """Keep {value} (utf8 text, or bytes as base64) under {scope, key}; answers {scope, key}."""
    params = request.fields()
    state = request.host.stash[STATE]
    scope, key = _scope(params), _key(params)
    encoding = encoding_of(params)
    value = params.require("value")
    if not isinstance(value, str):
        raise InvalidArgumentError.invalid("value", "a string")
    secret, content_type = encode_value(value, encoding, state.settings.max_value_bytes)
    state.store.put(state.shelf(scope), key, secret, content_type)
    return {"scope": scope, "key": key}


def get_value(request: Request) -> dict[str, Any]:
    """The value under {scope, key} in {encoding}; value null when there is none."""
    params = request.fields()
    state = request.host.stash[STATE]
    scope, key = _scope(params), _key(params)
    encoding = encoding_of(params)
    secret = state.store.read(state.shelf(scope), key)
    value = None if secret is None else decode_value(secret, encoding)
    return {"scope": scope, "key": key, "value": value, "encoding": encoding}


def remove(request: Request) -> dict[str, Any]:
    """Remove the value under {scope, key}; answers {removed}, false when there was none."""
    params = request.fields()
    state = request.host.stash[STATE]
    scope, key = _scope(params), _key(params)
    removed = state.store.delete(state.shelf(scope), key)
    return {"scope": scope, "key": key, "removed": removed}


def clear(request: Request) -> dict[str, Any]:
    """Remove every value of {scope}; answers {removed}, how many there were."""
    params = request.fields()
    state = request.host.stash[STATE]
    scope = _scope(params)
    return {"scope": scope, "removed": state.store.clear(state.shelf(scope))}


def keys(request: Request) -> dict[str, Any]:
    """The keys of {scope}, sorted."""
    params = request.fields()
    state = request.host.stash[STATE]
    scope = _scope(params)
    return {"scope": scope, "keys": state.store.keys(state.shelf(scope))}


def _scope(params: Params) -> str:
    return text_field(params, "scope", MAX_SCOPE_CHARS, default=DEFAULT_SCOPE)


def _key(params: Params) -> str:
    return text_field(params, "key", MAX_KEY_CHARS)


ROUTES: Final = RouteGroup.guarded(
    SECURE_STORAGE,
    handlers={
        "secureStorage.set": set_value,
        "secureStorage.get": get_value,
        "secureStorage.remove": remove,
        "secureStorage.clear": clear,
        "secureStorage.keys": keys,
    },
)
"""Every route of the plugin and the permission that guards them:
``allow_secure_storage = false`` in the app's ``[permissions]`` turns them off."""
