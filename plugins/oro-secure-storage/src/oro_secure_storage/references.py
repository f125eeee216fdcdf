"""``secure-storage:<name>`` in ``oro.toml``: a secret key's value kept in the Secret Service.

``api_key = "secure-storage:openai"`` names the item ``openai`` that ``oro secure-storage set
openai`` put in the user's keyring for this app (its ``meta.bundle_identifier``). Those items
carry a schema of their own (:data:`~oro_secure_storage.store.CONFIG_SCHEMA`), so no page
reaches them through ``secureStorage.*``, whatever scope it names.
"""

from __future__ import annotations

from contextlib import closing
from typing import Final

from oro_framework import Host, InvalidArgumentError, NotFoundError, Params
from oro_secure_storage.state import app_of, store_for
from oro_secure_storage.store import CONFIG_SCHEMA, Shelf
from oro_secure_storage.values import MAX_KEY_CHARS, text_field

__all__ = ["CONFIG_SCOPE", "SCHEME", "check_name", "config_shelf", "resolve"]

SCHEME: Final = "secure-storage"
CONFIG_SCOPE: Final = "config"
MISSING: Final = "ERR_SECRET_NOT_FOUND"


def config_shelf(app: str) -> Shelf:
    """The items ``secure-storage:`` references of app ``app`` name."""
    return Shelf(CONFIG_SCHEMA, app, CONFIG_SCOPE)


def check_name(name: str) -> str:
    """``name`` if it can name an item (1 to 1024 characters of text without NUL)."""
    return text_field(Params({"name": name}), "name", MAX_KEY_CHARS)


def resolve(host: Host, scheme: str, name: str) -> str | None:
    """The secret ``secure-storage:<name>`` names for ``host``'s app, or ``None`` for another
    scheme.

    :raises NotFoundError: ``ERR_SECRET_NOT_FOUND``: the keyring holds no such item for the app
        (the message says how to put it there).
    :raises NotSupportedError: ``ERR_NO_SECRET_SERVICE``: no Secret Service answers.
    :raises SecurityError: ``ERR_SECRET_STORE_LOCKED``: the keyring is locked.
    """
    if scheme != SCHEME:
        return None
    app = app_of(host)
    with closing(store_for(host)) as store:
        secret = store.read(config_shelf(app), check_name(name))
    if secret is None:
        raise NotFoundError(
            f"the Secret Service holds no secret {name!r} for the app {app!r}; put it there "
            f"with `oro secure-storage set {name}` in the app's directory (it reads the secret "
            "from stdin)",
            code=MISSING,
        )
    try:
        return secret.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgumentError(
            f"the secret {name!r} is not UTF-8 text; set it again with `oro secure-storage set "
            f"{name}`",
            code="ERR_ENCODING_INVALID_ENCODED_DATA",
        ) from None
