"""The ``tar.*`` routes (Oro's names) and :data:`ROUTES`, the group ``plugin.py`` adds, guarded
by the ``tar`` permission.

Oro's eleven: ``tar.open`` (a file in the sandbox, to read, or with ``writable`` to write),
``tar.openBuffer`` (the request body) and ``tar.createBuffer`` (in memory); ``tar.list``,
``tar.stat``, ``tar.read`` (a byte range of one entry); ``tar.write.begin`` and
``tar.write.data`` (one entry, its body in chunks); ``tar.finalize``; ``tar.buffer`` (the
archive's bytes); ``tar.close``. Oro extracts in its JavaScript, over ``oro:fs``; here
``tar.extract`` does it in the host, checked whole first (:mod:`.extract`).

Every handler is a plain ``def``: the router runs it in a worker thread, and the archive's lock
keeps one operation at a time on it."""

from __future__ import annotations

import io
import json
import os
import tarfile
from typing import Any, Final

from oro_framework import (
    ErrnoError,
    InvalidArgumentError,
    NotSupportedError,
    Params,
    Request,
    RouteGroup,
)
from oro_zlib.permissions import TAR
from oro_zlib.tar.archive import TYPES, Archive, Reader, Writer, describe
from oro_zlib.tar.errors import (
    archive_closed,
    buffer_too_large,
    not_writable,
    too_large,
    unsafe_entry,
)
from oro_zlib.tar.extract import plan_extraction
from oro_zlib.tar.paths import open_for_reading, open_for_writing, prepare_folder
from oro_zlib.tar.state import STATE, TarState

__all__ = ["ROUTES"]

_UINT32: Final = 0xFFFFFFFF
_MAX_SECONDS: Final = 2**53 - 1
_PURPOSE: Final = "tar archives in memory"


def _state(request: Request) -> TarState:
    return request.host.stash[STATE]


def _archive(request: Request) -> tuple[TarState, int, Archive]:
    state = _state(request)
    window = request.require_window()
    return state, window, state.get(window, request.params.require_str("id"))


def _defaults(params: Params) -> dict[str, Any]:
    """The archive-wide ``uid``, ``gid``, ``uname``, ``gname``, ``mtime`` of Oro's
    ``TarOpenOptions``, given to entries that do not say theirs."""
    defaults: dict[str, Any] = {}
    for name in ("uid", "gid"):
        if params.get(name) is not None:
            defaults[name] = params.get_int(name, 0, minimum=0, maximum=_UINT32)
    for name in ("uname", "gname"):
        if params.get(name) is not None:
            defaults[name] = params.require_str(name)
    if params.get("mtime") is not None:
        defaults["mtime"] = params.get_int("mtime", 0, minimum=0, maximum=_MAX_SECONDS)
    return defaults


def _opened(archive: Archive, shown: str) -> dict[str, Any]:
    size = archive.size if isinstance(archive, Reader) else 0
    return {"id": archive.id, "path": shown, "size": size, "entryCount": len(archive.members)}


def open_archive(request: Request) -> dict[str, Any]:
    """Open the archive at ``path`` (``writable``: create or truncate it) for this page."""
    state = _state(request)
    params = request.params
    window = request.require_window()
    shown = params.require_str("path")
    archive_id = state.new_id(window)
    archive: Archive
    if params.get_bool("writable"):
        archive = Writer(
            archive_id,
            fd=open_for_writing(state.sandbox, request, shown),
            defaults=_defaults(params),
            max_entries=state.settings.max_entries,
            max_bytes=state.settings.max_buffer_bytes,
            held=None,
        )
    else:
        archive = Reader(
            archive_id,
            open_for_reading(state.sandbox, request, shown),
            max_entries=state.settings.max_entries,
        )
    state.add(window, archive)
    return _opened(archive, shown)


def open_buffer(request: Request) -> dict[str, Any]:
    """Open the request body, a tar archive, for this page (read-only)."""
    state = _state(request)
    window = request.require_window()
    body = bytes(request.body)
    limit = state.settings.max_buffer_bytes
    if len(body) > limit:
        raise buffer_too_large(len(body), limit)
    archive_id = state.new_id(window)
    held = state.memory.reserve(len(body), purpose=_PURPOSE)
    try:
        archive = Reader(
            archive_id,
            io.BytesIO(body),
            max_entries=state.settings.max_entries,
            held=held,
        )
    except BaseException:
        held.release()
        raise
    state.add(window, archive)
    return _opened(archive, "")


def create_buffer(request: Request) -> dict[str, Any]:
    """Start an archive in memory for this page."""
    state = _state(request)
    window = request.require_window()
    archive = Writer(
        state.new_id(window),
        fd=None,
        defaults=_defaults(request.params),
        max_entries=state.settings.max_entries,
        max_bytes=state.settings.max_buffer_bytes,
        held=state.memory.reserve(0, purpose=_PURPOSE),
    )
    state.add(window, archive)
    return _opened(archive, "")


def close(request: Request) -> dict[str, Any]:
    """Close archive ``id``; ``closed`` says whether it was open."""
    state = _state(request)
    window = request.require_window()
    return {"closed": state.close(window, request.params.require_str("id"))}


def list_entries(request: Request) -> dict[str, Any]:
    """Every entry of archive ``id``, in order."""
    _, _, archive = _archive(request)
    with archive.using():
        entries = [describe(member) for member in archive.members]
        size = archive.size if isinstance(archive, Reader) else 0
    return {"entries": entries, "entryCount": len(entries), "size": size}


def stat(request: Request) -> dict[str, Any]:
    """Entry ``path`` of archive ``id`` (the last of that name)."""
    _, _, archive = _archive(request)
    with archive.using():
        return describe(archive.stat(request.params.require_str("path")))


def read(request: Request) -> bytes:
    """``size`` bytes of entry ``path`` from ``offset`` (at most ``tar.max_read_bytes``)."""
    state, _, archive = _archive(request)
    params = request.params
    offset = params.get_int("offset", 0, minimum=0, maximum=_MAX_SECONDS)
    size = params.require_int("size", minimum=0, maximum=state.settings.max_read_bytes)
    with archive.using():
        if not isinstance(archive, Reader):
            raise archive_closed("is being written: finalize it to read its entries")
        return archive.read(params.require_str("path"), offset, size)


def _member(params: Params) -> tarfile.TarInfo:
    """The header of ``tar.write.begin``, checked as Oro's JS checks it."""
    member = tarfile.TarInfo(params.require_str("path"))
    if not member.name or "\0" in member.name:
        raise InvalidArgumentError.invalid("path", "a non-empty entry path without NUL")
    flag = params.get_str("type", "0")
    if flag not in TYPES:
        raise InvalidArgumentError.invalid("type", f"one of {', '.join(TYPES)}")
    if params.get("sparse") is not None:
        raise NotSupportedError("Sparse entries cannot be written by this host")
    member.type = TYPES[flag]
    member.size = params.get_int("size", 0, minimum=0, maximum=_MAX_SECONDS)
    if not member.isreg() and member.size:
        raise InvalidArgumentError.invalid("size", "0 for an entry without a body")
    member.mode = params.get_int("mode", 0o755 if member.isdir() else 0o644, maximum=_UINT32)
    member.mtime = params.get_int("mtime", 0, minimum=0, maximum=_MAX_SECONDS)
    member.uid = params.get_int("uid", 0, minimum=0, maximum=_UINT32)
    member.gid = params.get_int("gid", 0, minimum=0, maximum=_UINT32)
    member.uname = params.get_str("uname", "")
    member.gname = params.get_str("gname", "")
    if member.issym() or member.islnk():
        member.linkname = params.require_str("linkpath")
    if member.isdev():
        member.devmajor = params.require_int("devmajor", minimum=0, maximum=_UINT32)
        member.devminor = params.require_int("devminor", minimum=0, maximum=_UINT32)
    return member


def _writer(archive: Archive) -> Writer:
    if not isinstance(archive, Writer):
        raise not_writable()
    return archive


def write_begin(request: Request) -> dict[str, Any]:
    """Begin an entry of the writable archive ``id``: its header (Oro's ``TarEntryHeader``)."""
    _, _, archive = _archive(request)
    member = _member(request.params)
    with archive.using():
        _writer(archive).begin(member)
    return {"path": member.name, "size": member.size}


def write_data(request: Request) -> dict[str, Any]:
    """Append the body to the entry begun last; ``complete`` once it has all its bytes."""
    _, _, archive = _archive(request)
    with archive.using():
        return {"complete": _writer(archive).write(bytes(request.body))}


def finalize(request: Request) -> dict[str, Any]:
    """Write the end of the writable archive ``id``; it is readable from then on."""
    state, window, archive = _archive(request)
    with archive.using():
        reader = _finish(state, archive)
    state.replace(window, reader)
    return {"size": reader.size, "entryCount": len(reader.members)}


def _finish(state: TarState, archive: Archive) -> Reader:
    """The reader a writer becomes once finalized (a reader stays itself)."""
    if isinstance(archive, Reader):
        return archive
    return _writer(archive).reader(state.settings.max_entries)


def buffer(request: Request) -> bytes:
    """The bytes of archive ``id`` (finalized first when being written), at most
    ``tar.max_buffer_bytes``."""
    state, window, archive = _archive(request)
    limit = state.settings.max_buffer_bytes
    with archive.using():
        reader = _finish(state, archive)
    if reader is not archive:
        state.replace(window, reader)
    with reader.using():
        if reader.size > limit:
            raise buffer_too_large(reader.size, limit)
        return reader.contents(limit)


def _wanted(request: Request) -> list[str] | None:
    """The entries the page's ``filter`` kept (a JSON array in the body), or all of them."""
    if not request.body:
        return None
    try:
        wanted = json.loads(request.body)
    except ValueError:
        wanted = None
    if not isinstance(wanted, list) or not all(isinstance(path, str) for path in wanted):
        raise InvalidArgumentError.invalid("body", "a JSON array of entry paths")
    return wanted


def extract(request: Request) -> dict[str, Any]:
    """Extract archive ``id`` into the folder ``dest`` (made when missing): every entry, or
    those the body names; links only with ``preserveLinks``. Checked whole first: an unsafe
    entry or too many bytes refuse the archive before anything is written. With ``entry``,
    that one file's body is written to the file ``dest`` instead (Oro's ``extract()``)."""
    state, _, archive = _archive(request)
    params = request.params
    dest = params.require_str("dest")
    entry = params.get_str("entry")
    wanted = _wanted(request)
    with archive.using():
        if not isinstance(archive, Reader):
            raise archive_closed("is being written: finalize it to extract it")
        try:
            if entry is not None:
                return _extract_entry(state, request, archive, entry, dest)
            folder = prepare_folder(state.sandbox, request, dest)
            plan = plan_extraction(
                archive,
                folder,
                state.sandbox.for_request(request),
                only=wanted,
                links=params.get_bool("preserveLinks"),
                max_bytes=state.settings.max_extract_bytes,
            )
            archive.extract(plan.members, folder)
        except OSError as error:
            # Named as the page named it: the host's own paths stay the host's.
            raise ErrnoError.from_os_error(error, path=dest) from None
    return {"entries": len(plan.members), "bytes": plan.bytes}


def _extract_entry(
    state: TarState, request: Request, archive: Reader, entry: str, dest: str
) -> dict[str, Any]:
    """Write the body of the file ``entry`` to the file ``dest`` (its folders made), or make
    the folder ``dest`` for a folder entry; links and special files are refused."""
    member = archive.stat(entry)
    if member.isdir():
        prepare_folder(state.sandbox, request, dest)
        return {"entries": 1, "bytes": 0}
    if not member.isreg():
        raise unsafe_entry(member.name, "only files and folders are extracted one by one")
    if member.size > state.settings.max_extract_bytes:
        raise too_large(member.size, state.settings.max_extract_bytes)
    fd = open_for_writing(state.sandbox, request, dest, parents=True)
    with os.fdopen(fd, "wb") as out:
        archive.copy_to(member, out)
        out.flush()  # written before the mtime is set, or the last write would move it
        # The data filter's modes: no setuid/setgid/sticky, no group/other write, owner rw.
        os.fchmod(out.fileno(), (member.mode & 0o755) | 0o600)
        os.utime(out.fileno(), (member.mtime, member.mtime))
    return {"entries": 1, "bytes": member.size}


ROUTES: Final = RouteGroup.guarded(
    TAR,
    handlers={
        "tar.open": open_archive,
        "tar.openBuffer": open_buffer,
        "tar.createBuffer": create_buffer,
        "tar.close": close,
        "tar.list": list_entries,
        "tar.stat": stat,
        "tar.read": read,
        "tar.write.begin": write_begin,
        "tar.write.data": write_data,
        "tar.finalize": finalize,
        "tar.buffer": buffer,
        "tar.extract": extract,
    },
)
"""Every ``tar.*`` route; ``allow_tar = false`` in the app's ``[permissions]`` turns them
off."""
