"""Which server answers a model id, and forwarding a request to an upstream.

:class:`UpstreamRouter` holds the host's upstreams: a model on the search path is answered
locally, any other id by the upstream that serves it. :func:`forward` relays one request and its
answer (whole or streamed) in OpenAI's shapes; the page's headers and cookies never leave the
host, and the upstream's URL and key never reach the page."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing, suppress
from typing import TYPE_CHECKING, Any, final

import anyio

from oro_ai.errors import APIError
from oro_ai.models import ModelRegistry
from oro_ai.settings import RoutingSettings
from oro_framework import ConfigError, MemoryBudget, MemoryReservation
from oro_framework.asgi import (
    Receive,
    Send,
    end_event_stream,
    run_until_disconnect,
    send_event,
    send_json,
    send_response,
    start_event_stream,
)

if TYPE_CHECKING:
    import httpx
    from httpx_sse import ServerSentEvent

    from oro_ai.upstreams import Upstream
else:  # imported on first use (an upstream's answer), not by every oro run: see oro_ai._lazy
    from oro_ai._lazy import httpx

__all__ = ["UpstreamRouter", "forward"]


@final
class UpstreamRouter:
    """The upstreams of one host, in the order ``oro.toml`` declares them, and the fallback.

    :param permitted: ``permissions.allow_ai_upstream``.
    """

    def __init__(
        self, upstreams: Mapping[str, Upstream], *, fallback: str, permitted: bool
    ) -> None:
        self.upstreams = dict(upstreams)
        self.fallback = fallback
        self.permitted = permitted

    @classmethod
    def from_settings(
        cls,
        settings: RoutingSettings,
        registry: ModelRegistry,
        *,
        permitted: bool,
        memory: MemoryBudget | None = None,
    ) -> UpstreamRouter:
        """The router ``[ai]`` declares; its upstreams read answers into ``memory`` (the
        host's budget).

        :raises ConfigError: an upstream URL the host may not reach (see
            :func:`.check_upstream_url`), two upstreams listing the same model id, or a
            ``fallback`` that is not a model on the search path.
        """
        upstreams: dict[str, Upstream] = {}
        claimed: dict[str, str] = {}
        for name, upstream_settings in settings.upstreams.items():
            # An upstream's client and the redaction of its words import only when the config
            # declares one.
            from oro_ai.upstreams import Upstream, check_upstream_url

            url = check_upstream_url(name, upstream_settings, settings.upstream_hosts)
            for model in upstream_settings.models:
                if model in claimed:
                    key = f"ai.upstreams.{name}.models"
                    raise ConfigError(
                        f"key '{key}': model '{model}' is listed by upstream '{claimed[model]}' "
                        "too; a model id has one home",
                        key=key,
                    )
                claimed[model] = name
            upstreams[name] = Upstream(name, upstream_settings, url, memory)
        if settings.fallback and registry.resolve(settings.fallback) is None:
            raise ConfigError(
                f"key 'ai.fallback': '{settings.fallback}' is not a model on the search path "
                "(ai.llm.model_path, ai.llm.models_dir or the default model)",
                key="ai.fallback",
            )
        return cls(upstreams, fallback=settings.fallback, permitted=permitted)

    async def route(self, model: str, registry: ModelRegistry) -> Upstream | None:
        """The upstream that answers ``model``, or ``None`` when it is answered locally (a
        model on the search path, ``"default"``, or an id nobody serves: the local 404).

        :raises APIError: 403 when ``permissions.allow_ai_upstream`` is off (nothing is sent:
            only the ids the tables list are known then); 503/504 when the id is not local and
            an upstream that lists its models could not be asked.
        """
        if not self.upstreams or model in ("", "default") or registry.resolve(model):
            return None
        upstream = self._serving(model)
        unreachable: APIError | None = None
        if upstream is None and self.permitted:
            for candidate in self.upstreams.values():
                try:
                    await candidate.refresh_models()
                except APIError as error:
                    unreachable = unreachable or error
            upstream = self._serving(model)
        if upstream is None and unreachable is not None:
            raise APIError(
                unreachable.status,
                unreachable.code,
                f"Model '{model}' is not local, and {unreachable.message[0].lower()}"
                f"{unreachable.message[1:]} to say which models it serves",
                retry_after=unreachable.retry_after,
                upstream=unreachable.upstream,
            )
        if upstream is not None and not self.permitted:
            raise APIError(
                403,
                "permission_denied",
                f"Model '{model}' lives on upstream '{upstream.name}', and this app does not "
                "let requests reach upstreams (permissions.allow_ai_upstream = false)",
                param="model",
            )
        return upstream

    def _serving(self, model: str) -> Upstream | None:
        return next((up for up in self.upstreams.values() if up.serves(model)), None)

    async def listing(self) -> list[dict[str, Any]]:
        """Every upstream model as ``/v1/models`` entries; an upstream due to be asked for its
        models is asked, one that cannot be is left out. None while
        ``permissions.allow_ai_upstream`` is off."""
        if not self.permitted:
            return []

        async def refresh(upstream: Upstream) -> None:
            with suppress(APIError):
                await upstream.refresh_models()

        async with anyio.create_task_group() as group:
            for upstream in self.upstreams.values():
                group.start_soon(refresh, upstream)
        return [entry for upstream in self.upstreams.values() for entry in upstream.listing()]

    def stats(self) -> list[dict[str, Any]]:
        return [upstream.stats() for upstream in self.upstreams.values()]

    async def aclose(self) -> None:
        for upstream in self.upstreams.values():
            await upstream.aclose()


async def forward(
    upstream: Upstream,
    path: str,
    body: dict[str, Any],
    receive: Receive,
    send: Send,
    held: MemoryReservation,
) -> None:
    """Relay ``body`` to ``upstream``'s ``path`` and its answer back: a whole answer as it came,
    a stream event by event as each arrives. The client going away closes the upstream
    request at once (its connection is dropped, so the server stops generating). A whole
    answer is reserved in ``held``, the request's share of the host's memory budget.

    An error before the answer starts raises :class:`.APIError` (the caller answers it, or
    falls back); once a stream started, an error is its last event, as OpenAI's streams end.
    """

    async def whole(send: Send) -> None:
        async with upstream.request("POST", path, body) as response:
            raw, payload = await upstream.read_json(response, held)
        if not isinstance(payload, dict):
            raise upstream.malformed("a JSON value that is not an object")
        if json.detect_encoding(raw) == "utf-8":
            # Checked, then sent as it came: encoding it again would hold a third copy.
            del payload
            await send_response(send, 200, raw, media_type="application/json")
        else:
            await send_json(send, 200, payload)

    async def streamed(send: Send) -> None:
        from httpx_sse import EventSource

        async with (
            upstream.request("POST", path, body) as response,
            aclosing(EventSource(response).aiter_sse()) as stream,
        ):
            first = await _first_event(upstream, response, stream)
            await start_event_stream(send)
            error = await _relay(upstream, first, stream, send)
        if error is not None:
            await send_event(send, error.body())
        await end_event_stream(send, "[DONE]")

    await run_until_disconnect(receive, send, streamed if body.get("stream") is True else whole)


async def _first_event(
    upstream: Upstream,
    response: httpx.Response,
    stream: AsyncGenerator[ServerSentEvent, None],
) -> ServerSentEvent | None:
    """The stream's first event, before anything is sent back: what goes wrong here is still
    an error answer (or a fallback), not the last event of a stream."""
    from httpx_sse import SSEError

    try:
        return await anext(stream, None)
    except SSEError:
        media = response.headers.get("content-type", "nothing")
        raise upstream.malformed(f"{media} instead of an event stream") from None
    except httpx.TimeoutException:
        raise upstream.timed_out("before the first event of its stream") from None
    except httpx.HTTPError:
        raise upstream.malformed("a stream it broke off before its first event") from None


async def _relay(
    upstream: Upstream,
    first: ServerSentEvent | None,
    stream: AsyncGenerator[ServerSentEvent, None],
    send: Send,
) -> APIError | None:
    """Send the upstream's events until its ``[DONE]``; what broke the stream off, if it was."""
    event = first
    try:
        while event is not None:
            if event.data == "[DONE]":
                return None
            try:
                chunk = json.loads(event.data)
            except ValueError:
                return upstream.malformed("an event that is not JSON")
            if not isinstance(chunk, dict):
                return upstream.malformed("an event that is not a JSON object")
            # An error event names one; a chunk that says "error": null has none.
            if chunk.get("error") is not None or chunk.get("object") == "error":
                # Its words may echo what the page must not see: told as ours, cleaned.
                return upstream.stream_error(chunk.get("error", chunk))
            # Checked, then sent as it came: encoding it again would cost every chunk.
            await send_event(send, upstream.scrub(event.data))
            event = await anext(stream, None)
    except httpx.TimeoutException:
        return upstream.timed_out("in the middle of the stream")
    except httpx.HTTPError:
        pass
    return upstream.malformed("a stream it broke off before its end")
