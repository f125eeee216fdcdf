"""What an upstream says in its own words, made fit for a page.

An upstream's error text is not ours: a server may echo the request's headers (the
``Authorization: Bearer <api_key>`` the host sends), name its own address, or dump a traceback.
The rule (docs/ai.md, "Upstream errors"):

- only a JSON error object's ``message`` is ever relayed, and only for an error that is the
  page's own request's fault (4xx but 401/403/407, and 429); a text body, a 5xx and a refused
  key relay nothing of the upstream's words;
- that message is bounded (:data:`MAX_MESSAGE` characters) and cleaned by
  :meth:`Redactor.message`: no API key nor any word sharing 8 characters with it, no URL, no
  host or IP address, no ``Bearer``/``Basic`` credential, no ``Authorization``-like header;
- the whole text goes to the host's log (``oro_ai.upstreams``), the key masked there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, final

__all__ = ["MAX_MESSAGE", "REDACTED", "Redactor", "safe_param"]

MAX_MESSAGE: Final = 300
"""The most characters of an upstream's message a page is shown."""
REDACTED: Final = "[redacted]"
_KEY_WINDOW: Final = 8
"""A word sharing this many consecutive characters with the key is taken for (part of) it:
servers echo a key shortened (``sk-proj-****abcd``)."""

# Bounded repetitions before a literal that may be missing: a long run of letters must not be
# scanned again from each of its characters.
_URL: Final = re.compile(r"[a-z][a-z0-9+.\-]{0,31}://[^\s\"'<>]*", re.IGNORECASE)
# No word boundary before the names: an echo glued to what precedes it is an echo too.
_CREDENTIAL: Final = re.compile(r"(?:bearer|basic|digest)\s+[^\s\"',;}\]]+", re.IGNORECASE)
_HEADER: Final = re.compile(
    r"(?:authorization|x-api-key|api[-_]?key|cookie|x-oro-auth)"
    r"[\"']?\s*[:=]\s*[\"']?[^\"'\n,;}\]]*",
    re.IGNORECASE,
)
_IPV4: Final = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?!\d)")
_IPV6: Final = re.compile(
    r"\[[0-9a-f.%]*:[0-9a-f:.%]*\](?::\d{1,5})?|(?<![\w:])(?=[0-9a-f:]*[0-9a-f])(?:[0-9a-f]{0,4}:){2,7}"
    r"[0-9a-f]{0,4}(?![\w:])",
    re.IGNORECASE,
)
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_PARAM: Final = re.compile(r"[A-Za-z0-9_.\[\]\-]{1,64}")


def safe_param(value: object) -> str | None:
    """An upstream's ``param`` if it looks like a field name (``max_tokens``,
    ``messages[0].content``), else ``None``: it is relayed as it is, so it must say nothing
    else."""
    return value if isinstance(value, str) and _PARAM.fullmatch(value) else None


@final
class Redactor:
    """Cleans an upstream's text of what names or opens it.

    :param secrets: what must never be shown (the upstream's API key).
    :param hosts: its host names and addresses, with or without port (``gpu.lan``,
        ``gpu.lan:8000``).
    """

    def __init__(self, secrets: Iterable[str], hosts: Iterable[str]) -> None:
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._windows = {
            secret[start : start + _KEY_WINDOW]
            for secret in self._secrets
            for start in range(max(1, len(secret) - _KEY_WINDOW + 1))
        }
        names = sorted({host for host in hosts if host}, key=len, reverse=True)
        self._hosts = (
            re.compile(
                "|".join(rf"{re.escape(name)}(?::\d{{1,5}})?" for name in names), re.IGNORECASE
            )
            if names
            else None
        )

    def secrets(self, text: str) -> str:
        """``text`` with the secrets masked, the rest as it was: for the host's log."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def message(self, text: str, limit: int = MAX_MESSAGE) -> str:
        """``text`` as a page may see it: one line of at most ``limit`` characters with no
        secret, credential, header echo, URL, host or address; empty when nothing is left."""
        # Whole echoes first (a header's value, a URL), then what is left of the key in any form.
        text = _CONTROL.sub(" ", text)
        for pattern in (_HEADER, _CREDENTIAL, _URL):
            text = pattern.sub(REDACTED, text)
        text = self.secrets(text)
        text = " ".join(REDACTED if self._shares_key(word) else word for word in text.split())
        if self._hosts is not None:
            text = self._hosts.sub(REDACTED, text)
        text = _IPV6.sub(REDACTED, _IPV4.sub(REDACTED, text))
        text = " ".join(text.split())
        if len(text) > limit:
            text = text[: limit - 1].rstrip() + "…"
        return "" if text.replace(REDACTED, "").strip(" .,:;-") == "" else text

    def _shares_key(self, word: str) -> bool:
        if not self._windows or len(word) < _KEY_WINDOW:
            return False
        return any(
            word[start : start + _KEY_WINDOW] in self._windows
            for start in range(len(word) - _KEY_WINDOW + 1)
        )
