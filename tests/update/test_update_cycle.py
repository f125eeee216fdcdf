"""The whole update cycle through the host's routes against an update server on 127.0.0.1:
check, download with progress, install with the old version kept; and every way it can go wrong
ends in a typed error with the installed app untouched."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest

import oro_framework.core.update
from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host
from tests._update_server import BUNDLE, NAME, UpdateServer

pytestmark = pytest.mark.anyio


def _runs(folder: Path) -> str:
    return subprocess.run(
        [str(folder / NAME)], capture_output=True, text=True, check=True
    ).stdout.strip()


@asynccontextmanager
async def _app(
    server: UpdateServer, installed: Path, environ: dict[str, str] | None = None, **config: object
) -> AsyncIterator[Host]:
    settings = {
        "meta.version": "1.0.0",
        "meta.bundle_identifier": BUNDLE,
        "build.update_public_key": server.public_key,
        "update.manifest_url": f"{server.url}/update.json",
        "update.install_dir": str(installed),
        **config,
    }
    async with make_host([oro_framework.core.update], config=settings, environ=environ) as host:
        yield host


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
        leftovers = list((host.paths.state / "updates").iterdir())
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


async def test_a_connection_cut_before_the_end_is_a_truncated_download(
    update_server: UpdateServer, installed: Path
) -> None:
    archive = update_server.publish("1.1.0", padding=200_000)
    # Content-Length announces the whole archive; the server closes after half of it.
    update_server.misbehaviour.cut_after[f"/{archive.name}"] = archive.stat().st_size // 2
    async with _app(update_server, installed) as host:
        assert (await MemoryClient(host).call("application.update.check")).data["available"]
        assert await _error_code(host, "application.update.download") == "UPDATE_LENGTH_MISMATCH"
        leftovers = list((host.paths.state / "updates").iterdir())
    assert leftovers == []


async def test_a_redirect_to_plain_http_on_another_machine_is_refused(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    update_server.misbehaviour.redirects["/update.json"] = "http://updates.example/update.json"
    async with _app(update_server, installed) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_INSECURE_URL"


async def test_a_redirect_on_this_machine_is_followed(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    update_server.misbehaviour.redirects["/latest.json"] = f"{update_server.url}/update.json"
    manifest_url = f"{update_server.url}/latest.json"
    signature_url = f"{update_server.url}/update.json.sig"
    async with _app(update_server, installed, **{"update.manifest_url": manifest_url}) as host:
        reply = await MemoryClient(host).call(
            "application.update.check", signatureUrl=signature_url
        )
    assert reply.error is None, reply.error
    assert reply.data["manifest"]["version"] == "1.1.0"


async def test_a_manifest_over_its_size_cap_is_refused(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    async with _app(update_server, installed, **{"update.max_manifest_bytes": 100}) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_TOO_LARGE"


async def test_a_manifest_for_another_app_is_refused(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0", bundle_identifier="dev.oro.someone-else")
    async with _app(update_server, installed) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_WRONG_APP"


async def test_a_release_on_another_channel_is_not_offered(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    async with _app(update_server, installed, **{"update.channel": "beta"}) as host:
        reply = await MemoryClient(host).call("application.update.check")
    assert reply.data["available"] is False


async def test_a_page_cannot_bring_its_own_key(
    update_server: UpdateServer, installed: Path, tmp_path: Path
) -> None:
    from oro_framework.update.keys import generate_key_pair

    update_server.publish("1.1.0")
    own = generate_key_pair(tmp_path / "page.pem")
    async with _app(update_server, installed) as host:
        reply = await MemoryClient(host).call("application.update.check", publicKey=own)
    assert reply.error is not None
    assert reply.error.code == "UPDATE_KEY_REFUSED"


async def test_an_archive_changed_in_the_cache_after_its_download_is_not_installed(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    async with _app(update_server, installed) as host:
        client = MemoryClient(host)
        assert (await client.call("application.update.check")).data["available"]
        assert (await client.call("application.update.download")).error is None
        (cached,) = (host.paths.state / "updates").iterdir()
        data = bytearray(cached.read_bytes())
        data[-1] ^= 1
        cached.write_bytes(bytes(data))
        assert await _error_code(host, "application.update.install") == "UPDATE_HASH_MISMATCH"
        assert list((host.paths.state / "updates").iterdir()) == []
    assert _runs(installed) == "1.0.0"
    assert sorted(path.name for path in installed.parent.iterdir()) == [NAME]


async def test_the_download_cache_is_private_to_the_user(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    async with _app(update_server, installed) as host:
        client = MemoryClient(host)
        assert (await client.call("application.update.check")).data["available"]
        assert (await client.call("application.update.download")).error is None
        mode = (host.paths.state / "updates").stat().st_mode & 0o777
    assert mode == 0o700


async def test_outside_a_built_app_install_needs_an_install_dir(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    async with _app(update_server, installed, **{"update.install_dir": ""}) as host:
        client = MemoryClient(host)
        assert (await client.call("application.update.check")).data["available"]
        assert (await client.call("application.update.download")).error is None
        assert await _error_code(host, "application.update.install") == "UPDATE_NOT_INSTALLABLE"
    assert _runs(installed) == "1.0.0"


@pytest.mark.parametrize("package_format", ["deb", "rpm"])
async def test_a_system_package_is_left_to_its_package_manager(
    update_server: UpdateServer, installed: Path, package_format: str
) -> None:
    # What /usr/bin/<app> of `oro build --webview system` sets: files dpkg or rpm own are never
    # overwritten, even with an install_dir that would allow it.
    update_server.publish("1.1.0")
    environ = {"ORO_PACKAGE_FORMAT": package_format}
    async with _app(update_server, installed, environ) as host:
        client = MemoryClient(host)
        assert (await client.call("application.update.check")).data["available"]
        assert (await client.call("application.update.download")).error is None
        error = (await client.call("application.update.install")).error
        assert error is not None
        assert error.code == "UPDATE_BY_PACKAGE_MANAGER", error
        assert "package manager" in str(error)
    assert _runs(installed) == "1.0.0"


async def test_a_check_removes_what_an_interrupted_install_left(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    leftover = installed.with_name(f".{NAME}.new")
    (leftover / NAME / "_internal").mkdir(parents=True)  # unpacking was under way
    async with _app(update_server, installed) as host:
        assert (await MemoryClient(host).call("application.update.check")).data["available"]
    assert not leftover.exists()
    assert _runs(installed) == "1.0.0"


async def test_oros_download_parameters_must_be_the_signed_ones(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    async with _app(update_server, installed) as host:
        client = MemoryClient(host)
        manifest = (await client.call("application.update.check")).data["manifest"]
        other = await client.call(
            "application.update.download",
            artifactUrl=f"{update_server.url}/elsewhere.tar.gz",
            hash=manifest["sha256"],
        )
        same = await client.call(
            "application.update.download",
            artifactUrl=manifest["url"],
            hash=manifest["sha256"],
            hashAlgorithm="sha256",
            length=manifest["length"],
        )
    assert other.error is not None
    assert other.error.code == "UPDATE_NOT_SIGNED"
    assert same.error is None, same.error
    assert same.data["version"] == "1.1.0"


async def test_a_cancelled_download_leaves_no_file(
    update_server: UpdateServer, installed: Path
) -> None:
    archive = update_server.publish("1.1.0", padding=500_000)
    update_server.misbehaviour.stall_after[f"/{archive.name}"] = 100_000
    async with _app(update_server, installed) as host:
        client = MemoryClient(host)
        assert (await client.call("application.update.check")).data["available"]
        async with host.events.subscribe() as events, anyio.create_task_group() as group:
            group.start_soon(client.call, "application.update.download")
            async for event in events:
                if event.name == "updateprogress" and event.data["downloaded"] > 0:
                    break  # under way, and the server now holds the rest back
            group.cancel_scope.cancel()
        leftovers = list((host.paths.state / "updates").iterdir())
        install = await _error_code(host, "application.update.install")
    assert leftovers == []
    assert install == "UPDATE_NOT_DOWNLOADED"


async def test_a_manifest_for_another_app_folder_is_refused(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0", name="otherapp")
    async with _app(update_server, installed) as host:
        assert await _error_code(host, "application.update.check") == "UPDATE_WRONG_APP"


async def test_a_download_replaces_what_an_earlier_run_left_in_the_cache(
    update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    async with _app(update_server, installed) as host:
        stale = host.paths.state / "updates" / "1.0.5.tar.gz"
        stale.parent.mkdir(parents=True)
        stale.write_bytes(b"left by a run that stopped before installing")
        client = MemoryClient(host)
        assert (await client.call("application.update.check")).data["available"]
        assert (await client.call("application.update.download")).error is None
        cached = sorted(path.name for path in stale.parent.iterdir())
    assert cached == ["1.1.0.tar.gz"]
