"""What the oro:tar tests share: archives made with Python's :mod:`tarfile` (well-formed and
hostile ones) and calls over the in-memory client."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable
from typing import Any

from oro_framework.testing import MemoryClient, raise_for_error

Entry = tuple[str, bytes | None, dict[str, Any]]
"""A name, the body of a file (``None`` for another kind) and :class:`tarfile.TarInfo`
attributes (``type``, ``linkname``, ``mode``, ``devmajor``...)."""


def make_tar(entries: Iterable[Entry], *, fmt: int = tarfile.PAX_FORMAT) -> bytes:
    """A tar archive of ``entries``, in order, exactly as given (no check, no normalising)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as archive:
        for name, body, attrs in entries:
            info = tarfile.TarInfo(name)
            for key, value in attrs.items():
                setattr(info, key, value)
            if body is not None:
                info.size = len(body)
            archive.addfile(info, io.BytesIO(body) if body is not None else None)
    return out.getvalue()


def file(name: str, body: bytes, **attrs: Any) -> Entry:
    return (name, body, {"mtime": 1_700_000_000, "mode": 0o644, **attrs})


def folder(name: str) -> Entry:
    return (name, None, {"type": tarfile.DIRTYPE, "mode": 0o755, "mtime": 1_700_000_000})


def symlink(name: str, target: str) -> Entry:
    return (name, None, {"type": tarfile.SYMTYPE, "linkname": target})


def hardlink(name: str, target: str) -> Entry:
    return (name, None, {"type": tarfile.LNKTYPE, "linkname": target})


async def open_bytes(client: MemoryClient, data: bytes) -> str:
    """The id of ``data`` opened with ``tar.openBuffer``."""
    answer = raise_for_error(await client.call("tar.openBuffer", data))
    return str(answer["id"])


async def call(client: MemoryClient, route: str, body: bytes = b"", **params: Any) -> Any:
    """The data of a call that must succeed (bytes for a binary reply)."""
    reply = await client.call(route, body, **params)
    if reply.error is not None:
        raise reply.error
    return reply.body if reply.body is not None else reply.data
