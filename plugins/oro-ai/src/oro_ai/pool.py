"""The pool of resident models (:class:`ModelManager`): loading on first use or on request,
unloading on request or when idle, each model's state transitions, LoRA adapter files; how each
model is served (:class:`PoolSettings`); the models themselves are
:class:`~oro_ai.resident.LoadedModel`, imported with the first model loaded, as the engine is."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import sniffio
from anyio.abc import TaskGroup

from oro_framework.records import record

if TYPE_CHECKING:
    import llama_cpp
    from llama_cpp import _internals

    from oro_ai.engine import Worker
    from oro_ai.resident import LoadedModel
else:  # imported on first use: see oro_ai._lazy
    from oro_ai._lazy import llama_cpp
    from oro_ai._lazy import llama_internals as _internals

from oro_ai.errors import APIError
from oro_ai.model_status import ModelState, ModelStatus, StatusListener, file_size, human_size
from oro_ai.models import ModelFile, ModelRegistry

__all__ = ["ModelManager", "PoolSettings"]

logger = logging.getLogger("oro_ai")


@record
class PoolSettings:
    """How each model is served (``[ai.llm]`` keys)."""

    contexts: int = 1
    """Contexts (workers) per model."""
    parallel: int = 8
    """Sequences decoded together in each context."""
    threads: int = 0
    """Threads per context; 0 (auto): the cores divided among the contexts, fewer while other
    programs keep some busy (:mod:`oro_ai.cpu_load`)."""
    context_size: int = 2048
    """Tokens of context per sequence (prompt + completion)."""
    kv_cache_size: int = 8192
    """Cells of each context's KV cache, shared by its sequences; 0: ``context_size`` x
    ``parallel``."""
    batch_size: int = 512
    ubatch_size: int = 0
    """Tokens llama.cpp computes at once within a step (``n_ubatch``); 0: ``batch_size``."""
    gpu_layers: int = -1
    """Layers offloaded to the GPU (``n_gpu_layers``); -1: all."""
    kv_log: bool = False
    """Log the KV-cache clears (``debug_kv_log``)..."""
    kv_log_interval: float = 5.0
    """...at most once per this many seconds."""
    queue_size: int = 16
    """Requests that may wait per model for a free sequence; past it: 429."""
    idle_timeout: float = 600.0
    """Seconds without requests after which a model is unloaded; 0: never."""
    max_models: int = 4
    """Models resident at once; loading one more unloads the least recently used idle one."""

    def threads_per_context(self) -> int:
        if self.threads > 0:
            return self.threads
        # The cores this process may run on (a container's or taskset's share), as measured.
        affinity = getattr(os, "sched_getaffinity", None)
        cores = len(affinity(0)) if affinity else os.cpu_count() or 1
        return max(1, cores // self.contexts)


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

    def __init__(
        self,
        registry: ModelRegistry,
        settings: PoolSettings,
        *,
        lora_path: list[Path] | None = None,
    ) -> None:
        self.registry = registry
        self.settings = settings
        self.loaded: dict[str, LoadedModel] = {}
        self.loading: set[str] = set()
        self.loras: dict[str, Path] = {}
        self.lora_path = list(lora_path or [])
        """``[ai.llm] lora_path``: where adapters are found by name."""
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
            status = ModelStatus(file.name, file.path, size=file_size(file.path))
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
        from oro_ai.resident import LoadedModel

        if self._task_group is None:
            raise APIError(503, "not_ready", "The AI service is not running", retry_after=1)
        lock = self._locks.setdefault(file.name, anyio.Lock())
        async with lock:
            existing = self.loaded.get(file.name)
            if existing is not None:
                return existing
            await self._make_room()
            status = ModelStatus(file.name, file.path, size=file_size(file.path))
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
                ).replace(str(file.path), file.path.name)
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
        # The engine (and its sampling) imports with the first model, not at every launch.
        from oro_ai.cpu_load import ThreadBudget
        from oro_ai.engine import KVClearLog, Worker, load_model

        settings = self.settings
        try:
            native = load_model(str(file.path), gpu_layers=settings.gpu_layers)
        except ValueError as error:
            # llama.cpp names the file by its path; pages see its name only.
            cause = str(error).replace(str(file.path), file.path.name)
            raise APIError(
                422,
                "model_load_failed",
                f"Model '{file.name}' ({file.path.name}) cannot be loaded: {cause}",
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
        kv_log = KVClearLog(interval=settings.kv_log_interval) if settings.kv_log else None
        # An app's explicit count is honoured as is; auto gives way to other programs.
        budget = (
            ThreadBudget(threads, contexts=settings.contexts) if settings.threads <= 0 else None
        )
        workers = [
            Worker(
                native,
                parallel=settings.parallel,
                n_ctx_seq=context_size,
                threads=threads,
                n_batch=settings.batch_size,
                n_ubatch=settings.ubatch_size,
                kv_size=settings.kv_cache_size,
                name=f"{file.name}#{index}",
                kv_log=kv_log,
                budget=budget,
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

    def lora_file(self, name: str) -> Path | None:
        """The file ``name`` or ``name.gguf`` in the first directory of ``lora_path`` holding
        one, else ``None`` (blocking: run in a thread).

        :raises APIError: ``name`` is not a plain file name (``a/b``, ``..``).
        """
        if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
            raise APIError(
                400, "invalid_adapter", f"LoRA adapter name {name!r} is not a plain file name"
            )
        for directory in self.lora_path:
            for candidate in (directory / name, directory / f"{name}.gguf"):
                if candidate.suffix == ".gguf" and candidate.is_file():
                    return candidate
        return None

    def add_lora(self, path: Path, name: str | None) -> str:
        """Register a LoRA adapter file under ``name`` (default: the file name without ``.gguf``).

        :raises APIError: the file does not exist or is not a ``.gguf``.
        """
        path = path.expanduser().resolve()
        if not path.is_file():
            raise APIError(404, "adapter_not_found", f"No LoRA adapter file {path.name}")
        if path.suffix != ".gguf":
            raise APIError(400, "invalid_adapter", f"{path.name} is not a .gguf LoRA adapter")
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
            "kvClears": sum(worker.kv_clears for worker in workers),
            "kvTokensDropped": sum(worker.kv_tokens_dropped for worker in workers),
        }
