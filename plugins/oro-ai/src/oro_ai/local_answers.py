"""The answers of a model loaded in this process: embeddings, chat and text completions.

:class:`~oro_ai.api.LlamaAPI` sends a request here when no upstream serves its model (or as the
fallback when that upstream cannot be reached); this module checks what only a loaded model can
tell (its vocabulary, its context size), takes a slot of the rate limits and answers through
:mod:`.generation` in the shapes of :mod:`.openai_payloads`."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any, Final, final

import anyio

from oro_ai.errors import APIError
from oro_ai.generation import collect_outcome, stream_outcome
from oro_ai.limits import RateLimiter
from oro_ai.openai_payloads import (
    completion_payload,
    encode_embedding,
    stream_chunk_from,
    usage_chunk,
)
from oro_ai.pool import ModelManager
from oro_ai.requests import (
    Defaults,
    GenerationParams,
    chat_prompt,
    check_prompt_size,
    generation_params,
    optional_str,
)
from oro_ai.resident import LoadedModel
from oro_framework import MemoryReservation
from oro_framework.asgi import (
    Receive,
    Send,
    end_event_stream,
    run_until_disconnect,
    send_event,
    send_json,
    start_event_stream,
)

__all__ = ["LocalAnswers"]

EMBEDDING_HELD_PER_VALUE: Final = 64
"""Bytes of the memory budget one number of an embedding holds until it is sent: a Python
float and its place in a list (32), and its JSON text (about 24)."""


@final
class LocalAnswers:
    """Answers request bodies with the models of ``manager``. Each method answers one endpoint;
    ``extra`` fields join every payload and chunk (``fallback``), and what the answer buffers is
    reserved in ``held``."""

    def __init__(self, manager: ModelManager, defaults: Defaults, limiter: RateLimiter) -> None:
        self.manager = manager
        self.defaults = defaults
        self.limiter = limiter

    async def embeddings(
        self,
        receive: Receive,
        send: Send,
        body: dict[str, Any],
        extra: Mapping[str, Any],
        held: MemoryReservation,
    ) -> None:
        """``/v1/embeddings``."""
        raw = body.get("input")
        if isinstance(raw, str):
            inputs: list[Any] = [raw]
        elif isinstance(raw, list) and raw and all(isinstance(item, int) for item in raw):
            inputs = [raw]
        elif isinstance(raw, list) and raw:
            inputs = raw
        else:
            raise APIError(
                422, "invalid_type", "'input' must be a string or a non-empty list", param="input"
            )
        encoding = body.get("encoding_format") or "float"
        if encoding not in ("float", "base64"):
            raise APIError.invalid(
                "encoding_format must be 'float' or 'base64'", param="encoding_format"
            )
        model = await self.manager.get(optional_str(body, "model"))
        token_lists = [
            self._embedding_tokens(model, index, item) for index, item in enumerate(inputs)
        ]
        # Many short inputs make many long vectors: reserved before any is made.
        held.grow(len(token_lists) * model.model.n_embd() * EMBEDDING_HELD_PER_VALUE)
        self.limiter.acquire()
        try:
            vectors = await anyio.to_thread.run_sync(model.embed, token_lists)
        finally:
            self.limiter.release()
        total = sum(len(tokens) for tokens in token_lists)
        await send_json(
            send,
            200,
            {
                "object": "list",
                "model": model.name,
                "data": [
                    {
                        "object": "embedding",
                        "index": index,
                        "embedding": encode_embedding(vector, encoding),
                    }
                    for index, vector in enumerate(vectors)
                ],
                "usage": {"prompt_tokens": total, "total_tokens": total},
            },
        )

    def _embedding_tokens(self, model: LoadedModel, index: int, item: Any) -> list[int]:
        """The tokens of ``input[index]``, a text or a list of token ids.

        :raises APIError: not one of those, empty, outside the vocabulary or over the context.
        """
        if isinstance(item, str):
            check_prompt_size(item, self.defaults)
            tokens = model.tokenize(item, add_special=True, parse_special=False)
        elif isinstance(item, list) and all(
            isinstance(token, int) and not isinstance(token, bool) for token in item
        ):
            tokens = list(item)
            if not all(0 <= token < model.model.n_vocab() for token in tokens):
                raise APIError.invalid(
                    f"input[{index}] holds a token outside the vocabulary", param="input"
                )
        else:
            raise APIError(
                422, "invalid_type", f"input[{index}] must be a string or tokens", param="input"
            )
        if not tokens:
            raise APIError.invalid(f"input[{index}] is empty", param="input")
        if len(tokens) > model.settings.context_size:
            raise APIError(
                400,
                "context_length_exceeded",
                f"input[{index}] has {len(tokens)} tokens, over the context size "
                f"{model.settings.context_size}",
                param="input",
            )
        return tokens

    async def chat(
        self,
        receive: Receive,
        send: Send,
        body: dict[str, Any],
        extra: Mapping[str, Any],
        held: MemoryReservation,
    ) -> None:
        """``/v1/chat/completions``: the messages in the model's chat template."""
        params = generation_params(body, self.defaults)
        model = await self.manager.get(params.model)
        eos = model.token_text(model.model.token_eos()) if model.model.token_eos() >= 0 else ""
        bos = model.token_text(model.model.token_bos()) if model.model.token_bos() >= 0 else ""
        prompt, use_tools = chat_prompt(body, template=model.chat_template, bos=bos, eos=eos)
        check_prompt_size(prompt, self.defaults)
        tokens = model.tokenize(prompt, add_special=False, parse_special=True)
        await self._respond(
            receive, send, model, tokens, params, chat=True, tools=use_tools, extra=extra
        )

    async def completion(
        self,
        receive: Receive,
        send: Send,
        body: dict[str, Any],
        extra: Mapping[str, Any],
        held: MemoryReservation,
    ) -> None:
        """``/v1/completions``: one prompt, a text or a list of token ids."""
        params = generation_params(body, self.defaults)
        raw = body.get("prompt")
        if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str | list):
            raw = raw[0]
        model = await self.manager.get(params.model)
        if isinstance(raw, str):
            check_prompt_size(raw, self.defaults)
            tokens = model.tokenize(raw, add_special=True, parse_special=False)
        elif (
            isinstance(raw, list)
            and raw
            and all(isinstance(token, int) and not isinstance(token, bool) for token in raw)
        ):
            tokens = list(raw)
            n_vocab = model.model.n_vocab()
            if not all(0 <= token < n_vocab for token in tokens):
                raise APIError.invalid(
                    "'prompt' holds a token outside the vocabulary", param="prompt"
                )
        else:
            raise APIError(
                422,
                "invalid_type",
                "'prompt' must be a string or a list of token ids (one prompt per request)",
                param="prompt",
            )
        if not tokens:
            raise APIError.invalid("'prompt' is empty", param="prompt")
        await self._respond(
            receive, send, model, tokens, params, chat=False, tools=False, extra=extra
        )

    async def _respond(
        self,
        receive: Receive,
        send: Send,
        model: LoadedModel,
        tokens: list[int],
        params: GenerationParams,
        *,
        chat: bool,
        tools: bool,
        extra: Mapping[str, Any],
    ) -> None:
        """Generate and answer; ``extra`` fields join every payload and chunk (``fallback``)."""
        room = model.n_ctx_seq - len(tokens)
        if room < 1:
            raise APIError(
                400,
                "context_length_exceeded",
                f"The prompt has {len(tokens)} tokens; this model's context holds "
                f"{model.n_ctx_seq} (ai.llm.context_size)",
                param="messages" if chat else "prompt",
            )
        max_tokens = params.max_tokens or min(self.defaults.max_tokens, room)
        self.limiter.acquire()
        try:
            model.check_admission()
            ident = f"{'chatcmpl' if chat else 'cmpl'}-{uuid.uuid4().hex}"
            created = int(time.time())
            if params.stream and not tools:
                await stream_outcome(
                    receive, send, model, tokens, params, max_tokens, ident, created, chat, extra
                )
            else:
                outcome = await run_until_disconnect(
                    receive, send, lambda _: collect_outcome(model, tokens, params, max_tokens)
                )
                if outcome is None:
                    return
                payload = {
                    **completion_payload(
                        ident, created, model.name, outcome, chat=chat, tools=tools
                    ),
                    **extra,
                }
                if params.stream:
                    # Tool calls are parsed from the whole answer, so it is sent as one chunk.
                    await start_event_stream(send)
                    await send_event(send, {**stream_chunk_from(payload), **extra})
                    if params.include_usage:
                        await send_event(
                            send,
                            {**usage_chunk(ident, created, model.name, outcome, chat), **extra},
                        )
                    await end_event_stream(send, "[DONE]")
                else:
                    await send_json(send, 200, payload)
        finally:
            self.limiter.release()
