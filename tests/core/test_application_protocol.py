"""Oro's ``[meta] application_protocol``: the app's own deep-link scheme, whose URLs reach the
pages as ``applicationurl`` events with no worker behind them (``meta.application_protocol``),
in memory, from ``oro.toml`` and from a ``socket.ini``."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st

import oro_framework.core.platform
import oro_framework.core.protocols
from oro_framework import (
    ConfigError,
    Host,
    ProtocolHandlers,
    SecurityError,
    application_url_event,
    check_application_scheme,
    check_scheme,
    reserved_reason,
)
from oro_framework.host.protocols import RESERVED_SCHEMES
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio
PLUGINS = [oro_framework.core.protocols, oro_framework.core.platform]


def app_with(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text)
    (tmp_path / "index.html").write_text("<!doctype html>")
    return tmp_path


async def test_open_external_of_the_apps_scheme_is_an_applicationurl_without_a_path(
    tmp_path: Path,
) -> None:
    app = app_with(tmp_path, "oro.toml", '[meta]\napplication_protocol = "Notes"\n')
    async with (
        make_host(PLUGINS, app_dir=app) as host,
        host.events.subscribe(window=0) as events,
    ):
        answer = raise_for_error(
            await MemoryClient(host).call("platform.openExternal", value="notes://inbox?id=7")
        )
        with anyio.fail_after(5):
            event = await events.receive()
        other = await MemoryClient(host).call("platform.openExternal", value="other://x")

    expected = {"url": "notes://inbox?id=7", "path": None, "appURL": None}
    assert (event.name, event.data) == ("applicationurl", expected)
    assert answer == {"url": "notes://inbox?id=7", "opened": False, "applicationurl": expected}
    assert other.error is not None
    assert other.error.error_type == "SecurityError"
    assert host.protocol_handlers.application_scheme == "notes"
    # No worker serves it: the page registers none, and `protocol.list` does not name it.
    assert host.protocol_handlers.to_json() == {}


async def test_open_external_puts_the_deep_link_in_the_callers_window_only(
    tmp_path: Path,
) -> None:
    # A hostile page opening the app's scheme cannot hand another window a deep link it would
    # act on: as under Socket, only the caller's window hears it, and a caller without a window
    # (a worker) gets the answer alone. Each window's stream then gets a marker; what came
    # before it is all that was delivered.
    app = app_with(tmp_path, "oro.toml", '[meta]\napplication_protocol = "notes"\n')
    async with (
        make_host(PLUGINS, app_dir=app) as host,
        host.events.subscribe(window=0) as main,
        host.events.subscribe(window=1) as other,
    ):
        from_other = raise_for_error(
            await MemoryClient(host, window=1).call("platform.openExternal", value="notes://a")
        )
        from_worker = raise_for_error(
            await MemoryClient(host, window=None).call("platform.openExternal", value="notes://b")
        )
        for index in (0, 1):
            host.emit("marker", window=index)
        with anyio.fail_after(5):
            heard_main = [(await main.receive()).name]
            heard_other = [(await other.receive()).name, (await other.receive()).name]

    assert heard_main == ["marker"]
    assert heard_other == ["applicationurl", "marker"]
    assert from_other["applicationurl"]["url"] == "notes://a"
    assert from_worker == {
        "url": "notes://b",
        "opened": False,
        "applicationurl": {"url": "notes://b", "path": None, "appURL": None},
    }


async def test_a_protocol_handler_of_the_same_scheme_serves_it_as_usual(tmp_path: Path) -> None:
    app = app_with(
        tmp_path,
        "oro.toml",
        '[meta]\napplication_protocol = "notes"\n'
        '[webview.protocol-handlers]\nnotes = "./notes-sw.js"\n',
    )
    async with make_host(PLUGINS, app_dir=app) as host:
        event = application_url_event("notes://inbox", host.protocol_handlers, "http://h")
    assert event == {
        "url": "notes://inbox",
        "path": "/oro/protocol/notes/inbox",
        "appURL": "http://h/oro/protocol/notes/inbox",
    }


@pytest.mark.parametrize("scheme", ["1x", "web+", "a b", "x" * 65])
async def test_a_bad_scheme_is_a_config_error(tmp_path: Path, scheme: str) -> None:
    app = app_with(tmp_path, "oro.toml", f'[meta]\napplication_protocol = "{scheme}"\n')
    with pytest.raises(ConfigError, match="application_protocol"):
        async with make_host(PLUGINS, app_dir=app):
            pass


@pytest.mark.parametrize(
    "scheme", ["filesystem", "FileSystem", "ipc", "socket", "blob", "data", "javascript", "about"]
)
async def test_a_web_scheme_is_the_apps_deep_link_scheme_with_one_warning(
    tmp_path: Path, scheme: str
) -> None:
    app = app_with(tmp_path, "oro.toml", f'[meta]\napplication_protocol = "{scheme}"\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with make_host(PLUGINS, app_dir=app) as host:
            handlers = host.protocol_handlers
    lowered = scheme.lower()
    assert handlers.application_scheme == lowered
    assert handlers.deep_link_schemes() == (lowered,)
    # No worker and no engine registration: the page's own URLs of it stay the engine's.
    assert handlers.to_json() == {}
    assert application_url_event(f"{lowered}:/home/me/Documents", handlers, None) == {
        "url": f"{lowered}:/home/me/Documents",
        "path": None,
        "appURL": None,
    }
    messages = [str(w.message) for w in caught if "application_protocol" in str(w.message)]
    assert len(messages) == 1, messages
    assert "also a web scheme" in messages[0]


@pytest.mark.parametrize("scheme", ["http", "https", "file", "HTTPS"])
async def test_a_scheme_of_the_desktops_browser_is_ignored_with_a_warning(
    tmp_path: Path, scheme: str
) -> None:
    app = app_with(tmp_path, "oro.toml", f'[meta]\napplication_protocol = "{scheme}"\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with make_host(PLUGINS, app_dir=app) as host:
            handlers = host.protocol_handlers
    assert handlers.application_scheme is None
    # Not in the desktop entry, and its links are no applicationurl: the browser keeps them.
    assert handlers.deep_link_schemes() == ()
    assert application_url_event(f"{scheme.lower()}://example.com/", handlers, None) is None
    messages = [str(w.message) for w in caught if "application_protocol" in str(w.message)]
    assert len(messages) == 1, messages
    assert "is ignored" in messages[0]


def test_a_socket_ini_names_it_as_oro_does(tmp_path: Path) -> None:
    app = app_with(
        tmp_path,
        "socket.ini",
        '[meta]\nbundle_identifier = "com.example.notes"\napplication_protocol = "notes"\n',
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        host = Host(app, resolve_secrets=False)
    try:
        assert host.config["meta.application_protocol"] == "notes"
        assert host.config.source("meta.application_protocol") == "socket.ini:3"
    finally:
        host.close()
    assert not [w for w in caught if "application_protocol" in str(w.message)]


def test_the_deep_link_schemes_are_the_handlers_and_the_apps_own() -> None:
    handlers = ProtocolHandlers()
    handlers.register("web+demo", "/sw.js")
    assert handlers.deep_link_schemes() == ("web+demo",)
    handlers.application_scheme = "notes"
    assert handlers.deep_link_schemes() == ("notes", "web+demo")
    assert application_url_event("notes:inbox", handlers, None) == {
        "url": "notes:inbox",
        "path": None,
        "appURL": None,
    }


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "socket.ini",
            '[meta]\nbundle_identifier = "com.example.my_notes"\n',
            "com-example-my-notes",
        ),
        ("oro.ini", '[meta]\nbundle_identifier = "org.example.Notes"\n', "org-example-notes"),
        ("socket.ini", '[meta]\ntitle = "No identifier"\n', None),
        ("oro.toml", '[meta]\nbundle_identifier = "com.example.notes"\n', None),
    ],
)
def test_an_ini_app_without_one_gets_socket_s_scheme_from_its_bundle_identifier(
    tmp_path: Path, name: str, text: str, expected: str | None
) -> None:
    # src/cli/main.cc:2239: Socket derives it at build, and registers it with the desktop.
    app = app_with(tmp_path, name, text)
    host = Host(app, resolve_secrets=False)
    try:
        assert host.protocol_handlers.application_scheme == expected
    finally:
        host.close()


@given(st.text(max_size=70) | st.sampled_from(sorted(RESERVED_SCHEMES)))
def test_an_application_scheme_is_a_url_scheme_or_a_security_error(text: str) -> None:
    # Every scheme a protocol handler may claim, the reserved ones too, and nothing else.
    try:
        scheme = check_application_scheme(text)
    except SecurityError:
        with pytest.raises(SecurityError):
            check_scheme(text)
        return
    assert scheme == text.lower()
    assert re.fullmatch(r"[a-z][a-z0-9+.\-]{0,63}", scheme), scheme
    assert reserved_reason(scheme) is not None or check_scheme(text) == scheme
