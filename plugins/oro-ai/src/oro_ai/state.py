"""What oro-ai keeps per host: :class:`AIState`, stored in ``host.stash[STATE]``."""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final

from oro_framework import StashKey, is_ini_file
from oro_framework.records import record

if TYPE_CHECKING:
    # The routes import this module for STATE: what the state holds (the models' engine, the
    # /ai/llama app, the upstreams' client) imports when a host is configured, so that
    # declaring the plugin's permission (`oro config`) skips it.
    from anyio.abc import TaskGroup, TaskStatus

    from oro_ai.api import LlamaAPI
    from oro_ai.pool import ModelManager
    from oro_ai.route_metrics import RouteMetrics
    from oro_ai.routing import UpstreamRouter
    from oro_ai.settings import AISettings
    from oro_framework import Host, MemoryBudget
    from oro_framework.asgi import Receive, Scope, Send

__all__ = ["STATE", "AIState"]


@final
@record(frozen=False)
class AIState:
    """One host's models and upstreams, its ``/ai/llama`` app and the credentials that app
    accepts."""

    settings: AISettings
    manager: ModelManager
    upstreams: UpstreamRouter
    memory: MemoryBudget
    route_metrics: RouteMetrics
    model_roots: tuple[Path, ...]
    """The directories ``ai.llm.model.load`` and ``ai.llm.lora.load`` may read a ``path``
    from: the app's resources, its data directory, ``models_dir``, the search path and
    ``lora_path``."""
    started: float = field(default_factory=time.time)
    """When the host was configured: the ``/health`` endpoint's uptime counts from it."""
    relays: TaskGroup | None = None
    """Where the ``ai.chat.completions`` routes run the app's answers they relay
    (:mod:`.relay`), while the ``ai.llm`` service runs."""

    @functools.cached_property
    def api(self) -> LlamaAPI:
        """The ``/ai/llama`` app, made at its first request: most runs never call it, and its
        modules (the OpenAI payloads, request parsing, generation) cost every launch ~3 ms
        (``ORO_TRACE_PLUGINS``: oro-ai's ``oro_configure`` 11 -> 8 ms)."""
        from oro_ai.api import LlamaAPI

        settings = self.settings
        return LlamaAPI(
            self.manager,
            defaults=settings.defaults(),
            limiter=settings.rate_limiter(),
            upstreams=self.upstreams,
            max_body_bytes=settings.max_body_bytes,
            memory=self.memory,
            prefix=settings.prefix,
            route_metrics=self.route_metrics,
            enable_metrics=settings.enable_metrics,
            started=self.started,
        )

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app mounted at ``ai.llm.server_prefix``: :attr:`api`."""
        await self.api(scope, receive, send)

    @classmethod
    def from_host(cls, host: Host) -> AIState:
        """The state of ``host``, from its config and paths (nothing is loaded yet).

        :raises ConfigError: an upstream or the fallback ``[ai]`` declares is refused
            (:meth:`.UpstreamRouter.from_settings`).
        """
        from oro_ai.models import ModelRegistry, default_model_file
        from oro_ai.permissions import AI_UPSTREAM
        from oro_ai.pool import ModelManager
        from oro_ai.routing import UpstreamRouter
        from oro_ai.settings import AISettings, RoutingSettings

        settings = host.settings(AISettings)
        if host.config_file is not None and is_ini_file(host.config_file):
            settings = settings.with_oro_defaults(host.config.source)
        search_path = ModelRegistry.parse_search_path(settings.model_path)
        models_dir = settings.models_directory(host.app_dir, host.paths.data)
        registry = ModelRegistry(
            [*search_path, models_dir] if models_dir not in search_path else search_path,
            default=default_model_file(),
            default_name=settings.default_model,
        )
        lora_path = [host.app_dir / directory for directory in settings.lora_directories()]
        manager = ModelManager(registry, settings.pool(), lora_path=lora_path)
        upstreams = UpstreamRouter.from_settings(
            host.settings(RoutingSettings),
            registry,
            permitted=host.is_permission_allowed(AI_UPSTREAM.name),
            memory=host.memory,
        )
        roots = (host.paths.resources, host.paths.data, *registry.search_path, *lora_path)
        return cls(settings, manager, upstreams, host.memory, settings.route_metrics(), roots)

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        """The ``ai.llm`` service: serve the models until cancelled (:func:`.service.run`),
        with the relays of :mod:`.relay`; the upstreams' connections close with it."""
        import anyio

        from oro_ai import service

        try:
            async with anyio.create_task_group() as relays:
                self.relays = relays
                try:
                    await service.run(self.manager, task_status=task_status)
                finally:
                    self.relays = None
                    relays.cancel_scope.cancel()
        finally:
            await self.upstreams.aclose()

    def authenticate(self, headers: Mapping[str, str]) -> bool:
        """Whether a request without the session cookie carries a credential of another
        process: the HTTP IPC bridge's key in ``X-ORO-Auth``, or ``ai.llm.api_key`` as a
        bearer token.

        :param headers: the request's headers, lower-case names.
        """
        key = headers.get("x-oro-auth")
        bridge_key = self.settings.bridge_key
        if key is not None and bridge_key:
            return hmac.compare_digest(key.encode(), bridge_key.encode())
        api_key = self.settings.api_key
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if api_key and scheme.lower() == "bearer":
            return hmac.compare_digest(token.strip().encode(), api_key.encode())
        return False

    def diagnostics(self) -> dict[str, Any]:
        """The resident models and the pool's figures, for ``diagnostics.query``."""
        names = sorted(self.manager.loaded)
        found: dict[str, Any] = {
            "handles": {"count": len(names), "ids": names},
            "pool": self.manager.stats(),
            "upstreams": self.upstreams.stats(),
        }
        routes = self.route_metrics.snapshot()
        if routes is not None:
            found["routes"] = routes
        return found


STATE: Final = StashKey[AIState]("ai")
"""Where a host keeps its :class:`AIState`: ``host.stash[STATE]``."""
