"""``oro update keygen`` and ``oro update sign``, run as the real ``oro`` command: the key is
private to its owner, and what ``sign`` writes verifies with the key ``keygen`` printed."""

from __future__ import annotations

import hashlib
import re
import stat
import tarfile
from pathlib import Path

import pytest

from oro_framework.update.manifest import UpdateManifest, verify
from tests._oro_process import run_oro
from tests._update_server import NAME, make_archive, make_folder

APP_TOML = """[meta]
name = "Fake App"
version = "2.1.0"
bundle_identifier = "dev.oro.test-sign"
"""


def _keygen(tmp_path: Path) -> tuple[Path, str]:
    key = tmp_path / "update.pem"
    result = run_oro("update", "keygen", str(key), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    found = re.search(r'update_public_key = "([A-Za-z0-9+/=]+)"', result.stdout)
    assert found is not None, result.stdout
    return key, found[1]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "oro.toml").write_text(APP_TOML)
    (folder / "index.html").write_text("<!doctype html><title>fake</title>")
    return folder


def test_keygen_writes_a_key_only_its_owner_can_read(tmp_path: Path) -> None:
    key, _ = _keygen(tmp_path)

    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_keygen_does_not_overwrite_a_key(tmp_path: Path) -> None:
    key, _ = _keygen(tmp_path)
    before = key.read_bytes()

    result = run_oro("update", "keygen", str(key), cwd=tmp_path)

    assert result.returncode == 1
    assert "refusing to overwrite" in result.stderr
    assert key.read_bytes() == before


def test_sign_writes_a_manifest_that_verifies_with_the_printed_key(
    tmp_path: Path, app: Path
) -> None:
    key, public = _keygen(tmp_path)
    archive = make_archive(make_folder(tmp_path / "built", "2.1.0"), tmp_path / "fake.tar.gz")
    url = "https://updates.example/fake.tar.gz"
    out = tmp_path / "publish"

    result = run_oro(
        "update", "sign", str(archive), "--key", str(key), "--url", url, "--app", str(app),
        "--out", str(out), cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    manifest = verify(
        (out / "update.json").read_bytes(), (out / "update.json.sig").read_bytes(), public
    )
    assert manifest == UpdateManifest(
        name=NAME,
        bundle_identifier="dev.oro.test-sign",
        version="2.1.0",
        channel="stable",
        url=url,
        sha256=hashlib.sha256(archive.read_bytes()).hexdigest(),
        length=archive.stat().st_size,
    )


def test_sign_takes_the_version_and_channel_given(tmp_path: Path, app: Path) -> None:
    key, public = _keygen(tmp_path)
    archive = make_archive(make_folder(tmp_path / "built", "3.0.0-rc.1"), tmp_path / "f.tar.gz")

    result = run_oro(
        "update", "sign", str(archive), "--key", str(key), "--url", "https://u.example/f.tar.gz",
        "--app", str(app), "--version", "3.0.0-rc.1", "--channel", "beta", cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    manifest = verify(
        (tmp_path / "update.json").read_bytes(),
        (tmp_path / "update.json.sig").read_bytes(),
        public,
    )
    assert (manifest.version, manifest.channel) == ("3.0.0-rc.1", "beta")


def test_sign_refuses_an_archive_that_is_not_one_app_folder(tmp_path: Path, app: Path) -> None:
    key, _ = _keygen(tmp_path)
    first = make_folder(tmp_path / "a", "1.0.0", name="one")
    second = make_folder(tmp_path / "b", "1.0.0", name="two")
    archive = tmp_path / "two.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(first, arcname="one")
        tar.add(second, arcname="two")

    result = run_oro(
        "update", "sign", str(archive), "--key", str(key), "--url", "https://u.example/x",
        "--app", str(app), cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 1
    assert "must hold one folder" in result.stderr
    assert not (tmp_path / "update.json").exists()


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("ftp://updates.example/x.tar.gz", "'url' must be an http(s) URL"),
        ("http://updates.example/x.tar.gz", "Updates come over https"),
    ],
    ids=["not-http", "plain-http-elsewhere"],
)
def test_sign_refuses_a_url_the_app_would_not_download_from(
    tmp_path: Path, app: Path, url: str, said: str
) -> None:
    key, _ = _keygen(tmp_path)
    archive = make_archive(make_folder(tmp_path / "built", "2.1.0"), tmp_path / "fake.tar.gz")

    result = run_oro(
        "update", "sign", str(archive), "--key", str(key), "--url", url, "--app", str(app),
        cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 1
    assert said in result.stderr
    assert not (tmp_path / "update.json").exists()


def test_build_refuses_an_insecure_update_url_before_building(tmp_path: Path, app: Path) -> None:
    key, _ = _keygen(tmp_path)
    out = tmp_path / "out"

    result = run_oro(
        "build", str(app), "--sign", str(key), "--update-url", "http://updates.example/app/",
        "--out", str(out), cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 2
    assert "Updates come over https" in result.stderr
    assert not out.exists()
