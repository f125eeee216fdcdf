"""Update keys on disk and signing a built archive (what ``oro build --sign`` and ``oro update``
do at the author's desk)."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from oro_framework.update.download import check_url
from oro_framework.update.manifest import UpdateManifest, manifest_bytes, parse_manifest, sign

__all__ = ["generate_key_pair", "load_private_key", "public_key_text", "write_signed_manifest"]


def public_key_text(private_key: Ed25519PrivateKey) -> str:
    """Base64 of the raw public key: the value of ``[build] update_public_key``."""
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return base64.b64encode(raw).decode()


def generate_key_pair(path: Path) -> str:
    """Write a new private key to ``path`` (PEM, mode 0600, never overwriting) and return its
    public key text.

    :raises FileExistsError: ``path`` exists.
    """
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(pem)
    return public_key_text(key)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The ed25519 private key in the PEM file ``path``.

    :raises TypeError: the file holds a key of another kind.
    :raises ValueError: the file holds no private key.
    """
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"{path} is not an ed25519 private key")
    return key


def write_signed_manifest(
    artifact: Path,
    *,
    private_key: Path,
    url: str,
    name: str,
    bundle_identifier: str,
    version: str,
    channel: str = "stable",
    out_dir: Path | None = None,
) -> tuple[Path, Path]:
    """Write ``update.json`` and ``update.json.sig`` for the archive ``artifact`` as it will be
    served at ``url``; return both paths.

    :param private_key: the PEM file :func:`generate_key_pair` wrote.
    :param name: the app's folder and launcher name (the archive's top folder).
    :param out_dir: where the two files go; default: beside ``artifact``.
    :raises InvalidArgumentError: (``UPDATE_MANIFEST_INVALID``) ``version`` or ``url`` is not
        one a manifest may hold.
    :raises SecurityError: (``UPDATE_INSECURE_URL``) ``url`` is plain http to another machine:
        the app would not download from it.
    :raises TypeError: ``private_key`` holds a key of another kind.
    :raises ValueError: ``private_key`` holds no private key.
    """
    digest = hashlib.sha256()
    with artifact.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    manifest = UpdateManifest(
        name=name,
        bundle_identifier=bundle_identifier,
        version=version,
        channel=channel,
        url=url,
        sha256=digest.hexdigest(),
        length=artifact.stat().st_size,
    )
    data = manifest_bytes(manifest)
    # What the app would refuse is not signed.
    parse_manifest(data)
    check_url(url)
    folder = artifact.parent if out_dir is None else out_dir
    manifest_path = folder / "update.json"
    signature_path = folder / "update.json.sig"
    manifest_path.write_bytes(data)
    signature_path.write_bytes(sign(data, load_private_key(private_key)))
    return manifest_path, signature_path
