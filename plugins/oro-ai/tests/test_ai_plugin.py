"""The plugin's shape: typed settings from ``[ai.llm]``, its state in ``host.stash`` for exactly
as long as the host lives, the shared secret rule for ``api_key``, and API refusals answered on
the ``ai.llm.*`` routes as the IPC error of their status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import oro_ai.plugin
import pytest
from oro_ai.errors import APIError
from oro_ai.state import STATE
from scripted_upstream import scripted_upstream

from oro_framework import (
    ConfigError,
    InvalidArgumentError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
    Request,
    ServiceUnavailableError,
    hookimpl,
)
from oro_framework.testing import MemoryClient, live_server, make_host

pytestmark = pytest.mark.anyio


async def test_the_state_lives_in_the_stash_while_the_host_is_open(tmp_path: Path) -> None:
    config = {"ai.llm.threads": 1, "ai.llm.models_dir": "models", "ai.llm.rate_limit_rps": 2}
    async with make_host([oro_ai.plugin], config=config, app_dir=tmp_path) as host:
        state = host.stash[STATE]
        assert state.settings.threads == 1
        assert state.settings.rate_limit_rps == 2.0
        assert state.manager.settings.threads == 1
        assert state.api.limiter.rps == 2.0
        assert tmp_path / "models" in state.model_roots

    assert STATE not in host.stash


async def test_an_api_key_shorter_than_16_characters_is_refused_without_showing_it() -> None:
    with pytest.raises(ConfigError, match=r"ai\.llm\.api_key") as refused:
        async with make_host([oro_ai.plugin], config={"ai.llm.api_key": "fifteen-chars!!"}):
            pass

    assert "at least 16 characters" in str(refused.value)
    assert "fifteen" not in str(refused.value)


async def test_the_ipc_key_opens_the_api_only_when_the_ipc_bridge_is_on() -> None:
    shared = "s" * 32
    config = {"http.ipc.shared_key": shared, "ai.llm.threads": 1}
    async with make_host([oro_ai.plugin], config=config) as host:
        closed = host.stash[STATE]
    async with make_host([oro_ai.plugin], config={**config, "http.ipc.enable": True}) as host:
        opened = host.stash[STATE]

    assert closed.settings.bridge_key is None
    assert not closed.authenticate({"x-oro-auth": shared})
    assert opened.authenticate({"x-oro-auth": shared})
    assert not opened.authenticate({"x-oro-auth": "t" * 32})


@pytest.mark.parametrize(
    ("refusal", "error_class", "extra"),
    [
        (APIError.model_not_found("x"), NotFoundError, {}),
        (APIError.invalid("bad"), InvalidArgumentError, {}),
        (APIError(422, "model_load_failed", "not a model"), InvalidArgumentError, {}),
        (APIError.rate_limited("busy", retry_after=1.5), OutOfRangeError, {"retryAfter": 1500}),
        (
            APIError(503, "not_ready", "starting", retry_after=1),
            ServiceUnavailableError,
            {"retryAfter": 1000},
        ),
    ],
)
def test_an_api_refusal_is_the_ipc_error_of_its_status(
    refusal: APIError, error_class: type[Exception], extra: dict[str, object]
) -> None:
    error = refusal.to_ipc_error()

    assert type(error) is error_class
    assert error.message == refusal.message
    assert error.extra == extra


class DenyAI:
    """A plugin whose ``oro_permission_check`` refuses the ``ai`` permission."""

    name = "deny-ai"

    def __init__(self) -> None:
        self.asked: list[str] = []

    @hookimpl
    def oro_permission_check(self, request: Request, permission: str) -> bool | None:
        if permission != "ai":
            return None
        self.asked.append(request.route)
        return False


@pytest.mark.parametrize("switch", ["config", "hook"])
async def test_the_ai_permission_guards_ai_llama_as_it_guards_the_routes(
    tiny_model: Path, switch: str
) -> None:
    """Issue 39 item 6: a permission hook denying ``ai`` refused the ``ai.llm.*`` routes but
    not ``/ai/llama``, which forwarded to upstreams and generated all the same. Now both are
    refused alike, and nothing is forwarded or loaded."""
    deny = DenyAI()
    config: dict[str, Any] = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.threads": 1,
        "ai.upstreams.scripted.models": ["echo"],
    }
    if switch == "config":
        config["permissions.allow_ai"] = False
    with scripted_upstream() as upstream:
        config["ai.upstreams.scripted.base_url"] = upstream.url
        plugins: list[object] = [oro_ai.plugin] + ([deny] if switch == "hook" else [])
        async with (
            make_host(plugins, config=config) as host,
            live_server(host) as server,
            server.client() as client,
        ):
            chat = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}
            local = await client.post(
                "/ai/llama/v1/chat/completions", json={**chat, "model": tiny_model.stem}
            )
            forwarded = await client.post(
                "/ai/llama/v1/chat/completions", json={**chat, "model": "echo"}
            )
            listed = await client.get("/ai/llama/v1/models")
            route = await MemoryClient(host).call("ai.llm.model.list")
            resident = dict(host.stash[STATE].manager.loaded)
    for response in (local, forwarded, listed):
        assert response.status_code == 403, response.text
        assert "NotAllowedError" in response.text
    assert isinstance(route.error, NotAllowedError)
    assert upstream.requests == []
    assert resident == {}
    if switch == "hook":
        assert deny.asked == [
            "/ai/llama/v1/chat/completions",
            "/ai/llama/v1/chat/completions",
            "/ai/llama/v1/models",
            "ai.llm.model.list",
        ]
