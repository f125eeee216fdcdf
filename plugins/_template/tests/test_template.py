"""Tests of oro-template, each on a host built with exactly this plugin, loaded by its entry
point from the installed distribution (``installed_plugin``), as ``oro run`` loads it: a wrong
entry point in pyproject.toml fails here, not in the app."""

from __future__ import annotations

import hashlib
from pathlib import Path

import anyio
import pytest
from oro_framework import ConfigError, InvalidArgumentError, NotAllowedError
from oro_framework.testing import MemoryClient, installed_plugin, make_host, raise_for_error

from oro_template.service import NAME, TICK_EVENT
from oro_template.state import STATE

pytestmark = pytest.mark.anyio

plugin = installed_plugin("template")


async def test_echo_answers_value_and_greeting() -> None:
    config = {"template.greeting": "Hi"}
    async with make_host(plugins=[plugin], config=config) as host:
        reply = await MemoryClient(host).call("template.echo", value="ping")
        assert raise_for_error(reply) == {"value": "ping", "greeting": "Hi"}
        assert host.stash[STATE].echoes == 1


async def test_echo_without_value_is_missing_args_error() -> None:
    async with make_host(plugins=[plugin]) as host:
        reply = await MemoryClient(host).call("template.echo")
        assert isinstance(reply.error, InvalidArgumentError)
        assert reply.error.code == "ERR_MISSING_ARGS"
        assert reply.status == 400


async def test_echo_is_refused_when_permission_is_disabled() -> None:
    config = {"permissions.allow_template": False}
    async with make_host(plugins=[plugin], config=config) as host:
        reply = await MemoryClient(host).call("template.echo", value="ping")
        assert isinstance(reply.error, NotAllowedError)
        assert reply.status == 403


async def test_digest_answers_the_sha256_of_the_body() -> None:
    async with make_host(plugins=[plugin]) as host:
        reply = await MemoryClient(host).call("template.digest", body=b"oro")
        expected = {"sha256": hashlib.sha256(b"oro").hexdigest(), "size": 3}
        assert raise_for_error(reply) == expected


async def test_blank_greeting_in_oro_toml_is_config_error_with_line(tmp_path: Path) -> None:
    oro_toml = tmp_path / "oro.toml"
    oro_toml.write_text('[template]\ngreeting = " "\n', encoding="utf-8")
    refusal = r"oro\.toml:2: key 'template\.greeting' must not be"
    with pytest.raises(ConfigError, match=refusal):
        async with make_host(plugins=[plugin], app_dir=tmp_path):
            pass


async def test_ticker_service_sends_tick_events() -> None:
    config = {"template.tick_ms": 1}
    async with make_host(plugins=[plugin], config=config) as host:
        async with host.events.subscribe() as events:
            with anyio.fail_after(5):
                event = await events.receive()
        assert event.name == TICK_EVENT
        assert event.data["ticks"] >= 1


async def test_ticker_service_stops_while_the_app_is_paused() -> None:
    async with make_host(plugins=[plugin]) as host:
        assert NAME in host.running_services
        await host.pause()
        assert NAME not in host.running_services
        await host.resume()
        assert NAME in host.running_services


async def test_js_module_is_served_with_its_declarations() -> None:
    async with make_host(plugins=[plugin]) as host:
        module = host.js_modules.get("oro:template")
        assert module is not None
        assert module.url_path == "/oro/template.js"
        assert module.declarations is not None
        assert module.declarations.is_file()


async def test_state_is_released_when_the_host_closes() -> None:
    async with make_host(plugins=[plugin]) as host:
        assert STATE in host.stash
    assert STATE not in host.stash
