"""Signed updates that install: a manifest signed with ed25519 names the new version's
``.tar.gz`` (its URL, SHA-256 and length); a built app checks it with the public key it was built
with, downloads and verifies the archive, and swaps its folder for the new one, keeping the old
one to roll back to. docs/build.md, "Updates", describes the whole cycle."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from oro_framework.host.stash import StashKey

__all__ = ["PACKAGED_ENVIRON", "RESTART_INTO"]

PACKAGED_ENVIRON: Final = "ORO_PACKAGE_FORMAT"
"""Set by a system package's launcher (``deb``, ``rpm``): the updater leaves such an app to the
package manager, whose files it never overwrites."""

RESTART_INTO: Final = StashKey[Path]("update-restart-into")
"""Set by ``application.update.install`` in a built app: ``oro run`` re-executes this launcher
once the host stopped."""
