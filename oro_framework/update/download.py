"""Fetching the manifest and the archive: bounded, verified, and leaving no partial file."""

from __future__ import annotations

import hashlib
import ipaddress
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import httpx

from oro_framework.host.errors import OutOfRangeError, SecurityError, ServiceUnavailableError
from oro_framework.update.manifest import UpdateManifest

__all__ = ["check_file", "check_url", "download_artifact", "fetch_bytes"]

_TIMEOUT: Final = 30.0
"""Seconds the update server may stay silent (connecting, or between two chunks)."""
_PROGRESS_INTERVAL: Final = 0.1
"""Seconds between two progress events."""


def check_url(url: str) -> None:
    """:raises SecurityError: (``UPDATE_INSECURE_URL``) not https, and not http to loopback."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        is_loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        is_loopback = False
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback):
        return
    raise SecurityError(
        f"Updates come over https (plain http only from this machine): {url!r}",
        code="UPDATE_INSECURE_URL",
    )


async def _refuse_insecure(request: httpx.Request) -> None:
    # Every request, redirects included: a release host may redirect to its CDN, never to http.
    check_url(str(request.url))


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=_TIMEOUT,
        follow_redirects=True,
        max_redirects=5,
        event_hooks={"request": [_refuse_insecure]},
    )


def _unreachable(url: str, error: Exception) -> ServiceUnavailableError:
    return ServiceUnavailableError(
        f"The update server did not answer for {url}: {error}", code="UPDATE_UNREACHABLE"
    )


async def fetch_bytes(url: str, limit: int) -> bytes:
    """The body at ``url``, at most ``limit`` bytes.

    :raises OutOfRangeError: (``UPDATE_TOO_LARGE``) a longer body.
    :raises ServiceUnavailableError: (``UPDATE_UNREACHABLE``) no answer, or not 200.
    """
    check_url(url)
    try:
        async with (
            _client() as client,
            client.stream("GET", url) as reply,
        ):
            if reply.status_code != 200:
                raise _unreachable(url, Exception(f"HTTP {reply.status_code}"))
            body = bytearray()
            async for chunk in reply.aiter_bytes():
                body += chunk
                if len(body) > limit:
                    raise OutOfRangeError(
                        f"{url} is larger than {limit} bytes", code="UPDATE_TOO_LARGE"
                    )
            return bytes(body)
    except httpx.HTTPError as error:
        raise _unreachable(url, error) from None


def _check(length: int, sha256: str, manifest: UpdateManifest) -> None:
    if length != manifest.length:
        raise SecurityError(
            f"The update archive is {length} bytes, not the {manifest.length} its "
            "signed manifest names (truncated or changed)",
            code="UPDATE_LENGTH_MISMATCH",
        )
    if sha256 != manifest.sha256:
        raise SecurityError(
            "The update archive's SHA-256 is not the one its signed manifest names",
            code="UPDATE_HASH_MISMATCH",
        )


def check_file(archive: Path, manifest: UpdateManifest) -> None:
    """Check that ``archive`` is, byte for byte, the one ``manifest`` names.

    :raises SecurityError: (``UPDATE_LENGTH_MISMATCH``, ``UPDATE_HASH_MISMATCH``) it is not.
    """
    digest = hashlib.sha256()
    length = 0
    with archive.open("rb") as file:
        while chunk := file.read(1 << 20):
            length += len(chunk)
            digest.update(chunk)
    _check(length, digest.hexdigest(), manifest)


async def download_artifact(
    manifest: UpdateManifest,
    target: Path,
    limit: int,
    progress: Callable[[int, int], None],
) -> Path:
    """Stream the manifest's archive to ``target``, checking its length and SHA-256.

    :param progress: called with ``(downloaded, total)`` at most every 0.1 s, and at the end.
    :raises SecurityError: (``UPDATE_HASH_MISMATCH``, ``UPDATE_LENGTH_MISMATCH``) the bytes are
        not those the signed manifest names (a truncated download included); nothing is kept.
    :raises OutOfRangeError: (``UPDATE_TOO_LARGE``) the manifest's length is over ``limit``.
    """
    check_url(manifest.url)
    if manifest.length > limit:
        raise OutOfRangeError(
            f"The update is {manifest.length} bytes, over update.max_artifact_bytes ({limit})",
            code="UPDATE_TOO_LARGE",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    received = 0
    last = 0.0
    try:
        try:
            async with (
                _client() as client,
                client.stream("GET", manifest.url) as reply,
            ):
                if reply.status_code != 200:
                    raise _unreachable(manifest.url, Exception(f"HTTP {reply.status_code}"))
                # Never through a link planted at the predictable name.
                flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
                with os.fdopen(os.open(partial, flags, 0o600), "wb") as file:
                    async for chunk in reply.aiter_bytes():
                        received += len(chunk)
                        if received > manifest.length:
                            break
                        digest.update(chunk)
                        file.write(chunk)
                        if time.monotonic() - last >= _PROGRESS_INTERVAL:
                            last = time.monotonic()
                            progress(received, manifest.length)
        except httpx.HTTPError as error:
            if received == 0:
                raise _unreachable(manifest.url, error) from None
            # A connection cut mid-way is a truncated download: the length check says so.
        progress(received, manifest.length)
        _check(received, digest.hexdigest(), manifest)
        partial.replace(target)
        return target
    finally:
        partial.unlink(missing_ok=True)
