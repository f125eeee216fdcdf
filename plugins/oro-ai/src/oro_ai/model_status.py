"""Where each model stands as pages see it: :class:`ModelStatus`, the host event announcing
each transition, and sizes said as people read them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Literal

from oro_framework.records import record

__all__ = [
    "MODEL_STATE_EVENT",
    "ModelState",
    "ModelStatus",
    "StatusListener",
    "file_size",
    "human_size",
]

ModelState = Literal["unloaded", "loading", "ready", "error"]


def human_size(size: int | None) -> str:
    """``size`` bytes as people read it on a file manager (decimal units): ``"105.5 MB"``."""
    if size is None:
        return "size unknown"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


@record(frozen=False)
class ModelStatus:
    """Where one model stands, as pages see it (``ai.llm.model.status`` and the
    :data:`MODEL_STATE_EVENT` event)."""

    model: str
    path: Path
    state: ModelState = "unloaded"
    size: int | None = None
    """The ``.gguf``'s size in bytes."""
    load_seconds: float | None = None
    """How long the last load took (also set when it failed)."""
    error: str | None = None
    """Why the last load failed (state ``error``)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            # Never a host path: pages see the file's name (ModelFile.shown_path).
            "path": self.path.name,
            "state": self.state,
            "size": self.size,
            "loadSeconds": self.load_seconds,
            "error": self.error,
        }


MODEL_STATE_EVENT: Final = "aimodelstatechange"
"""The host event sent to every page on each model state transition; its data is
:meth:`ModelStatus.to_json`."""

StatusListener = Callable[[ModelStatus], None]


def file_size(path: Path) -> int | None:
    """``path``'s size in bytes, ``None`` when it cannot be read."""
    try:
        return path.stat().st_size
    except OSError:
        return None
