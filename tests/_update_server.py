"""An update server on 127.0.0.1 for the update tests (tests/update, tests/shipping): a folder
served over HTTP by Python's http.server in a thread, where :meth:`UpdateServer.publish` puts a
signed release of a fake built app, and whose answers a test can make misbehave the way real
servers and networks do (a connection cut after part of the body, a redirect).

The fake app is a folder whose launcher ``<name>/<name>`` is a shell script printing its version,
as a built app's folder has its launcher at ``<name>/<name>``."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from oro_framework.update.keys import generate_key_pair, write_signed_manifest

__all__ = ["BUNDLE", "NAME", "UpdateServer", "make_archive", "make_folder", "serve_updates"]

NAME = "fakeapp"
BUNDLE = "dev.oro.test-update"


def make_folder(parent: Path, version: str, padding: int = 0, name: str = NAME) -> Path:
    """``parent/<name>/<name>``, a launcher printing ``version``, and ``padding`` bytes of
    incompressible data in ``_internal/`` (a large archive to interrupt)."""
    folder = parent / name
    (folder / "_internal").mkdir(parents=True)
    launcher = folder / name
    launcher.write_text(f"#!/bin/sh\necho {version}\n")
    launcher.chmod(0o755)
    (folder / "_internal" / "data.bin").write_bytes(os.urandom(padding))
    return folder


def make_archive(folder: Path, target: Path) -> Path:
    """``folder`` as a ``.tar.gz`` whose top folder is ``folder``'s name (what ``oro build``'s
    tar target makes)."""
    with tarfile.open(target, "w:gz", compresslevel=1) as tar:
        tar.add(folder, arcname=folder.name)
    return target


@dataclass
class Misbehaviour:
    """How the server answers some paths instead of serving the file."""

    cut_after: dict[str, int] = field(default_factory=dict)
    """Path -> bytes sent before the connection is closed, while Content-Length says all."""
    redirects: dict[str, str] = field(default_factory=dict)
    """Path -> URL answered with a 302 to it."""
    stall_after: dict[str, int] = field(default_factory=dict)
    """Path -> bytes sent before the server goes silent until it shuts down."""
    released: threading.Event = field(default_factory=threading.Event)


class _Handler(http.server.SimpleHTTPRequestHandler):
    misbehaviour: Misbehaviour

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path in self.misbehaviour.redirects:
            self.send_response(302)
            self.send_header("Location", self.misbehaviour.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        stall = self.misbehaviour.stall_after.get(self.path)
        cut = self.misbehaviour.cut_after.get(self.path, stall)
        if cut is None:
            super().do_GET()
            return
        path = Path(self.translate_path(self.path))
        self.send_response(200)
        self.send_header("Content-Length", str(path.stat().st_size))
        self.end_headers()
        with path.open("rb") as file:
            self.wfile.write(file.read(cut))
        self.wfile.flush()
        if stall is not None:
            self.misbehaviour.released.wait()
        self.close_connection = True


@dataclass
class UpdateServer:
    """A served folder ``root`` at ``url``, and the key pair releases are signed with."""

    root: Path
    url: str
    public_key: str
    private_key: Path
    misbehaviour: Misbehaviour

    def publish(
        self, version: str, padding: int = 0, name: str = NAME, bundle_identifier: str = BUNDLE
    ) -> Path:
        """Serve the fake app at ``version`` as ``<version>.tar.gz`` with its signed
        ``update.json``; return the archive."""
        work = self.root.parent / f"release-{version}"
        shutil.rmtree(work, ignore_errors=True)
        folder = make_folder(work, version, padding, name)
        archive = make_archive(folder, self.root / f"{version}.tar.gz")
        self.sign(archive, version, name=name, bundle_identifier=bundle_identifier)
        return archive

    def sign(
        self, archive: Path, version: str, *, name: str = NAME, bundle_identifier: str = BUNDLE
    ) -> None:
        """Write ``update.json`` and ``update.json.sig`` for ``archive`` (served from ``root``)."""
        write_signed_manifest(
            archive,
            private_key=self.private_key,
            url=f"{self.url}/{archive.name}",
            name=name,
            bundle_identifier=bundle_identifier,
            version=version,
            out_dir=self.root,
        )


@contextmanager
def serve_updates(work: Path) -> Iterator[UpdateServer]:
    """An update server of ``work/served`` with a new key pair (``work/update-key.pem``)."""
    root = work / "served"
    root.mkdir(parents=True)
    key = work / "update-key.pem"
    public = generate_key_pair(key)
    misbehaviour = Misbehaviour()
    handler = type("Handler", (_Handler,), {"misbehaviour": misbehaviour})
    factory = functools.partial(handler, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield UpdateServer(
                root, f"http://127.0.0.1:{server.server_port}", public, key, misbehaviour
            )
        finally:
            misbehaviour.released.set()
            server.shutdown()
            thread.join()
