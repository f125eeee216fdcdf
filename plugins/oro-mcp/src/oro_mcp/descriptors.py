"""A tool's or resource's descriptor, checked as MCP lists it (server/tools "Tool",
server/resources "Resource"): the page's ``oro:mcp`` checks the same (Oro's ``api/mcp/index.js``
validators), the host again, as it never trusts a page."""

from __future__ import annotations

from typing import Any, Final

from oro_framework import InvalidArgumentError

__all__ = ["MAX_NAME", "resource_descriptor", "tool_descriptor"]

MAX_NAME: Final = 1024
"""Longest tool name or resource URI, in characters."""
_TEXT_FIELDS: Final = ("title", "description")


def _text(fields: dict[str, Any], name: str, label: str) -> str | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{label}.{name} must be a string", parameter=name)
    return value


def _object(fields: dict[str, Any], name: str, label: str) -> dict[str, Any] | None:
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidArgumentError(f"{label}.{name} must be an object", parameter=name)
    return value


def _key(fields: dict[str, Any], name: str, label: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value or len(value) > MAX_NAME:
        raise InvalidArgumentError(
            f"{label}.{name} must be a non-empty string of at most {MAX_NAME} characters",
            parameter=name,
        )
    return value


def _common(fields: dict[str, Any], label: str, descriptor: dict[str, Any]) -> None:
    for name in _TEXT_FIELDS:
        text = _text(fields, name, label)
        if text is not None:
            descriptor[name] = text
    icons = fields.get("icons")
    if icons is not None:
        if not isinstance(icons, list) or not all(isinstance(icon, dict) for icon in icons):
            raise InvalidArgumentError(
                f"{label}.icons must be an array of objects", parameter="icons"
            )
        descriptor["icons"] = icons
    for name in ("annotations", "_meta"):
        value = _object(fields, name, label)
        if value is not None:
            descriptor[name] = value


def tool_descriptor(fields: dict[str, Any]) -> dict[str, Any]:
    """The descriptor tools/list shows for the page's ``fields``.

    :raises InvalidArgumentError: a field of the wrong type, or an input schema whose root is
        not ``type: "object"`` (MCP requires it).
    """
    descriptor: dict[str, Any] = {"name": _key(fields, "name", "tool")}
    schema = _object(fields, "inputSchema", "tool") or {"type": "object"}
    if schema.get("type") != "object":
        raise InvalidArgumentError(
            "tool.inputSchema must declare type 'object' at its root", parameter="inputSchema"
        )
    descriptor["inputSchema"] = schema
    output = _object(fields, "outputSchema", "tool")
    if output is not None:
        descriptor["outputSchema"] = output
    _common(fields, "tool", descriptor)
    return descriptor


def resource_descriptor(fields: dict[str, Any]) -> dict[str, Any]:
    """The descriptor resources/list shows for the page's ``fields``.

    :raises InvalidArgumentError: a field of the wrong type.
    """
    uri = _key(fields, "uri", "resource")
    descriptor: dict[str, Any] = {"uri": uri, "name": _text(fields, "name", "resource") or uri}
    mime = _text(fields, "mimeType", "resource")
    if mime is not None:
        descriptor["mimeType"] = mime
    size = fields.get("size")
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InvalidArgumentError(
                "resource.size must be a non-negative integer", parameter="size"
            )
        descriptor["size"] = size
    _common(fields, "resource", descriptor)
    return descriptor
