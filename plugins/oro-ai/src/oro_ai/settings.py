"""The ``[ai.llm]`` config keys and :class:`AISettings`, the typed object built from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, final

from oro_ai.limits import RateLimiter
from oro_ai.pool import PoolSettings
from oro_ai.requests import Defaults
from oro_framework import ConfigRegistry
from oro_framework.kernel.config import load_settings, not_negative, path, positive, secret

__all__ = ["PERMISSION", "AISettings", "declare"]

PERMISSION: Final = "ai"
"""The permission guarding the ``ai.llm.*`` routes and ``/ai/llama``."""


def declare(config: ConfigRegistry) -> None:
    """Declare every ``ai.llm.*`` key (they appear in ``oro config list --describe``)."""
    add = config.add
    add(
        "ai.llm.model_path",
        str,
        "",
        "Directories holding .gguf models, separated like PATH (also ORO_AI_LLM_MODEL_PATH); "
        "searched before the default model.",
        validator=path,
    )
    add(
        "ai.llm.models_dir",
        str,
        "",
        "Directory of models the user adds (on the search path, and a place ai.llm.model.load "
        "and ai.llm.lora.load may read from); relative to the app; empty: <data dir>/models.",
        validator=path,
    )
    add(
        "ai.llm.default_model",
        str,
        "",
        "Model used when a request names none; empty: SmolLM2-135M-Instruct (oro-ai-smollm2).",
    )
    add("ai.llm.pool_capacity", int, 1, "Contexts per resident model.", validator=positive)
    add(
        "ai.llm.parallel",
        int,
        4,
        "Sequences each context decodes together (continuous batching); pool_capacity x "
        "parallel requests run at once per model.",
        validator=positive,
    )
    add(
        "ai.llm.threads",
        int,
        0,
        "Threads per context; 0: the CPU cores divided among the contexts.",
        validator=not_negative,
    )
    add("ai.llm.context_size", int, 2048, "Tokens of context per sequence.", validator=positive)
    add("ai.llm.batch_size", int, 512, "Tokens per decode step.", validator=positive)
    add(
        "ai.llm.queue_size",
        int,
        16,
        "Requests that may wait per model for a free sequence; past it: 429 with Retry-After.",
        validator=not_negative,
    )
    add(
        "ai.llm.idle_timeout",
        float,
        600.0,
        "Seconds without requests after which a model is unloaded; 0: never.",
        validator=not_negative,
    )
    add("ai.llm.max_models", int, 4, "Models resident at once.", validator=positive)
    add(
        "ai.llm.rate_limit_concurrency",
        int,
        0,
        "Requests running at once across models; 0: no limit (past it: 429).",
        validator=not_negative,
    )
    add(
        "ai.llm.rate_limit_rps",
        float,
        0.0,
        "Requests per second refilling the token bucket; 0: no limit (past it: 429).",
        validator=not_negative,
    )
    add(
        "ai.llm.rate_limit_burst",
        int,
        10,
        "Size of the token bucket (requests allowed at once after a quiet spell).",
        validator=positive,
    )
    add(
        "ai.llm.default_max_tokens",
        int,
        256,
        "max_tokens when a request sets none.",
        validator=positive,
    )
    add(
        "ai.llm.default_temperature",
        float,
        0.7,
        "temperature when a request sets none (0: always the likeliest token).",
        validator=not_negative,
    )
    add(
        "ai.llm.default_top_p",
        float,
        0.95,
        "top_p when a request sets none.",
        validator=positive,
    )
    add(
        "ai.llm.hard_max_tokens",
        int,
        4096,
        "Largest max_tokens a request may ask for (more: 400).",
        validator=positive,
    )
    add(
        "ai.llm.max_prompt_bytes",
        int,
        256 * 1024,
        "Largest prompt (rendered chat or text) in bytes (more: 413).",
        validator=positive,
    )
    add(
        "ai.llm.max_body_bytes",
        int,
        1024 * 1024,
        "Largest JSON request body in bytes (more: 413).",
        validator=positive,
    )
    add(
        "ai.llm.api_key",
        str,
        "",
        "Lets other processes call /ai/llama with 'Authorization: Bearer <api_key>' (the "
        "openai client's api_key); empty: only the session and X-ORO-Auth. At least 16 "
        "characters.",
        validator=secret,
    )


@final
@dataclass(frozen=True)
class AISettings:
    """The ``[ai.llm]`` keys of one host, typed; built with :meth:`from_config`."""

    model_path: str
    models_dir: str
    default_model: str
    pool_capacity: int
    parallel: int
    threads: int
    context_size: int
    batch_size: int
    queue_size: int
    idle_timeout: float
    max_models: int
    rate_limit_concurrency: int
    rate_limit_rps: float
    rate_limit_burst: int
    default_max_tokens: int
    default_temperature: float
    default_top_p: float
    hard_max_tokens: int
    max_prompt_bytes: int
    max_body_bytes: int
    api_key: str = field(repr=False)
    ipc_enabled: bool = field(metadata={"key": "http.ipc.enable"})
    """Whether the HTTP IPC bridge is on: its key then opens ``/ai/llama`` too."""
    ipc_shared_key: str = field(repr=False, metadata={"key": "http.ipc.shared_key"})

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AISettings:
        """The settings of ``config`` (a host's validated :class:`~oro_framework.Config`)."""
        return load_settings(cls, config, "ai.llm")

    @property
    def bridge_key(self) -> str | None:
        """The HTTP IPC bridge's key when the bridge is on (``X-ORO-Auth``), else ``None``."""
        return self.ipc_shared_key if self.ipc_enabled else None

    def models_directory(self, app_dir: Path, data_dir: Path) -> Path:
        """``models_dir`` as a path: relative to ``app_dir``; ``<data_dir>/models`` when empty.

        :param app_dir: the app directory.
        :param data_dir: the app's data directory.
        """
        if not self.models_dir.strip():
            return data_dir / "models"
        return app_dir / Path(self.models_dir).expanduser()

    def pool(self) -> PoolSettings:
        """How each resident model is served."""
        return PoolSettings(
            contexts=self.pool_capacity,
            parallel=self.parallel,
            threads=self.threads,
            context_size=self.context_size,
            batch_size=self.batch_size,
            queue_size=self.queue_size,
            idle_timeout=self.idle_timeout,
            max_models=self.max_models,
        )

    def defaults(self) -> Defaults:
        """The request defaults and caps."""
        return Defaults(
            max_tokens=self.default_max_tokens,
            temperature=self.default_temperature,
            top_p=self.default_top_p,
            hard_max_tokens=self.hard_max_tokens,
            max_prompt_bytes=self.max_prompt_bytes,
        )

    def rate_limiter(self) -> RateLimiter:
        """A fresh limiter with the ``rate_limit_*`` limits."""
        return RateLimiter(
            concurrency=self.rate_limit_concurrency,
            rps=self.rate_limit_rps,
            burst=self.rate_limit_burst,
        )
