"""An update server on 127.0.0.1 (Python's http.server in a thread) and a fake built app: a
folder whose launcher is a shell script printing its version, as the built app's folder has
its launcher at ``<name>/<name>``."""

from __future__ import annotations

import functools
import http.server
import os
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from oro_framework.update.keys import generate_key_pair, write_signed_manifest

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


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def update_server(tmp_path: Path) -> Iterator[UpdateServer]:
    root = tmp_path / "served"
    root.mkdir()
    key = tmp_path / "update-key.pem"
    public = generate_key_pair(key)
    handler = functools.partial(_Quiet, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield UpdateServer(root, f"http://127.0.0.1:{server.server_port}", public, key)
        finally:
            server.shutdown()
            thread.join()
