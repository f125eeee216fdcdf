"""Oro's navigator mounts (``webview.navigator_mounts``, Oro's ``webview_navigator_mounts_*``):
host folders the app's pages read at URL paths of their own origin (``/docs/a.txt`` is
``~/Documents/a.txt``), as Oro's navigator resolves a location under a mount
(socketsupply/socket ``src/runtime/webview/navigator.cc:152-165``, host paths as
``src/runtime/filesystem/resource.cc:195-272`` expands them).

Each folder is served by its own :class:`~oro_framework.web.resources.Resources`, so a mount
gets the app root's rules: ``..`` and links that lead out of the folder are refused (403), dot
files, ``__pycache__``, Python and config files are answered as missing, and only ``GET`` and
``HEAD`` reach it (the page family answers 405 to the rest). The bridge's admission comes first:
no session, no file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final, NamedTuple, final

from oro_framework.web.resources import Resources

__all__ = ["NavigatorMount", "NavigatorMounts", "host_folder"]

_WORKING_DIRECTORY_VARIABLES: Final = ("$HOST_PROCESS_WORKING_DIRECTORY", "$HOST_CONTAINER")
"""What names the folder the app runs from. Oro's ``$HOST_CONTAINER`` is a sandbox container on
Apple platforms and the process's working directory on Linux
(``src/runtime/filesystem/resource.cc:220-233``)."""
_HOME_VARIABLES: Final = ("$HOST_HOME", "~")

logger = logging.getLogger(__name__)


def host_folder(name: str, *, app_dir: Path, home: Path) -> Path | None:
    """The folder a mount's key names: ``$HOST_HOME/x`` and ``~/x`` under ``home``,
    ``$HOST_PROCESS_WORKING_DIRECTORY/x``, ``$HOST_CONTAINER/x`` and a relative ``x`` under
    ``app_dir`` (the folder the app runs from; Oro's is its process's working directory), an
    absolute path as it is; ``None`` for another ``$`` variable, which Oro leaves in the path
    as it is (a folder named ``$X`` that no app means): the caller warns and skips it."""
    head, slash, rest = name.partition("/")
    if head in _HOME_VARIABLES or head in _WORKING_DIRECTORY_VARIABLES:
        base = home if head in _HOME_VARIABLES else app_dir
        return base / rest if slash and rest else base
    if head.startswith("$"):
        return None
    return app_dir / name


@final
class NavigatorMount(NamedTuple):
    """One mount: the URL path its folder is served at, and the folder's :class:`Resources`."""

    url_path: str
    resources: Resources

    @property
    def folder(self) -> Path:
        return self.resources.root


@final
class NavigatorMounts:
    """The app's navigator mounts, the longest URL path first so that ``/docs/private`` mounted
    inside ``/docs`` wins for its own paths.

    :param entries: ``webview.navigator_mounts``: host folder → URL path (checked by the key).
    :param cache_control: the ``cache-control`` of their files, the app's own.
    """

    def __init__(
        self, entries: Mapping[str, str], *, app_dir: Path, home: Path, cache_control: str
    ) -> None:
        mounts = []
        for name, url_path in entries.items():
            folder = host_folder(name, app_dir=app_dir, home=home)
            if folder is None:
                logger.warning(
                    "key 'webview.navigator_mounts.%s': %s names no folder on this host (use "
                    "$HOST_HOME, ~, $HOST_PROCESS_WORKING_DIRECTORY, $HOST_CONTAINER or a path); "
                    "%s is not mounted",
                    name,
                    name.partition("/")[0],
                    url_path,
                )
                continue
            prefix = "/" + url_path.strip("/")
            resources = Resources(
                folder,
                default_index="/index.html",
                allow_any_route=False,
                cache_control=cache_control,
                url_prefix=prefix,
            )
            mounts.append(NavigatorMount(prefix, resources))
        self.mounts: tuple[NavigatorMount, ...] = tuple(
            sorted(mounts, key=lambda mount: len(mount.url_path), reverse=True)
        )

    def find(self, url_path: str) -> tuple[Resources, str] | None:
        """The folder serving ``url_path`` and the path below it (``/docs/a.txt`` → the
        folder of ``/docs`` and ``/a.txt``; ``/docs`` itself → ``""``, which redirects to
        ``/docs/``), or ``None`` when no mount holds it. Segments are compared whole:
        ``/docsx`` is not under ``/docs``."""
        for mount in self.mounts:
            prefix = mount.url_path
            if url_path == prefix or url_path.startswith(prefix + "/"):
                return mount.resources, url_path[len(prefix) :]
        return None

    def listing(self) -> dict[str, str]:
        """Each mount's URL path with its folder, for ``oro:path/mounts``."""
        return {mount.url_path: os.fspath(mount.folder) for mount in self.mounts}
