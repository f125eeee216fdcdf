"""Session fixtures: the generated tiny model and LoRA adapter, and the shipped SmolLM2 model."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from oro_ai.testmodel import write_tiny_lora, write_tiny_model

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

# One llama.cpp thread per context in every test of this folder that does not say (the shipped
# default is one per core): the suite runs one xdist worker per core, and llama.cpp's threads
# spin while they wait, so two of them took both cores from the other worker's tests (a page
# in WebKit waited 30 s for its backend). No test here asserts the thread count.
os.environ.setdefault("ORO_AI_LLM_THREADS", "1")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight llama GGUF (ChatML, byte-fallback vocabulary) in a fresh directory."""
    return write_tiny_model(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def tiny_lora(tiny_model: Path) -> Path:
    """A LoRA adapter GGUF for `tiny_model`, next to it."""
    return write_tiny_lora(tiny_model, tiny_model.parent)


@pytest.fixture(scope="session")
def smollm2_model() -> Path:
    """SmolLM2-135M-Instruct from the `oro-ai-smollm2` package, located without importing it."""
    spec = importlib.util.find_spec("oro_ai_smollm2")
    assert spec is not None, "oro-ai-smollm2 is not installed (it is a dependency of oro-ai)"
    locations = list(spec.submodule_search_locations or [])
    directory = Path(locations[0]) if locations else Path(str(spec.origin)).parent
    path = directory / SMOLLM2_FILE
    assert path.is_file(), f"{path} is missing from the oro-ai-smollm2 package"
    return path
