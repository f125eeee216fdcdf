"""Which file holds an app's config: ``oro.toml``, else Oro's ``oro.ini``, else Socket Runtime's
``socket.ini``. Every command that looks for the app's config asks :func:`find_config_file`."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Final, final

from oro_framework.host.errors import ConfigWarning
from oro_framework.records import record

__all__ = [
    "CONFIG_FILE_NAME",
    "CONFIG_FILE_NAMES",
    "DOC",
    "INI_FILE_NAMES",
    "AppConfigFile",
    "find_config_file",
    "is_ini_file",
]

CONFIG_FILE_NAME: Final = "oro.toml"
DOC: Final = "docs/config.md#oros-config-files-socketini-oroini"
"""Where the INI files' rules are explained: every note about one names it."""
INI_FILE_NAMES: Final = ("oro.ini", "socket.ini")
"""Oro's INI name, then Socket Runtime's: Oro reads ``oro.toml``, then ``oro.ini`` (its
``socket.ini`` renamed); ``socket.ini`` is older still."""
CONFIG_FILE_NAMES: Final = (CONFIG_FILE_NAME, *INI_FILE_NAMES)
"""In the order they win when an app has several."""


@final
@record
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
