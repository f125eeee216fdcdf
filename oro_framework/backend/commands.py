"""``@command``: a plain function of the app's backend becomes the route ``backend.<name>``.

A command's parameters are its signature: the page sends them by name (a JSON object), each is
converted by its annotation (:mod:`oro_framework.backend.convert`), and a default makes it
optional. A parameter annotated :class:`~oro_framework.Request` receives the request instead
(its window, its host). ``def`` commands run in a worker thread, ``async def`` ones on the
event loop, and an ``async def`` that yields streams its items (server-sent events; ``bytes``
items as a byte stream). A ``bytes`` parameter may take the request's raw body, and a ``bytes``
result is the reply's raw body: over the Conduit neither is ever base64.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import field
from functools import cached_property
from typing import Any, Final, TypeVar, final, get_args, overload

from oro_framework.backend.convert import (
    Convert,
    is_bytes,
    is_bytes_node,
    node_converter,
    query_text,
    type_hints,
)
from oro_framework.backend.type_nodes import Node, resolve
from oro_framework.host.request import Request
from oro_framework.records import record

__all__ = ["BODY_FIELD", "FIELDS_PARAMETER", "CommandSpec", "command", "commands_of"]

FunctionT = TypeVar("FunctionT", bound=Callable[..., Any])

COMMAND_ATTRIBUTE: Final = "__oro_command__"
FIELDS_PARAMETER: Final = "oro-fields"
"""The query parameter holding the other fields, as JSON, when the body carries bytes."""
BODY_FIELD: Final = "oro-body"
"""The query parameter naming the ``bytes`` field the request's body is."""


@final
@record
class Parameter:
    """One parameter the page sends: ``node`` is its annotation resolved once, which both
    ``convert`` (built from it) and the generated TypeScript read."""

    name: str
    annotation: Any
    node: Node
    convert: Convert
    required: bool
    default: Any = None

    def convert_query(self, value: Any, path: str) -> Any:
        """Convert a value the page sent in the URL's query (text the transport decoded as
        JSON where it parses): a text parameter takes ``?name=12`` as ``"12"``."""
        return self.convert(query_text(self.node, value), path)


@final
@record
class CommandSpec:
    """A command as ``@command`` declared it and the backend's load resolved it.

    :ivar name: the route is ``backend.<name>``: the function's name unless given.
    :ivar function: the function itself (still callable from Python as written).
    :ivar timeout: seconds before the page gets a TimeoutError; ``None``: ``ipc.timeout_ms``.
    :ivar doc: the first line of the docstring, for ``oro routes`` and the generated types.
    """

    name: str
    function: Callable[..., Any]
    timeout: float | None = None
    doc: str = ""
    parameters: tuple[Parameter, ...] = field(default=(), compare=False)
    request_parameter: str | None = None
    result: Any = None

    @cached_property
    def streams(self) -> bool:
        """Whether the command yields items (an ``async def`` with ``yield``)."""
        return inspect.isasyncgenfunction(self.function)

    @cached_property
    def runs_in_thread(self) -> bool:
        return not inspect.iscoroutinefunction(self.function) and not self.streams

    @cached_property
    def streams_bytes(self) -> bool:
        """Whether its items are ``bytes``: sent as a byte stream rather than events."""
        return self.streams and bool(get_args(self.result)) and is_bytes(get_args(self.result)[0])

    @cached_property
    def body_parameter(self) -> Parameter | None:
        """The one ``bytes`` parameter the request's raw body fills, when there is one."""
        found = [parameter for parameter in self.parameters if is_bytes_node(parameter.node)]
        return found[0] if len(found) == 1 else None


@overload
def command(function: FunctionT, /) -> FunctionT: ...
@overload
def command(
    *, name: str | None = None, timeout: float | None = None
) -> Callable[[FunctionT], FunctionT]: ...
def command(
    function: Any = None, /, *, name: str | None = None, timeout: float | None = None
) -> Any:
    """Make ``function`` a command pages call as ``backend.<name>(...)``::

        @command
        async def resize(path: str, width: int = 800) -> dict[str, int]: ...

        @command(name="save", timeout=120)
        def save_note(text: str) -> None: ...

    The function is returned unchanged (marked), so Python code and tests call it directly.
    """

    def mark(target: FunctionT) -> FunctionT:
        if not callable(target):
            raise TypeError(f"@command needs a function, got {target!r}")
        setattr(target, COMMAND_ATTRIBUTE, (name or target.__name__, timeout))
        return target

    return mark if function is None else mark(function)


def commands_of(namespace: Mapping[str, Any]) -> list[CommandSpec]:
    """The commands a module defines (its ``vars()``), resolved: each parameter with its type
    node and converter, in the order the module defines them.

    :raises TypeError: a command whose signature cannot be served (a generator ``def``, a
        ``*args``, an annotation no JSON value converts to); the message names the command.
    """
    found: list[CommandSpec] = []
    for value in namespace.values():
        marked = getattr(value, COMMAND_ATTRIBUTE, None)
        if marked is None or not callable(value):
            continue
        name, timeout = marked
        try:
            found.append(_resolve(value, name, timeout))
        except (TypeError, NameError) as error:
            raise TypeError(f"command {name!r}: {error}") from None
    return found


def _resolve(function: Callable[..., Any], name: str, timeout: float | None) -> CommandSpec:
    if inspect.isgeneratorfunction(function):
        raise TypeError("a generator 'def' cannot stream: make it 'async def' and yield")
    hints = type_hints(function)
    parameters: list[Parameter] = []
    request_parameter = None
    for parameter in inspect.signature(function).parameters.values():
        annotation = hints.get(parameter.name, Any)
        if annotation is Request:
            request_parameter = parameter.name
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise TypeError(f"*{parameter.name}: the page sends named fields only")
        if parameter.kind is parameter.POSITIONAL_ONLY:
            raise TypeError(f"{parameter.name} is positional-only: the page sends named fields")
        required = parameter.default is inspect.Parameter.empty
        node = resolve(annotation)
        parameters.append(
            Parameter(
                parameter.name,
                annotation,
                node,
                node_converter(node),
                required,
                None if required else parameter.default,
            )
        )
    doc = (inspect.getdoc(function) or "").strip().split("\n", 1)[0]
    result = hints.get("return", Any)
    return CommandSpec(name, function, timeout, doc, tuple(parameters), request_parameter, result)
