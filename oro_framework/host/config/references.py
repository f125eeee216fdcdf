"""Secret references: a secret key's value in ``oro.toml`` that names where the secret lives
instead of holding it (``api_key = "secure-storage:openai"``).

Only keys declared ``secret=True`` take references, and only in ``oro.toml`` (its platform
tables included): that file travels with the app, so the secret itself must not be in it. The
environment and the secrets file hold secret values themselves, whatever they look like. The
host resolves each reference once, after the configuration is loaded and before
``oro_configure``, through the ``oro_resolve_secret`` hook; the reference stays known
(:meth:`~oro_framework.host.config.Config.reference`) so that tools show it, never the value.

The host resolves one scheme itself: ``env:<VARIABLE>`` (:func:`resolve_env_reference`), the
value of an environment variable of the host.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final, TypeAlias, final

from oro_framework.host.errors import NotFoundError
from oro_framework.records import record

__all__ = [
    "ENV_SCHEME",
    "SECRET_NOT_FOUND",
    "SecretReference",
    "SecretResolver",
    "parse_reference",
    "resolve_env_reference",
]

ENV_SCHEME: Final = "env"
"""``env:OPENAI_API_KEY``: the secret is the value of that environment variable."""
SECRET_NOT_FOUND: Final = "ERR_SECRET_NOT_FOUND"

_REFERENCE: Final = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*):(?P<name>\S(?:.*\S)?)", re.DOTALL)


@final
@record
class SecretReference:
    """``<scheme>:<name>`` written as a secret key's value, and where it was written.

    :ivar key: the dotted key whose value it is (``ai.llm.api_key``).
    :ivar source: where it was written (``oro.toml:12``).
    """

    scheme: str
    name: str
    key: str
    source: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.name}"


SecretResolver: TypeAlias = Callable[[SecretReference], "str | None"]
"""Answers a reference's secret, or ``None`` when nobody resolves its scheme; raises an
:class:`~oro_framework.IPCError` naming the fix when the secret cannot be had."""


def parse_reference(value: str, *, key: str, source: str) -> SecretReference | None:
    """The reference ``value`` holds, or ``None`` when it is not of the form ``<scheme>:<name>``
    (a lowercase scheme as in URLs, then a name that neither starts nor ends with white space).
    """
    match = _REFERENCE.fullmatch(value)
    if match is None:
        return None
    return SecretReference(match["scheme"], match["name"], key, source)


def resolve_env_reference(environ: Mapping[str, str], scheme: str, name: str) -> str | None:
    """The secret ``env:<name>`` names: the variable ``name`` of ``environ`` (the host's
    environment), or ``None`` for another scheme.

    :raises NotFoundError: ``ERR_SECRET_NOT_FOUND``: the variable is not set, or empty (an
        empty key is a mistake, never the secret meant).
    """
    if scheme != ENV_SCHEME:
        return None
    value = environ.get(name, "")
    if not value.strip():
        state = "is empty" if name in environ else "is not set"
        raise NotFoundError(
            f"the environment variable {name!r} {state}; set it to the secret before starting "
            "the app",
            code=SECRET_NOT_FOUND,
        )
    return value
