"""``oro config set``: edit ``oro.toml`` only into a file that ``oro run`` accepts.

The edited text is loaded with :func:`~oro_framework.host.config.load_config` (the same checks as
a
run: types, validators, permissions, platform tables, the secrets file) before it is written,
so a refused edit leaves the file as it was.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, final

import tomlkit

from oro_framework.host.config import (
    ConfigRegistry,
    flatten_key,
    iter_document,
    load_config,
    nearest_key,
    parse_document,
    parse_text_value,
    set_document_value,
)
from oro_framework.host.config.document import read_toml_text
from oro_framework.host.errors import ConfigError
from oro_framework.records import record

__all__ = ["ConfigEdit", "edit_config"]


@final
@record
class ConfigEdit:
    """What :func:`edit_config` wrote.

    :ivar warning: a problem the file already had elsewhere, which the edit did not cause.
    """

    dotted: str
    value: Any
    created: bool
    warning: str | None = None


def edit_config(
    registry: ConfigRegistry, path: Path, key: str, text: str, *, force: bool = False
) -> ConfigEdit:
    """Set ``key`` (dotted or flattened) to ``text`` parsed as its declared type, in ``path``
    (created when missing), keeping its comments and layout.

    :param force: write a key that no installed plugin declares, its value guessed from TOML.
    :raises ConfigError: the value does not parse or check, the key is undeclared (without
        ``force``; always for ``permissions.allow_<x>``, which a run refuses), or the edited
        file would not load; nothing is written then.
    """
    old_text = read_toml_text(path) if path.is_file() else None
    document = parse_document(old_text, path) if old_text is not None else tomlkit.document()
    declared = registry.find(key)
    if declared is None:
        dotted = _document_key(document, key) or key
        nearest = nearest_key(dotted, registry)
        hint = f" (did you mean '{nearest}'?)" if nearest else ""
        if flatten_key(dotted).startswith("permissions_allow_"):
            permission = flatten_key(dotted).removeprefix("permissions_allow_")
            raise ConfigError(
                f"no installed plugin declares permission '{permission}'{hint}; nothing was "
                "written",
                key=dotted,
            )
        if not force:
            raise ConfigError(
                f"no installed plugin declares config key '{dotted}'{hint}; nothing was written "
                "(--force writes it anyway, for a plugin to be installed later)",
                key=dotted,
            )
        value: Any = _guess_value(text)
    else:
        dotted = registry.dotted(key)
        try:
            value = declared.validate(parse_text_value(declared.type, text))
        except (TypeError, ValueError) as error:
            raise ConfigError(f"key '{dotted}' {error}; nothing was written", key=dotted) from None
    set_document_value(document, dotted, value)
    new_text = tomlkit.dumps(document)
    if not new_text.endswith("\n"):
        # tomlkit appends a new table without the final newline editors and diff expect.
        new_text += "\n"
    warning = _check(registry, path, old_text, new_text, dotted)
    path.write_text(new_text, encoding="utf-8")
    return ConfigEdit(dotted, value, created=old_text is None, warning=warning)


def _check(
    registry: ConfigRegistry, path: Path, old_text: str | None, new_text: str, dotted: str
) -> str | None:
    """Refuse ``new_text`` when it does not load while ``old_text`` did (or when the problem is
    the key being set); a problem the file already had elsewhere is returned as a warning, so
    that the file can be repaired one key at a time."""
    try:
        _load(registry, path, new_text)
    except ConfigError as error:
        if old_text is None or error.key == dotted:
            raise ConfigError(f"{error}; nothing was written") from None
        try:
            _load(registry, path, old_text)
        except ConfigError:
            return f"{path} still does not load: {error}"
        raise ConfigError(f"{error}; nothing was written") from None
    return None


def _load(registry: ConfigRegistry, path: Path, text: str) -> None:
    # The environment plays no part: only what the file says is checked. Unknown keys are
    # warnings at run time too, and were reported when they were set.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_config(registry, path=path, environ={}, content=text)


def _document_key(document: tomlkit.TOMLDocument, key: str) -> str | None:
    for dotted, _ in iter_document(document):
        if key in (dotted, flatten_key(dotted)):
            return dotted
    return None


def _guess_value(text: str) -> Any:
    try:
        return tomlkit.parse(f"value = {text}")["value"]
    except tomlkit.exceptions.ParseError:
        return text
