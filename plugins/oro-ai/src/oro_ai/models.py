"""Where models come from: the search path and the default model, by name. Nothing is ever
downloaded; a model is a ``.gguf`` file on disk."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Final, NamedTuple

__all__ = [
    "DEFAULT_MODEL_PACKAGE",
    "ModelFile",
    "ModelRegistry",
    "default_model_file",
    "real_path_within",
]

DEFAULT_MODEL_PACKAGE: Final = "oro_ai_smollm2"
"""The package (distribution ``oro-ai-smollm2``, data only) whose directory holds the default
model's ``.gguf``."""


class ModelFile(NamedTuple):
    """A model the registry can load: ``name`` is the file name without ``.gguf``."""

    name: str
    path: Path
    source: str
    """``"search-path"``, ``"explicit"`` or ``"default"``."""

    @property
    def shown_path(self) -> str:
        """What pages see of where it lives: the file's name. Never a host path, which would
        tell a page the user's name and the app's layout on disk."""
        return self.path.name


def default_model_file() -> Path | None:
    """The default model's ``.gguf``, located without importing its package: a lookup that runs
    no code of the package, which may as well be any directory holding the file."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).glob("*.gguf"))
        if found:
            return found[0]
    return None


def real_path_within(path: Path, roots: Iterable[Path]) -> Path | None:
    """``path`` with every symlink resolved, if it lies inside one of ``roots`` (themselves
    resolved), else ``None``. Blocking.

    Deliberately blind to whether ``path`` exists: a caller that answers the same for every
    refused path cannot be used to probe the disk.
    """
    if "\0" in str(path):
        return None
    real = Path(os.path.realpath(path))
    for root in roots:
        if real.is_relative_to(os.path.realpath(root)):
            return real
    return None


def _gguf_files(directory: Path) -> list[Path]:
    try:
        return sorted(path for path in directory.iterdir() if path.suffix == ".gguf")
    except OSError:
        return []


class ModelRegistry:
    """Model names to files: the search path first (``ORO_AI_LLM_MODEL_PATH`` /
    ``[ai.llm] model_path``, ``os.pathsep``-separated), then directories and files added at run
    time (``ai.llm.model.load {path}``), then the default model, also known as ``"default"``.

    The directories are listed again on every lookup, so a model copied into one is found
    without a restart.
    """

    def __init__(
        self, search_path: Iterable[Path], *, default: Path | None, default_name: str = ""
    ) -> None:
        self.search_path = [Path(entry) for entry in search_path]
        self.explicit: list[Path] = []
        self.default = default
        self.chosen_default = default_name
        """``[ai.llm] default_model``: what ``"default"`` means when set (404 when missing,
        never silently another model)."""

    @staticmethod
    def parse_search_path(text: str) -> list[Path]:
        return [Path(part).expanduser() for part in text.split(os.pathsep) if part.strip()]

    def add(self, path: Path) -> list[ModelFile]:
        """Add a ``.gguf`` file or a directory of them; the models it brings.

        :raises FileNotFoundError: ``path`` does not exist.
        :raises ValueError: a file that is not a ``.gguf``, or a directory without one.
        """
        path = path.expanduser().resolve()
        if not path.exists():
            raise FileNotFoundError(str(path))
        # The messages reach pages: the file's name only, never where it lies.
        if path.is_file() and path.suffix != ".gguf":
            raise ValueError(f"{path.name} is not a .gguf model file")
        brought = (
            [ModelFile(path.stem, path, "explicit")]
            if path.is_file()
            else [ModelFile(file.stem, file, "explicit") for file in _gguf_files(path)]
        )
        if not brought:
            raise ValueError(f"{path.name} holds no .gguf model file")
        if path not in self.explicit:
            self.explicit.append(path)
        return brought

    def models(self) -> list[ModelFile]:
        """Every model by name, the first of a name winning (search path order)."""
        found: dict[str, ModelFile] = {}
        for directory in self.search_path:
            for file in _gguf_files(directory):
                found.setdefault(file.stem, ModelFile(file.stem, file, "search-path"))
        for entry in self.explicit:
            files = [entry] if entry.is_file() else _gguf_files(entry)
            for file in files:
                found.setdefault(file.stem, ModelFile(file.stem, file, "explicit"))
        if self.default is not None and self.default.is_file():
            found.setdefault(
                self.default.stem, ModelFile(self.default.stem, self.default, "default")
            )
        return list(found.values())

    def resolve(self, name: str) -> ModelFile | None:
        """The model called ``name`` (``"default"``: the default model), or ``None``."""
        if name == "default" and self.chosen_default:
            name = self.chosen_default
        elif name == "default":
            if self.default is None or not self.default.is_file():
                return None
            name = self.default.stem
        for model in self.models():
            if model.name == name:
                return model
        return None

    @property
    def default_name(self) -> str | None:
        if self.chosen_default:
            return self.chosen_default
        return self.default.stem if self.default is not None else None
