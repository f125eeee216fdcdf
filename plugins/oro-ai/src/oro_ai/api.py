"""The OpenAI-compatible HTTP API mounted at ``/ai/llama``: a small hand-written ASGI app (a
handful of JSON endpoints and one SSE shape do not need a web framework).

This module routes the endpoints, reads their request bodies and answers the service endpoints;
a generation or an embedding is answered by a model of this process (:mod:`.local_answers`), or
by an upstream server through :mod:`.routing` when the model lives there."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from oro_ai.errors import APIError
from oro_ai.limits import RateLimiter
from oro_ai.local_answers import LocalAnswers
from oro_ai.pool import ModelManager
from oro_ai.query import accepts_event_stream, query_fields
from oro_ai.requests import (
    Defaults,
    check_embedding_size,
    check_prompt_size,
    optional_str,
    upstream_body,
)
from oro_ai.resident import LoadedModel
from oro_ai.route_metrics import RouteMetrics
from oro_ai.routing import UpstreamRouter, forward
from oro_framework import (
    AbortError,
    MemoryBudget,
    MemoryReservation,
    OutOfMemoryError,
    OutOfRangeError,
)
from oro_framework.asgi import Message, Receive, Scope, Send, read_body, send_json, send_text

__all__ = ["LlamaAPI"]

_PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"

_LocalAnswer = Callable[
    [Receive, Send, dict[str, Any], Mapping[str, Any], MemoryReservation], Awaitable[None]
]
"""Answers a request body with a local model; the mapping's fields join every payload."""
_Handler = Callable[[Scope, Receive, Send, MemoryReservation], Awaitable[None]]
"""An endpoint; the reservation is the request's share of the host's memory budget, held
until it is answered."""

JSON_HELD_PER_BYTE: Final = 21
"""Bytes of the memory budget a JSON request body holds per byte: itself, and what
``json.loads`` makes of it at worst (1 MiB of ``[{"a": 1}, ...]`` takes 20 MiB of dicts)."""


class LlamaAPI:
    """The ASGI app. ``max_body_bytes`` caps JSON bodies (413 past it); what a request buffers
    (its body, an upstream's whole answer, embeddings) is reserved from ``memory``, the host's
    budget (507 ``out_of_memory`` when it is spent).

    :param prefix: where the app is mounted (``ai.llm.server_prefix``): it names the endpoints
        in messages and route metrics.
    :param route_metrics: per-endpoint figures (``ai.llm.debug_route_metrics``).
    :param enable_metrics: serve ``/metrics`` (``ai.llm.enable_metrics``).
    :param started: the wall-clock time the uptime of ``/health`` counts from (default: now).
    """

    def __init__(
        self,
        manager: ModelManager,
        *,
        defaults: Defaults,
        limiter: RateLimiter,
        upstreams: UpstreamRouter | None = None,
        max_body_bytes: int = 1024 * 1024,
        memory: MemoryBudget | None = None,
        prefix: str = "/ai/llama",
        route_metrics: RouteMetrics | None = None,
        enable_metrics: bool = True,
        started: float | None = None,
    ) -> None:
        self.manager = manager
        self.prefix = prefix
        self.route_metrics = route_metrics or RouteMetrics(enabled=False)
        self.enable_metrics = enable_metrics
        self.memory = memory or MemoryBudget()
        self.upstreams = upstreams or UpstreamRouter({}, fallback="", permitted=False)
        self.defaults = defaults
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.started = time.time() if started is None else started
        self.counters: dict[str, int] = {}
        self.local = LocalAnswers(manager, defaults, limiter)
        self._routes: dict[tuple[str, str], _Handler] = {
            ("GET", "/health"): self._health,
            **({("GET", "/metrics"): self._metrics} if enable_metrics else {}),
            ("GET", "/v1/models"): self._models,
        }
        # As under the Oro Runtime, these take their fields as query parameters too, and GET
        # (nothing but query parameters) as well as POST.
        for path, handler in (
            ("/tokenize", self._tokenize),
            ("/detokenize", self._detokenize),
            ("/v1/chat/completions", self._chat),
            ("/v1/completions", self._completions),
            ("/v1/embeddings", self._embeddings),
        ):
            self._routes["POST", path] = self._routes["GET", path] = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await receive()
                await send({"type": "websocket.close", "code": 1008})
            return
        path = scope["path"].rstrip("/") or "/"
        handler = self._routes.get((scope["method"], path))
        self._count(f"{scope['method']} {path}" if handler else "unrouted")
        route = self.prefix + path if handler else "unrouted"
        self.route_metrics.record(route)
        if handler is None:
            handler = self._no_route
        if self.route_metrics.enabled:
            send = self._status_recorder(route, send)
        try:
            with self.memory.reserve(0, purpose=f"a {self.prefix} request") as held:
                await handler(scope, receive, send, held)
        except OutOfMemoryError as error:
            # Refused before the memory was taken; the host keeps serving everyone else.
            self._count("error 507")
            await _send_error(send, APIError(507, "out_of_memory", error.message))
        except APIError as error:
            self._count(f"error {error.status}")
            await _send_error(send, error)
        except AbortError:
            # The client left while sending its body: nobody is left to answer.
            return

    def _status_recorder(self, route: str, send: Send) -> Send:
        """``send``, noting the status the answer starts with in the route metrics."""

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.route_metrics.record_status(route, int(message["status"]))
            await send(message)

        return recording

    async def _no_route(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        path = scope["path"].rstrip("/") or "/"
        if any(route_path == path for _, route_path in self._routes):
            raise APIError(405, "method_not_allowed", f"{scope['method']} not allowed on {path}")
        if path == "/metrics" and not self.enable_metrics:
            raise APIError(
                404, "not_found", f"{self.prefix}/metrics is off (ai.llm.enable_metrics = false)"
            )
        raise APIError(404, "not_found", f"No endpoint {path} under {self.prefix}")

    def _count(self, name: str) -> None:
        self.counters[name] = self.counters.get(name, 0) + 1

    # ------------------------------------------------------------------------------------------
    # Plumbing
    # ------------------------------------------------------------------------------------------

    async def _fields(
        self, scope: Scope, receive: Receive, held: MemoryReservation, *, streams: bool = False
    ) -> dict[str, Any]:
        """The request's fields: its JSON body (a POST's), with its query parameters for the
        fields the body leaves out. A GET has the query parameters alone, and so may a POST
        without a body.

        :param streams: the endpoint streams: ``Accept: text/event-stream`` then asks for a
            stream when no field says otherwise.
        :raises APIError: a body or query that is not valid.
        """
        query = query_fields(scope)
        body = (
            await self._json_body(scope, receive, held, empty_ok=bool(query))
            if scope["method"] == "POST"
            else {}
        )
        fields = {**query, **body}
        if streams and "stream" not in fields and accepts_event_stream(scope):
            fields["stream"] = True
        return fields

    async def _json_body(
        self, scope: Scope, receive: Receive, held: MemoryReservation, *, empty_ok: bool = False
    ) -> dict[str, Any]:
        """The request's JSON object, reserved in ``held``: as much as it says it is (or the
        most it may be) before it is read, then what it was.

        :param empty_ok: an empty body is ``{}`` (the fields are in the query).
        :raises OutOfMemoryError: the host's budget has no room for it.
        """
        declared = next(
            (value for name, value in scope["headers"] if name.lower() == b"content-length"),
            b"",
        )
        expected = int(declared) if declared.isdigit() else self.max_body_bytes
        held.grow(min(expected, self.max_body_bytes) * JSON_HELD_PER_BYTE)
        try:
            raw = await read_body(scope, receive, limit=self.max_body_bytes)
        except OutOfRangeError as error:
            raise APIError(413, "request_too_large", error.message) from None
        held.resize(len(raw) * JSON_HELD_PER_BYTE)
        if not raw.strip() and empty_ok:
            return {}
        try:
            body = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError) as error:
            raise APIError(400, "invalid_json", f"The body is not valid JSON: {error}") from None
        if not isinstance(body, dict):
            raise APIError(422, "invalid_type", "The body must be a JSON object")
        return body

    async def _model(self, name: str | None) -> LoadedModel:
        return await self.manager.get(name)

    # ------------------------------------------------------------------------------------------
    # Service endpoints
    # ------------------------------------------------------------------------------------------

    async def _health(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        status = 200
        state = "ok"
        if not self.manager.ready:
            status, state = 503, "starting"
        elif self.manager.loading:
            status, state = 503, "loading"
        payload = {
            "status": state,
            "models": [model.describe() for model in self.manager.loaded.values()],
            "pool": self.manager.stats(),
            "upstreams": self.upstreams.stats(),
            "metrics": {"uptime": time.time() - self.started, "requests": dict(self.counters)},
            "routes": self.route_metrics.snapshot(),
        }
        headers = [(b"retry-after", b"1")] if status == 503 else []
        await send_json(send, status, payload, headers=headers)

    async def _metrics(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        stats = self.manager.stats()
        lines = [
            "# HELP oro_ai_models_loaded Models resident in memory.",
            "# TYPE oro_ai_models_loaded gauge",
            f"oro_ai_models_loaded {stats['models']}",
            "# HELP oro_ai_sequences_active Sequences generating right now.",
            "# TYPE oro_ai_sequences_active gauge",
            f"oro_ai_sequences_active {stats['active']}",
            "# HELP oro_ai_requests_in_flight Generation requests running or queued.",
            "# TYPE oro_ai_requests_in_flight gauge",
            f"oro_ai_requests_in_flight {stats['inFlight']}",
            "# HELP oro_ai_tokens_generated_total Tokens generated by resident models.",
            "# TYPE oro_ai_tokens_generated_total counter",
            f"oro_ai_tokens_generated_total {stats['tokensGenerated']}",
            "# HELP oro_ai_prompt_tokens_total Prompt tokens of resident models.",
            "# TYPE oro_ai_prompt_tokens_total counter",
            f"oro_ai_prompt_tokens_total {stats['promptTokens']}",
            "# HELP oro_ai_prompt_tokens_cached_total Prompt tokens reused from the KV cache.",
            "# TYPE oro_ai_prompt_tokens_cached_total counter",
            f"oro_ai_prompt_tokens_cached_total {stats['cachedPromptTokens']}",
            "# HELP oro_ai_decode_steps_total Batched decode steps.",
            "# TYPE oro_ai_decode_steps_total counter",
            f"oro_ai_decode_steps_total {stats['steps']}",
            "# HELP oro_ai_kv_clears_total Times a sequence's cached tokens were dropped.",
            "# TYPE oro_ai_kv_clears_total counter",
            f"oro_ai_kv_clears_total {stats['kvClears']}",
            "# HELP oro_ai_rate_limited_total Requests refused by the rate limits.",
            "# TYPE oro_ai_rate_limited_total counter",
            f"oro_ai_rate_limited_total {self.limiter.refused}",
            "# HELP oro_ai_requests_total Requests by endpoint.",
            "# TYPE oro_ai_requests_total counter",
        ]
        for name, count in sorted(self.counters.items()):
            label = name.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'oro_ai_requests_total{{endpoint="{label}"}} {count}')
        await send_text(send, 200, "\n".join(lines) + "\n", media_type=_PROMETHEUS_TEXT)

    async def _tokenize(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        body = await self._fields(scope, receive, held)
        content = body.get("content", body.get("text"))
        if not isinstance(content, str):
            raise APIError(422, "invalid_type", "'content' must be a string", param="content")
        check_prompt_size(content, self.defaults)
        model = await self._model(optional_str(body, "model"))
        add_special = body.get("add_special", True) is not False
        tokens = model.tokenize(content, add_special=add_special)
        payload: dict[str, Any] = {"tokens": tokens, "model": model.name}
        if body.get("with_pieces"):
            payload["pieces"] = [model.token_text(token) for token in tokens]
        await send_json(send, 200, payload)

    async def _detokenize(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        body = await self._fields(scope, receive, held)
        tokens = body.get("tokens")
        if not isinstance(tokens, list) or not all(
            isinstance(token, int) and not isinstance(token, bool) for token in tokens
        ):
            raise APIError(
                422, "invalid_type", "'tokens' must be a list of integers", param="tokens"
            )
        model = await self._model(optional_str(body, "model"))
        await send_json(send, 200, {"content": model.detokenize(tokens), "model": model.name})

    async def _models(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        data = [
            {
                "id": file.name,
                "object": "model",
                "created": int(file.path.stat().st_mtime),
                "owned_by": "local",
                "location": "local",
                "loaded": file.name in self.manager.loaded,
            }
            for file in self.manager.registry.models()
        ]
        local = {entry["id"] for entry in data}
        data += [entry for entry in await self.upstreams.listing() if entry["id"] not in local]
        await send_json(send, 200, {"object": "list", "data": data})

    # ------------------------------------------------------------------------------------------
    # Generations and embeddings, answered where their model lives
    # ------------------------------------------------------------------------------------------

    async def _embeddings(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        body = await self._fields(scope, receive, held)
        check_embedding_size(body.get("input"), self.defaults)
        # No fallback: another model's vectors live in another space, useless next to the
        # ones the app stored.
        await self._route(
            receive, send, body, held, "embeddings", self.local.embeddings, fallback=False
        )

    async def _chat(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        body = await self._fields(scope, receive, held, streams=True)
        await self._route(
            receive, send, body, held, "chat/completions", self.local.chat, fallback=True
        )

    async def _completions(
        self, scope: Scope, receive: Receive, send: Send, held: MemoryReservation
    ) -> None:
        body = await self._fields(scope, receive, held, streams=True)
        await self._route(
            receive, send, body, held, "completions", self.local.completion, fallback=True
        )

    async def _route(
        self,
        receive: Receive,
        send: Send,
        body: dict[str, Any],
        held: MemoryReservation,
        path: str,
        locally: _LocalAnswer,
        *,
        fallback: bool,
    ) -> None:
        """Answer ``body`` where its model lives: ``locally``, or forwarded to the upstream
        serving it. When that upstream cannot be reached and ``ai.fallback`` names a model (and
        ``fallback``), the fallback model answers locally, its answer saying so in a
        ``fallback`` field: never a silent switch."""
        model = body.get("model")
        try:
            upstream = (
                await self.upstreams.route(model, self.manager.registry)
                if isinstance(model, str)
                else None
            )
            if upstream is not None:
                forwarded = upstream_body(body, self.defaults, path)
                self._count(f"upstream {upstream.name}")
                self.limiter.acquire()
                try:
                    await forward(upstream, path, forwarded, receive, send, held)
                finally:
                    self.limiter.release()
                return
        except APIError as error:
            if not (fallback and error.upstream_unreachable and self.upstreams.fallback):
                raise
            self._count("fallback")
            note = {
                "requested": model,
                "upstream": error.upstream,
                "reason": error.code,
                "message": error.message,
            }
            await locally(
                receive,
                send,
                {**body, "model": self.upstreams.fallback},
                {"fallback": note},
                held,
            )
            return
        await locally(receive, send, body, {}, held)


async def _send_error(send: Send, error: APIError) -> None:
    headers = []
    if error.retry_after is not None:
        headers.append((b"retry-after", str(max(1, round(error.retry_after))).encode()))
    await send_json(send, error.status, error.body(), headers=headers)
