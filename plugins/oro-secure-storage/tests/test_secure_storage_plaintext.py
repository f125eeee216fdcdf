"""A kept secret is in no file in plaintext: not under the keyring's home (where
gnome-keyring-daemon writes the encrypted login keyring), its runtime directory, nor the app's
directory or data, cache and temp directories; yet it is on disk, since a restarted keyring
still has it."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
from _keyring import Keyring
from oro_secure_storage import plugin

from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


def forms(secret: bytes) -> list[bytes]:
    """The ways a secret could be written out: raw, as text in other encodings, base64, hex."""
    text = secret.decode("ascii")
    return [
        secret,
        text.encode("utf-16-le"),
        text.encode("utf-32-le"),
        base64.b64encode(secret),
        secret.hex().encode(),
    ]


def files_holding(directories: list[Path], needles: list[bytes]) -> list[str]:
    found = []
    for directory in directories:
        for path in directory.rglob("*"):
            if path.is_file() and not path.is_socket():
                data = path.read_bytes()
                found += [f"{path}: {needle!r}" for needle in needles if needle in data]
    return found


def login_keyring(keyring: Keyring) -> Path:
    return keyring.home / ".local" / "share" / "keyrings" / "login.keyring"


async def test_a_kept_secret_is_in_no_file_in_plaintext(keyring: Keyring, tmp_path: Path) -> None:
    text_secret = f"sk-{secrets.token_hex(24)}".encode()
    byte_secret = secrets.token_bytes(48)
    app_dir, data_dir = tmp_path / "app", tmp_path / "data"
    app_dir.mkdir()
    (app_dir / "index.html").write_text("<!doctype html><title>app</title>\n")
    before = login_keyring(keyring).read_bytes()
    async with make_host(
        [plugin], environ=keyring.environ, app_dir=app_dir, data_dir=data_dir
    ) as host:
        client = MemoryClient(host)
        raise_for_error(
            await client.call("secureStorage.set", key="api", value=text_secret.decode())
        )
        raise_for_error(
            await client.call(
                "secureStorage.set",
                key="raw",
                value=base64.b64encode(byte_secret).decode(),
                encoding="base64",
            )
        )
        cache_dir = host.paths.cache
        temp_dir = host.paths.temp
        directories = [keyring.home, Path(keyring.environ["XDG_RUNTIME_DIR"]), app_dir]
        directories += [data_dir, cache_dir, temp_dir]
        # The keyring wrote its file: the secrets are on disk, encrypted.
        assert login_keyring(keyring).read_bytes() != before
        needles = [*forms(text_secret), byte_secret, base64.b64encode(byte_secret)]
        assert files_holding(directories, needles) == []

    keyring.stop()
    keyring.start()
    async with make_host([plugin], environ=keyring.environ) as host:
        got = raise_for_error(await MemoryClient(host).call("secureStorage.get", key="api"))
    assert got["value"] == text_secret.decode()
