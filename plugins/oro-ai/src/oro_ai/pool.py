"""Resident models and their workers: loading on first use or on request, unloading on request
or when idle, the bounded queue in front of each model, LoRA adapters, embeddings, tokens."""

from __future__ import annotations

import ctypes
import logging
import math
import os
import threading
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import anyio
import sniffio
from anyio.abc import TaskGroup

if TYPE_CHECKING:
    import llama_cpp
    import numpy as np
    from llama_cpp import _internals
else:  # imported on first use: see oro_ai._lazy
    from oro_ai._lazy import llama_cpp
    from oro_ai._lazy import llama_internals as _internals
    from oro_ai._lazy import numpy as np

from oro_ai.engine import Job, Sampling, TokenEvent, Worker, load_model, token_piece
from oro_ai.errors import APIError
from oro_ai.models import ModelFile, ModelRegistry

__all__ = [
    "MODEL_STATE_EVENT",
    "LoadedModel",
    "ModelManager",
    "ModelStatus",
    "PoolSettings",
    "human_size",
]

logger = logging.getLogger("oro_ai")

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


@dataclass
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
            "path": str(self.path),
            "state": self.state,
            "size": self.size,
            "loadSeconds": self.load_seconds,
            "error": self.error,
        }


MODEL_STATE_EVENT: Final = "aimodelstatechange"
"""The host event sent to every page on each model state transition; its data is
:meth:`ModelStatus.to_json`."""

StatusListener = Callable[[ModelStatus], None]


@dataclass(frozen=True)
class PoolSettings:
    """How each model is served (``[ai.llm]`` keys)."""

    contexts: int = 1
    """Contexts (workers) per model."""
    parallel: int = 4
    """Sequences decoded together in each context."""
    threads: int = 0
    """Threads per context; 0: the cores divided among the contexts."""
    context_size: int = 2048
    """Tokens of context per sequence (prompt + completion)."""
    batch_size: int = 512
    queue_size: int = 16
    """Requests that may wait per model for a free sequence; past it: 429."""
    idle_timeout: float = 600.0
    """Seconds without requests after which a model is unloaded; 0: never."""
    max_models: int = 4
    """Models resident at once; loading one more unloads the least recently used idle one."""

    def threads_per_context(self) -> int:
        if self.threads > 0:
            return self.threads
        return max(1, (os.cpu_count() or 1) // self.contexts)


@dataclass(eq=False)
class _Adapter:
    name: str
    path: Path
    handle: Any
    scale: float = 1.0


@dataclass(eq=False)
class LoadedModel:
    """A model resident in memory with its workers."""

    file: ModelFile
    model: Any
    """The native model (``llama_cpp._internals.LlamaModel``, untyped)."""
    workers: list[Worker]
    settings: PoolSettings
    metadata: dict[str, str]
    loaded_at: float = field(default_factory=time.time)
    last_used: float = field(default_factory=time.monotonic)
    requests: int = 0
    scopes: list[anyio.CancelScope] = field(default_factory=list)
    freed: bool = False
    stopped: anyio.Event = field(default_factory=anyio.Event)
    adapters: dict[str, _Adapter] = field(default_factory=dict)
    _embedder: Any = None
    _embed_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def capacity(self) -> int:
        return sum(worker.parallel for worker in self.workers)

    @property
    def in_flight(self) -> int:
        return sum(worker.queued for worker in self.workers)

    @property
    def n_ctx_seq(self) -> int:
        return self.workers[0].n_ctx_seq

    @property
    def chat_template(self) -> str | None:
        return self.metadata.get("tokenizer.chat_template")

    def tokenize(
        self, text: str, *, add_special: bool = True, parse_special: bool = True
    ) -> list[int]:
        tokens: list[int] = self.model.tokenize(text.encode("utf-8"), add_special, parse_special)
        return tokens

    def detokenize(self, tokens: list[int]) -> str:
        n_vocab = self.model.n_vocab()
        for token in tokens:
            if not 0 <= token < n_vocab:
                raise APIError(
                    400,
                    "invalid_value",
                    f"token {token} is not in the vocabulary (0..{n_vocab - 1})",
                )
        return b"".join(token_piece(self.model, token, special=True) for token in tokens).decode(
            "utf-8", "replace"
        )

    def token_text(self, token: int) -> str:
        return token_piece(self.model, token, special=True).decode("utf-8", "replace")

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": str(self.file.path),
            "source": self.file.source,
            "loaded": True,
            "contexts": len(self.workers),
            "parallel": self.workers[0].parallel,
            "threads": self.workers[0].threads,
            "contextSize": self.n_ctx_seq,
            "active": sum(worker.active for worker in self.workers),
            "inFlight": self.in_flight,
            "requests": self.requests,
            "adapters": [
                {"name": adapter.name, "scale": adapter.scale} for adapter in self.adapters.values()
            ],
        }

    # ------------------------------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------------------------------

    def check_admission(self) -> None:
        """Refuse a request that would wait past the queue (429); never touches running ones.

        :raises APIError: the queue is full.
        """
        if self.in_flight >= self.capacity + self.settings.queue_size:
            raise APIError.rate_limited(
                f"Model '{self.name}' is busy: {self.capacity} requests running and "
                f"{self.settings.queue_size} waiting (ai.llm.queue_size); retry later",
                retry_after=1,
            )

    async def generate(
        self, prompt: list[int], *, max_tokens: int, sampling: Sampling
    ) -> AsyncGenerator[TokenEvent, None]:
        """The token events of one generation, as they come. Leaving the iteration early (the
        client went away, a stop sequence matched) cancels the job: the worker frees its
        sequence at its next step."""
        self.check_admission()
        send, receive = anyio.create_memory_object_stream[TokenEvent](math.inf)

        def on_event(event: TokenEvent) -> bool:
            try:
                send.send_nowait(event)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                return False
            return True

        job = Job(prompt=prompt, max_tokens=max_tokens, sampling=sampling, on_events=on_event)
        worker = min(self.workers, key=lambda candidate: candidate.queued)
        worker.queued += 1
        self.requests += 1
        self.last_used = time.monotonic()
        finished = False
        try:
            worker.submit(job)
            async with receive:
                async for event in receive:
                    if event.finish is not None:
                        finished = True
                    yield event
                    if finished:
                        return
        finally:
            if not finished:
                job.cancelled = True
            send.close()
            worker.queued -= 1
            self.last_used = time.monotonic()

    # ------------------------------------------------------------------------------------------
    # Embeddings (their own context: pooled output instead of logits)
    # ------------------------------------------------------------------------------------------

    def embed(self, inputs: list[list[int]]) -> list[list[float]]:
        """One normalised, pooled vector per input (blocking: run in a thread)."""
        with self._embed_lock:
            if self._embedder is None:
                params = llama_cpp.llama_context_default_params()
                params.n_ctx = self.settings.context_size
                params.n_batch = self.settings.context_size
                params.n_ubatch = self.settings.context_size
                params.n_seq_max = 1
                params.embeddings = True
                params.n_threads = self.workers[0].threads
                params.n_threads_batch = self.workers[0].threads
                params.no_perf = True
                # Generative models declare no pooling; the mean of the token vectors is the
                # usual sentence embedding for them.
                params.pooling_type = llama_cpp.LLAMA_POOLING_TYPE_MEAN
                self._embedder = _internals.LlamaContext(
                    model=self.model, params=params, verbose=False
                )
            context = self._embedder
            n_embd = self.model.n_embd()
            batch = llama_cpp.llama_batch_init(self.settings.context_size, 0, 1)
            vectors: list[list[float]] = []
            try:
                for tokens in inputs:
                    llama_cpp.llama_memory_clear(context.memory, True)
                    for index, token in enumerate(tokens):
                        batch.token[index] = token
                        batch.pos[index] = index
                        batch.n_seq_id[index] = 1
                        seq_ids: Any = batch.seq_id[index]
                        seq_ids[0] = 0
                        batch.logits[index] = True
                    batch.n_tokens = len(tokens)
                    status = llama_cpp.llama_decode(context.ctx, batch)
                    if status != 0:
                        raise APIError(503, "embedding_failed", f"llama_decode failed ({status})")
                    pointer = llama_cpp.llama_get_embeddings_seq(context.ctx, 0)
                    array = np.ctypeslib.as_array(
                        ctypes.cast(pointer, ctypes.POINTER(ctypes.c_float)), shape=(n_embd,)
                    ).astype(np.float64)
                    norm = float(np.linalg.norm(array))
                    vectors.append((array / norm if norm > 0 else array).tolist())
            finally:
                llama_cpp.llama_batch_free(batch)
            return vectors

    # ------------------------------------------------------------------------------------------
    # LoRA adapters
    # ------------------------------------------------------------------------------------------

    def attach(self, name: str, path: Path, scale: float) -> None:
        """Apply adapter ``name`` (loaded from ``path`` for this model on first use) to every
        context of the model from their next step on (blocking: run in a thread).

        :raises APIError: the adapter does not fit this model.
        """
        adapter = self.adapters.get(name)
        if adapter is None:
            handle = llama_cpp.llama_adapter_lora_init(self.model.model, str(path).encode())
            if not handle:
                raise APIError(
                    400,
                    "invalid_adapter",
                    f"LoRA adapter '{name}' ({path}) cannot be applied to model '{self.name}'",
                )
            adapter = _Adapter(name, path, handle, scale)
            self.adapters[name] = adapter
        adapter.scale = scale
        self._apply_adapters()

    def detach(self, name: str) -> bool:
        adapter = self.adapters.pop(name, None)
        if adapter is None:
            return False
        self._apply_adapters()
        # The handle stays alive with the model: a step may still be using it.
        self._detached.append(adapter.handle)
        return True

    _detached: list[Any] = field(default_factory=list)

    def _apply_adapters(self) -> None:
        pairs = [(adapter.handle, adapter.scale) for adapter in self.adapters.values()]
        for worker in self.workers:
            worker.set_adapters(pairs)


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _loop_caller() -> Callable[[Callable[[], None]], None]:
    """A thread-safe, non-blocking "run this on the event loop soon" for the running loop: the
    worker hands over a step's tokens and goes on decoding without waiting for the loop (which
    ``anyio.from_thread.run_sync`` would make it do)."""
    if sniffio.current_async_library() == "trio":
        # trio's own API, used directly (docs/design.md lists where): anyio has no
        # non-blocking call from a thread into the loop.
        import trio

        caller: Callable[[Callable[[], None]], None] = (
            trio.lowlevel.current_trio_token().run_sync_soon
        )
        return caller
    import asyncio

    loop = asyncio.get_running_loop()

    def call_soon(callback: Callable[[], None]) -> None:
        loop.call_soon_threadsafe(callback)

    return call_soon


class ModelManager:
    """Every resident model, loaded on first use (or by ``ai.llm.model.load``) inside the task
    group of the ``ai.llm`` service (:mod:`oro_ai.service`).

    :param registry: names to files.
    """

    def __init__(self, registry: ModelRegistry, settings: PoolSettings) -> None:
        self.registry = registry
        self.settings = settings
        self.loaded: dict[str, LoadedModel] = {}
        self.loading: set[str] = set()
        self.loras: dict[str, Path] = {}
        self._locks: dict[str, anyio.Lock] = {}
        self._task_group: TaskGroup | None = None
        self.ready = False
        self._status: dict[str, ModelStatus] = {}
        self.listeners: list[StatusListener] = []
        """Called on the event loop with the new status on every state transition."""

    # ------------------------------------------------------------------------------------------
    # While the service runs (oro_ai.service)
    # ------------------------------------------------------------------------------------------

    def open(self, task_group: TaskGroup) -> None:
        """Start serving: models load, and their workers run, in ``task_group``."""
        self._task_group = task_group
        self.ready = True

    def close(self) -> None:
        """Stop serving, once ``task_group`` has ended (every worker stopped and every model
        freed on its way out)."""
        self.ready = False
        self._task_group = None
        self.loaded.clear()

    def sweep_interval(self) -> float:
        """Seconds between two looks for idle models."""
        timeout = self.settings.idle_timeout
        return min(max(timeout / 4, 0.05), 30.0) if timeout > 0 else 30.0

    async def unload_idle(self) -> None:
        """Unload the models nobody used for ``idle_timeout`` seconds."""
        timeout = self.settings.idle_timeout
        if timeout <= 0:
            return
        now = time.monotonic()
        for model in list(self.loaded.values()):
            if model.in_flight == 0 and now - model.last_used >= timeout:
                await self.unload(model.name)

    # ------------------------------------------------------------------------------------------
    # Loading and unloading
    # ------------------------------------------------------------------------------------------

    def resolve(self, name: str | None) -> ModelFile:
        """The file of model ``name`` (``None`` or ``""``: the default model).

        :raises APIError: 404 ``model_not_found``.
        """
        wanted = name or "default"
        file = self.registry.resolve(wanted)
        if file is None:
            raise APIError.model_not_found(wanted)
        return file

    async def get(self, name: str | None) -> LoadedModel:
        """Model ``name``, loading it first if needed.

        :raises APIError: 404 for an unknown model, 503 when the service is not running.
        """
        file = self.resolve(name)
        model = self.loaded.get(file.name)
        if model is not None:
            model.last_used = time.monotonic()
            return model
        return await self.load(file)

    # ------------------------------------------------------------------------------------------
    # Model state as pages see it
    # ------------------------------------------------------------------------------------------

    def status(self, file: ModelFile) -> ModelStatus:
        """The state of ``file``'s model (``unloaded`` for one never loaded)."""
        status = self._status.get(file.name)
        if status is None or status.path != file.path:
            status = ModelStatus(file.name, file.path, size=_file_size(file.path))
            if file.name in self.loaded:
                status.state = "ready"
        return status

    def _transition(self, status: ModelStatus, state: ModelState) -> None:
        status.state = state
        self._status[status.model] = status
        for listener in list(self.listeners):
            try:
                listener(status)
            except Exception:  # a listener must not break loading
                logger.exception("model state listener failed")

    # ------------------------------------------------------------------------------------------
    # Loading and unloading
    # ------------------------------------------------------------------------------------------

    async def load(self, file: ModelFile) -> LoadedModel:
        if self._task_group is None:
            raise APIError(503, "not_ready", "The AI service is not running", retry_after=1)
        lock = self._locks.setdefault(file.name, anyio.Lock())
        async with lock:
            existing = self.loaded.get(file.name)
            if existing is not None:
                return existing
            await self._make_room()
            status = ModelStatus(file.name, file.path, size=_file_size(file.path))
            # The first chat() waits seconds for this; say so where the user looks.
            logger.info("loading %s (%s)…", file.name, human_size(status.size))
            self.loading.add(file.name)
            self._transition(status, "loading")
            started = time.monotonic()
            try:
                native, workers, metadata = await anyio.to_thread.run_sync(self._build, file)
            except BaseException as error:
                status.load_seconds = time.monotonic() - started
                status.error = (
                    error.message
                    if isinstance(error, APIError)
                    else f"{type(error).__name__}: {error}"
                )
                if isinstance(error, Exception):
                    # One line: the cause is the file, a traceback would bury it.
                    logger.error(  # noqa: TRY400
                        "loading %s failed after %.1f s: %s",
                        file.name,
                        status.load_seconds,
                        status.error,
                    )
                    self._transition(status, "error")
                else:  # cancelled: nothing is resident and nothing went wrong with the file
                    status.error = None
                    self._transition(status, "unloaded")
                raise
            finally:
                self.loading.discard(file.name)
            status.load_seconds = time.monotonic() - started
            logger.info("%s ready in %.1f s", file.name, status.load_seconds)
            model = LoadedModel(file, native, workers, self.settings, metadata)
            for worker in model.workers:
                self._task_group.start_soon(self._run_worker, model, worker)
            self.loaded[file.name] = model
            self._transition(status, "ready")
            return model

    def _build(self, file: ModelFile) -> tuple[_internals.LlamaModel, list[Worker], dict[str, str]]:
        settings = self.settings
        try:
            native = load_model(str(file.path))
        except ValueError as error:
            raise APIError(
                422,
                "model_load_failed",
                f"Model '{file.name}' ({file.path}) cannot be loaded: {error}",
            ) from None
        except ImportError as error:
            # llama_cpp is imported at the first load (start-up stays fast), so a broken build
            # shows here rather than when the plugin loads.
            raise APIError(
                503,
                "model_load_failed",
                f"Model '{file.name}' cannot be loaded: llama-cpp-python does not import "
                f"({error}); `oro doctor` says how to fix it",
            ) from None
        threads = settings.threads_per_context()
        context_size = min(settings.context_size, native.n_ctx_train() or settings.context_size)
        workers = [
            Worker(
                native,
                parallel=settings.parallel,
                n_ctx_seq=context_size,
                threads=threads,
                n_batch=settings.batch_size,
                name=f"{file.name}#{index}",
            )
            for index in range(settings.contexts)
        ]
        return native, workers, native.metadata()

    async def _make_room(self) -> None:
        if len(self.loaded) < self.settings.max_models:
            return
        idle = [model for model in self.loaded.values() if model.in_flight == 0]
        if not idle:
            raise APIError(
                503,
                "too_many_models",
                f"{len(self.loaded)} models are resident and busy (ai.llm.max_models); "
                "unload one or retry later",
                retry_after=5,
            )
        await self.unload(min(idle, key=lambda model: model.last_used).name)

    async def _run_worker(self, model: LoadedModel, worker: Worker) -> None:
        deliver = _loop_caller()
        scope = anyio.CancelScope()
        model.scopes.append(scope)
        try:
            with scope:
                await anyio.to_thread.run_sync(
                    worker.run, deliver, abandon_on_cancel=True, limiter=anyio.CapacityLimiter(1)
                )
        finally:
            worker.stop()
            with anyio.CancelScope(shield=True):
                if worker.started.is_set():
                    await anyio.to_thread.run_sync(worker.finished.wait)
                else:
                    worker.finished.set()
                # Only the last worker to stop frees the model (once).
                if not model.freed and all(each.finished.is_set() for each in model.workers):
                    model.freed = True
                    await anyio.to_thread.run_sync(self._free, model)
                    model.stopped.set()

    @staticmethod
    def _free(model: LoadedModel) -> None:
        for worker in model.workers:
            worker.close()
        if model._embedder is not None:
            model._embedder.close()
        for adapter in model.adapters.values():
            llama_cpp.llama_adapter_lora_free(adapter.handle)
        for handle in model._detached:
            llama_cpp.llama_adapter_lora_free(handle)
        model.model.close()

    async def unload(self, name: str) -> bool:
        """Unload model ``name``; its running requests end with finish reason ``cancelled``
        only when they are unloaded explicitly (idle unloading waits for them to finish)."""
        file = self.registry.resolve(name)
        model = self.loaded.pop(file.name if file else name, None)
        if model is None:
            return False
        for scope in model.scopes:
            scope.cancel()
        for worker in model.workers:
            worker.stop()
        await model.stopped.wait()
        logger.info("%s unloaded", model.name)
        status = self.status(model.file)
        status.error = None
        self._transition(status, "unloaded")
        return True

    # ------------------------------------------------------------------------------------------
    # LoRA adapters
    # ------------------------------------------------------------------------------------------

    def add_lora(self, path: Path, name: str | None) -> str:
        """Register a LoRA adapter file under ``name`` (default: the file name without ``.gguf``).

        :raises APIError: the file does not exist or is not a ``.gguf``.
        """
        path = path.expanduser().resolve()
        if not path.is_file():
            raise APIError(404, "adapter_not_found", f"No LoRA adapter file at {path}")
        if path.suffix != ".gguf":
            raise APIError(400, "invalid_adapter", f"{path} is not a .gguf LoRA adapter")
        adapter_name = name or path.stem
        self.loras[adapter_name] = path
        return adapter_name

    def stats(self) -> dict[str, Any]:
        workers = [worker for model in self.loaded.values() for worker in model.workers]
        return {
            "models": len(self.loaded),
            "loading": sorted(self.loading),
            "sequences": sum(worker.parallel for worker in workers),
            "active": sum(worker.active for worker in workers),
            "inFlight": sum(worker.queued for worker in workers),
            "steps": sum(worker.steps for worker in workers),
            "cancelled": sum(worker.cancelled for worker in workers),
            "tokensGenerated": sum(worker.tokens_generated for worker in workers),
            "promptTokens": sum(worker.prompt_tokens for worker in workers),
            "cachedPromptTokens": sum(worker.cached_prompt_tokens for worker in workers),
        }
