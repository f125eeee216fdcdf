"""Secret references: a secret key's value in ``oro.toml`` that names where the secret lives
instead of holding it (``api_key = "secure-storage:openai"``).

Only keys declared ``secret=True`` take references, and only in ``oro.toml`` (its platform
tables included): that file travels with the app, so the secret itself must not be in it. The
environment and the secrets file hold secret values themselves, whatever they look like. The
host resolves each reference once, after the configuration is loaded and before
``oro_configure``, through the ``oro_resolve_secret`` hook; the reference stays known
(:meth:`~oro_framework.kernel.config.Config.reference`) so that tools show it, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeAlias, final

__all__ = ["SecretReference", "SecretResolver", "parse_reference"]

_REFERENCE: Final = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*):(?P<name>\S(?:.*\S)?)", re.DOTALL)


@final
@dataclass(frozen=True)
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
