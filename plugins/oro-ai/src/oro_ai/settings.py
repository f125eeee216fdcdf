"""oro-ai's config keys, declared once as the fields of settings dataclasses: ``[ai.llm]``
(:class:`AISettings`, the local models) and ``[ai]`` (:class:`RoutingSettings`, the upstream
servers in ``[ai.upstreams.<name>]`` tables and the fallback)."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final

from oro_ai.limits import TOP_K_RANGE
from oro_framework import setting, setting_from, validators
from oro_framework.records import record

if TYPE_CHECKING:
    # What the settings' methods make imports when a method is called: declaring the keys
    # (`oro config get`) imports no models' engine.
    from oro_ai.limits import RateLimiter
    from oro_ai.pool import PoolSettings
    from oro_ai.requests import Defaults
    from oro_ai.route_metrics import RouteMetrics

__all__ = [
    "ORO_INI_DEFAULTS",
    "SERVER_PREFIX_KEY",
    "AISettings",
    "RoutingSettings",
    "UpstreamSettings",
]

SERVER_PREFIX_KEY: Final = "ai.llm.server_prefix"
"""The key of :attr:`AISettings.server_prefix` (declared under ``ai.llm``): what an error about
the prefix names, with where it was set (``host.config.source(SERVER_PREFIX_KEY)``)."""

_PREFIX_SEGMENT: Final = re.compile(r"[A-Za-z0-9._~-]+")


def _url_prefix(value: str) -> None:
    """A URL path of whole segments (``/ai/llama``): where the API is mounted."""
    segments = value.rstrip("/").split("/")
    if (
        not value.startswith("/")
        or len(segments) < 2
        or not all(_PREFIX_SEGMENT.fullmatch(part) for part in segments[1:])
        or any(part in (".", "..") for part in segments)
    ):
        raise ValueError(
            f"must be a URL path such as '/ai/llama' (letters, digits, '.', '_', '~', '-' "
            f"between single slashes), got {value!r}"
        )


def _top_k(value: int) -> None:
    low, high = TOP_K_RANGE
    if not low <= value <= high:
        raise ValueError(f"must be between {low} (off) and {high}, got {value}")


def _probability(value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"must be between 0 and 1, got {value}")


def _layer_count(value: int) -> None:
    if value < -1:
        raise ValueError(f"must be -1 (every layer) or a number of layers, got {value}")


@final
@record
class AISettings:
    """The ``[ai.llm]`` keys of one host, typed
    (``config.add_settings(AISettings, section="ai.llm")``)."""

    model_path: str = setting(
        "",
        "Directories holding .gguf models, separated like PATH (also ORO_AI_LLM_MODEL_PATH); "
        "searched before the default model.",
        validator=validators.path,
    )
    models_dir: str = setting(
        "",
        "Directory of models the user adds (on the search path, and a place ai.llm.model.load "
        "and ai.llm.lora.load may read from); relative to the app; empty: <data dir>/models.",
        validator=validators.path,
    )
    default_model: str = setting(
        "", "Model used when a request names none; empty: SmolLM2-135M-Instruct (oro-ai-smollm2)."
    )
    pool_capacity: int = setting(1, "Contexts per resident model.", validator=validators.positive)
    parallel: int = setting(
        8,
        "Sequences each context decodes together (continuous batching); pool_capacity x "
        "parallel requests run at once per model.",
        validator=validators.positive,
    )
    threads: int = setting(
        0,
        "Threads per context; 0: the CPU cores divided among the contexts, fewer while other "
        "programs keep some of them busy.",
        validator=validators.not_negative,
        oro_names=("ai.llm.n_threads",),
    )
    context_size: int = setting(
        2048, "Tokens of context per sequence.", validator=validators.positive
    )
    kv_cache_size: int = setting(
        8192,
        "Tokens the KV cache of each context holds, shared by its sequences (a prompt prefix "
        "they share is held once); a request waits while the running ones could fill it. "
        "0: context_size x parallel.",
        validator=validators.not_negative,
    )
    batch_size: int = setting(
        512,
        "Tokens per decode step.",
        validator=validators.positive,
        oro_names=("ai.llm.context_n_batch",),
    )
    context_n_ubatch: int = setting(
        0,
        "Tokens llama.cpp computes at once within a decode step (its n_ubatch, the physical "
        "batch); 0: batch_size. At most batch_size (llama.cpp caps it).",
        validator=validators.not_negative,
    )
    gpu_layer_count: int = setting(
        -1,
        "Model layers offloaded to the GPU (llama.cpp's n_gpu_layers): -1 every layer, 0 none. "
        "Only a llama-cpp-python built with a GPU backend offloads; `oro doctor` says whether "
        "this one can.",
        validator=_layer_count,
    )
    queue_size: int = setting(
        16,
        "Requests that may wait per model for a free sequence; past it: 429 with Retry-After.",
        validator=validators.not_negative,
    )
    idle_timeout: float = setting(
        600.0,
        "Seconds without requests after which a model is unloaded; 0: never.",
        validator=validators.not_negative,
    )
    max_models: int = setting(4, "Models resident at once.", validator=validators.positive)
    rate_limit_concurrency: int = setting(
        0,
        "Requests running at once across models; 0: no limit (past it: 429).",
        validator=validators.not_negative,
    )
    rate_limit_rps: float = setting(
        0.0,
        "Requests per second refilling the token bucket; 0: no limit (past it: 429).",
        validator=validators.not_negative,
    )
    rate_limit_burst: int = setting(
        10,
        "Size of the token bucket (requests allowed at once after a quiet spell); 0 (Oro's "
        "'no burst'): 1.",
        validator=validators.not_negative,
    )
    default_max_tokens: int = setting(
        256, "max_tokens when a request sets none.", validator=validators.positive
    )
    default_temperature: float = setting(
        0.7,
        "temperature when a request sets none (0: always the likeliest token).",
        validator=validators.not_negative,
    )
    default_top_p: float = setting(
        0.95, "top_p when a request sets none.", validator=validators.positive
    )
    default_top_k: int = setting(40, "top_k when a request sets none (0: off).", validator=_top_k)
    default_min_p: float = setting(
        0.05, "min_p when a request sets none (0: off).", validator=_probability
    )
    hard_max_tokens: int = setting(
        4096, "Largest max_tokens a request may ask for (more: 400).", validator=validators.positive
    )
    max_prompt_bytes: int = setting(
        256 * 1024,
        "Largest prompt (rendered chat or text) in bytes (more: 413).",
        validator=validators.positive,
    )
    max_body_bytes: int = setting(
        1024 * 1024,
        "Largest JSON request body in bytes (more: 413).",
        validator=validators.positive,
    )
    embed_max_total_bytes: int = setting(
        256 * 1024,
        "Largest text of one embeddings request, its inputs together, in UTF-8 bytes (more: "
        "413 input_too_large).",
        validator=validators.positive,
    )
    lora_path: str = setting(
        "",
        "Directories holding LoRA adapters (.gguf), separated like PATH (also "
        "ORO_AI_LLM_LORA_PATH): ai.llm.lora.load and ai.llm.lora.attach find an adapter there "
        "by name, and ai.llm.lora.load may read a path there.",
        validator=validators.path,
        # Where the app keeps files on the user's disk is no business of its pages.
        private=True,
    )
    server_prefix: str = setting(
        "/ai/llama",
        "URL path of the OpenAI-compatible API on the app's origin (oro:ai follows it).",
        validator=_url_prefix,
    )
    enable_metrics: bool = setting(
        True, "Serve <server_prefix>/metrics (Prometheus text); off: 404."
    )
    debug_route_metrics: bool = setting(
        False,
        "Count requests and their statuses per endpoint and keep the recent ones, shown as "
        "'routes' in <server_prefix>/health and diagnostics.query.",
    )
    debug_route_metrics_recent_ms: int = setting(
        300_000,
        "How far back the recent requests of debug_route_metrics go, in ms (at most 64 are "
        "kept); 0: only the last 64.",
        validator=validators.not_negative,
    )
    debug_route_metrics_top_k: int = setting(
        32,
        "Endpoints shown in 'routes' counts and statuses, the most requested first; 0: all.",
        validator=validators.not_negative,
    )
    debug_kv_log: bool = setting(
        False,
        "Log the KV-cache clears of the contexts (logger oro_ai.kv, INFO): a sequence's cached "
        "tokens dropped to make room for another prompt.",
    )
    debug_kv_log_interval_ms: int = setting(
        5000,
        "Least time between two debug_kv_log lines, in ms (each line sums the clears since the "
        "last); 0: a line per clear.",
        validator=validators.not_negative,
    )
    api_key: str = setting(
        "",
        "Lets other processes call /ai/llama with 'Authorization: Bearer <api_key>' (the "
        "openai client's api_key); empty: only the session and X-ORO-Auth. At least 16 "
        "characters.",
        validator=validators.secret,
        secret=True,
    )
    ipc_enabled: bool = setting_from("http.ipc.enable")
    """Whether the HTTP IPC bridge is on: its key then opens ``/ai/llama`` too."""
    ipc_shared_key: str = setting_from("http.ipc.shared_key", repr=False)

    @property
    def bridge_key(self) -> str | None:
        """The HTTP IPC bridge's key when the bridge is on (``X-ORO-Auth``), else ``None``."""
        return self.ipc_shared_key if self.ipc_enabled else None

    def with_oro_defaults(self, source: Callable[[str], str]) -> AISettings:
        """These settings with :data:`ORO_INI_DEFAULTS` for the keys nothing set: what an app
        configured by ``socket.ini``/``oro.ini`` gets, as under the Oro Runtime.

        :param source: where a key's value came from (``host.config.source``): ``default``
            when nothing set it.
        """
        unset = {
            name: value
            for name, value in ORO_INI_DEFAULTS.items()
            if source(f"ai.llm.{name}") == "default"
        }
        return dataclasses.replace(self, **unset) if unset else self

    def models_directory(self, app_dir: Path, data_dir: Path) -> Path:
        """``models_dir`` as a path: relative to ``app_dir``; ``<data_dir>/models`` when empty.

        :param app_dir: the app directory.
        :param data_dir: the app's data directory.
        """
        if not self.models_dir.strip():
            return data_dir / "models"
        return app_dir / Path(self.models_dir).expanduser()

    @property
    def prefix(self) -> str:
        """``server_prefix`` without a trailing slash: the API's mount path."""
        return self.server_prefix.rstrip("/")

    def lora_directories(self) -> list[Path]:
        """``lora_path`` as directories, in order."""
        return [Path(part).expanduser() for part in self.lora_path.split(os.pathsep) if part]

    def route_metrics(self) -> RouteMetrics:
        """The ``debug_route_metrics*`` recorder."""
        from oro_ai.route_metrics import RouteMetrics

        return RouteMetrics(
            enabled=self.debug_route_metrics,
            recent_ms=self.debug_route_metrics_recent_ms,
            top_k=self.debug_route_metrics_top_k,
        )

    def pool(self) -> PoolSettings:
        """How each resident model is served."""
        from oro_ai.pool import PoolSettings

        return PoolSettings(
            contexts=self.pool_capacity,
            parallel=self.parallel,
            threads=self.threads,
            context_size=self.context_size,
            kv_cache_size=self.kv_cache_size,
            batch_size=self.batch_size,
            ubatch_size=self.context_n_ubatch,
            gpu_layers=self.gpu_layer_count,
            kv_log=self.debug_kv_log,
            kv_log_interval=self.debug_kv_log_interval_ms / 1000,
            queue_size=self.queue_size,
            idle_timeout=self.idle_timeout,
            max_models=self.max_models,
        )

    def defaults(self) -> Defaults:
        """The request defaults and caps."""
        from oro_ai.requests import Defaults

        return Defaults(
            max_tokens=self.default_max_tokens,
            temperature=self.default_temperature,
            top_p=self.default_top_p,
            top_k=self.default_top_k,
            min_p=self.default_min_p,
            hard_max_tokens=self.hard_max_tokens,
            max_prompt_bytes=self.max_prompt_bytes,
            embed_max_total_bytes=self.embed_max_total_bytes,
        )

    def rate_limiter(self) -> RateLimiter:
        """A fresh limiter with the ``rate_limit_*`` limits."""
        from oro_ai.limits import RateLimiter

        return RateLimiter(
            concurrency=self.rate_limit_concurrency,
            rps=self.rate_limit_rps,
            burst=self.rate_limit_burst,
        )


ORO_INI_DEFAULTS: Final[dict[str, Any]] = {
    "rate_limit_concurrency": 4,
    "rate_limit_burst": 0,
    "default_max_tokens": 128,
    "default_temperature": 0.8,
    "max_prompt_bytes": 128 * 1024,
}
"""The Oro Runtime's defaults where oro-ai's differ (its ``ai_llm_*`` userConfig keys, RUNTIME.md
"AI — Server Configuration"), by :class:`AISettings` field: an app configured by Oro's
``socket.ini``/``oro.ini`` gets them for the keys it leaves unset
(:meth:`AISettings.with_oro_defaults`); an ``oro.toml`` app keeps oro-ai's."""


@final
@record
class UpstreamSettings:
    """One ``[ai.upstreams.<name>]`` table: an OpenAI-compatible server the host forwards the
    requests for its models to."""

    base_url: str = setting(
        "",
        "The server's OpenAI API root, ending in /v1 (https://api.example.com/v1, "
        "http://127.0.0.1:8000/v1); plain http only for loopback unless allow_http. Never "
        "reaches pages.",
        # Where the app's requests go (a LAN server, a hosted API) is the app's business: pages
        # see an upstream's name, never its address.
        private=True,
    )
    api_key: str = setting(
        "",
        "Sent as 'Authorization: Bearer <api_key>'; never reaches pages. Write a reference: "
        '"env:OPENAI_API_KEY" or "secure-storage:<name>". Empty: no Authorization header.',
        secret=True,
    )
    models: list[str] = setting(
        [],
        "Model ids this server answers; empty: the ids its GET /models lists (asked on the "
        "first request naming a model nobody else serves, then every 30 s at most).",
    )
    connect_timeout: float = setting(
        5.0, "Seconds to open a connection.", validator=validators.positive
    )
    read_timeout: float = setting(
        120.0,
        "Seconds to wait for a free slot and the answer's first byte, and then between two "
        "chunks of a stream.",
        validator=validators.positive,
    )
    max_concurrent: int = setting(
        8, "Requests forwarded at once; more wait for a slot.", validator=validators.positive
    )
    retries: int = setting(
        2,
        "Further attempts after a connection failure, before anything was sent back; never "
        "once the server answered.",
        validator=validators.not_negative,
    )
    allow_http: bool = setting(
        False, "Allow a plain http:// base_url on a host other than loopback (a LAN server)."
    )


@final
@record
class RoutingSettings:
    """The ``[ai]`` keys: where the requests for models that are not on the search path go."""

    upstreams: dict[str, UpstreamSettings] = setting(
        {}, "OpenAI-compatible servers, one [ai.upstreams.<name>] table each."
    )
    upstream_hosts: list[str] = setting(
        [],
        "Hosts an upstream's base_url may name besides loopback (api.example.com, "
        "gpu.lan:8000, *.example.com); any other is refused at start. Never reaches pages.",
        private=True,
    )
    fallback: str = setting(
        "",
        "A local model that answers when an upstream is unreachable or times out before its "
        "first byte (the answer's 'fallback' field says so); empty: such a request fails "
        "(503 upstream_unavailable, 504 upstream_timeout).",
    )
