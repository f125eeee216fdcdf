"""A model resident in memory with its workers (:class:`LoadedModel`): admission to its queue,
generation, embeddings, LoRA adapters and tokens; :class:`~oro_ai.pool.PoolSettings` says how
each is served."""

from __future__ import annotations

import ctypes
import math
import threading
import time
from collections.abc import AsyncGenerator
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from oro_framework.records import record

if TYPE_CHECKING:
    import llama_cpp
    import numpy as np
    from llama_cpp import _internals

    from oro_ai.pool import PoolSettings
else:  # imported on first use: see oro_ai._lazy
    from oro_ai._lazy import llama_cpp
    from oro_ai._lazy import llama_internals as _internals
    from oro_ai._lazy import numpy as np

from oro_ai.engine import Job, TokenEvent, Worker, token_piece
from oro_ai.errors import APIError
from oro_ai.models import ModelFile
from oro_ai.sampling import Sampling

__all__ = ["LoadedModel"]


@record(frozen=False, eq=False)
class _Adapter:
    name: str
    path: Path
    handle: Any
    scale: float = 1.0


@record(frozen=False, eq=False)
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
            "path": self.file.shown_path,
            "source": self.file.source,
            "loaded": True,
            "contexts": len(self.workers),
            "parallel": self.workers[0].parallel,
            "threads": self.workers[0].threads,
            "contextSize": self.n_ctx_seq,
            # The KV cache of the contexts: its cells, and those holding a sequence's tokens
            # (read off the workers' threads: a length, possibly one step old).
            "kvSize": sum(worker.kv_size for worker in self.workers),
            "kvUsed": sum(len(slot.cached) for worker in self.workers for slot in worker._slots),
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
                    f"LoRA adapter '{name}' ({path.name}) cannot be applied to model '{self.name}'",
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
