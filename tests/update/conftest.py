"""An update server on 127.0.0.1 and a fake built app: a
folder whose launcher is a shell script printing its version, as the built app's folder has
its launcher at ``<name>/<name>``."""

from __future__ import annotations

import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from oro_framework.update.keys import generate_key_pair, write_signed_manifest
from tests._static_server import serve_directory

NAME = "fakeapp"
BUNDLE = "dev.oro.test-update"


def make_folder(parent: Path, version: str, padding: int = 0) -> Path:
    """``parent/fakeapp/fakeapp``, a launcher printing ``version``; ``padding`` bytes of data
    beside it make the archive slow enough to be interrupted."""
    folder = parent / NAME
    (folder / "_internal").mkdir(parents=True)
    launcher = folder / NAME
    launcher.write_text(f"#!/bin/sh\necho {version}\n")
    launcher.chmod(0o755)
    (folder / "_internal" / "data.bin").write_bytes(os.urandom(padding))  # incompressible
    return folder


def make_archive(folder: Path, target: Path) -> Path:
    with tarfile.open(target, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return target


@dataclass
class UpdateServer:
    root: Path
    url: str
    public_key: str
    private_key: Path

    def publish(self, version: str, padding: int = 0) -> Path:
        """Build the archive of ``version`` and write its signed manifest; return the archive."""
        work = self.root / f"src-{version}"
        archive = make_archive(make_folder(work, version, padding), self.root / f"{version}.tar.gz")
        write_signed_manifest(
            archive,
            private_key=self.private_key,
            url=f"{self.url}/{archive.name}",
            name=NAME,
            bundle_identifier=BUNDLE,
            version=version,
        )
        return archive


@pytest.fixture
def update_server(tmp_path: Path) -> Iterator[UpdateServer]:
    root = tmp_path / "served"
    root.mkdir()
    key = tmp_path / "update-key.pem"
    public = generate_key_pair(key)
    with serve_directory(root) as url:
        yield UpdateServer(root, url, public, key)
