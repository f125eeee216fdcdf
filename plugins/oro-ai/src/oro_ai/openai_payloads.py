"""OpenAI's JSON shapes of an answer: a completion (chat or text, tool calls included), its
stream chunks, usage, and embeddings encoded as asked; pure functions of an :class:`Outcome`."""

from __future__ import annotations

import base64
import struct
from typing import Any

from oro_ai.requests import parse_tool_calls
from oro_framework.records import record

__all__ = [
    "Outcome",
    "completion_payload",
    "encode_embedding",
    "stream_chunk",
    "stream_chunk_from",
    "text_delta",
    "usage_chunk",
]


@record(frozen=False)
class Outcome:
    """A finished (or finishing) generation."""

    text: str = ""
    finish_reason: str | None = None
    completion_tokens: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = 0


def encode_embedding(vector: list[float], encoding: str) -> Any:
    """``base64``: the little-endian float32 bytes (what the openai client asks for)."""
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
    return vector


def _usage(outcome: Outcome) -> dict[str, Any]:
    return {
        "prompt_tokens": outcome.prompt_tokens,
        "completion_tokens": outcome.completion_tokens,
        "total_tokens": outcome.prompt_tokens + outcome.completion_tokens,
    }


def text_delta(text: str, chat: bool) -> Any:
    """A stream chunk's new text: a chat delta object, or a completion's bare text."""
    return {"content": text} if chat else text


def stream_chunk(
    ident: str, created: int, model: str, delta: Any, finish: str | None, chat: bool
) -> dict[str, Any]:
    """One event of a streamed answer: ``delta`` (see :func:`text_delta`), ``finish`` on the
    last."""
    if chat:
        choice: dict[str, Any] = {
            "index": 0,
            "delta": delta,
            "finish_reason": finish,
            "logprobs": None,
        }
        kind = "chat.completion.chunk"
    else:
        choice = {"index": 0, "text": delta, "finish_reason": finish, "logprobs": None}
        kind = "text_completion"
    return {"id": ident, "object": kind, "created": created, "model": model, "choices": [choice]}


def usage_chunk(
    ident: str, created: int, model: str, outcome: Outcome, chat: bool
) -> dict[str, Any]:
    """The extra last event a stream sends with ``stream_options.include_usage``."""
    return {
        "id": ident,
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": created,
        "model": model,
        "choices": [],
        "usage": _usage(outcome),
    }


def completion_payload(
    ident: str, created: int, model: str, outcome: Outcome, *, chat: bool, tools: bool
) -> dict[str, Any]:
    """The whole answer; with ``tools``, tool calls parsed from the text."""
    finish = outcome.finish_reason or "stop"
    if chat:
        message: dict[str, Any] = {"role": "assistant", "content": outcome.text}
        if tools:
            text, calls = parse_tool_calls(outcome.text)
            if calls:
                message = {"role": "assistant", "content": text or None, "tool_calls": calls}
                finish = "tool_calls"
        choice: dict[str, Any] = {
            "index": 0,
            "message": message,
            "finish_reason": finish,
            "logprobs": None,
        }
        kind = "chat.completion"
    else:
        choice = {"index": 0, "text": outcome.text, "finish_reason": finish, "logprobs": None}
        kind = "text_completion"
    return {
        "id": ident,
        "object": kind,
        "created": created,
        "model": model,
        "choices": [choice],
        "usage": _usage(outcome),
    }


def stream_chunk_from(payload: dict[str, Any]) -> dict[str, Any]:
    """A whole answer (:func:`completion_payload`) as one stream chunk."""
    choice = payload["choices"][0]
    if payload["object"] == "chat.completion":
        message = dict(choice["message"])
        if "tool_calls" in message:
            message["tool_calls"] = [
                dict(call, index=index) for index, call in enumerate(message["tool_calls"])
            ]
        chunk_choice = {
            "index": 0,
            "delta": message,
            "finish_reason": choice["finish_reason"],
            "logprobs": None,
        }
        kind = "chat.completion.chunk"
    else:
        chunk_choice = dict(choice)
        kind = "text_completion"
    return {
        "id": payload["id"],
        "object": kind,
        "created": payload["created"],
        "model": payload["model"],
        "choices": [chunk_choice],
    }
