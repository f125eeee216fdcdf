"""``oro:mcp`` in real pages (headless Chromium, and WebKitGTK) against the real host: the
page registers tools and resources and starts the endpoint; a real MCP client (the official
TypeScript SDK, ``@modelcontextprotocol/sdk``, installed by the test into a temporary folder and
run under ``node``) lists and calls them over a real socket; raw HTTP clients send what no
client should, and a hostile page tries what it should not."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import (
    ServedApp,
    WebKitBrowser,
    WebKitPage,
    app_page,
    installed_plugin,
    run_in_node,
    served_app,
)

SDK: Final = "@modelcontextprotocol/sdk@1.32.2"
"""The official MCP SDK, the client a user's MCP host (an assistant, an IDE) is built on."""
TOKEN: Final = "s3cret-token"
INITIALIZE: Final = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "1"},
    },
}

SETUP: Final = """
  globalThis.calls = []
  await mcp.registerTool({
    name: 'add',
    title: 'Add',
    description: 'Adds two numbers',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
    annotations: { readOnlyHint: true },
    handler: ({ arguments: { a, b }, sessionId }) => {
      calls.push(sessionId)
      return { sum: a + b }
    }
  })
  await mcp.registerTool({ name: 'fail', handler: () => { throw new Error('no such luck') } })
  await mcp.registerTool({ name: 'hang', handler: () => new Promise(() => {}) })
  const picture = { type: 'image', data: 'AAEC', mimeType: 'image/png' }
  await mcp.registerTool({ name: 'image', handler: () => ({ content: [picture] }) })
  await mcp.registerResource({
    uri: 'note://hello', name: 'hello', mimeType: 'text/plain', handler: () => 'Hello from the page'
  })
  await mcp.registerResource({ uri: 'note://bytes', handler: () => new Uint8Array([0, 1, 2, 255]) })
  return await mcp.startServer({ port: 0, token: input })
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, oro_transport: str) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>MCP</title>\n")
    config = {
        "permissions.allow_mcp": True,
        "mcp.call_timeout_ms": 1000,
        "mcp.max_request_bytes": 65536,
    }
    with served_app(
        [installed_plugin("mcp")], app_dir=app_dir, config=config, transport=oro_transport
    ) as served:
        yield served


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose node_modules holds the official MCP SDK."""
    folder = tmp_path_factory.mktemp("sdk")
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(folder),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            SDK,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return folder


def run(page: Page | WebKitPage, body: str, value: Any = None) -> Any:
    """Run ``body`` in the page with ``mcp``, the module's default export, and ``input``."""
    return page.evaluate(
        f"async (input) => {{ const mcp = (await import('oro:mcp')).default; {body} }}", value
    )


@pytest.fixture
def served(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> Iterator[tuple[Page | WebKitPage, str]]:
    """The page, in Chromium and in WebKitGTK, with its tools registered and the endpoint
    started: (page, endpoint URL)."""
    with app_page(browser, app) as page:
        started = run(page, SETUP, TOKEN)
        assert started["running"] is True
        assert started["host"] == "127.0.0.1"
        assert started["endpoint"] == "/mcp"
        try:
            yield page, f"http://127.0.0.1:{started['port']}/mcp"
        finally:
            assert run(page, "return await mcp.stopServer()") is True


CLIENT: Final = """
  const transport = new StreamableHTTPClientTransport(new URL(input.url), {
    requestInit: { headers: { Authorization: `Bearer ${input.token}` } }
  })
  const client = new Client({ name: 'sdk-client', version: '1.0.0' })
  await client.connect(transport)
  const tools = await client.listTools()
  const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })
  const failing = await client.callTool({ name: 'fail', arguments: {} })
  const image = await client.callTool({ name: 'image', arguments: {} })
  const resources = await client.listResources()
  const note = await client.readResource({ uri: 'note://hello' })
  const bytes = await client.readResource({ uri: 'note://bytes' })
  const errors = {}
  for (const [name, ask] of Object.entries({
    unknownTool: () => client.callTool({ name: 'nope', arguments: {} }),
    unknownResource: () => client.readResource({ uri: 'note://nope' }),
    hang: () => client.callTool({ name: 'hang', arguments: {} })
  })) {
    try {
      await ask()
      errors[name] = 'answered'
    } catch (error) {
      errors[name] = { code: error.code, message: error.message }
    }
  }
  const ping = await client.ping()
  const server = client.getServerVersion()
  const session = transport.sessionId
  await transport.terminateSession()
  await client.close()
  return {
    tools: tools.tools, sum, failing, image, resources: resources.resources, note, bytes, errors,
    ping, server, session
  }
"""
CLIENT_IMPORTS: Final = (
    "import { Client } from '@modelcontextprotocol/sdk/client/index.js'\n"
    "import { StreamableHTTPClientTransport }"
    " from '@modelcontextprotocol/sdk/client/streamableHttp.js'"
)


def test_the_official_sdk_client_lists_and_calls_the_pages_tools_and_resources(
    served: tuple[Page | WebKitPage, str], sdk: Path
) -> None:
    page, url = served
    answer = run_in_node(
        CLIENT,
        imports=CLIENT_IMPORTS,
        values={"input": {"url": url, "token": TOKEN}},
        directory=sdk,
    )
    names = [tool["name"] for tool in answer["tools"]]
    assert names == ["add", "fail", "hang", "image"]
    add = answer["tools"][0]
    assert add["title"] == "Add"
    assert add["description"] == "Adds two numbers"
    assert add["annotations"] == {"readOnlyHint": True}
    assert add["inputSchema"]["properties"]["a"] == {"type": "number"}
    assert answer["sum"] == {
        "content": [{"type": "text", "text": '{"sum":5}'}],
        "structuredContent": {"sum": 5},
    }
    assert answer["failing"] == {
        "content": [{"type": "text", "text": "no such luck"}],
        "isError": True,
    }
    assert answer["image"]["content"] == [
        {"type": "image", "data": "AAEC", "mimeType": "image/png"}
    ]
    assert {r["uri"]: r["name"] for r in answer["resources"]} == {
        "note://hello": "hello",
        "note://bytes": "note://bytes",
    }
    assert answer["note"]["contents"] == [{"uri": "note://hello", "text": "Hello from the page"}]
    assert answer["bytes"]["contents"] == [
        {"uri": "note://bytes", "blob": "AAEC/w==", "mimeType": "application/octet-stream"}
    ]
    assert answer["errors"]["unknownTool"]["code"] == -32602
    assert "Unknown tool: nope" in answer["errors"]["unknownTool"]["message"]
    assert answer["errors"]["unknownResource"]["code"] == -32002
    # A page that never answers is an error the client gets, bounded by mcp.call_timeout_ms.
    assert answer["errors"]["hang"]["code"] == -32603
    assert "mcp.call_timeout_ms" in answer["errors"]["hang"]["message"]
    assert answer["ping"] == {}
    assert answer["server"]["name"]
    # The handler saw the client's session.
    assert run(page, "return calls") == [answer["session"]]


def initialize(client: httpx.Client, url: str) -> str:
    reply = client.post(url, json=INITIALIZE)
    assert reply.status_code == 200
    assert reply.json()["result"]["protocolVersion"] == "2025-06-18"
    return reply.headers["mcp-session-id"]


def test_bad_requests_get_typed_json_rpc_errors_and_the_endpoint_keeps_serving(
    served: tuple[Page | WebKitPage, str],
) -> None:
    _, url = served
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(headers=auth, timeout=30) as client:
        session = initialize(client, url)
        headers = {"mcp-session-id": session}

        def post(content: bytes | str) -> httpx.Response:
            return client.post(
                url, content=content, headers={**headers, "content-type": "application/json"}
            )

        malformed = post(b'{"jsonrpc": "2.0", "id": 1, "method": ')
        assert malformed.status_code == 400
        assert malformed.json()["error"]["code"] == -32700
        batch = post(json.dumps([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]))
        assert batch.json()["error"]["code"] == -32600
        assert "batches" in batch.json()["error"]["message"]
        for bad in (
            {"id": 1, "method": "ping"},
            {"jsonrpc": "2.0", "id": True, "method": "ping"},
            {"jsonrpc": "2.0", "id": 1, "method": 7},
            "just a string",
        ):
            assert post(json.dumps(bad)).json()["error"]["code"] == -32600
        not_utf8 = post(b"\xff\xfe{}")
        assert not_utf8.json()["error"]["code"] == -32700
        unknown = post(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "sampling/nope"}))
        assert unknown.json() == {
            "jsonrpc": "2.0",
            "id": 2,
            "error": {"code": -32601, "message": "Method not found: sampling/nope"},
        }
        bad_params = post(
            json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": [1]})
        )
        assert bad_params.json()["error"]["code"] == -32602
        bad_arguments = post(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": 4,
                    "method": "tools/call",
                    "params": {"name": "add", "arguments": 5},
                }
            )
        )
        assert bad_arguments.json()["error"]["code"] == -32602
        # Over mcp.max_request_bytes (64 KiB here): 413, and the connection is closed.
        huge = post(
            json.dumps(
                {"jsonrpc": "2.0", "id": 5, "method": "ping", "params": {"x": "a" * 100_000}}
            )
        )
        assert huge.status_code == 413
        notification = post(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        assert notification.status_code == 202
        assert notification.content == b""
        # Without a session, with one that does not exist: the transport's 400 and 404.
        no_session = client.post(url, json={"jsonrpc": "2.0", "id": 6, "method": "ping"})
        assert no_session.status_code == 400
        gone = client.post(
            url,
            json={"jsonrpc": "2.0", "id": 7, "method": "ping"},
            headers={"mcp-session-id": "nope"},
        )
        assert gone.status_code == 404
        assert client.get(url, headers=headers).status_code == 405
        assert client.post(url.replace("/mcp", "/other"), json=INITIALIZE).status_code == 404
        # Still serving: the session goes on, and ends on DELETE.
        ping = client.post(url, json={"jsonrpc": "2.0", "id": 8, "method": "ping"}, headers=headers)
        assert ping.json() == {"jsonrpc": "2.0", "id": 8, "result": {}}
        assert client.delete(url, headers=headers).status_code == 200
        ended = client.post(
            url, json={"jsonrpc": "2.0", "id": 9, "method": "ping"}, headers=headers
        )
        assert ended.status_code == 404


def test_no_token_a_web_origin_or_a_rebound_host_name_is_refused_before_any_page_is_asked(
    served: tuple[Page | WebKitPage, str],
) -> None:
    page, url = served
    with httpx.Client(timeout=30) as client:
        assert client.post(url, json=INITIALIZE).status_code == 401
        wrong = client.post(url, json=INITIALIZE, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        web = client.post(url, json=INITIALIZE, headers={**auth, "Origin": "https://evil.example"})
        assert web.status_code == 403
        rebound = client.post(url, json=INITIALIZE, headers={**auth, "Host": "evil.example"})
        assert rebound.status_code == 403
    # The app's own page, a browser, cannot reach the tools either (it sends an Origin).
    tried = run(
        page,
        """
        const params = { name: 'add', arguments: { a: 1, b: 1 } }
        const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params })
        try {
          const headers = { 'content-type': 'text/plain' }
          const reply = await fetch(input, { method: 'POST', mode: 'no-cors', body, headers })
          return [reply.type, calls.length]
        } catch (error) { return [error.name, calls.length] }
        """,
        url,
    )
    assert tried[1] == 0


def test_the_page_authorizes_each_request_with_its_handler(
    served: tuple[Page | WebKitPage, str],
) -> None:
    page, url = served
    run(
        page,
        """
        globalThis.judged = []
        await mcp.setAuthorizationHandler((request) => {
          const user = request.headers['x-user']
          judged.push([request.method, request.path, user, request.remoteAddress])
          return user === 'alice' ? true : { allow: false, status: 403, message: 'not you' }
        })
        """,
    )
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(timeout=30) as client:
        refused = client.post(url, json=INITIALIZE, headers={**auth, "x-user": "mallory"})
        assert (refused.status_code, refused.text) == (403, "not you")
        allowed = client.post(url, json=INITIALIZE, headers={**auth, "x-user": "alice"})
        assert allowed.status_code == 200
    assert run(page, "return judged") == [
        ["POST", "/mcp", "mallory", "127.0.0.1"],
        ["POST", "/mcp", "alice", "127.0.0.1"],
    ]
    run(page, "await mcp.setAuthorizationHandler(null)")


def test_the_page_module_checks_what_it_is_given_as_oros_does(page: Page) -> None:
    errors = run(
        page,
        """
        const out = []
        for (const call of [
          () => mcp.registerTool({}),
          () => mcp.registerTool({ name: 'x', inputSchema: { type: 'string' } }),
          () => mcp.registerTool({ name: 'x', handler: 5 }),
          () => mcp.registerResource({ uri: '' }),
          () => mcp.registerResource({ uri: 'a://b', annotations: { priority: 2 } }),
          () => mcp.startServer({ port: 70000 }),
          () => mcp.startServer({ host: '0.0.0.0', port: 0 }),
          () => mcp.startServer({ port: 0, sse: '/sse' }),
          () => mcp.startServer({ port: 0, oauth: true }),
          () => mcp.invokeTool('add', [])
        ]) {
          try {
            await call()
            out.push('resolved')
          } catch (error) {
            out.push([error.name, error.code ?? null, error.message])
          }
        }
        return out
        """,
    )
    assert [error[0] for error in errors] == [
        "TypeError",
        "TypeError",
        "TypeError",
        "TypeError",
        "RangeError",
        "RangeError",
        "SecurityError",
        "NotSupportedError",
        "NotSupportedError",
        "TypeError",
    ]
    assert errors[6][1] == "ERR_MCP_ADDRESS"
    assert run(page, "return await mcp.serverStatus()") is False


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def test_another_window_can_neither_take_nor_answer_for_a_windows_tools(
    chromium_browser: Browser, app: ServedApp
) -> None:
    with (
        app_page(chromium_browser, app) as owner,
        app_page(chromium_browser, app, window=1) as other,
    ):
        run(owner, "await mcp.registerTool({ name: 'mine', handler: () => 'owner' })")
        run(
            other,
            "globalThis.heard = []; const hooks = await import('oro:hooks');"
            " hooks.on('mcp.tool.invoke', (e) => heard.push(e.detail))",
        )
        tried = run(
            other,
            """
            const out = []
            for (const call of [
              () => mcp.registerTool({ name: 'mine', handler: () => 'thief' }),
              () => mcp.unregisterTool('mine'),
              () => mcp.setAuthorizationHandler(() => true)
            ]) {
              try {
                out.push(await call())
              } catch (error) {
                out.push([error.name, error.code ?? null])
              }
            }
            const { request } = await import('oro:ipc')
            try {
              const body = JSON.stringify({ id: 'guessed', result: '{}' })
              await request('mcp.server.resolveInvocation', undefined, { method: 'POST', body })
              out.push('answered')
            } catch (error) { out.push([error.name, error.code ?? null]) }
            return out
            """,
        )
        assert tried[0] == ["SecurityError", "ERR_MCP_NOT_YOURS"]
        assert tried[1] is False
        assert tried[2] is None  # no handler was set before: the other window may set one
        assert tried[3][0] == "NotFoundError"
        run(other, "await mcp.setAuthorizationHandler(null)")
        started = run(owner, "return await mcp.startServer({ port: 0 })")
        url = f"http://127.0.0.1:{started['port']}/mcp"
        try:
            with httpx.Client(timeout=30) as client:
                session = initialize(client, url)
                call = {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "tools/call",
                    "params": {"name": "mine", "arguments": {}},
                }
                reply = client.post(url, json=call, headers={"mcp-session-id": session})
            assert reply.json()["result"]["structuredContent"] == "owner"
            # The question went to the owner's window alone.
            assert run(other, "return heard") == []
        finally:
            run(owner, "await mcp.stopServer()")
