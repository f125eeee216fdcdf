"""The backend of bench/backend.py's app: one echo, twice as an ``@command`` (bytes and text)
and twice as a plain plugin route, so that the page times the command layer against the route
it is built on. All four are plain ``def``: the router runs them in its worker threads alike."""

from __future__ import annotations

from oro_framework import Request, RouteTable, hookimpl
from oro_framework.backend import command


@command
def echo(data: bytes) -> bytes:
    """The bytes straight back (the request's raw body, a raw reply)."""
    return data


@command
def echo_text(data: str) -> str:
    """The text straight back (a JSON body, a JSON reply)."""
    return data


def _echo(request: Request) -> bytes:
    return request.body


def _echo_text(request: Request) -> str:
    text: str = request.fields()["data"]
    return text


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    # backend.py is a plugin of its app: the same echo as routes written the plugin way.
    routes.add("bench.echo", _echo, permission="runtime")
    routes.add("bench.echo_text", _echo_text, permission="runtime")
