"""The routes ``oro:mcp`` calls (Oro's names, ``mcp.server.*``) and :data:`ROUTES`.

Each takes its fields as a JSON object in the body. A tool, a resource or the authorization
handler belongs to the window that registered it: another window can neither replace, remove
nor answer for it.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Final

import anyio

from oro_framework import (
    ErrnoError,
    InvalidArgumentError,
    InvalidStateError,
    NotSupportedError,
    OutOfRangeError,
    Request,
    RouteGroup,
    SecurityError,
)
from oro_mcp.descriptors import resource_descriptor, tool_descriptor
from oro_mcp.permissions import MCP
from oro_mcp.server import McpServer, ServerOptions
from oro_mcp.state import AUTHORIZE_EVENT, RESOURCE_EVENT, STATE, TOOL_EVENT, Answer, McpState

__all__ = ["MAX_ENTRIES", "ROUTES"]

MAX_ENTRIES: Final = 4096
"""Most tools, and most resources, one host holds."""
DEFAULT_PORT: Final = 8000
"""startServer()'s port when none is given (Oro's, ``api/mcp/index.js`` startServer)."""
_LOOPBACK: Final = ("127.0.0.1", "localhost", "::1")


def _fields(request: Request) -> dict[str, Any]:
    if not request.body:
        return {}
    fields = request.json()
    if not isinstance(fields, dict):
        raise InvalidArgumentError("expected a JSON object of fields in the body")
    return fields


def _register(
    table: dict[str, tuple[int, dict[str, Any]]], key: str, window: int, what: str
) -> None:
    owner = table.get(key)
    if owner is not None and owner[0] != window:
        raise SecurityError(
            f"{what} {key!r} is registered by another window", code="ERR_MCP_NOT_YOURS"
        )
    if owner is None and len(table) >= MAX_ENTRIES:
        raise OutOfRangeError(f"at most {MAX_ENTRIES} {what}s may be registered")


def _unregister(table: dict[str, tuple[int, dict[str, Any]]], key: Any, window: int) -> bool:
    if not isinstance(key, str) or not key:
        raise InvalidArgumentError("expected a non-empty string", parameter="name")
    owner = table.get(key)
    if owner is None or owner[0] != window:
        return False
    del table[key]
    return True


async def register_tool(request: Request) -> dict[str, Any]:
    """Register (or replace) one of the page's tools."""
    window = request.require_window()
    state = request.host.stash[STATE]
    descriptor = tool_descriptor(_fields(request))
    _register(state.tools, descriptor["name"], window, "tool")
    state.tools[descriptor["name"]] = (window, descriptor)
    return {"id": state.next_id()}


async def unregister_tool(request: Request) -> dict[str, Any]:
    """Remove one of the page's tools."""
    state = request.host.stash[STATE]
    name = _fields(request).get("name")
    return {"removed": _unregister(state.tools, name, request.require_window())}


async def list_tools(request: Request) -> dict[str, Any]:
    """Every registered tool, as tools/list shows them."""
    return {"tools": [descriptor for _, descriptor in request.host.stash[STATE].tools.values()]}


async def register_resource(request: Request) -> dict[str, Any]:
    """Register (or replace) one of the page's resources."""
    window = request.require_window()
    state = request.host.stash[STATE]
    descriptor = resource_descriptor(_fields(request))
    _register(state.resources, descriptor["uri"], window, "resource")
    state.resources[descriptor["uri"]] = (window, descriptor)
    return {"id": state.next_id()}


async def unregister_resource(request: Request) -> dict[str, Any]:
    """Remove one of the page's resources."""
    state = request.host.stash[STATE]
    uri = _fields(request).get("uri")
    return {"removed": _unregister(state.resources, uri, request.require_window())}


async def list_resources(request: Request) -> dict[str, Any]:
    """Every registered resource, as resources/list shows them."""
    resources = request.host.stash[STATE].resources.values()
    return {"resources": [descriptor for _, descriptor in resources]}


async def invoke_tool(request: Request) -> dict[str, Any]:
    """Run a registered tool as an MCP client would, its result dropped (Oro's invokeTool)."""
    request.require_window()
    state = request.host.stash[STATE]
    fields = _fields(request)
    name = fields.get("name")
    if not isinstance(name, str) or name not in state.tools:
        return {"accepted": False}
    arguments = fields.get("arguments", {})
    if not isinstance(arguments, dict):
        raise InvalidArgumentError("arguments must be an object", parameter="arguments")
    question = {
        "tool": name,
        "sessionId": str(fields.get("sessionId") or ""),
        "arguments": json.dumps(arguments),
    }
    state.spawn(_ask_quietly, state, state.tools[name][0], question)
    return {"accepted": True}


async def _ask_quietly(state: McpState, window: int, question: dict[str, Any]) -> None:
    with contextlib.suppress(TimeoutError):  # no client waits for this result
        await state.ask(window, TOOL_EVENT, question)


async def publish_resource(request: Request) -> dict[str, Any]:
    """Whether an update reached a subscriber: never, as no client can subscribe."""
    request.require_window()
    uri = _fields(request).get("uri")
    if not isinstance(uri, str) or not uri:
        raise InvalidArgumentError("uri must be a non-empty string", parameter="uri")
    return {"delivered": False}


async def set_auth_handler(request: Request) -> dict[str, Any]:
    """Make this window's page the judge of every request to the endpoint."""
    window = request.require_window()
    state = request.host.stash[STATE]
    if state.authorizer not in (None, window):
        raise SecurityError(
            "another window's page authorizes MCP requests", code="ERR_MCP_NOT_YOURS"
        )
    state.authorizer = window
    return {}


async def clear_auth_handler(request: Request) -> dict[str, Any]:
    """Stop judging requests (only the window that set the handler may)."""
    window = request.require_window()
    state = request.host.stash[STATE]
    if state.authorizer == window:
        state.authorizer = None
    return {}


def _options(state: McpState, fields: dict[str, Any]) -> tuple[str, int, ServerOptions]:
    for legacy in ("sse", "message"):
        if fields.get(legacy) is not None:
            raise NotSupportedError(
                f"'{legacy}': the HTTP+SSE transport of MCP 2024-11-05 is not served; "
                "clients use Streamable HTTP at 'endpoint'"
            )
    oauth = fields.get("oauth")
    if oauth not in (None, False) and not (
        isinstance(oauth, dict) and oauth.get("enabled") is False
    ):
        raise NotSupportedError("oauth: no OAuth authorization server; use 'token' or 'authorize'")
    name = fields.get("host", "127.0.0.1")
    if not isinstance(name, str) or not name:
        raise InvalidArgumentError("host must be a non-empty string", parameter="host")
    if name not in _LOOPBACK and not state.settings.allow_any_address:
        raise SecurityError(
            f"host {name!r} is not loopback: set mcp.allow_any_address to serve the network",
            code="ERR_MCP_ADDRESS",
        )
    endpoint = fields.get("endpoint", "/mcp")
    if not isinstance(endpoint, str) or not endpoint.startswith("/"):
        raise InvalidArgumentError("endpoint must be a path starting with /", parameter="endpoint")
    token = fields.get("token", "")
    if not isinstance(token, str):
        raise InvalidArgumentError("token must be a string", parameter="token")
    settings = state.settings
    options = ServerOptions(
        endpoint=endpoint,
        token=token,
        max_request_bytes=_count(fields, "maxRequestBytes", settings.max_request_bytes),
        max_sessions=_count(fields, "maxSessions", settings.max_sessions),
        session_ttl=_count(fields, "sessionTtlSeconds", 600),
        loopback=name in _LOOPBACK,
    )
    port = fields.get("port", DEFAULT_PORT)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise OutOfRangeError("port must be an integer from 0 through 65535", parameter="port")
    return name, port, options


def _count(fields: dict[str, Any], name: str, ceiling: int) -> int:
    value = fields.get(name, ceiling)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise OutOfRangeError(f"{name} must be a positive integer", parameter=name)
    return min(value, ceiling)


async def start(request: Request) -> dict[str, Any]:
    """Listen for MCP clients (startServer)."""
    request.require_window()
    state = request.host.stash[STATE]
    if state.server is not None:
        raise InvalidStateError(
            f"the MCP server already listens on port {state.server.port}: stopServer() first"
        )
    name, port, options = _options(state, _fields(request))
    try:
        listener = await anyio.create_tcp_listener(local_host=name, local_port=port)
    except OSError as error:
        raise ErrnoError.from_os_error(error, syscall="listen") from error
    state.start_soon(McpServer(state, listener, name, options))
    return _status(state)


async def stop(request: Request) -> dict[str, Any]:
    """Stop listening (stopServer)."""
    request.require_window()
    state = request.host.stash[STATE]
    if state.server is not None:
        state.server.stop()
        state.server = None
    return {"running": False}


async def status(request: Request) -> dict[str, Any]:
    """Whether the endpoint runs, and where."""
    return _status(request.host.stash[STATE])


def _status(state: McpState) -> dict[str, Any]:
    server = state.server
    if server is None:
        return {"running": False}
    return {
        "running": True,
        "host": server.host_name,
        "port": server.port,
        "endpoint": server.options.endpoint,
    }


def _settle(request: Request, kind: str, *, result: bool) -> dict[str, Any]:
    fields = _fields(request)
    question = fields.get("id")
    if not isinstance(question, str):
        raise InvalidArgumentError.missing("id")
    if result:
        text = fields.get("result")
        if not isinstance(text, str) or not isinstance(_loads(text), dict):
            raise InvalidArgumentError(
                "result must be the JSON text of an object", parameter="result"
            )
        answer = Answer(value=text)
    else:
        answer = Answer(error=str(fields.get("message") or f"the page refused {kind}"))
    request.host.stash[STATE].answer(request.require_window(), kind, question, answer)
    return {}


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


async def resolve_invocation(request: Request) -> dict[str, Any]:
    """The page's result of a tool call."""
    return _settle(request, TOOL_EVENT, result=True)


async def reject_invocation(request: Request) -> dict[str, Any]:
    """The page could not run a tool call."""
    return _settle(request, TOOL_EVENT, result=False)


async def resolve_resource(request: Request) -> dict[str, Any]:
    """The page's contents of a resource read."""
    return _settle(request, RESOURCE_EVENT, result=True)


async def reject_resource(request: Request) -> dict[str, Any]:
    """The page could not read a resource."""
    return _settle(request, RESOURCE_EVENT, result=False)


async def resolve_authorization(request: Request) -> dict[str, Any]:
    """The page's decision on one HTTP request to the endpoint."""
    fields = _fields(request)
    question = fields.get("id")
    if not isinstance(question, str):
        raise InvalidArgumentError.missing("id")
    status_code = fields.get("status")
    decision = {
        "allow": fields.get("allow") is True,
        "status": status_code if isinstance(status_code, int) else None,
        "message": str(fields.get("message") or ""),
    }
    request.host.stash[STATE].answer(
        request.require_window(), AUTHORIZE_EVENT, question, Answer(value=decision)
    )
    return {}


ROUTES: Final = RouteGroup.guarded(
    MCP,
    handlers={
        "mcp.server.registerTool": register_tool,
        "mcp.server.unregisterTool": unregister_tool,
        "mcp.server.listTools": list_tools,
        "mcp.server.registerResource": register_resource,
        "mcp.server.unregisterResource": unregister_resource,
        "mcp.server.listResources": list_resources,
        "mcp.server.invokeTool": invoke_tool,
        "mcp.server.publishResource": publish_resource,
        "mcp.server.setAuthHandler": set_auth_handler,
        "mcp.server.clearAuthHandler": clear_auth_handler,
        "mcp.server.start": start,
        "mcp.server.stop": stop,
        "mcp.server.status": status,
        "mcp.server.resolveInvocation": resolve_invocation,
        "mcp.server.rejectInvocation": reject_invocation,
        "mcp.server.resolveResource": resolve_resource,
        "mcp.server.rejectResource": reject_resource,
        "mcp.server.resolveAuthorization": resolve_authorization,
    },
)
"""Every route of the plugin, guarded by permission ``mcp`` (off unless the app allows it)."""
