"""Checks of an app's files that ``oro run`` and ``oro dev`` print as warnings before serving:
mistakes that would otherwise show only as a blank page or a silent 404."""

from __future__ import annotations

from pathlib import Path

from oro_framework.host.builtin_settings import WebviewSettings
from oro_framework.web.resources import ForbiddenPathError, join_url_path

__all__ = ["missing_index"]


def missing_index(resources: Path, webview: WebviewSettings) -> str | None:
    """Why ``/`` would answer 404, or ``None`` when the app has its index page.

    :param resources: the app's resource root (``host.paths.resources``: ``webview.root``
        resolved against the app's directory).
    :param webview: the app's ``[webview]`` settings (``host.settings(WebviewSettings)``).
    """
    index = webview.default_index
    where = f"webview.default_index is {index!r} under webview.root {webview.root!r}"
    try:
        candidate = join_url_path(resources, index)
    except ForbiddenPathError:
        return f"the app has no index page: {where}, which leaves the app's resources"
    if candidate is not None and candidate.is_dir():
        candidate = candidate / "index.html"
    if candidate is not None and candidate.is_file():
        return None
    shown = candidate if candidate is not None else resources / index.lstrip("/")
    return (
        f"the app has no index page: {shown} does not exist ({where}), so '/' answers 404; "
        "create it (`oro init` writes one) or set webview.default_index"
    )
