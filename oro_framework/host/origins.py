"""Origins: the syntax of one in the config (``webview.cors_allowed_origins``), and a URL's."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["check_origin_syntax", "origin_of"]


def check_origin_syntax(value: str) -> None:
    """Validate a ``webview.cors_allowed_origins`` entry: ``scheme://host[:port]``, nothing more.

    :raises ValueError: not an origin (a path, a wildcard, a missing scheme...).
    """
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "*" in value
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise ValueError(f"must be an origin like 'http://127.0.0.1:5173', got {value!r}")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, as written there."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
