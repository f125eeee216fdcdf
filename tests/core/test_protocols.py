"""protocol.* routes, [webview.protocol-handlers] config and platform.openExternal, in memory."""

import stat
import sys
import webbrowser
from pathlib import Path

import anyio
import pytest

import oro_framework.core.platform
import oro_framework.core.protocols
from oro_framework import ConfigError
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio
PLUGINS = [oro_framework.core.protocols, oro_framework.core.platform]


def app_with(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "oro.toml").write_text(toml)
    (tmp_path / "index.html").write_text("<!doctype html>")
    return tmp_path


async def test_the_table_form_registers_each_scheme_with_its_script(tmp_path):
    app = app_with(tmp_path, '[webview.protocol-handlers]\n"web+demo" = "./demo-sw.js"\n')
    async with make_host(PLUGINS, app_dir=app) as host:
        answer = raise_for_error(await MemoryClient(host).call("protocol.list"))

    assert answer == {
        "web+demo": {
            "scheme": "web+demo",
            "scriptURL": "/demo-sw.js",
            "scope": "/oro/protocol/web+demo/",
        }
    }


async def test_oros_flattened_form_registers_the_listed_schemes(tmp_path):
    app = app_with(
        tmp_path,
        'webview_protocol-handlers = "web+foo web+bar"\n'
        '"webview_protocol-handlers_web+foo" = "./foo.js"\n'
        '"webview_protocol-handlers_web+bar" = "sw/bar.js"\n',
    )
    async with make_host(PLUGINS, app_dir=app) as host:
        handlers = host.protocol_handlers.to_json()

    assert {scheme: h["scriptURL"] for scheme, h in handlers.items()} == {
        "web+bar": "/sw/bar.js",
        "web+foo": "/foo.js",
    }


@pytest.mark.parametrize(
    ("toml", "key", "message"),
    [
        (
            '[webview.protocol-handlers]\n"ipc" = "./sw.js"\n',
            "webview.protocol-handlers.ipc",
            "cannot have a protocol handler",
        ),
        (
            '[webview.protocol-handlers]\n"web+demo" = "../sw.js"\n',
            "webview.protocol-handlers.web+demo",
            "outside the app",
        ),
        (
            '[webview.protocol-handlers]\n"web+demo" = "https://cdn.example/sw.js"\n',
            "webview.protocol-handlers.web+demo",
            "not a URL",
        ),
        (
            'webview_protocol-handlers = "web+foo javascript"\n'
            '"webview_protocol-handlers_web+foo" = "./f.js"\n',
            "webview.protocol-handlers",
            "'javascript' cannot have a protocol handler",
        ),
        (
            'webview_protocol-handlers = "web+foo"\n',
            "webview.protocol-handlers",
            "no worker script is set",
        ),
    ],
)
async def test_a_bad_scheme_or_script_is_a_config_error_naming_the_key(
    tmp_path, toml, key, message
):
    app = app_with(tmp_path, toml)
    with pytest.raises(ConfigError, match=message) as raised:
        async with make_host(PLUGINS, app_dir=app):
            pass

    assert raised.value.key == key
    assert str(raised.value.source).startswith("oro.toml:")  # the line of the key


async def test_register_get_set_data_and_unregister():
    async with make_host(PLUGINS) as host:
        client = MemoryClient(host)
        registered = raise_for_error(
            await client.call(
                "protocol.register", scheme="web+notes", scriptURL="/notes-sw.js", data={"a": 1}
            )
        )
        first = raise_for_error(await client.call("protocol.getData", scheme="web+notes"))
        raise_for_error(await client.call("protocol.setData", scheme="web+notes", data=[1, 2]))
        second = raise_for_error(await client.call("protocol.getData", scheme="WEB+NOTES"))
        gone = raise_for_error(await client.call("protocol.unregister", scheme="web+notes"))
        after = await client.call("protocol.getData", scheme="web+notes")

    assert registered == {
        "scheme": "web+notes",
        "scriptURL": "/notes-sw.js",
        "scope": "/oro/protocol/web+notes/",
    }
    assert first == {"scheme": "web+notes", "data": {"a": 1}}
    assert second == {"scheme": "web+notes", "data": [1, 2]}
    assert gone == registered
    assert after.error is not None
    assert after.error.error_type == "NotFoundError"


@pytest.mark.parametrize(
    ("params", "error_type"),
    [
        ({"scheme": "https", "scriptURL": "/sw.js"}, "SecurityError"),
        ({"scheme": "web+notes", "scriptURL": "https://evil.example/sw.js"}, "SecurityError"),
        ({"scheme": "web+notes", "scriptURL": "../sw.js"}, "SecurityError"),
        ({"scheme": "web+notes", "scriptURL": "/ipc/ping"}, "SecurityError"),
        ({"scheme": "web+notes"}, "TypeError"),
        ({"scriptURL": "/sw.js"}, "TypeError"),
    ],
)
async def test_register_refuses_bad_input_with_typed_errors(params, error_type):
    async with make_host(PLUGINS) as host:
        reply = await MemoryClient(host).call("protocol.register", **params)

    assert reply.error is not None
    assert reply.error.error_type == error_type


@pytest.mark.parametrize("route", ["protocol.unregister", "protocol.getData", "protocol.setData"])
async def test_an_unknown_scheme_is_not_found(route):
    async with make_host(PLUGINS) as host:
        reply = await MemoryClient(host).call(route, scheme="web+nothing")

    assert reply.error is not None
    assert reply.error.error_type == "NotFoundError"


async def test_register_without_a_script_keeps_the_configured_one(tmp_path):
    app = app_with(tmp_path, '[webview.protocol-handlers]\n"web+demo" = "./demo-sw.js"\n')
    async with make_host(PLUGINS, app_dir=app) as host:
        answer = raise_for_error(
            await MemoryClient(host).call("protocol.register", scheme="web+demo", data=7)
        )
        data = raise_for_error(await MemoryClient(host).call("protocol.getData", scheme="web+demo"))

    assert answer["scriptURL"] == "/demo-sw.js"
    assert data["data"] == 7


async def test_pages_get_the_handlers_in_their_args(tmp_path):
    app = app_with(tmp_path, '[webview.protocol-handlers]\n"web+demo" = "./demo-sw.js"\n')
    async with make_host(PLUGINS, app_dir=app) as host:
        args = host.hooks.page_args(host, window=0, origin="http://127.0.0.1:1")

    assert args["protocolHandlers"]["web+demo"]["scope"] == "/oro/protocol/web+demo/"


# -------------------------------------------------------------------------------------------------
# platform.openExternal
# -------------------------------------------------------------------------------------------------


@pytest.fixture
def recording_browser(tmp_path, monkeypatch):
    """``BROWSER`` names a script that appends each URL it is asked to open to a file: the real
    webbrowser module starts a real process, and the test reads what it got."""
    record = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nwith open({str(record)!r}, 'a') as f:\n"
        "    f.write(sys.argv[1] + '\\n')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BROWSER", str(script))
    # webbrowser reads BROWSER once, on first use: make it read this one.
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    return record


@pytest.mark.parametrize("url", ["https://example.com/a?b=1", "mailto:someone@example.com"])
async def test_open_external_opens_web_and_mail_urls_in_the_browser(recording_browser, url):
    async with make_host(PLUGINS) as host:
        answer = raise_for_error(await MemoryClient(host).call("platform.openExternal", value=url))

    assert answer == {"url": url, "opened": True}
    assert recording_browser.read_text() == url + "\n"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "javascript:alert(1)", "web+unknown://x", "ssh://h"]
)
async def test_open_external_refuses_other_schemes(recording_browser, url):
    async with make_host(PLUGINS) as host:
        reply = await MemoryClient(host).call("platform.openExternal", value=url)

    assert reply.error is not None
    assert reply.error.error_type == "SecurityError"
    assert not recording_browser.exists()


async def test_open_external_routes_a_registered_scheme_back_in_as_applicationurl(
    recording_browser,
):
    async with make_host(PLUGINS) as host, host.events.subscribe(window=0) as events:
        client = MemoryClient(host)
        raise_for_error(
            await client.call("protocol.register", scheme="web+demo", scriptURL="/sw.js")
        )
        answer = raise_for_error(
            await client.call("platform.openExternal", value="web+demo://inbox/1?x=2")
        )
        with anyio.fail_after(5):
            event = await events.receive()

    assert event.name == "applicationurl"
    assert event.data == {
        "url": "web+demo://inbox/1?x=2",
        "path": "/oro/protocol/web+demo/inbox/1?x=2",
        "appURL": None,
    }
    assert answer["opened"] is False
    assert not recording_browser.exists()
