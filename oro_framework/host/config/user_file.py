"""The user's own config, ``$XDG_CONFIG_HOME/oro/config.toml`` (``~/.config/oro/config.toml``):
what a developer prefers on this machine for every app ``oro`` runs, read under the app's
``oro.toml`` (which wins), as ``npm`` reads ``~/.npmrc`` under a project's ``.npmrc``.

Only the keys of :data:`USER_KEYS` may be set there: how this machine runs apps (which web
engine, developer tools, how broken plugins are handled, how long a test may take), never what
an app is or may do (its identity, resources, permissions, plugins, origins, build). A file
on the user's machine that set those would change every app they run, behind the apps' backs.
Any other key is a :class:`~oro_framework.host.errors.ConfigError` naming the file and line;
the values get the same checks as ``oro.toml``'s (the same loader reads them), and secret
references are not read. A built app (``oro build``, frozen) reads no developer's file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from oro_framework.host.config.document import (
    PLATFORM_SECTIONS,
    iter_document_parts,
    locate_line,
    parse_document,
    read_toml_text,
)
from oro_framework.host.config.keys import flatten_key
from oro_framework.host.errors import ConfigError

__all__ = ["USER_CONFIG_DOC", "USER_KEYS", "check_user_config", "user_config_file"]

USER_KEYS: Final = (
    "webview.engine",
    "webview.devtools",
    "plugins.skip_broken",
    "plugins.strict",
    "test.timeout",
)
"""The keys a user may set for every app (docs/config.md, "The user's config")."""
USER_CONFIG_DOC: Final = "docs/config.md#the-users-config"
_FLAT_USER_KEYS: Final = frozenset(flatten_key(key) for key in USER_KEYS)


def user_config_file(environ: Mapping[str, str]) -> Path | None:
    """The user's ``oro/config.toml`` when it exists and this is no built app, checked
    (:func:`check_user_config`). Found from ``environ`` alone (``XDG_CONFIG_HOME``, else
    ``HOME``), so that a host built with an environment of its own (a test's) reads none of
    the developer's.

    :raises ConfigError: it is no file of TOML text, or sets a key a user may not.
    """
    if getattr(sys, "frozen", False):
        return None
    base = environ.get("XDG_CONFIG_HOME") or ""
    if not Path(base).is_absolute():
        # The XDG rule: a relative value is ignored.
        home = environ.get("HOME") or ""
        if not Path(home).is_absolute():
            return None
        base = str(Path(home) / ".config")
    path = Path(base) / "oro" / "config.toml"
    if not path.exists():
        return None
    try:
        text = read_toml_text(path)
    except OSError as error:
        message = f"cannot read the user's config: {error.strerror}"
        raise ConfigError(message, source=str(path)) from None
    check_user_config(text, path)
    return path


def check_user_config(text: str, path: Path) -> None:
    """Refuse a key of the user's config (``text``, the content of ``path``) that is not one
    of :data:`USER_KEYS`, in any of its spellings (``webview_engine``, ``[webview.linux]``).

    :raises ConfigError: the file is not valid TOML, or sets another key: the first such key,
        with its line.
    """
    document = parse_document(text, path)
    for parts in _keys(iter_document_parts(document, empty_tables=True)):
        dotted = ".".join(parts)
        if flatten_key(dotted) in _FLAT_USER_KEYS:
            continue
        line = locate_line(text, dotted)
        raise ConfigError(
            f"key '{dotted}' cannot be set in the user's config, which every app reads: only "
            f"{', '.join(USER_KEYS)} can (see {USER_CONFIG_DOC}); set it in the app's oro.toml",
            key=dotted,
            source=f"{path}:{line}" if line else str(path),
        )


def _keys(
    parts: Iterable[tuple[tuple[str, ...], Any]], prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """Every key the document's ``parts`` set, a platform table's read as its section's."""
    found: list[tuple[str, ...]] = []
    for key, value in parts:
        if key[-1] in PLATFORM_SECTIONS and isinstance(value, Mapping):
            found += _keys(iter_document_parts(value, empty_tables=True), (*prefix, *key[:-1]))
        elif not (isinstance(value, Mapping) and _is_section(".".join((*prefix, *key)))):
            found.append((*prefix, *key))
    return found


def _is_section(dotted: str) -> bool:
    # An empty ``[webview]`` sets nothing; an empty ``[ai.upstreams.gpu]`` would open a table.
    return any(key.startswith(f"{dotted}.") for key in USER_KEYS)
