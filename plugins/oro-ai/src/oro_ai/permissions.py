"""oro-ai's permissions (``allow_ai``, ``allow_ai_upstream``), declared without importing
the routes and the upstreams' client they guard (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["AI", "AI_UPSTREAM"]

AI: Final = PermissionSpec(
    "ai",
    "Run local language models (ai.llm.* routes and /ai/llama).",
)
AI_UPSTREAM: Final = PermissionSpec(
    "ai_upstream",
    "Requests for models of [ai.upstreams.<name>] servers are forwarded to them",
)
