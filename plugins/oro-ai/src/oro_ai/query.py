"""Request fields written in the URL: the Oro Runtime's AI server takes the fields of its
endpoints as query parameters too (``GET /ai/llama/v1/chat/completions?messages=...``, ``POST
...?stream=true``), and chooses a stream by ``?stream=true``, ``Accept: text/event-stream`` or
``"stream": true`` in the body (RUNTIME.md, "Embedded LLaMA Server")."""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import parse_qsl

from oro_ai.errors import APIError
from oro_framework.asgi import Scope

__all__ = ["accepts_event_stream", "query_fields"]

_TEXT_FIELDS: Final = frozenset({"model", "prompt", "content", "text", "input", "stop", "user"})
"""Fields whose value is text: ``?prompt=42`` is the text ``42``, not a number. A value that
starts as a JSON array or object is still read as JSON (``?input=["a","b"]``)."""


def query_fields(scope: Scope) -> dict[str, Any]:
    """The request's query parameters as body fields: each value JSON-decoded when it is JSON
    (``max_tokens=16`` is 16, ``stream=true`` true, ``messages=[...]`` a list), else its text.

    :raises APIError: 400 ``invalid_query`` for a query that is not UTF-8 or names a field
        twice.
    """
    raw: bytes = scope.get("query_string", b"")
    if not raw:
        return {}
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise APIError(
            400, "invalid_query", f"The query string is not percent-encoded UTF-8: {error}"
        ) from None
    fields: dict[str, Any] = {}
    for name, text in pairs:
        if name in fields:
            raise APIError(
                400, "invalid_query", f"The query names '{name}' more than once", param=name
            )
        fields[name] = _value(name, text)
    return fields


def _value(name: str, text: str) -> Any:
    if name in _TEXT_FIELDS and not text.lstrip().startswith(("[", "{")):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def accepts_event_stream(scope: Scope) -> bool:
    """Whether the request's ``Accept`` header asks for ``text/event-stream``."""
    return any(
        name.lower() == b"accept" and b"text/event-stream" in value.lower()
        for name, value in scope["headers"]
    )
