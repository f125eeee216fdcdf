import pytest

import oro_framework.core.os
import oro_framework.core.permissions
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


async def test_query_of_an_enabled_permission_is_granted():
    async with make_host(plugins=[oro_framework.core.permissions]) as host:
        reply = await MemoryClient(host).call("permissions.query", name="runtime")

    assert reply.data == {"name": "runtime", "state": "granted"}


async def test_query_of_a_disabled_permission_is_denied_with_the_reason():
    plugins = [oro_framework.core.os, oro_framework.core.permissions]
    config = {"permissions.allow_device_info": False}
    async with make_host(plugins=plugins, config=config) as host:
        reply = await MemoryClient(host).call("permissions.query", name="device_info")

    assert reply.data == {
        "name": "device_info",
        "state": "denied",
        "reason": "Runtime permission is disabled for 'device_info'",
    }


async def test_a_denied_permission_refuses_its_routes_with_not_allowed():
    plugins = [oro_framework.core.os, oro_framework.core.permissions]
    config = {"permissions.allow_device_info": False}
    async with make_host(plugins=plugins, config=config) as host:
        reply = await MemoryClient(host).call("os.cpus")

    assert reply.error is not None
    assert reply.error.code == "NOT_ALLOWED_ERR"
    assert reply.error.error_type == "NotAllowedError"
    assert reply.error.status == 403


async def test_query_of_an_unknown_permission_is_not_found():
    async with make_host(plugins=[oro_framework.core.permissions]) as host:
        reply = await MemoryClient(host).call("permissions.query", name="teleportation")

    assert reply.error is not None
    assert reply.error.code == "NOT_FOUND_ERR"
    assert reply.error.message == "Unknown permission 'teleportation'"


async def test_query_without_a_name_is_missing_args():
    async with make_host(plugins=[oro_framework.core.permissions]) as host:
        reply = await MemoryClient(host).call("permissions.query")

    assert reply.error is not None
    assert reply.error.code == "ERR_MISSING_ARGS"


async def test_list_gives_every_permission_by_name_with_doc_plugin_and_state():
    plugins = [oro_framework.core.os, oro_framework.core.permissions]
    config = {"permissions.allow_device_info": False}
    async with make_host(plugins=plugins, config=config) as host:
        reply = await MemoryClient(host).call("permissions.list")

    by_name = {entry["name"]: entry for entry in reply.data}
    assert [entry["name"] for entry in reply.data] == sorted(by_name)
    assert by_name["device_info"] == {
        "name": "device_info",
        "doc": host.permissions.get("device_info").doc,
        "plugin": "os",
        "state": "denied",
    }
    assert by_name["runtime"] == {
        "name": "runtime",
        "doc": host.permissions.get("runtime").doc,
        "plugin": "oro",
        "state": "granted",
    }
    # The host's own: what pages may ask of the web platform (the permission broker's kinds).
    assert {"camera", "microphone", "user_media", "screen", "geolocation"} <= set(by_name)
    assert set(by_name) == {permission.name for permission in host.permissions}
