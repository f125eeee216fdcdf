"""The inference engine: one llama.cpp context decoding several sequences at once (continuous
batching), driven by a worker thread.

Each step the worker builds one ``llama_batch`` holding the next token of every generating
sequence plus a chunk of the prompt of every sequence still reading its prompt, decodes it once,
samples one token per sequence with that sequence's own sampler chain (:mod:`.sampling`)
and hands every new token of the step to the event loop in one call. So ``n`` streams make
progress together (no stream waits for another to finish), and the event loop sees one thread hop
per step, not one per token. A sequence keeps its tokens in the KV cache after it finishes; the
next job whose prompt shares a prefix with them only decodes the rest (prompt-prefix reuse).

The sequences share one KV cache of ``kv_size`` cells. A job reserves the cells it can come to
hold (its prompt and ``max_tokens``, at most a sequence's context) when it starts; a job whose
reservation does not fit waits for a running one to end, so a decode always finds room and a
stream is never cut for want of it. Finished sequences' caches are dropped as room is needed.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import field
from typing import TYPE_CHECKING, Any, Final

from oro_framework.records import record

if TYPE_CHECKING:
    import llama_cpp
    from llama_cpp import _internals
else:  # imported on first use (and llama_log installed then): see oro_ai._lazy
    from oro_ai._lazy import llama_cpp
    from oro_ai._lazy import llama_internals as _internals

from oro_ai.cpu_load import ThreadBudget
from oro_ai.sampling import Sampling, make_sampler

__all__ = ["Job", "KVClearLog", "TokenEvent", "Worker", "load_model", "token_piece"]

logger = logging.getLogger("oro_ai.engine")
kv_logger = logging.getLogger("oro_ai.kv")


_IDLE_POLL: Final = 0.25
"""Seconds an idle worker waits for a job before looking at its stop flag again."""
_Q8_0_BLOCK: Final = 32
"""Values per q8_0 block: a q8_0 cache needs head sizes that are a multiple of it."""


@record
class TokenEvent:
    """What a step produced for one job: a token (``None`` when it only finished) and, on the last
    event, the finish reason (``"stop"``: end of generation token; ``"length"``: ``max_tokens``
    or the sequence's context is full; ``"cancelled"``; ``"error"``)."""

    token: int | None
    piece: bytes
    finish: str | None = None
    message: str | None = None


Deliver = Callable[[list[tuple["Job", TokenEvent]]], None]
"""Called on the event loop with every event of one step."""


@record(frozen=False, eq=False)
class Job:
    """One generation request, shared between the event loop and the worker.

    ``cancelled`` is written by the event loop (client gone, stop sequence seen, abort) and read
    by the worker before every step, which is how generation stops within one token.
    """

    prompt: list[int]
    max_tokens: int
    sampling: Sampling
    on_events: Callable[[TokenEvent], bool]
    """Called on the event loop per event; returns ``False`` when nobody listens any more."""
    cancelled: bool = False
    generated: int = 0
    cached_tokens: int = 0
    """Prompt tokens found in the KV cache (prefix reuse) rather than decoded."""
    queued_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None


@record(frozen=False, eq=False)
class _Slot:
    """A sequence id of the context and what its KV cache holds."""

    seq_id: int
    cached: list[int] = field(default_factory=list)
    job: Job | None = None
    pending: list[int] = field(default_factory=list)
    """Prompt tokens still to decode."""
    sampler: Any = None
    last: int | None = None
    """The token sampled last step, decoded in this step."""
    batch_index: int = -1
    reserved: int = 0
    """KV cells the running job may come to hold (0 while idle)."""
    stale: bool = False
    """The cache was computed with LoRA adapters since changed: forget it when the job ends."""


@functools.cache
def _backends_ready() -> None:
    # llama.cpp built for distribution (oro-ai-engine: docs/ai.md, "System packages") keeps its
    # CPU code in one library per instruction-set level, which llama_backend_init loads (the
    # best this CPU runs); a native build has it built in, and the call only sets up tables.
    llama_cpp.llama_backend_init()


def load_model(path: str, *, use_mmap: bool = True, gpu_layers: int = -1) -> _internals.LlamaModel:
    """Load a GGUF model (no context) with llama.cpp's logging kept off stderr.

    :param gpu_layers: llama.cpp's ``n_gpu_layers``: layers offloaded to the GPU, -1 all; a
        build without a GPU backend keeps every layer on the CPU whatever it says.
    """
    _backends_ready()
    params = llama_cpp.llama_model_default_params()
    params.use_mmap = use_mmap
    params.n_gpu_layers = gpu_layers
    return _internals.LlamaModel(path_model=path, params=params, verbose=False)


class KVClearLog:
    """The ``debug_kv_log`` lines of one model's workers: each sums the KV-cache clears since
    the previous line, at most one per ``interval`` seconds (0: a line per clear), and names
    the worker of the last. Called on the worker threads."""

    def __init__(self, *, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._clears = 0
        self._dropped = 0
        self._last = -float("inf")

    def record(self, worker: str, dropped: int, kept: int) -> None:
        """``worker`` dropped ``dropped`` cached tokens of a sequence and kept ``kept``."""
        with self._lock:
            self._clears += 1
            self._dropped += dropped
            now = time.monotonic()
            if now - self._last < self.interval:
                return
            clears, total, self._clears, self._dropped = self._clears, self._dropped, 0, 0
            self._last = now
        kv_logger.info(
            "kv_clear %s: %d clear(s), %d cached token(s) dropped (last: %d dropped, %d kept)",
            worker,
            clears,
            total,
            dropped,
            kept,
        )


def token_piece(model: _internals.LlamaModel, token: int, *, special: bool = False) -> bytes:
    """The bytes of one token (a piece may be part of a UTF-8 character)."""
    size = 64
    while True:
        buffer = ctypes.create_string_buffer(size)
        count = llama_cpp.llama_token_to_piece(model.vocab, token, buffer, size, 0, special)
        if count < 0:
            size = -count
            continue
        return buffer.raw[:count]


def _open_context(model: _internals.LlamaModel, params: Any) -> Any:
    """A context whose KV cache is stored as q8_0 with flash attention, so that every token's
    attention is computed by the same kernel whatever the batch, the other sequences in the
    cache or the thread count: temperature 0 answers are then identical run to run (with f16,
    llama.cpp's CPU backend tiles batches of 64+ tokens and splits a lone token's attention
    across the threads at 512+ cells, each rounding differently). A model whose head size q8_0
    cannot hold, or a backend without flash attention, gets the f16 cache."""
    if all(size % _Q8_0_BLOCK == 0 for size in _head_sizes(model)):
        params.type_k = params.type_v = llama_cpp.GGML_TYPE_Q8_0
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
        try:
            return _internals.LlamaContext(model=model, params=params, verbose=False)
        except ValueError:
            logger.debug("q8_0 KV cache refused; using f16 (answers may vary with batching)")
            params.type_k = params.type_v = llama_cpp.GGML_TYPE_F16
            params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_AUTO
    return _internals.LlamaContext(model=model, params=params, verbose=False)


def _head_sizes(model: _internals.LlamaModel) -> tuple[int, int]:
    """The sizes of one attention head's key and value vectors."""
    metadata = model.metadata()
    arch = metadata.get("general.architecture", "")
    heads = max(1, llama_cpp.llama_model_n_head(model.model))
    key = int(metadata.get(f"{arch}.attention.key_length", model.n_embd() // heads))
    return key, int(metadata.get(f"{arch}.attention.value_length", key))


def _common_prefix(left: list[int], right: list[int]) -> int:
    count = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        count += 1
    return count


class Worker:
    """One context with ``parallel`` sequences and the thread that decodes them.

    Thread-safe entry points: :meth:`submit`, :meth:`stop`; everything else runs on the worker
    thread, started with :meth:`run` (blocking; call it from ``anyio.to_thread.run_sync``).

    :param deliver: runs a callable on the event loop (``anyio.from_thread.run_sync``).
    :param kv_size: cells of the KV cache the sequences share; 0: ``n_ctx_seq`` x ``parallel``.
    :param budget: with ``[ai.llm] threads`` 0, the thread count follows the free cores (set
        between steps); ``None``: ``threads`` always.
    """

    def __init__(
        self,
        model: _internals.LlamaModel,
        *,
        parallel: int,
        n_ctx_seq: int,
        threads: int,
        n_batch: int = 512,
        n_ubatch: int = 0,
        kv_size: int = 0,
        name: str = "worker",
        kv_log: KVClearLog | None = None,
        budget: ThreadBudget | None = None,
    ) -> None:
        self.model = model
        self.parallel = parallel
        self.n_ctx_seq = n_ctx_seq
        self.threads = threads
        self.budget = budget
        self.n_batch = n_batch
        self.name = name
        params = llama_cpp.llama_context_default_params()
        # 0: room for every sequence's whole context at once (more would never be used); never
        # less than one sequence's context, so that a lone request always fits.
        whole = n_ctx_seq * parallel
        params.n_ctx = min(max(kv_size, n_ctx_seq), whole) if kv_size else whole
        params.n_seq_max = parallel
        params.n_batch = n_batch
        # 0 is n_batch; llama.cpp caps a larger one at n_batch.
        params.n_ubatch = n_ubatch or n_batch
        params.n_threads = threads
        params.n_threads_batch = threads
        params.kv_unified = True
        params.no_perf = True
        self.context: Any = _open_context(model, params)
        # With a unified cache llama.cpp lets any sequence grow over the whole context; the
        # per-sequence share is kept here so that every sequence always finds room.
        self.n_ctx_seq = min(n_ctx_seq, llama_cpp.llama_n_ctx_seq(self.context.ctx))
        self.kv_size = llama_cpp.llama_n_ctx(self.context.ctx)
        """Cells of the shared KV cache (llama.cpp rounds ``n_ctx`` up)."""
        self._pieces: dict[int, bytes] = {}
        """Each token's bytes, looked up once: the vocabulary is fixed for the model's life."""
        self._batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        self._slots = [_Slot(seq_id) for seq_id in range(parallel)]
        self._inbox: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._waiting: list[Job] = []
        self._stop = threading.Event()
        self.started = threading.Event()
        self.finished = threading.Event()
        """Set when :meth:`run` returned: only then may :meth:`close` free the context."""
        self._lock = threading.Lock()
        self._adapters: list[tuple[Any, float]] = []
        self._adapters_dirty = False
        self.steps = 0
        self.cancelled = 0
        """Jobs stopped while generating because nobody listened any more."""
        self.tokens_generated = 0
        self.prompt_tokens = 0
        self.cached_prompt_tokens = 0
        self.kv_clears = 0
        """Times a sequence's cached tokens were dropped (all or past a shared prefix)."""
        self.kv_tokens_dropped = 0
        self.kv_log = kv_log
        self.queued = 0
        """Jobs submitted and not yet finished (event-loop side bookkeeping)."""

    # ------------------------------------------------------------------------------------------
    # Thread-safe API
    # ------------------------------------------------------------------------------------------

    def submit(self, job: Job) -> None:
        self._inbox.put(job)

    def stop(self) -> None:
        self._stop.set()
        self._inbox.put(None)

    def set_adapters(self, adapters: list[tuple[Any, float]]) -> None:
        """LoRA adapters (``llama_adapter_lora_p``, scale) applied from the next step on."""
        with self._lock:
            self._adapters = list(adapters)
            self._adapters_dirty = True

    @property
    def active(self) -> int:
        return sum(1 for slot in self._slots if slot.job is not None)

    def close(self) -> None:
        """Free the native batch and context (after :meth:`run` returned)."""
        llama_cpp.llama_batch_free(self._batch)
        for slot in self._slots:
            if slot.sampler is not None:
                slot.sampler.close()
        self.context.close()

    # ------------------------------------------------------------------------------------------
    # The worker thread
    # ------------------------------------------------------------------------------------------

    def run(self, deliver: Callable[[Callable[[], None]], None]) -> None:
        """Decode until :meth:`stop`; every step's events go to the event loop through
        ``deliver`` in one call."""
        self.started.set()
        try:
            while not self._stop.is_set():
                events: list[tuple[Job, TokenEvent]] = []
                self._take_jobs(block=self.active == 0 and not self._waiting)
                self._retire_cancelled(events)
                self._apply_adapters()
                self._admit()
                self._adapt_threads()
                if self.active:
                    self._step(events)
                if events:
                    deliver(lambda batch=events: _dispatch(batch))  # type: ignore[misc]
        finally:
            leftovers: list[tuple[Job, TokenEvent]] = []
            for slot in self._slots:
                if slot.job is not None:
                    leftovers.append((slot.job, TokenEvent(None, b"", "cancelled")))
                    self._release(slot)
            for job in self._waiting:
                leftovers.append((job, TokenEvent(None, b"", "cancelled")))
            self._waiting.clear()
            if leftovers:
                try:
                    deliver(lambda: _dispatch(leftovers))
                except Exception:  # the event loop is gone: nobody is listening
                    logger.debug("%s: could not deliver shutdown events", self.name)
            self.finished.set()

    def _adapt_threads(self) -> None:
        """Follow the thread budget (measured while idle too, so a generation starts with it)."""
        if self.budget is None:
            return
        wanted = self.budget.threads()
        if wanted != self.threads:
            llama_cpp.llama_set_n_threads(self.context.ctx, wanted, wanted)
            self.threads = wanted

    def _take_jobs(self, *, block: bool) -> None:
        try:
            item = self._inbox.get(timeout=_IDLE_POLL) if block else self._inbox.get_nowait()
        except queue.Empty:
            return
        while True:
            if item is not None:
                self._waiting.append(item)
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                return

    def _retire_cancelled(self, events: list[tuple[Job, TokenEvent]]) -> None:
        for slot in self._slots:
            if slot.job is not None and slot.job.cancelled:
                self.cancelled += 1
                events.append((slot.job, TokenEvent(None, b"", "cancelled")))
                self._release(slot)
        still = []
        for job in self._waiting:
            if job.cancelled:
                events.append((job, TokenEvent(None, b"", "cancelled")))
            else:
                still.append(job)
        self._waiting = still

    def _admit(self) -> None:
        while self._waiting:
            free = [slot for slot in self._slots if slot.job is None]
            if not free:
                return
            job = self._waiting[0]
            need = min(len(job.prompt) + job.max_tokens, self.n_ctx_seq)
            if self._reserved() + need > self.kv_size:
                # First come, first served: it starts when a running job gives its cells back.
                return
            self._waiting.pop(0)
            # The free sequence whose cache shares the longest prefix with this prompt...
            slot = max(free, key=lambda candidate: _common_prefix(candidate.cached, job.prompt))
            reused = _common_prefix(slot.cached, job.prompt)
            # ...or any sequence, busy ones included, whose prefix is longer (a shared system
            # prompt): the unified KV cache shares those cells with this sequence for free.
            donor = max(
                self._slots,
                key=lambda other: -1 if other.stale else _common_prefix(other.cached, job.prompt),
            )
            shared = 0 if donor.stale else _common_prefix(donor.cached, job.prompt)
            memory = self.context.memory
            held = len(slot.cached)
            if donor is not slot and shared > reused:
                llama_cpp.llama_memory_seq_rm(memory, slot.seq_id, -1, -1)
                llama_cpp.llama_memory_seq_cp(memory, donor.seq_id, slot.seq_id, 0, shared)
                reused = shared
                self._cleared(held, 0)
                held = 0
            # At least the prompt's last token is decoded: its logits choose the first token.
            reused = min(reused, len(job.prompt) - 1)
            if not llama_cpp.llama_memory_seq_rm(memory, slot.seq_id, reused, -1):
                llama_cpp.llama_memory_seq_rm(memory, slot.seq_id, -1, -1)
                reused = 0
            self._cleared(held, min(held, reused))
            slot.cached = job.prompt[:reused]
            slot.pending = job.prompt[reused:]
            slot.job = job
            slot.reserved = need
            self._make_room()
            slot.last = None
            slot.sampler = make_sampler(self.model, job.sampling)
            job.cached_tokens = reused
            job.started_at = time.monotonic()
            self.prompt_tokens += len(job.prompt)
            self.cached_prompt_tokens += reused

    def _reserved(self) -> int:
        return sum(slot.reserved for slot in self._slots if slot.job is not None)

    def _make_room(self) -> None:
        """Drop finished sequences' caches (the largest first) until the running jobs'
        reservations and what the idle sequences still hold fit in the cache together. A
        prefix shared by several sequences counts for each: the cache holds at most that."""
        idle = sorted(
            (slot for slot in self._slots if slot.job is None and slot.cached),
            key=lambda slot: -len(slot.cached),
        )
        held = self._reserved() + sum(len(slot.cached) for slot in idle)
        for slot in idle:
            if held <= self.kv_size:
                return
            held -= len(slot.cached)
            self._forget(slot)

    def _release(self, slot: _Slot) -> None:
        if slot.stale:
            self._forget(slot)
        if slot.sampler is not None:
            slot.sampler.close()
        slot.sampler = None
        slot.job = None
        slot.reserved = 0
        slot.pending = []
        slot.last = None

    def _apply_adapters(self) -> None:
        with self._lock:
            if not self._adapters_dirty:
                return
            adapters = self._adapters
            self._adapters_dirty = False
        count = len(adapters)
        pointers = (llama_cpp.llama_adapter_lora_p_ctypes * max(count, 1))(
            *[adapter for adapter, _ in adapters]
        )
        scales = (ctypes.c_float * max(count, 1))(*[scale for _, scale in adapters])
        llama_cpp.llama_set_adapters_lora(self.context.ctx, pointers, count, scales)
        # What the cache holds was computed with the old adapters: no later request may reuse it.
        for slot in self._slots:
            if slot.job is None:
                self._forget(slot)
            else:
                slot.stale = True

    def _forget(self, slot: _Slot) -> None:
        llama_cpp.llama_memory_seq_rm(self.context.memory, slot.seq_id, -1, -1)
        self._cleared(len(slot.cached), 0)
        slot.cached = []
        slot.stale = False

    def _cleared(self, held: int, kept: int) -> None:
        """Count (and with ``debug_kv_log``, log) a sequence's cache going from ``held`` tokens
        of its own to ``kept``; keeping all of them is no clear."""
        dropped = held - kept
        if dropped <= 0:
            return
        self.kv_clears += 1
        self.kv_tokens_dropped += dropped
        if self.kv_log is not None:
            self.kv_log.record(self.name, dropped, kept)

    def _step(self, events: list[tuple[Job, TokenEvent]]) -> None:
        batch = self._batch
        count = 0
        budget = self.n_batch
        # Generating sequences first: one token each keeps every stream moving.
        for slot in self._slots:
            slot.batch_index = -1
            if slot.job is None or slot.last is None:
                continue
            position = len(slot.cached)
            self._add(batch, count, slot.last, position, slot.seq_id, logits=True)
            slot.cached.append(slot.last)
            slot.batch_index = count
            count += 1
            budget -= 1
        # Then prompt chunks with what is left of the batch.
        for slot in self._slots:
            if slot.job is None or not slot.pending or budget <= 0:
                continue
            chunk = slot.pending[:budget]
            slot.pending = slot.pending[len(chunk) :]
            for index, token in enumerate(chunk):
                last = not slot.pending and index == len(chunk) - 1
                self._add(batch, count, token, len(slot.cached), slot.seq_id, logits=last)
                slot.cached.append(token)
                if last:
                    slot.batch_index = count
                count += 1
            budget -= len(chunk)
        if count == 0:
            return
        batch.n_tokens = count
        status = llama_cpp.llama_decode(self.context.ctx, batch)
        self.steps += 1
        if status != 0:
            # Nothing of this batch can be trusted: fail its jobs loudly instead of serving
            # garbage, and forget what their caches hold.
            for slot in self._slots:
                if slot.job is not None:
                    events.append(
                        (
                            slot.job,
                            TokenEvent(None, b"", "error", f"llama_decode failed ({status})"),
                        )
                    )
                    llama_cpp.llama_memory_seq_rm(self.context.memory, slot.seq_id, -1, -1)
                    slot.cached = []
                    self._release(slot)
            return
        self._sample(events)

    def _sample(self, events: list[tuple[Job, TokenEvent]]) -> None:
        """Each sequence's next token from the step's logits, and its event."""
        vocab = self.model.vocab
        for slot in self._slots:
            job = slot.job
            if job is None or slot.batch_index < 0 or slot.sampler is None:
                continue
            token = llama_cpp.llama_sampler_sample(
                slot.sampler.sampler, self.context.ctx, slot.batch_index
            )
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                events.append((job, TokenEvent(None, b"", "stop")))
                self._release(slot)
                continue
            job.generated += 1
            self.tokens_generated += 1
            piece = self._pieces.get(token)
            if piece is None:
                piece = self._pieces[token] = token_piece(self.model, token)
            full = len(slot.cached) + 1 >= self.n_ctx_seq
            if job.generated >= job.max_tokens or full:
                # The last token is never decoded, so it is not in the cache.
                events.append((job, TokenEvent(token, piece, "length")))
                self._release(slot)
                continue
            slot.last = token
            events.append((job, TokenEvent(token, piece)))

    @staticmethod
    def _add(batch: Any, index: int, token: int, pos: int, seq: int, *, logits: bool) -> None:
        batch.token[index] = token
        batch.pos[index] = pos
        batch.n_seq_id[index] = 1
        seq_ids: Any = batch.seq_id[index]
        seq_ids[0] = seq
        batch.logits[index] = logits


def _dispatch(events: list[tuple[Job, TokenEvent]]) -> None:
    """On the event loop: hand each event to its job's listener; a listener that is gone marks
    its job cancelled so the worker frees the sequence next step."""
    for job, event in events:
        if not job.on_events(event):
            job.cancelled = True
