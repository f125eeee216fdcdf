"""Files dropped on a window: the ``text/uri-list`` a native drop carries (RFC 2483), turned
into the local paths it names, and granted to that window's page as the native file picker's
choices are (``host.file_grants``, read-only), so that the page can open them through
``oro:fs``.

The engines (``gui/gtk/drops.py``, ``gui/qt/drops.py``) hand the list over as the drag source
gave it, bytes and all; everything a source can get wrong is judged here, in one place for both
engines:

- only ``file:`` URIs of this machine (no host, or ``localhost``) name a path; a link, text, a
  ``file://otherhost/...`` URI, a relative or ``..`` path, a NUL, or a name that is not UTF-8
  (a page's JSON cannot carry it) names none and is skipped;
- a list longer than :data:`MAX_URI_LIST_BYTES` is refused whole (:class:`OutOfRangeError`);
  more than :data:`MAX_DROPPED_FILES` paths are cut to the first ones;
- what is granted is each dropped path itself, never more: a directory with what is below it
  (as a picked directory), a file alone, and a symlink as the link alone (plus, when it names a
  regular file, that one file: never a directory's tree it points at).

The window manager's GUI inbox hands each drop on an open window to :func:`receive_drop`.
"""

from __future__ import annotations

import logging
import os
import stat
from typing import TYPE_CHECKING, Final, NamedTuple, final
from urllib.parse import unquote_to_bytes, urlsplit

from oro_framework.host.errors import OutOfRangeError
from oro_framework.host.file_grants import FileGrants

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "DROP_EVENT",
    "MAX_DROPPED_FILES",
    "MAX_URI_LIST_BYTES",
    "DroppedPaths",
    "grant_dropped",
    "parse_uri_list",
    "receive_drop",
]

logger = logging.getLogger("oro_framework.windows")

MAX_URI_LIST_BYTES: Final = 8 * 1024 * 1024
"""The longest ``text/uri-list`` a drop may carry (some 60,000 typical paths)."""

MAX_DROPPED_FILES: Final = 1024
"""How many dropped paths one drop grants and reports; the rest are left out, with a warning."""

DROP_EVENT: Final = "dropin"
"""The host event a drop becomes, with Socket's payload ``{files, x, y}``; the page's bootstrap
dispatches it as Oro's ``platformdrop`` ``CustomEvent``."""

LOCAL_HOSTS: Final = frozenset({"", "localhost"})


@final
class DroppedPaths(NamedTuple):
    """What a drop's URI list names.

    :ivar paths: the local absolute paths, in the order dropped, each once.
    :ivar skipped: entries that name no local path (links, text, another host, bad bytes).
    :ivar left_out: local paths beyond :data:`MAX_DROPPED_FILES`.
    """

    paths: tuple[str, ...]
    skipped: int = 0
    left_out: int = 0


def parse_uri_list(data: bytes, *, limit: int = MAX_DROPPED_FILES) -> DroppedPaths:
    """The local paths of a ``text/uri-list`` (lines split by CRLF or LF, ``#`` comments).

    :raises OutOfRangeError: ``data`` is longer than :data:`MAX_URI_LIST_BYTES`.
    """
    if len(data) > MAX_URI_LIST_BYTES:
        raise OutOfRangeError(
            f"a dropped URI list of {len(data)} bytes is over {MAX_URI_LIST_BYTES}",
            code="ERR_DROP_TOO_LARGE",
        )
    paths: dict[str, None] = {}
    skipped = left_out = 0
    for line in data.replace(b"\r\n", b"\n").split(b"\n"):
        entry = line.strip()
        if not entry or entry.startswith(b"#"):
            continue
        path = local_path(entry)
        if path is None:
            skipped += 1
        elif path in paths:
            continue
        elif len(paths) >= limit:
            left_out += 1
        else:
            paths[path] = None
    return DroppedPaths(tuple(paths), skipped, left_out)


def local_path(entry: bytes) -> str | None:
    """The absolute path a ``file:`` URI of this machine names, else ``None``."""
    try:
        text = entry.decode("ascii")  # RFC 2483: URIs, anything else percent-encoded
    except UnicodeDecodeError:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() != "file" or parts.netloc.lower() not in LOCAL_HOSTS:
        return None
    if parts.query or parts.fragment:
        return None  # '?' and '#' in a name are percent-encoded: this is no file's URI
    try:
        path = unquote_to_bytes(parts.path).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not path.startswith("/") or "\0" in path or ".." in path.split("/"):
        return None
    # One leading slash: POSIX keeps "//" as it is, and a grant must not spell a path twice.
    return os.path.normpath("/" + path.lstrip("/"))


def grant_dropped(grants: FileGrants, window: int, paths: tuple[str, ...]) -> list[str]:
    """Grant window ``window``'s page each of ``paths`` that exists, read-only, as itself; the
    paths granted, in order (a path gone since the drop is left out)."""
    granted: list[str] = []
    for path in paths:
        try:
            status = os.lstat(path)
        except (OSError, ValueError):
            continue
        if stat.S_ISLNK(status.st_mode):
            # The link alone: a page may see it, and follow it only where a grant lets it. A
            # link to a regular file also grants that file (what the user saw, as the picker
            # grants a picked file's real path); a link to a directory grants no tree.
            grants.grant(window, path)
            target = os.path.realpath(path)
            if os.path.isfile(target):
                grants.grant(window, target)
        else:
            grants.grant(window, path, is_directory=stat.S_ISDIR(status.st_mode))
        granted.append(path)
    return granted


def receive_drop(host: Host, index: int, uri_list: bytes, x: int, y: int) -> None:
    """Files dropped on window ``index``, an open one: each is granted to its page alone,
    read-only, as a picked file is, and the page gets Oro's ``dropin`` event ``{files, x, y}``
    (``platformdrop`` in the page). A drop that names no local file (text, a link) is the
    page's own DOM drop only."""
    try:
        dropped = parse_uri_list(uri_list)
    except OutOfRangeError as error:
        logger.warning("window %d: a drop was refused (%s): %s", index, error.code, error)
        return
    if not dropped.paths:
        # Text or links: the page's own DOM drop has them; nothing to grant.
        logger.info("window %d: a drop named no local file", index)
        return
    if dropped.skipped or dropped.left_out:
        logger.warning(
            "window %d: a drop named %d local path(s); %d entries named none (links, text, "
            "another host, bad bytes) and %d past the first %d were left out",
            index,
            len(dropped.paths) + dropped.left_out,
            dropped.skipped,
            dropped.left_out,
            MAX_DROPPED_FILES,
        )
    files = grant_dropped(host.file_grants, index, dropped.paths)
    if files:
        logger.info("window %d: %d dropped path(s) granted to its page", index, len(files))
        host.emit(DROP_EVENT, {"files": files, "x": x, "y": y}, window=index)
