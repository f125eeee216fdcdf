import pytest

import oro_framework.core.ping
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


async def test_ping_answers_pong():
    async with make_host(plugins=[oro_framework.core.ping]) as host:
        reply = await MemoryClient(host).call("ping")

    assert reply.data == "pong"


async def test_ping_is_refused_when_runtime_permission_is_disabled():
    config = {"permissions.allow_runtime": False}
    async with make_host(plugins=[oro_framework.core.ping], config=config) as host:
        reply = await MemoryClient(host).call("ping")

    assert reply.error is not None
    assert reply.error.code == "NOT_ALLOWED_ERR"
