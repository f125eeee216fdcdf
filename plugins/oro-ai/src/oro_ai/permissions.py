"""oro-ai's permission (``allow_ai``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["AI"]

AI: Final = PermissionSpec(
    "ai",
    "Run local language models (ai.llm.* routes and /ai/llama).",
)
