"""One generation as the OpenAI API answers it: the model's token events turned into text
deltas (stop sequences applied), collected whole or streamed as server-sent events."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from typing import Any

from oro_ai.errors import APIError
from oro_ai.openai_payloads import Outcome, stream_chunk, text_delta, usage_chunk
from oro_ai.requests import GenerationParams
from oro_ai.resident import LoadedModel
from oro_ai.textstream import StopScanner, TextAssembler
from oro_framework.asgi import (
    Receive,
    Send,
    end_event_stream,
    run_until_disconnect,
    send_event,
    start_event_stream,
)

__all__ = ["collect_outcome", "generate_deltas", "stream_outcome"]


async def generate_deltas(
    model: LoadedModel, tokens: list[int], params: GenerationParams, max_tokens: int
) -> AsyncGenerator[tuple[str, Outcome], None]:
    """Text deltas with stop sequences applied; the last one carries the finish reason."""
    outcome = Outcome(prompt_tokens=len(tokens))
    assembler = TextAssembler()
    scanner = StopScanner(params.stop)
    generation = model.generate(tokens, max_tokens=max_tokens, sampling=params.sampling)
    try:
        async for event in generation:
            if event.token is not None:
                outcome.completion_tokens += 1
            text = scanner.feed(assembler.feed(event.piece))
            if scanner.stopped:
                outcome.finish_reason = "stop"
                outcome.text += text
                yield text, outcome
                return
            if event.finish is not None:
                if event.finish in ("cancelled", "error"):
                    raise APIError(
                        503,
                        "generation_interrupted",
                        event.message or "The model was unloaded while generating",
                        retry_after=1,
                    )
                text += scanner.feed(assembler.flush())
                if not scanner.stopped:
                    text += scanner.flush()
                outcome.finish_reason = "stop" if scanner.stopped else event.finish
                outcome.text += text
                yield text, outcome
                return
            if text:
                outcome.text += text
                yield text, outcome
    finally:
        await generation.aclose()


async def collect_outcome(
    model: LoadedModel, tokens: list[int], params: GenerationParams, max_tokens: int
) -> Outcome:
    """The whole answer, once generated."""
    last = Outcome(prompt_tokens=len(tokens))
    async with aclosing(generate_deltas(model, tokens, params, max_tokens)) as events:
        async for _, outcome in events:
            last = outcome
    return last


async def stream_outcome(
    receive: Receive,
    send: Send,
    model: LoadedModel,
    tokens: list[int],
    params: GenerationParams,
    max_tokens: int,
    ident: str,
    created: int,
    chat: bool,
    extra: Mapping[str, Any],
) -> None:
    """Send the answer as server-sent events as it is generated, ``[DONE]`` last; an error
    after the headers arrives as a last event. ``extra`` fields join every chunk."""

    async def send_chunk(send: Send, delta: Any, finish: str | None = None) -> None:
        chunk = stream_chunk(ident, created, model.name, delta, finish, chat)
        await send_event(send, {**chunk, **extra})

    async def produce(send: Send) -> None:
        await start_event_stream(send)
        if chat:
            await send_chunk(send, {"role": "assistant", "content": ""})
        outcome = Outcome(prompt_tokens=len(tokens))
        try:
            async with aclosing(generate_deltas(model, tokens, params, max_tokens)) as events:
                async for text, outcome in events:
                    if text:
                        await send_chunk(send, text_delta(text, chat))
                    if outcome.finish_reason is not None:
                        await send_chunk(send, {} if chat else "", outcome.finish_reason)
        except APIError as error:
            # Headers are gone: the error travels as an event, as OpenAI's streams do.
            await send_event(send, error.body())
            await end_event_stream(send, "[DONE]")
            return
        if params.include_usage:
            usage = usage_chunk(ident, created, model.name, outcome, chat)
            await send_event(send, {**usage, **extra})
        await end_event_stream(send, "[DONE]")

    await run_until_disconnect(receive, send, produce)
