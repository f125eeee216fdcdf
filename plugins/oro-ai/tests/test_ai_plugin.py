"""The plugin's shape: typed settings from ``[ai.llm]``, its state in ``host.stash`` for exactly
as long as the host lives, the shared secret rule for ``api_key``, and API refusals answered on
the ``ai.llm.*`` routes as the IPC error of their status."""

from __future__ import annotations

from pathlib import Path

import oro_ai.plugin
import pytest
from oro_ai.errors import APIError
from oro_ai.state import STATE

from oro_framework import (
    ConfigError,
    InvalidArgumentError,
    NotFoundError,
    OutOfRangeError,
    ServiceUnavailableError,
)
from oro_framework.testing import make_host

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
