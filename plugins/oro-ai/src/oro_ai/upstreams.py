"""Upstream servers: the OpenAI-compatible servers of ``[ai.upstreams.<name>]``, each an
:class:`Upstream` with its own HTTP client, concurrency slots and model ids.

An upstream's URL and key stay here: what a page can see of an upstream is its name, its model
ids and the errors of :mod:`.errors`, whose messages never carry a URL, a key or an echo of
the request's headers (:mod:`.redaction`)."""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Final, final

import anyio

from oro_ai.errors import APIError
from oro_ai.redaction import REDACTED, Redactor, safe_param
from oro_ai.settings import UpstreamSettings
from oro_framework import ConfigError, MemoryBudget, MemoryReservation

if TYPE_CHECKING:
    import httpx
else:  # imported on first use (an [ai.upstreams.*] server), not by every oro run: oro_ai._lazy
    from oro_ai._lazy import httpx

__all__ = ["Upstream", "check_upstream_url", "is_loopback_host"]

logger = logging.getLogger(__name__)

DISCOVERY_TTL: Final = 30.0
"""Seconds an upstream's listed model ids are trusted before a request for an unknown id asks
again."""
DISCOVERY_RETRY: Final = 5.0
"""Seconds before an upstream that could not be asked for its models is asked again."""
DISCOVERY_TIMEOUT: Final = 10.0
"""The longest wait for an upstream's model list (or its ``read_timeout``, if shorter): a
request for an unknown id, or ``GET /v1/models``, must not hang on a slow upstream."""
MAX_BODY_BYTES: Final = 64 * 1024 * 1024
"""The largest whole (not streamed) answer read from an upstream."""
PARSED_PER_BYTE: Final = 8
"""Bytes of the host's memory budget an answer's JSON takes per byte once parsed: numbers are
the densest an OpenAI answer gets (1 MiB of embedding floats becomes 6.6 MiB of Python floats
and lists), text takes about one."""
_ERROR_BODY_BYTES: Final = 64 * 1024
_LOGGED_ERROR_CHARS: Final = 2000
_RETRY_BACKOFF: Final = (0.1, 0.3, 1.0)


def _connection_failures() -> tuple[type[httpx.TransportError], ...]:
    """Failures that happen before the server received the request, or before it answered a
    single byte: retried. A timeout waiting for the answer is not: the request may be running.
    (A function: httpx imports on first use.)"""
    return (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost`` or a loopback address."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_allowed(url: httpx.URL, allowed: Sequence[str]) -> bool:
    host = url.host.lower()
    port = url.port or (443 if url.scheme == "https" else 80)
    for entry in allowed:
        pattern, _, wanted_port = entry.lower().strip().rpartition(":")
        if not pattern or not wanted_port.isdigit():
            pattern, wanted_port = entry.lower().strip(), ""
        if wanted_port and int(wanted_port) != port:
            continue
        if pattern.startswith("*.") and host.endswith(pattern[1:]) and host != pattern[2:]:
            return True
        if host == pattern:
            return True
    return False


def _host_names(url: httpx.URL) -> list[str]:
    """The ways an upstream's address may be written in its own messages."""
    host = url.host
    names = [host, url.raw_host.decode("ascii", "replace"), url.netloc.decode("ascii", "replace")]
    if ":" in host:  # IPv6: also in brackets
        names.append(f"[{host}]")
    return names


def check_upstream_url(name: str, settings: UpstreamSettings, allowed: Sequence[str]) -> httpx.URL:
    """The upstream's base URL, once it is one the host may reach.

    :param allowed: ``ai.upstream_hosts``.
    :raises ConfigError: no ``base_url``, not http(s), plain http to another machine without
        ``allow_http``, or a host outside loopback and ``allowed``.
    """
    key = f"ai.upstreams.{name}.base_url"
    if not settings.base_url.strip():
        raise ConfigError(f"key '{key}' is missing: an upstream needs its server's URL", key=key)
    try:
        url = httpx.URL(settings.base_url.strip())
    except httpx.InvalidURL as error:
        raise ConfigError(f"key '{key}' is not a URL: {error}", key=key) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(
            f"key '{key}' must be an http:// or https:// URL with a host, got "
            f"{settings.base_url!r}",
            key=key,
        )
    if url.query or url.fragment or url.userinfo:
        raise ConfigError(
            f"key '{key}' must not hold a query, fragment or credentials: put a key in "
            f"ai.upstreams.{name}.api_key",
            key=key,
        )
    loopback = is_loopback_host(url.host)
    if url.scheme == "http" and not loopback and not settings.allow_http:
        raise ConfigError(
            f"key '{key}': plain http:// is only for loopback; use https://, or set "
            f"ai.upstreams.{name}.allow_http = true for a server on a network you trust",
            key=key,
        )
    if not loopback and not _host_allowed(url, allowed):
        raise ConfigError(
            f"key '{key}': host '{url.host}' is not in ai.upstream_hosts (the hosts upstreams "
            "may reach besides loopback)",
            key=key,
        )
    return url


def _failure_phrase(error: Exception) -> str:
    """What went wrong, without the URL httpx puts in some messages."""
    if isinstance(error, httpx.ConnectTimeout):
        return "the connection timed out"
    if isinstance(error, httpx.RemoteProtocolError):
        return "it closed the connection without answering"
    if isinstance(error, httpx.ConnectError):
        cause = str(error).lower()
        if "refused" in cause or "all attempts to connect" in cause:
            return "no connection could be opened"
        if "ssl" in cause or "certificate" in cause or "tls" in cause:
            return "the TLS handshake failed"
        if "name" in cause or "resolution" in cause or "nodename" in cause:
            return "its host name does not resolve"
        return "the connection failed"
    return type(error).__name__


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _error_fields(body: object) -> tuple[str | None, object]:
    """The message and ``param`` of an upstream's JSON error, in any of the shapes servers use:
    OpenAI's ``{"error": {"message"}}``, Ollama's ``{"error": "..."}``, vLLM's
    ``{"message"}``."""
    error = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, str):
        return error, None
    if isinstance(error, dict):
        message = error.get("message")
        return (message if isinstance(message, str) else None), error.get("param")
    return None, None


def _json_or_none(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _is_own_fault(status: int) -> bool:
    """Whether an upstream's error status is the page's request's fault, passed on as it is;
    other errors (5xx, a key or proxy it refuses, which is the app's configuration) are a bad
    gateway."""
    return status == 429 or (400 <= status < 500 and status not in (401, 403, 407))


@final
class Upstream:
    """One ``[ai.upstreams.<name>]`` server. Its client and slots are made on first use, inside
    the event loop; :meth:`aclose` ends them with the ``ai.llm`` service."""

    def __init__(
        self,
        name: str,
        settings: UpstreamSettings,
        url: httpx.URL,
        memory: MemoryBudget | None = None,
    ) -> None:
        """:param memory: the host's budget (``host.memory``) answers and error bodies are
        read into; a fresh default one when not given (tests)."""
        self.name = name
        self.memory = memory or MemoryBudget()
        self.settings = settings
        self._url = url
        self._key = settings.api_key
        self.redactor = Redactor([settings.api_key], _host_names(url))
        self._client: httpx.AsyncClient | None = None
        self._slots: anyio.Semaphore | None = None
        self._discovered: dict[str, dict[str, Any]] = {}
        self._discovery_lock: anyio.Lock | None = None
        self._discovery_failure: APIError | None = None
        self._ask_after = 0.0
        self.requests = 0
        self.failures = 0
        self.in_flight = 0

    @property
    def discovers(self) -> bool:
        """Whether its model ids come from its ``GET /models`` (no ``models`` configured)."""
        return not self.settings.models

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            settings = self.settings
            headers = {"accept": "application/json"}
            if settings.api_key:
                headers["authorization"] = f"Bearer {settings.api_key}"
            self._client = httpx.AsyncClient(
                base_url=self._url,
                headers=headers,
                timeout=httpx.Timeout(
                    settings.read_timeout,
                    connect=settings.connect_timeout,
                    pool=settings.read_timeout,
                ),
                limits=httpx.Limits(
                    max_connections=settings.max_concurrent,
                    max_keepalive_connections=settings.max_concurrent,
                ),
                follow_redirects=False,
                # The environment's proxies are the user's, not the app's: an app declares
                # where its requests go.
                trust_env=False,
            )
        return self._client

    async def aclose(self) -> None:
        """Close the client and its connections (a no-op if it never ran)."""
        client, self._client = self._client, None
        if client is not None:
            with anyio.CancelScope(shield=True):
                await client.aclose()

    def stats(self) -> dict[str, Any]:
        """Figures for ``/health`` and diagnostics (no URL)."""
        return {
            "name": self.name,
            "inFlight": self.in_flight,
            "requests": self.requests,
            "failures": self.failures,
            "models": self.model_ids(),
        }

    # ------------------------------------------------------------------------------------------
    # Model ids
    # ------------------------------------------------------------------------------------------

    def model_ids(self) -> list[str]:
        """The ids it serves, as far as known now."""
        return list(self.settings.models) if self.settings.models else list(self._discovered)

    def serves(self, model: str) -> bool:
        return model in self.model_ids()

    def listing(self) -> list[dict[str, Any]]:
        """Its models as ``/v1/models`` entries; ``location`` says where each lives."""
        entries = []
        for ident in self.model_ids():
            known = self._discovered.get(ident, {})
            created = known.get("created")
            owned_by = known.get("owned_by")
            entries.append(
                {
                    "id": ident,
                    "object": "model",
                    "created": created if isinstance(created, int) else 0,
                    "owned_by": owned_by if isinstance(owned_by, str) else self.name,
                    "location": "upstream",
                    "upstream": self.name,
                }
            )
        return entries

    async def refresh_models(self) -> None:
        """Ask its ``GET /models`` for the ids it serves, if it lists none in ``models`` and was
        not asked within :data:`DISCOVERY_TTL` seconds (:data:`DISCOVERY_RETRY` after a
        failure). Concurrent callers wait for the one asking.

        :raises APIError: 503 ``upstream_unavailable`` / 504 ``upstream_timeout`` /
            502 ``upstream_error``: the last attempt to ask failed.
        """
        if not self.discovers:
            return
        if self._discovery_lock is None:
            self._discovery_lock = anyio.Lock()
        async with self._discovery_lock:
            if time.monotonic() >= self._ask_after:
                await self._discover()
        if self._discovery_failure is not None:
            raise self._discovery_failure

    async def _discover(self) -> None:
        asked_at = time.monotonic()
        limit = min(self.settings.read_timeout, DISCOVERY_TIMEOUT)
        try:
            with anyio.fail_after(limit), self.memory.reserve(0, purpose="a model list") as held:
                async with self.request("GET", "models") as response:
                    _, body = await self.read_json(response, held)
            listed = body.get("data") if isinstance(body, dict) else None
            if not isinstance(listed, list):
                raise self.malformed("a model list without 'data'")
        except TimeoutError:
            self._discovery_failure = self.timed_out("when asked for its model list", limit)
            self._ask_after = asked_at + DISCOVERY_RETRY
            return
        except APIError as error:
            self._discovery_failure = error
            self._ask_after = asked_at + DISCOVERY_RETRY
            return
        self._discovered = {
            str(entry["id"]): entry
            for entry in listed
            if isinstance(entry, dict) and isinstance(entry.get("id"), str)
        }
        self._discovery_failure = None
        self._ask_after = asked_at + DISCOVERY_TTL

    # ------------------------------------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------------------------------------

    @asynccontextmanager
    async def request(
        self, method: str, path: str, body: Any = None
    ) -> AsyncIterator[httpx.Response]:
        """Send a request and yield its response once its status is a success, its body not
        read yet (a stream is read as it arrives). Leaving the block closes the response: an
        unfinished stream closes its connection, which is how the server learns that nobody
        listens any more.

        :raises APIError: ``rate_limit_exceeded`` no slot came free within ``read_timeout``;
            ``upstream_unavailable`` every attempt failed to connect; ``upstream_timeout`` no
            answer within ``read_timeout``; ``upstream_error`` an error status (429 and a 4xx
            that is the request's fault keep their status; others are 502).
        """
        slots = self._slots
        if slots is None:
            slots = self._slots = anyio.Semaphore(self.settings.max_concurrent)
        with anyio.move_on_after(self.settings.read_timeout) as waited:
            await slots.acquire()
        if waited.cancelled_caught:
            raise APIError(
                429,
                "rate_limit_exceeded",
                f"Upstream '{self.name}' is busy: all {self.settings.max_concurrent} of its "
                "slots (max_concurrent) stayed taken",
                retry_after=1,
            )
        self.in_flight += 1
        self.requests += 1
        try:
            response = await self._send(method, path, body)
            try:
                if response.status_code >= 400:
                    with self.memory.reserve(0, purpose="an upstream's error") as held:
                        raw = await self._read_limited(response, _ERROR_BODY_BYTES, held)
                        raise self._status_error(response, raw)
                yield response
            finally:
                with anyio.CancelScope(shield=True):
                    await response.aclose()
        except APIError:
            self.failures += 1
            raise
        finally:
            self.in_flight -= 1
            slots.release()

    async def _send(self, method: str, path: str, body: Any) -> httpx.Response:
        client = self._http()
        request = client.build_request(method, path, json=body)
        for attempt in range(self.settings.retries + 1):
            try:
                return await client.send(request, stream=True)
            except _connection_failures() as error:
                if attempt == self.settings.retries:
                    raise APIError(
                        503,
                        "upstream_unavailable",
                        f"Upstream '{self.name}' is unreachable: {_failure_phrase(error)} "
                        f"({attempt + 1} attempt{'s' if attempt else ''})",
                        retry_after=1,
                        upstream=self.name,
                    ) from None
                await anyio.sleep(_RETRY_BACKOFF[min(attempt, len(_RETRY_BACKOFF) - 1)])
            except httpx.TimeoutException:
                raise self.timed_out("before answering") from None
            except httpx.HTTPError as error:
                raise APIError(
                    502,
                    "upstream_error",
                    f"Upstream '{self.name}' failed: {_failure_phrase(error)}",
                    upstream=self.name,
                ) from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def timed_out(self, when: str, seconds: float | None = None) -> APIError:
        """504 ``upstream_timeout``: nothing came for ``seconds`` (``read_timeout``) ``when``."""
        waited = (
            f"{seconds:g} s"
            if seconds is not None
            else (f"{self.settings.read_timeout:g} s (read_timeout)")
        )
        return APIError(
            504,
            "upstream_timeout",
            f"Upstream '{self.name}' sent nothing for {waited} {when}",
            upstream=self.name,
        )

    def malformed(self, what: str, status: int = 200) -> APIError:
        """502 ``upstream_error``: the upstream answered ``what`` instead of OpenAI's shape."""
        return APIError(
            502,
            "upstream_error",
            f"Upstream '{self.name}' answered {what}",
            upstream=self.name,
            upstream_status=status,
        )

    def _status_error(self, response: httpx.Response, raw: bytes) -> APIError:
        """The error a page gets for the upstream's error answer: its status, and its own words
        only when the request was the page's fault, cleaned (:mod:`.redaction`). The whole
        text goes to the host's log, the key masked."""
        status = response.status_code
        text = raw.decode("utf-8", "replace")
        logger.log(
            logging.INFO if _is_own_fault(status) else logging.WARNING,
            "upstream %s answered %d: %r",
            self.name,
            status,
            self.redactor.secrets(text)[:_LOGGED_ERROR_CHARS],
        )
        # A body that is not JSON has no message: its text is never relayed.
        message, param = _error_fields(_json_or_none(raw))
        own_fault = _is_own_fault(status)
        shown = self.redactor.message(message) if own_fault and message else ""
        return APIError(
            status if own_fault else 502,
            "upstream_error",
            f"Upstream '{self.name}' answered {status}"
            + (f": {shown}" if shown else " (its message is in the host's log)"),
            error_type="rate_limit_error" if status == 429 else None,
            param=safe_param(param) if own_fault else None,
            retry_after=_retry_after(response) if status in (429, 503) else None,
            upstream=self.name,
            upstream_status=status,
        )

    def stream_error(self, error: object) -> APIError:
        """502 ``upstream_error`` for an error event in the middle of an upstream's stream
        (``data: {"error": {...}}``), its message cleaned as an error answer's is."""
        text = json.dumps(error)
        logger.warning(
            "upstream %s sent an error event: %r",
            self.name,
            self.redactor.secrets(text)[:_LOGGED_ERROR_CHARS],
        )
        message, _ = _error_fields({"error": error})
        shown = self.redactor.message(message) if message else ""
        return APIError(
            502,
            "upstream_error",
            f"Upstream '{self.name}' sent an error in its stream"
            + (f": {shown}" if shown else " (its message is in the host's log)"),
            upstream=self.name,
        )

    def scrub(self, data: str) -> str:
        """``data`` (an event the upstream sent, relayed as it came) without the API key, if
        the upstream echoed it: the key is never the page's, whatever the upstream says
        (:meth:`read_json` does the same to a whole answer)."""
        if self._key and self._key in data:
            return data.replace(self._key, REDACTED)
        return data

    async def _read_limited(
        self, response: httpx.Response, limit: int, held: MemoryReservation
    ) -> bytes:
        """At most ``limit`` + 1 bytes of the answer, each chunk reserved in ``held`` before it
        joins the others.

        :raises OutOfMemoryError: the host's budget has no room for the next chunk.
        """
        chunks = bytearray()
        try:
            async for chunk in response.aiter_bytes():
                held.grow(len(chunk))
                chunks += chunk
                if len(chunks) > limit:
                    break
        except httpx.TimeoutException:
            raise self.timed_out("in the middle of its answer") from None
        except httpx.HTTPError as error:
            raise self.malformed(f"an answer cut short ({_failure_phrase(error)})") from None
        return bytes(chunks[: limit + 1])

    async def read_json(
        self, response: httpx.Response, held: MemoryReservation
    ) -> tuple[bytes, Any]:
        """A whole answer: the bytes it came in (the API key masked, should the upstream echo
        it) and their JSON, both reserved in ``held`` (which the caller releases once it is
        done with them).

        :raises APIError: 502 ``upstream_error`` for a body that is not JSON or is larger than
            :data:`MAX_BODY_BYTES`, or a connection that broke; 504 ``upstream_timeout``.
        :raises OutOfMemoryError: the host's budget has no room for it.
        """
        raw = await self._read_limited(response, MAX_BODY_BYTES, held)
        if len(raw) > MAX_BODY_BYTES:
            raise self.malformed(f"more than {MAX_BODY_BYTES} bytes", response.status_code)
        if self._key and self._key.encode() in raw:
            raw = raw.replace(self._key.encode(), REDACTED.encode())
        held.grow(len(raw) * PARSED_PER_BYTE)
        try:
            return raw, json.loads(raw)
        except ValueError:
            raise self.malformed("a body that is not JSON", response.status_code) from None
