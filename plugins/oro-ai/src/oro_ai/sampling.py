"""How the next token is chosen: a request's sampling parameters, and the llama.cpp sampler
chain each sequence samples with (grammar, penalties, then greedy or top-k/top-p/min-p,
temperature and a seeded draw)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oro_framework.records import record

if TYPE_CHECKING:
    import llama_cpp
    from llama_cpp import _internals, llama_grammar
else:  # imported on first use (and llama_log installed then): see oro_ai._lazy
    from oro_ai._lazy import llama_cpp, llama_grammar
    from oro_ai._lazy import llama_internals as _internals

__all__ = ["Sampling", "make_sampler"]


@record
class Sampling:
    """How the next token is chosen. ``temperature <= 0`` means greedy."""

    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    seed: int | None = None
    repeat_penalty: float = 1.0
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    grammar: str | None = None
    """A GBNF grammar the output must match (``response_format`` json_schema, tool calls)."""


def make_sampler(model: _internals.LlamaModel, sampling: Sampling) -> Any:
    """llama.cpp's sampler chain choosing ``model``'s next token as ``sampling`` says."""
    # llama-cpp-python's internal wrappers are untyped; Any keeps mypy --strict honest here.
    sampler_class: Any = _internals.LlamaSampler
    sampler = sampler_class()
    if sampling.grammar is not None:
        sampler.add_grammar(
            model, llama_grammar.LlamaGrammar.from_string(sampling.grammar, verbose=False)
        )
    if (
        sampling.repeat_penalty != 1.0
        or sampling.presence_penalty != 0.0
        or sampling.frequency_penalty != 0.0
    ):
        sampler.add_penalties(
            model.n_vocab(),
            64,
            sampling.repeat_penalty,
            sampling.frequency_penalty,
            sampling.presence_penalty,
        )
    if sampling.temperature <= 0:
        sampler.add_greedy()
    else:
        if sampling.top_k > 0:
            sampler.add_top_k(sampling.top_k)
        sampler.add_top_p(sampling.top_p, 1)
        if sampling.min_p > 0:
            sampler.add_min_p(sampling.min_p, 1)
        sampler.add_temp(sampling.temperature)
        seed = sampling.seed if sampling.seed is not None else llama_cpp.LLAMA_DEFAULT_SEED
        sampler.add_dist(seed & 0xFFFFFFFF)
    return sampler
