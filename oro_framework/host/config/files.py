"""Which file holds an app's config: ``oro.toml``, else Oro's ``oro.ini``, else Socket Runtime's
``socket.ini``. Every command that looks for the app's config asks :func:`find_config_file`."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar, final

from oro_framework.host.config.document import get_document_value, read_document
from oro_framework.host.config.ini import IniDocument, parse_ini, read_ini
from oro_framework.host.config.ini_map import DOC, EXTENSIONS_KEY, ini_extension_names
from oro_framework.host.config.keys import flatten_key
from oro_framework.host.config.values import parse_text_value
from oro_framework.host.errors import ConfigWarning

__all__ = [
    "CONFIG_FILE_NAME",
    "CONFIG_FILE_NAMES",
    "INI_FILE_NAMES",
    "AppConfigFile",
    "find_config_file",
    "is_ini_file",
    "read_early",
    "read_early_value",
]

CONFIG_FILE_NAME: Final = "oro.toml"
INI_FILE_NAMES: Final = ("oro.ini", "socket.ini")
"""Oro's INI name, then Socket Runtime's: Oro reads ``oro.toml``, then ``oro.ini`` (its
``socket.ini`` renamed); ``socket.ini`` is older still."""
CONFIG_FILE_NAMES: Final = (CONFIG_FILE_NAME, *INI_FILE_NAMES)
"""In the order they win when an app has several."""


@final
@dataclass(frozen=True)
class AppConfigFile:
    """The file an app's config is read from.

    :ivar path: the file; ``<app>/oro.toml`` when the app has none (``exists`` is false).
    :ivar shadowed: the other config files beside it, which are not read.
    """

    path: Path
    exists: bool
    shadowed: tuple[Path, ...] = ()

    @property
    def is_ini(self) -> bool:
        return is_ini_file(self.path)


def is_ini_file(path: Path) -> bool:
    """Whether ``path`` is read as Oro's INI dialect rather than TOML."""
    return path.suffix.lower() == ".ini"


def find_config_file(app_dir: Path, *, announce: bool = True) -> AppConfigFile:
    """The config file of the app in ``app_dir``: the first of :data:`CONFIG_FILE_NAMES` there.

    :param announce: when several exist, warn (:class:`ConfigWarning`, once per process) which
        one is read and which are not.
    """
    found = [app_dir / name for name in CONFIG_FILE_NAMES if (app_dir / name).is_file()]
    if not found:
        return AppConfigFile(app_dir / CONFIG_FILE_NAME, exists=False)
    chosen, *shadowed = found
    if shadowed and announce:
        fix = (
            f"`oro init --from {shadowed[0].name} --force` rewrites oro.toml from it"
            if chosen.name == CONFIG_FILE_NAME
            else "remove the one not meant"
        )
        warnings.warn(
            f"{chosen.name} is read and {' and '.join(path.name for path in shadowed)} is not: "
            f"an app's config is {', then '.join(CONFIG_FILE_NAMES)} (see {DOC}); {fix}",
            ConfigWarning,
            stacklevel=2,
        )
    return AppConfigFile(chosen, exists=True, shadowed=tuple(shadowed))


def read_early_value(path: Path, key: str) -> Any:
    """The raw value of ``key`` in the config file ``path`` (TOML or INI), read before any
    plugin declares its keys (``plugins.disable``): TOML's own type, an INI's text.

    :raises KeyError: it is not set there.
    :raises ConfigError: the file does not parse.
    """
    document = _early_document(path)
    if not isinstance(document, IniDocument):
        return get_document_value(document, key)
    section, _, name = key.rpartition(".")
    found = document.values.get((section, name))
    if found is None:
        # The one early key an Oro app writes under a name of its own.
        names = ini_extension_names(document) if key == EXTENSIONS_KEY else []
        if names:
            return names
        raise KeyError(key)
    return found.value


_EARLY_FILES: Final = 16
_EARLY: dict[Path, tuple[tuple[int, int, int], Any]] = {}
"""The parsed config files :func:`read_early_value` read, by path, with the stat they had."""


def _early_document(path: Path) -> Any:
    # Parsed once while the file stays as it was: `oro run` reads eight early keys (the host's
    # plugins.* and the window's engine) and tomlkit took ~3 ms a parse.
    status = path.stat()
    stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
    known = _EARLY.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    document = parse_ini(read_ini(path), path) if is_ini_file(path) else read_document(path)
    if len(_EARLY) >= _EARLY_FILES:
        _EARLY.clear()
    _EARLY[path] = (stamp, document)
    return document


T = TypeVar("T")


def read_early(
    path: Path | None,
    key: str,
    kind: type[T],
    environ: Mapping[str, str],
    overrides: Mapping[str, Any],
    *aliases: str,
) -> T | None:
    """The value of ``key`` from the config file ``path``, the environment (``ORO_<KEY>``, then
    ``aliases``) or ``overrides``, with that precedence, before the plugins that declare the
    keys load: the ``plugins.*`` keys that decide what loads, and the few a window's engine is
    started from while the host is built. A value that does not parse counts as unset here;
    the full load reports it."""
    value: Any = None
    if path is not None and path.is_file():
        with contextlib.suppress(KeyError):
            value = read_early_value(path, key)
    for variable in ("ORO_" + flatten_key(key).upper(), *aliases):
        if variable in environ:
            value = environ[variable]
    for name in (key, flatten_key(key)):
        if name in overrides:
            value = overrides[name]
    if isinstance(value, str) and kind is not str:
        try:
            value = parse_text_value(kind, value)
        except ValueError:
            return None
    return value if isinstance(value, kind) else None
