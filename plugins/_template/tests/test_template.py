"""Tests of oro-template on a host built with exactly this plugin."""

from __future__ import annotations

import pytest
from oro_template import plugin

from oro_framework import InvalidArgumentError, NotAllowedError
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


async def test_echo_answers_value_and_greeting() -> None:
    async with make_host(plugins=[plugin], config={"template.greeting": "Hi"}) as host:
        reply = await MemoryClient(host).call("template.echo", value="ping")
        assert raise_for_error(reply) == {"value": "ping", "greeting": "Hi"}


async def test_echo_without_value_is_missing_args_error() -> None:
    async with make_host(plugins=[plugin]) as host:
        reply = await MemoryClient(host).call("template.echo")
        assert isinstance(reply.error, InvalidArgumentError)
        assert reply.error.code == "ERR_MISSING_ARGS"


async def test_echo_is_refused_when_permission_is_disabled() -> None:
    async with make_host(plugins=[plugin], config={"permissions.allow_template": False}) as host:
        reply = await MemoryClient(host).call("template.echo", value="ping")
        assert isinstance(reply.error, NotAllowedError)


async def test_js_module_is_served_as_oro_template() -> None:
    async with make_host(plugins=[plugin]) as host:
        module = host.js_modules.get("oro:template")
        assert module is not None
        assert module.url_path == "/oro/template.js"
