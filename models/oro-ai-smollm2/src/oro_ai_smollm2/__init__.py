"""SmolLM2-135M-Instruct, quantised Q4_1, as a file inside this package: oro-ai's default model.

The package holds data only and depends on nothing; oro-ai locates the file with
``importlib.util.find_spec("oro_ai_smollm2")`` without importing it, but importing is harmless.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = ["MODEL_FILE", "MODEL_NAME"]

MODEL_NAME: Final = "SmolLM2-135M-Instruct.Q4_1"
MODEL_FILE: Final = Path(__file__).with_name(f"{MODEL_NAME}.gguf")
"""Where the model is, once the package is installed (the build puts it there)."""
