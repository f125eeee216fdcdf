"""The update manifest and its signature: pure functions, no I/O.

A manifest is a JSON object ``{name, bundle_identifier, version, channel, url, sha256, length}``
serialised canonically (sorted keys, no spaces); the signature is ed25519 over exactly those
bytes, stored in ``<manifest>.sig`` as base64 of the signing key's 8-byte id (the start of the
SHA-256 of its public key, as minisign does) followed by the 64-byte signature. The key id only
tells "signed with another key" from "changed": it is not trusted, the signature decides. Keys
travel as base64 of their 32 raw bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import asdict
from typing import Any, Final, final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from oro_framework.host.errors import InvalidArgumentError, SecurityError
from oro_framework.records import record

__all__ = [
    "UpdateManifest",
    "is_newer",
    "key_id",
    "manifest_bytes",
    "parse_manifest",
    "parse_version",
    "sign",
    "verify",
]

_FIELDS: Final = {
    "name": str,
    "bundle_identifier": str,
    "version": str,
    "channel": str,
    "url": str,
    "sha256": str,
    "length": int,
}
_KEY_ID_BYTES: Final = 8
_SIGNATURE_BYTES: Final = 64
_VERSION: Final = re.compile(
    r"^(?P<release>[0-9]+(?:\.[0-9]+)*)(?:-(?P<pre>[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*))?"
    r"(?:\+[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?"
)
_MAX_VERSION_LENGTH: Final = 128
"""Longer version strings are refused: no real one is, and int() of 4300 digits would raise."""


@final
@record
class UpdateManifest:
    """What a signed manifest says: which app (``name`` is its folder and launcher,
    ``bundle_identifier`` must be the running app's), which ``version`` on which ``channel``, and
    the archive's ``url``, ``sha256`` (lowercase hex) and ``length`` in bytes."""

    name: str
    bundle_identifier: str
    version: str
    channel: str
    url: str
    sha256: str
    length: int

    def to_json(self) -> dict[str, Any]:
        """The manifest as a JSON object."""
        return asdict(self)


def _invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"Invalid update manifest: {message}", code="UPDATE_MANIFEST_INVALID"
    )


def manifest_bytes(manifest: UpdateManifest) -> bytes:
    """The canonical bytes a signature covers."""
    return json.dumps(manifest.to_json(), sort_keys=True, separators=(",", ":")).encode()


def parse_manifest(data: bytes) -> UpdateManifest:
    """The manifest in ``data``.

    :raises InvalidArgumentError: (``UPDATE_MANIFEST_INVALID``) not JSON, a missing, unknown or
        ill-typed field, an invalid version, a SHA-256 that is not 64 hex digits, a negative
        length, a URL that is not http(s).
    """
    try:
        value = json.loads(data)
    except ValueError as error:
        # Not UTF-8, not JSON, or an integer longer than Python converts (4300 digits).
        raise _invalid(f"not JSON ({error})") from None
    except RecursionError:
        # Nesting deeper than the interpreter's stack: no manifest has nested values at all.
        raise _invalid("nested too deeply") from None
    if not isinstance(value, dict):
        raise _invalid("not a JSON object")
    missing = sorted(set(_FIELDS) - set(value))
    unknown = sorted(set(value) - set(_FIELDS))
    if missing or unknown:
        raise _invalid(f"missing {missing}, unknown {unknown}")
    for field, kind in _FIELDS.items():
        if type(value[field]) is not kind:
            raise _invalid(f"{field!r} must be a {kind.__name__}")
    manifest = UpdateManifest(**value)
    parse_version(manifest.version)
    if not re.fullmatch(r"[0-9a-f]{64}", manifest.sha256):
        raise _invalid("'sha256' must be 64 lowercase hex digits")
    if manifest.length < 0:
        raise _invalid("'length' must not be negative")
    if not manifest.url.startswith(("https://", "http://")):
        raise _invalid("'url' must be an http(s) URL")
    return manifest


def parse_version(version: str) -> tuple[tuple[int, ...], tuple[tuple[int, int | str], ...]]:
    """A sort key for ``version`` (semantic versioning's precedence: a pre-release sorts
    before its release, build metadata is ignored).

    :raises InvalidArgumentError: not ``MAJOR[.MINOR...][-PRERELEASE][+BUILD]``.
    """
    match = _VERSION.fullmatch(version)
    if match is None or len(version) > _MAX_VERSION_LENGTH:
        raise _invalid(f"version {version!r} is not MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]")
    parts = [int(part) for part in match["release"].split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # 1.2 and 1.2.0 are one version
    release = tuple(parts)
    if match["pre"] is None:
        return release, ((2, 0),)  # a release sorts after any of its pre-releases
    pre = tuple((0, int(part)) if part.isdigit() else (1, part) for part in match["pre"].split("."))
    return release, pre


def is_newer(candidate: str, current: str) -> bool:
    """Whether version ``candidate`` comes after ``current``."""
    return parse_version(candidate) > parse_version(current)


def _public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise InvalidArgumentError(
            "build.update_public_key is not base64 of a 32-byte ed25519 public key",
            code="UPDATE_KEY_INVALID",
        ) from None


def key_id(public_key: Ed25519PublicKey) -> bytes:
    """The 8 bytes that name ``public_key`` in a signature file."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:_KEY_ID_BYTES]


def _bad_signature(reason: str) -> SecurityError:
    return SecurityError(
        f"The update manifest's signature does not match it: {reason}",
        code="UPDATE_SIGNATURE_INVALID",
    )


def verify(data: bytes, signature: bytes, public_key: str) -> UpdateManifest:
    """The manifest in ``data`` if ``signature`` (the text of the ``.sig`` file) is its ed25519
    signature by the key ``public_key``.

    :raises InvalidArgumentError: (``UPDATE_KEY_INVALID``) ``public_key`` is not an ed25519
        public key.
    :raises SecurityError: (``UPDATE_KEY_MISMATCH``) the manifest was signed with another key;
        (``UPDATE_SIGNATURE_INVALID``) the manifest or the signature was changed.
    :raises InvalidArgumentError: (``UPDATE_MANIFEST_INVALID``) the signed manifest is not a
        valid one (the signer made a mistake).
    """
    key = _public_key(public_key)
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise _bad_signature("the signature file is not base64") from None
    if len(raw) != _KEY_ID_BYTES + _SIGNATURE_BYTES:
        raise _bad_signature(f"the signature file holds {len(raw)} bytes, not 72")
    signer, signed = raw[:_KEY_ID_BYTES], raw[_KEY_ID_BYTES:]
    if signer != key_id(key):
        raise SecurityError(
            f"The update manifest was signed with another key (id {signer.hex()}) than the "
            f"app's build.update_public_key (id {key_id(key).hex()})",
            code="UPDATE_KEY_MISMATCH",
        )
    try:
        key.verify(signed, data)
    except InvalidSignature:
        raise _bad_signature("the manifest or its signature was changed") from None
    return parse_manifest(data)


def sign(data: bytes, private_key: Ed25519PrivateKey) -> bytes:
    """The text of the signature file of ``data``: base64 of key id + signature, one line."""
    signer = key_id(private_key.public_key())
    return base64.b64encode(signer + private_key.sign(data)) + b"\n"
