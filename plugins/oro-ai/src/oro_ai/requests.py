"""OpenAI request bodies to generation parameters: validation with clear errors, defaults from
``[ai.llm] default_*``, the hard caps, ``response_format`` grammars and chat prompts."""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from oro_framework.records import record

if TYPE_CHECKING:
    from llama_cpp import llama_chat_format, llama_grammar
else:  # imported on first use: see oro_ai._lazy
    from oro_ai._lazy import llama_chat_format, llama_grammar

from oro_ai.errors import APIError
from oro_ai.limits import TOP_K_RANGE
from oro_ai.sampling import Sampling

__all__ = [
    "CHATML_TEMPLATE",
    "Defaults",
    "GenerationParams",
    "chat_prompt",
    "check_embedding_size",
    "check_prompt_size",
    "generation_params",
    "optional_str",
    "parse_tool_calls",
    "supports_tools",
    "upstream_body",
]

CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
"""The prompt format of models that carry no chat template of their own."""


_TOOL_CALL = re.compile(r"<tool_call>\s*(.*?)\s*</tool_call>", re.DOTALL)


@record
class Defaults:
    """``[ai.llm] default_*`` and the caps."""

    max_tokens: int = 256
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    hard_max_tokens: int = 4096
    max_prompt_bytes: int = 256 * 1024
    embed_max_total_bytes: int = 256 * 1024


@record
class GenerationParams:
    model: str | None
    max_tokens: int | None
    """``None``: the default, limited to what the context has left."""
    sampling: Sampling
    stop: list[str]
    stream: bool
    include_usage: bool


def _field(body: Mapping[str, Any], name: str, kinds: type | tuple[type, ...], default: Any) -> Any:
    value = body.get(name, default)
    if value is None:
        return default
    # JSON numbers: an int is a fine float; a bool is never a number.
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise APIError(422, "invalid_type", f"'{name}' must not be a boolean", param=name)
    if kinds is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, kinds):
        names = kinds.__name__ if isinstance(kinds, type) else "/".join(k.__name__ for k in kinds)
        raise APIError(422, "invalid_type", f"'{name}' must be of type {names}", param=name)
    return value


def _ranged(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise APIError.invalid(
            f"'{name}' must be between {low} and {high}, got {value}", param=name
        )


def _grammar(response_format: Any) -> str | None:
    if response_format is None:
        return None
    if not isinstance(response_format, Mapping):
        raise APIError(
            422, "invalid_type", "'response_format' must be an object", param="response_format"
        )
    kind = response_format.get("type", "text")
    if kind == "text":
        return None
    if kind == "json_object":
        return llama_grammar.JSON_GBNF
    if kind == "json_schema":
        spec = response_format.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, Mapping) else None
        if not isinstance(schema, Mapping):
            raise APIError(
                422,
                "invalid_schema",
                "'response_format.json_schema.schema' must be a JSON Schema object",
                param="response_format",
            )
        try:
            grammar: str = llama_grammar.json_schema_to_gbnf(json.dumps(schema))
        except Exception as error:
            raise APIError(
                422,
                "invalid_schema",
                f"'response_format' JSON Schema cannot be turned into a grammar: {error}",
                param="response_format",
            ) from None
        return grammar
    raise APIError.invalid(
        f"'response_format.type' must be text, json_object or json_schema, got {kind!r}",
        param="response_format",
    )


def generation_params(body: Mapping[str, Any], defaults: Defaults) -> GenerationParams:
    """Validate the fields chat and text completions share.

    :raises APIError: 422 for a wrong type, 400 for a value out of range or not supported.
    """
    model = _field(body, "model", str, None)
    max_tokens = _field(body, "max_completion_tokens", int, None)
    if max_tokens is None:
        max_tokens = _field(body, "max_tokens", int, None)
    if max_tokens is not None:
        if max_tokens < 1:
            raise APIError.invalid("'max_tokens' must be at least 1", param="max_tokens")
        if max_tokens > defaults.hard_max_tokens:
            raise APIError.invalid(
                f"'max_tokens' {max_tokens} exceeds ai.llm.hard_max_tokens "
                f"({defaults.hard_max_tokens})",
                param="max_tokens",
            )
    temperature = _field(body, "temperature", float, defaults.temperature)
    _ranged("temperature", temperature, 0.0, 2.0)
    top_p = _field(body, "top_p", float, defaults.top_p)
    _ranged("top_p", top_p, 0.0, 1.0)
    top_k = _field(body, "top_k", int, defaults.top_k)
    _ranged("top_k", top_k, *TOP_K_RANGE)
    min_p = _field(body, "min_p", float, defaults.min_p)
    _ranged("min_p", min_p, 0.0, 1.0)
    presence = _field(body, "presence_penalty", float, 0.0)
    _ranged("presence_penalty", presence, -2.0, 2.0)
    frequency = _field(body, "frequency_penalty", float, 0.0)
    _ranged("frequency_penalty", frequency, -2.0, 2.0)
    repeat = _field(body, "repeat_penalty", float, 1.0)
    _ranged("repeat_penalty", repeat, 0.0, 10.0)
    seed = _field(body, "seed", int, None)
    n = _field(body, "n", int, 1)
    if n != 1:
        raise APIError.invalid("Only n = 1 is supported", param="n")
    if body.get("logprobs") or body.get("echo") or body.get("best_of", 1) not in (1, None):
        raise APIError.invalid("logprobs, echo and best_of are not supported")
    stop = body.get("stop")
    if stop is None:
        stops: list[str] = []
    elif isinstance(stop, str):
        stops = [stop]
    elif isinstance(stop, list) and all(isinstance(item, str) for item in stop):
        stops = list(stop)
    else:
        raise APIError(
            422, "invalid_type", "'stop' must be a string or a list of strings", param="stop"
        )
    if len(stops) > 4:
        raise APIError.invalid("At most 4 stop sequences are allowed", param="stop")
    stream = _field(body, "stream", bool, False)
    options = body.get("stream_options") or {}
    if not isinstance(options, Mapping):
        raise APIError(
            422, "invalid_type", "'stream_options' must be an object", param="stream_options"
        )
    include_usage = bool(options.get("include_usage", False))
    sampling = Sampling(
        temperature=temperature,
        top_p=top_p,
        top_k=top_k,
        min_p=min_p,
        seed=seed,
        repeat_penalty=repeat,
        presence_penalty=presence,
        frequency_penalty=frequency,
        grammar=_grammar(body.get("response_format")),
    )
    return GenerationParams(model, max_tokens, sampling, stops, stream, include_usage)


def upstream_body(body: Mapping[str, Any], defaults: Defaults, path: str) -> dict[str, Any]:
    """``body`` as it is forwarded to an upstream's ``path``: a generation there costs what it
    costs here, so ``ai.llm.hard_max_tokens`` bounds the tokens it may ask for, all choices
    together (``n``, and ``best_of`` for a text completion). A token limit past it is refused
    as a local request's is; a body without one gets ``max_tokens`` = what the bound leaves
    each choice. Every other field passes unchanged.

    :raises APIError: 422 for a limit or count that is not an integer, 400 for one below 1 or
        past ``hard_max_tokens``.
    """
    if path not in ("chat/completions", "completions"):
        return dict(body)
    choices = _count(body, "n")
    if path == "completions":
        choices = max(choices, _count(body, "best_of"))
    hard = defaults.hard_max_tokens
    if choices > hard:
        raise APIError.invalid(
            f"{choices} choices would each generate less than one token within "
            f"ai.llm.hard_max_tokens ({hard})",
            param="n",
        )
    limits = [
        name for name in ("max_tokens", "max_completion_tokens") if body.get(name) is not None
    ]
    for name in limits:
        value = _field(body, name, int, None)
        if value < 1:
            raise APIError.invalid(f"'{name}' must be at least 1", param=name)
        if value * choices > hard:
            each = f" x {choices} choices" if choices > 1 else ""
            raise APIError.invalid(
                f"'{name}' {value}{each} exceeds ai.llm.hard_max_tokens ({hard})", param=name
            )
    forwarded = dict(body)
    if not limits:
        forwarded["max_tokens"] = hard // choices
    return forwarded


def _count(body: Mapping[str, Any], name: str) -> int:
    value: int = _field(body, name, int, 1)
    if value < 1:
        raise APIError.invalid(f"'{name}' must be at least 1", param=name)
    return value


# ----------------------------------------------------------------------------------------------
# Sizes and plain fields
# ----------------------------------------------------------------------------------------------


def optional_str(body: Mapping[str, Any], name: str) -> str | None:
    """``body[name]`` when it is a string, ``None`` when it is absent.

    :raises APIError: 422 ``invalid_type`` for any other value.
    """
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise APIError(422, "invalid_type", f"'{name}' must be a string", param=name)
    return value


def check_prompt_size(text: str, defaults: Defaults) -> None:
    """Refuse a prompt over ``ai.llm.max_prompt_bytes``.

    :raises APIError: 413 ``prompt_too_large``.
    """
    size = len(text.encode("utf-8"))
    if size > defaults.max_prompt_bytes:
        raise APIError(
            413,
            "prompt_too_large",
            f"The prompt is {size} bytes, over ai.llm.max_prompt_bytes "
            f"({defaults.max_prompt_bytes})",
        )


def check_embedding_size(raw: Any, defaults: Defaults) -> None:
    """Refuse inputs whose text is over ``embed_max_total_bytes`` together, wherever the
    model lives (token lists are bounded by the context size instead).

    :raises APIError: 413 ``input_too_large``.
    """
    items = raw if isinstance(raw, list) else [raw]
    size = sum(len(item.encode("utf-8")) for item in items if isinstance(item, str))
    limit = defaults.embed_max_total_bytes
    if size > limit:
        raise APIError(
            413,
            "input_too_large",
            f"The embedding input is {size} bytes, over ai.llm.embed_max_total_bytes ({limit})",
            param="input",
        )


# ----------------------------------------------------------------------------------------------
# Chat prompts and tools
# ----------------------------------------------------------------------------------------------


def supports_tools(template: str) -> bool:
    """Whether a chat template renders ``tools`` and asks for Hermes-style
    ``<tool_call>{...}</tool_call>`` answers, the one tool-call format parsed here."""
    return "tools" in template and "<tool_call>" in template


def _messages(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise APIError(422, "invalid_type", "'messages' must be a non-empty list", param="messages")
    messages: list[dict[str, Any]] = []
    for index, message in enumerate(raw):
        if not isinstance(message, Mapping) or not isinstance(message.get("role"), str):
            raise APIError(
                422,
                "invalid_type",
                f"messages[{index}] must be an object with a 'role'",
                param="messages",
            )
        content = message.get("content")
        if isinstance(content, list):
            parts = []
            for part in content:
                if not isinstance(part, Mapping) or part.get("type") != "text":
                    raise APIError.invalid(
                        f"messages[{index}]: only text content parts are supported",
                        param="messages",
                    )
                parts.append(str(part.get("text", "")))
            content = "".join(parts)
        elif content is None:
            content = ""
        elif not isinstance(content, str):
            raise APIError(
                422, "invalid_type", f"messages[{index}].content must be text", param="messages"
            )
        converted = dict(message)
        converted["content"] = content
        messages.append(converted)
    return messages


@functools.lru_cache(maxsize=16)
def _formatter(template: str, eos: str, bos: str) -> Any:
    """A model's chat template compiled once, not per request: compiling it takes milliseconds
    of the event loop (tens of them on a busy machine), which every stream starting at the same
    time waited for. Rendering a compiled template keeps no state between calls."""
    return llama_chat_format.Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)


def chat_prompt(
    body: Mapping[str, Any], *, template: str | None, bos: str, eos: str
) -> tuple[str, bool]:
    """The prompt text for a chat request and whether tool calls are to be parsed.

    :raises APIError: bad messages, or ``tools`` for a model whose template has no tool format.
    """
    messages = _messages(body.get("messages"))
    tools = body.get("tools")
    tool_choice = body.get("tool_choice")
    use_tools = bool(tools) and tool_choice != "none"
    source = template or CHATML_TEMPLATE
    if use_tools:
        if not isinstance(tools, list):
            raise APIError(422, "invalid_type", "'tools' must be a list", param="tools")
        if not supports_tools(source):
            raise APIError(
                400,
                "tools_not_supported",
                "This model's chat template has no tool-call format (Hermes <tool_call>); "
                "call it without 'tools' or use a model whose template supports them",
                param="tools",
            )
    formatter = _formatter(source, eos, bos)
    try:
        rendered = formatter(messages=messages, tools=tools if use_tools else None)
    except Exception as error:
        raise APIError.invalid(f"The chat template cannot render these messages: {error}") from None
    return rendered.prompt, use_tools


def parse_tool_calls(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Split Hermes-style ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` blocks
    out of a completion: the remaining text and OpenAI ``tool_calls``. A block that is not such
    JSON stays in the text."""
    calls: list[dict[str, Any]] = []

    def take(match: re.Match[str]) -> str:
        try:
            payload = json.loads(match.group(1))
        except ValueError:
            return match.group(0)
        if not isinstance(payload, dict) or not isinstance(payload.get("name"), str):
            return match.group(0)
        arguments = payload.get("arguments", {})
        calls.append(
            {
                "id": f"call_{uuid.uuid4().hex[:24]}",
                "type": "function",
                "function": {
                    "name": payload["name"],
                    "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
                },
            }
        )
        return ""

    remaining = _TOOL_CALL.sub(take, text)
    return remaining.strip() if calls else remaining, calls
