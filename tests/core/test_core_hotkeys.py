"""Oro's ``window.hotkey.*`` routes (the application plugin): the app's bindings, their ids and
hashes, Oro's expression forms, typed refusals, the host event every page gets when the set
changes, and what a page learns at load."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oro_framework.core.application
from oro_framework import InvalidArgumentError, NotFoundError, NotSupportedError
from oro_framework.core._hotkeys import KEYS, MODIFIERS, page_hotkeys, parse_expression
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

PLUGINS = [oro_framework.core.application]


async def test_a_binding_is_the_apps_and_the_same_keys_are_the_same_binding() -> None:
    async with make_host(PLUGINS) as host:
        client = MemoryClient(host)
        first = raise_for_error(await client.call("window.hotkey.bind", expression="ctrl + k"))
        again = raise_for_error(await client.call("window.hotkey.bind", expression="K+Control"))
        encoded = raise_for_error(
            # Oro's page sends the expression percent-encoded (normalizeExpression).
            await client.call("window.hotkey.bind", expression="cmd%2Bshift%2Bp")
        )
        listed = raise_for_error(await client.call("window.hotkey.bindings"))
        assert page_hotkeys(host) == listed

    assert first["id"] == 1024
    assert first["expression"] == "ctrl + k"
    assert first["sequence"] == ["control", "k"]
    assert isinstance(first["hash"], int)
    assert first["hash"] > 0
    assert first["passive"] is True
    assert first["match"] == {
        "key": "k",
        "code": "KeyK",
        "ctrlKey": True,
        "altKey": False,
        "shiftKey": False,
        "metaKey": False,
    }
    assert again == first
    assert encoded["id"] == 1025
    assert encoded["sequence"] == ["command", "shift", "p"]
    assert encoded["match"]["metaKey"] is True
    assert [binding["id"] for binding in listed] == [1024, 1025]


async def test_unbind_by_id_or_expression_and_an_unknown_one_is_not_found() -> None:
    async with make_host(PLUGINS) as host:
        client = MemoryClient(host)
        raise_for_error(await client.call("window.hotkey.bind", expression="alt+1"))
        raise_for_error(await client.call("window.hotkey.bind", expression="alt+2"))
        by_id = raise_for_error(await client.call("window.hotkey.unbind", id=1024))
        by_expression = raise_for_error(
            await client.call("window.hotkey.unbind", expression="Option + 2")
        )
        gone = await client.call("window.hotkey.unbind", id=1024)
        unknown = await client.call("window.hotkey.bind", id=7)
        left = raise_for_error(await client.call("window.hotkey.bindings"))

    assert by_id == {"id": 1024}
    assert by_expression == {"id": 1025}
    assert isinstance(gone.error, NotFoundError)
    assert isinstance(unknown.error, NotFoundError)
    assert left == []


@pytest.mark.parametrize("expression", ["k", "ctrl", "ctrl+k+j", "ctrl+nokey", "ctrl++", ""])
async def test_an_expression_that_is_not_modifiers_and_one_key_is_refused(
    expression: str,
) -> None:
    async with make_host(PLUGINS) as host:
        reply = await MemoryClient(host).call("window.hotkey.bind", expression=expression)
    assert isinstance(reply.error, InvalidArgumentError)


async def test_a_global_hotkey_is_not_supported() -> None:
    async with make_host(PLUGINS) as host:
        reply = await MemoryClient(host).call(
            "window.hotkey.bind", expression="ctrl+k", **{"global": True}
        )
        listed = raise_for_error(await MemoryClient(host).call("window.hotkey.bindings"))
    assert isinstance(reply.error, NotSupportedError)
    assert reply.error.code == "ERR_GLOBAL_HOTKEY"
    assert listed == []


async def test_every_page_hears_the_new_set_when_it_changes() -> None:
    async with make_host(PLUGINS) as host, host.events.subscribe(window=0) as events:
        client = MemoryClient(host)
        raise_for_error(await client.call("window.hotkey.bind", expression="ctrl+k"))
        raise_for_error(await client.call("window.hotkey.bind", expression="ctrl+k"))
        raise_for_error(await client.call("window.hotkey.unbind", id=1024))
        heard = [await events.receive(), await events.receive()]
        host.emit("end", None)
        after = await events.receive()

    # Broadcasts, one per change (binding the same keys again changes nothing).
    assert [(event.name, event.window) for event in heard] == [("hotkeybindings", None)] * 2
    assert [[b["id"] for b in event.data["bindings"]] for event in heard] == [[1024], []]
    assert after.name == "end"


async def test_without_permission_hotkeys_a_page_learns_none() -> None:
    async with make_host(PLUGINS, config={"permissions.allow_hotkeys": False}) as host:
        reply = await MemoryClient(host).call("window.hotkey.bind", expression="ctrl+k")
        assert reply.error is not None
        assert reply.error.to_dict()["type"] == "NotAllowedError"
        assert page_hotkeys(host) == []


async def test_the_mappings_name_every_modifier_and_key() -> None:
    async with make_host(PLUGINS) as host:
        mappings = raise_for_error(await MemoryClient(host).call("window.hotkey.mappings"))
    assert set(MODIFIERS) <= set(mappings["modifiers"])
    assert {"ctrl", "cmd", "opt"} <= set(mappings["modifiers"])
    assert mappings["keys"] == {name: code for name, (_key, code) in KEYS.items()}


@given(st.lists(st.sampled_from(sorted(MODIFIERS)), min_size=1), st.sampled_from(sorted(KEYS)))
def test_parsing_is_oros_whatever_the_spacing_and_case(modifiers: list[str], key: str) -> None:
    expression = " + ".join(f"  {token.upper()} " for token in [*modifiers, key])
    sequence = parse_expression(expression)
    assert sequence == list(dict.fromkeys([*modifiers, key]))
