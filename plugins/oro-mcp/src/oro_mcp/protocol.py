"""MCP's JSON-RPC 2.0 methods, answered from what pages registered.

One message in, at most one out (MCP 2025-06-18 has no batches). The methods are the server
side of the protocol's tools and resources (specification: basic/lifecycle, server/tools,
server/resources); a tool call or a resource read is a question to the page that registered it
(:meth:`McpState.ask`), whose answer the page's ``oro:mcp`` already shaped as MCP's result.
"""

from __future__ import annotations

import json
from typing import Any, Final

from oro_framework import MetaSettings
from oro_mcp.state import RESOURCE_EVENT, TOOL_EVENT, McpState

__all__ = [
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "PARSE_ERROR",
    "PROTOCOL_VERSIONS",
    "RpcError",
    "answer",
    "error_message",
]

PROTOCOL_VERSIONS: Final = ("2025-06-18", "2025-03-26", "2024-11-05")
"""The versions this server speaks, newest first: initialize answers the client's when it is
one of them, else the newest (basic/lifecycle, "Version Negotiation")."""
PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600
METHOD_NOT_FOUND: Final = -32601
INVALID_PARAMS: Final = -32602
INTERNAL_ERROR: Final = -32603
RESOURCE_NOT_FOUND: Final = -32002
"""MCP's code for resources/read of a URI no one registered (server/resources, "Error Handling")."""


class RpcError(Exception):
    """A JSON-RPC error answer: ``code`` and message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def error_message(request_id: Any, code: int, message: str) -> dict[str, Any]:
    """The JSON-RPC error response to ``request_id``."""
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


async def answer(state: McpState, session: str, message: dict[str, Any]) -> dict[str, Any]:
    """The response to request ``message`` (an object with ``id`` and ``method``)."""
    request_id = message["id"]
    params = message.get("params", {})
    if not isinstance(params, dict):
        return error_message(request_id, INVALID_PARAMS, "params must be an object")
    try:
        result = await _dispatch(state, session, message["method"], params)
    except RpcError as error:
        return error_message(request_id, error.code, str(error))
    except TimeoutError as error:
        return error_message(request_id, INTERNAL_ERROR, str(error))
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


async def _dispatch(
    state: McpState, session: str, method: str, params: dict[str, Any]
) -> dict[str, Any]:
    if method == "initialize":
        return _initialize(state, params)
    if method == "ping":
        return {}
    if method == "tools/list":
        return {"tools": [descriptor for _, descriptor in state.tools.values()]}
    if method == "tools/call":
        return await _call_tool(state, session, params)
    if method == "resources/list":
        return {"resources": [descriptor for _, descriptor in state.resources.values()]}
    if method == "resources/templates/list":
        return {"resourceTemplates": []}
    if method == "resources/read":
        return await _read_resource(state, session, params)
    raise RpcError(METHOD_NOT_FOUND, f"Method not found: {method}")


def _initialize(state: McpState, params: dict[str, Any]) -> dict[str, Any]:
    asked = params.get("protocolVersion")
    version = asked if asked in PROTOCOL_VERSIONS else PROTOCOL_VERSIONS[0]
    meta = state.host.settings(MetaSettings)
    return {
        "protocolVersion": version,
        "capabilities": {
            "tools": {"listChanged": False},
            "resources": {"subscribe": False, "listChanged": False},
        },
        "serverInfo": {"name": meta.name, "version": meta.version},
    }


async def _call_tool(state: McpState, session: str, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("name")
    arguments = params.get("arguments", {})
    if not isinstance(name, str) or name not in state.tools:
        raise RpcError(INVALID_PARAMS, f"Unknown tool: {name}")
    if not isinstance(arguments, dict):
        raise RpcError(INVALID_PARAMS, "tools/call arguments must be an object")
    window, _ = state.tools[name]
    reply = await state.ask(
        window,
        TOOL_EVENT,
        {"tool": name, "sessionId": session, "arguments": json.dumps(arguments)},
    )
    if reply.error is not None:
        raise RpcError(INTERNAL_ERROR, reply.error)
    return _page_result(reply.value)


async def _read_resource(state: McpState, session: str, params: dict[str, Any]) -> dict[str, Any]:
    uri = params.get("uri")
    if not isinstance(uri, str) or uri not in state.resources:
        raise RpcError(RESOURCE_NOT_FOUND, f"Resource not found: {uri}")
    window, descriptor = state.resources[uri]
    reply = await state.ask(
        window,
        RESOURCE_EVENT,
        {"resource": uri, "sessionId": session, "params": params, "descriptor": descriptor},
    )
    if reply.error is not None:
        raise RpcError(INTERNAL_ERROR, reply.error)
    return _page_result(reply.value)


def _page_result(value: Any) -> dict[str, Any]:
    """The page's answer, a JSON text of an object (its route checked that already)."""
    result = json.loads(value)
    if not isinstance(result, dict):
        raise RpcError(INTERNAL_ERROR, "the page answered something other than an object")
    return result
