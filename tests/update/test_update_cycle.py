"""The whole update cycle through the host's routes against an update server on 127.0.0.1:
check, download with progress, install with the old version kept; and every way it can go wrong
ends in a typed error with the installed app untouched."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from conftest import BUNDLE, NAME, UpdateServer, make_folder

import oro_framework.core.update
from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


def _runs(folder: Path) -> str:
    return subprocess.run(
        [str(folder / NAME)], capture_output=True, text=True, check=True
    ).stdout.strip()


@asynccontextmanager
async def _app(server: UpdateServer, installed: Path, **config: object) -> AsyncIterator[Host]:
    settings = {
        "meta.version": "1.0.0",
        "meta.bundle_identifier": BUNDLE,
        "build.update_public_key": server.public_key,
        "update.manifest_url": f"{server.url}/update.json",
        "update.install_dir": str(installed),
        **config,
    }
    async with make_host([oro_framework.core.update], config=settings) as host:
        yield host


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    return make_folder(tmp_path / "opt", "1.0.0")


async def test_check_download_install_replaces_the_app_and_keeps_the_old_one(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0", padding=3_000_000)
    async with _app(update_server, installed) as host:
        client = MemoryClient(host)
        async with host.events.subscribe() as events:
            checked = (await client.call("application.update.check")).data
            downloaded = (await client.call("application.update.download")).data
            progress = []
            while True:
                event = events.receive_nowait()
                if event.name == "updateprogress":
                    progress.append(event.data)
                if progress and progress[-1]["downloaded"] == progress[-1]["total"]:
                    break
        installed_reply = (await client.call("application.update.install")).data
    assert checked["available"] is True
    assert checked["manifest"]["version"] == "1.1.0"
    assert downloaded["version"] == "1.1.0"
    assert progress[-1] == {"downloaded": downloaded["size"], "total": downloaded["size"]}
    assert installed_reply["installed"] == "1.1.0"
    assert _runs(installed) == "1.1.0"
    assert _runs(Path(installed_reply["previous"])) == "1.0.0"
    assert sorted(path.name for path in installed.parent.iterdir()) == [NAME, f"{NAME}.previous"]


async def test_a_version_that_is_not_newer_is_not_offered(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.0.0")
    async with _app(update_server, installed) as host:
        client = MemoryClient(host)
        assert (await client.call("application.update.check")).data["available"] is False
        reply = await client.call("application.update.download")
    assert reply.error is not None
    assert reply.error.code == "UPDATE_NONE"


async def _error_code(host: Host, route: str) -> str:
    reply = await MemoryClient(host).call(route)
    assert reply.error is not None, reply.data
    return str(reply.error.code)


async def test_a_tampered_manifest_is_refused(update_server: UpdateServer, installed: Path) -> None:
    update_server.publish("1.1.0")
    manifest = update_server.root / "update.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"1.1.0"', b'"9.9.9"'))
    async with _app(update_server, installed) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_SIGNATURE_INVALID"
    assert _runs(installed) == "1.0.0"


async def test_a_manifest_signed_with_another_key_is_refused(
    update_server: UpdateServer, installed: Path, tmp_path: Path
) -> None:
    from oro_framework.update.keys import generate_key_pair

    update_server.publish("1.1.0")
    other = generate_key_pair(tmp_path / "other.pem")
    async with _app(update_server, installed, **{"build.update_public_key": other}) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_KEY_MISMATCH"


async def test_without_a_public_key_updates_are_disabled(
    update_server: UpdateServer, installed: Path
) -> None:
    async with _app(update_server, installed, **{"build.update_public_key": ""}) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_DISABLED"


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (lambda data: data[: len(data) // 2], "UPDATE_LENGTH_MISMATCH"),  # truncated
        (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "UPDATE_HASH_MISMATCH"),
        (lambda data: data + b"more", "UPDATE_LENGTH_MISMATCH"),
    ],
    ids=["truncated", "changed", "longer"],
)
async def test_an_archive_that_is_not_the_signed_one_is_refused_and_not_kept(
    update_server: UpdateServer, installed: Path, damage: object, code: str
) -> None:
    archive = update_server.publish("1.1.0", padding=100_000)
    archive.write_bytes(damage(archive.read_bytes()))  # type: ignore[operator]
    async with _app(update_server, installed) as host:
        client = MemoryClient(host)
        assert (await client.call("application.update.check")).data["available"]
        assert await _error_code(host, "application.update.download") == code
        assert await _error_code(host, "application.update.install") == "UPDATE_NOT_DOWNLOADED"
        leftovers = list((host.paths.cache / "updates").iterdir())
    assert leftovers == []
    assert _runs(installed) == "1.0.0"


async def test_an_archive_over_the_size_cap_is_not_downloaded(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0", padding=100_000)
    async with _app(update_server, installed, **{"update.max_artifact_bytes": 1000}) as host:
        assert (await MemoryClient(host).call("application.update.check")).data["available"]
        assert await _error_code(host, "application.update.download") == "UPDATE_TOO_LARGE"


async def test_an_unreachable_server_is_a_service_error(installed: Path, tmp_path: Path) -> None:
    config = {
        "meta.bundle_identifier": BUNDLE,
        "build.update_public_key": "h1BI/QA990HZsYJ67vmWINxgpNVDheHGC/HwohnZRXk=",
        "update.manifest_url": "http://127.0.0.1:9/update.json",
    }
    async with make_host([oro_framework.core.update], config=config) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_UNREACHABLE"


async def test_plain_http_to_another_machine_is_refused(installed: Path) -> None:
    config = {
        "build.update_public_key": "h1BI/QA990HZsYJ67vmWINxgpNVDheHGC/HwohnZRXk=",
        "update.manifest_url": "http://updates.example/update.json",
    }
    async with make_host([oro_framework.core.update], config=config) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_INSECURE_URL"


INSTALL_SCRIPT = """
import sys
from pathlib import Path
from oro_framework.update.install import install_archive
print("installing", flush=True)
install_archive(Path(sys.argv[1]), Path(sys.argv[2]))
print("installed", flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.6])
def test_an_install_killed_at_any_moment_leaves_an_app_that_starts(
    update_server: UpdateServer, installed: Path, delay: float
) -> None:
    archive = update_server.publish("1.1.0", padding=40_000_000)
    with subprocess.Popen(
        [sys.executable, "-c", INSTALL_SCRIPT, str(archive), str(installed)],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == "installing\n"
        time.sleep(delay)  # where the kill lands: unpacking, syncing, swapping or done
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert _runs(installed) in ("1.0.0", "1.1.0")
    # The next install cleans what the killed one left and completes.
    from oro_framework.update.install import install_archive

    install_archive(archive, installed)
    assert _runs(installed) == "1.1.0"
    assert not (installed.parent / f".{NAME}.new").exists()


def test_an_archive_with_a_member_outside_its_folder_is_refused(
    installed: Path, tmp_path: Path
) -> None:
    import io
    import tarfile

    from oro_framework.errors import SecurityError
    from oro_framework.update.install import install_archive

    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in (f"{NAME}/{NAME}", f"{NAME}/../../escaped"):
            info = tarfile.TarInfo(name)
            info.size = 3
            tar.addfile(info, io.BytesIO(b"bad"))
    with pytest.raises(SecurityError) as caught:
        install_archive(archive, installed)
    assert caught.value.code == "UPDATE_ARCHIVE_UNSAFE"
    assert not (tmp_path / "escaped").exists()
    assert _runs(installed) == "1.0.0"
