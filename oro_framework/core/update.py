"""The ``application.update.*`` routes: a built app checks, downloads and installs a signed
update of itself (docs/build.md, "Updates").

``check`` fetches the manifest and its signature and verifies them with ``build.update_public_key``
(the key the app was built with; a page cannot bring its own); ``download`` streams the archive
the verified manifest names, with ``updateprogress`` events ``{downloaded, total}``, into the
app's cache; ``install`` swaps the app's folder for the new one and restarts the app.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final

import anyio.to_thread

from oro_framework import (
    MetaSettings,
    NotFoundError,
    NotSupportedError,
    Plugin,
    RouteGroup,
    SecurityError,
    StashKey,
    hookimpl,
    setting,
    validators,
)
from oro_framework.records import record
from oro_framework.update import PACKAGED_ENVIRON, RESTART_INTO

if TYPE_CHECKING:
    from oro_framework import (
        Host,
        Request,
    )
    from oro_framework.update.manifest import UpdateManifest

PERMISSION: Final = "update"
PROGRESS_EVENT: Final = "updateprogress"
"""The page event of a download's progress, ``{downloaded, total}`` bytes."""
DOWNLOAD_TIMEOUT: Final = 3600.0
"""Seconds a download may take in all (the default route deadline, 32 s, is far too short for an
app of 200 MB; a server silent for 30 s fails it sooner)."""
INSTALL_TIMEOUT: Final = 600.0
"""Seconds an install may take: unpacking and syncing a large app on a slow disk."""


@final
@record
class UpdateSettings:
    """``[update]``: where and how far a built app looks for its updates."""

    manifest_url: str = setting("", "Where application.update.check looks by default.")
    channel: str = setting("stable", "The manifest channel this app follows.")
    max_manifest_bytes: int = setting(
        64 * 1024, "Largest update manifest fetched.", validator=validators.positive
    )
    max_artifact_bytes: int = setting(
        2 * 1024**3, "Largest update archive downloaded.", validator=validators.positive
    )
    install_dir: str = setting(
        "",
        "The app folder an update replaces; empty: the running built app's own (meant for tests "
        "and tools).",
    )


@final
@record
class UpdateKeySettings:
    """``[build] update_public_key``: the key the app was built with, which its updates must be
    signed with (a page cannot bring its own)."""

    update_public_key: str = setting(
        "",
        "The ed25519 public key (base64, from `oro update keygen`) update manifests must be "
        "signed with; empty disables updates.",
    )


class UpdateState:
    """What the app's last check verified and its last download fetched."""

    def __init__(self) -> None:
        self.manifest: UpdateManifest | None = None
        self.archive: Path | None = None


UPDATE_STATE: Final = StashKey[UpdateState]("update-state")


def _state(request: Request) -> UpdateState:
    return request.host.stash[UPDATE_STATE]


def _public_key(request: Request) -> str:
    key = request.host.settings(UpdateKeySettings).update_public_key.strip()
    if not key:
        raise NotSupportedError(
            "Updates are disabled: the app was built without [build] update_public_key",
            code="UPDATE_DISABLED",
        )
    offered = request.params.get_str("publicKey")
    if offered is not None and offered.strip() != key:
        raise SecurityError(
            "Updates are verified with the app's own key only; 'publicKey' differs from it",
            code="UPDATE_KEY_REFUSED",
        )
    return key


def _installed_folder(host: Host) -> Path:
    """The app folder an update replaces.

    :raises NotSupportedError: (``UPDATE_NOT_INSTALLABLE``) the app runs from source and
        ``update.install_dir`` is empty; (``UPDATE_BY_PACKAGE_MANAGER``) it was installed as a
        .deb or .rpm (oro build --webview system).
    """
    package_format = host.environ.get(PACKAGED_ENVIRON, "")
    if package_format in ("deb", "rpm"):
        # Files dpkg or rpm own are theirs to replace: never overwritten here.
        tool = "apt (apt upgrade, or apt install ./<new>.deb)" if package_format == "deb" else "dnf"
        raise NotSupportedError(
            f"This app was installed as a {package_format} package: its package manager "
            f"updates it ({tool})",
            code="UPDATE_BY_PACKAGE_MANAGER",
        )
    configured = host.settings(UpdateSettings).install_dir
    if configured:
        return Path(configured)
    if getattr(sys, "frozen", False):
        return Path(sys.executable).parent
    raise NotSupportedError(
        "Updates install into a built app (oro build); this app runs from source",
        code="UPDATE_NOT_INSTALLABLE",
    )


async def _import_in_thread() -> None:
    """Import the update modules (cryptography and httpx: ~100 ms) in a worker thread: not at
    start-up, which every app would pay for, and not on the event loop, which serves pages."""
    for module in ("oro_framework.update.manifest", "oro_framework.update.download"):
        await anyio.to_thread.run_sync(importlib.import_module, module)


async def check(request: Request) -> dict[str, Any]:
    """Fetch and verify `manifestUrl` (default `update.manifest_url`) and its signature
    `signatureUrl` (default: the manifest's URL + `.sig`); tell whether it is newer."""
    key = _public_key(request)
    settings = request.host.settings(UpdateSettings)
    manifest_url = request.params.get_str("manifestUrl") or settings.manifest_url
    if not manifest_url:
        raise NotFoundError(
            "No update manifest URL: pass 'manifestUrl' or set update.manifest_url",
            code="UPDATE_NO_MANIFEST",
        )
    await _import_in_thread()
    from oro_framework.update.download import fetch_bytes
    from oro_framework.update.manifest import is_newer, verify

    await _recover_interrupted_install(request.host)
    signature_url = request.params.get_str("signatureUrl") or manifest_url + ".sig"
    data = await fetch_bytes(manifest_url, settings.max_manifest_bytes)
    signature = await fetch_bytes(signature_url, 1024)
    manifest = verify(data, signature, key)
    meta = request.host.settings(MetaSettings)
    current = meta.version
    if manifest.bundle_identifier != meta.bundle_identifier:
        raise SecurityError(
            f"The update manifest is for {manifest.bundle_identifier!r}, not this app",
            code="UPDATE_WRONG_APP",
        )
    folder = _known_folder(request.host)
    if folder is not None and manifest.name != folder.name:
        raise SecurityError(
            f"The update manifest is for an app folder {manifest.name!r}, not {folder.name!r}",
            code="UPDATE_WRONG_APP",
        )
    channel = request.params.get_str("channel") or settings.channel
    available = manifest.channel == channel and is_newer(manifest.version, current)
    _state(request).manifest = manifest if available else None
    return {"available": available, "current": current, "manifest": manifest.to_json()}


def _known_folder(host: Host) -> Path | None:
    """The app folder an update replaces, or None when the app runs from source."""
    try:
        return _installed_folder(host)
    except NotSupportedError:
        return None


async def _recover_interrupted_install(host: Host) -> None:
    """Finish or undo an install a kill interrupted, so a check never leaves its leftovers."""
    folder = _known_folder(host)
    if folder is None:
        return  # from source: nothing is ever installed here
    from oro_framework.update.install import recover

    await anyio.to_thread.run_sync(recover, folder)


def _check_oro_parameters(request: Request, manifest: UpdateManifest) -> None:
    """Oro's ``download`` takes ``artifactUrl``, ``hash``, ``hashAlgorithm`` and ``length`` from
    the page; here the signed manifest names them, and a page that passes them (code ported from
    Oro passes what ``check`` answered) must pass the same."""
    algorithm = request.params.get_str("hashAlgorithm")
    if algorithm is not None and algorithm.lower().replace("-", "") != "sha256":
        raise NotSupportedError(
            f"Update archives are checked with SHA-256, not {algorithm!r}",
            code="UPDATE_HASH_ALGORITHM",
        )
    given = {
        "artifactUrl": (request.params.get_str("artifactUrl"), manifest.url),
        "hash": (request.params.get_str("hash"), manifest.sha256),
        "length": (request.params.get_int("length", -1), manifest.length),
    }
    for name, (value, signed) in given.items():
        if value not in (None, -1) and value != signed:
            raise SecurityError(
                f"'{name}' is not what the signed manifest names ({signed!r})",
                code="UPDATE_NOT_SIGNED",
            )


async def download(request: Request) -> dict[str, Any]:
    """Download the archive the last `check` verified, with `updateprogress` events; Oro's
    `artifactUrl`, `hash`, `hashAlgorithm` and `length`, if given, must be the signed ones."""
    state = _state(request)
    if state.manifest is None:
        raise NotFoundError(
            "No update to download: application.update.check found none", code="UPDATE_NONE"
        )
    _check_oro_parameters(request, state.manifest)
    from oro_framework.update.download import download_artifact

    manifest = state.manifest
    # The host's state folder, out of every page's reach: install trusts what it finds here.
    updates = request.host.paths.state / "updates"
    # Owner-only: the archive waits here until install, which trusts what it finds.
    updates.mkdir(mode=0o700, parents=True, exist_ok=True)
    updates.chmod(0o700)
    for stale in updates.iterdir():
        stale.unlink()  # a download a stopped app never installed
    state.archive = None
    target = updates / f"{manifest.version}.tar.gz"

    def progress(downloaded: int, total: int) -> None:
        request.host.emit(PROGRESS_EVENT, {"downloaded": downloaded, "total": total})

    limit = request.host.settings(UpdateSettings).max_artifact_bytes
    state.archive = await download_artifact(manifest, target, limit, progress)
    return {"version": manifest.version, "size": manifest.length, "sha256": manifest.sha256}


async def install(request: Request) -> dict[str, Any]:
    """Swap the app's folder for the downloaded version (the old one kept as
    `<name>.previous`) and restart the app in it."""
    state = _state(request)
    if state.archive is None or state.manifest is None:
        raise NotFoundError(
            "No update downloaded: call application.update.download first",
            code="UPDATE_NOT_DOWNLOADED",
        )
    from oro_framework.update.download import check_file
    from oro_framework.update.install import install_archive

    folder = _installed_folder(request.host)
    archive, manifest = state.archive, state.manifest
    state.archive = None  # a failed install needs a new download: its file is gone
    try:
        # Checked again: the file waited in the cache since the download.
        await anyio.to_thread.run_sync(check_file, archive, manifest)
        previous = await anyio.to_thread.run_sync(install_archive, archive, folder)
    finally:
        archive.unlink(missing_ok=True)
    restarting = bool(getattr(sys, "frozen", False))
    if restarting:
        request.host.stash[RESTART_INTO] = folder / folder.name
    request.host.stop()
    return {"installed": manifest.version, "previous": str(previous), "restarting": restarting}


ROUTES: Final = RouteGroup(
    permission=PERMISSION,
    doc="Updates: check, download and install new versions of the app.",
    handlers={
        "application.update.check": check,
        "application.update.download": download,
        "application.update.install": install,
    },
    timeouts={
        "application.update.download": DOWNLOAD_TIMEOUT,
        "application.update.install": INSTALL_TIMEOUT,
    },
)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[UPDATE_STATE] = UpdateState()


plugin = Plugin(
    permissions=".update:ROUTES",
    routes=".update:ROUTES",
    settings={"build": ".update:UpdateKeySettings", "update": ".update:UpdateSettings"},
    events=".update:PROGRESS_EVENT",
)
