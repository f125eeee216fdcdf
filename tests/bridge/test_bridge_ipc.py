"""IPC over HTTP: the real bridge and its server, called with httpx as another process would."""

from __future__ import annotations

import errno
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest

from oro_framework import NotSupportedError, Request, SecurityError
from oro_framework.testing import RoutePlugin, live_server, make_host

pytestmark = pytest.mark.anyio


async def echo(request: Request) -> dict[str, Any]:
    return {
        "params": dict(request.params),
        "body": request.body.decode(),
        "window": request.window,
        "transport": request.transport,
        "headers": sorted(request.headers),
    }


async def raw(request: Request) -> bytes:
    return bytes(range(8))


async def require_path(request: Request) -> str:
    return request.params.require_str("path")


async def parse_json(request: Request) -> Any:
    return request.json()


async def deny(request: Request) -> None:
    raise SecurityError("outside the sandbox")


async def crash(request: Request) -> None:
    raise RuntimeError("secret database password in this message")


async def missing_file(request: Request) -> None:
    raise FileNotFoundError(errno.ENOENT, "No such file or directory", "notes.txt")


async def unsupported(request: Request) -> None:
    raise NotSupportedError("not on this platform")


async def hang(request: Request) -> None:
    await anyio.sleep_forever()


ROUTES: dict[str, Callable[[Request], Awaitable[Any]]] = {
    "test.echo": echo,
    "test.raw": raw,
    "test.requirePath": require_path,
    "test.json": parse_json,
    "test.deny": deny,
    "test.crash": crash,
    "test.missingFile": missing_file,
    "test.unsupported": unsupported,
}


@pytest.fixture
async def served() -> AsyncIterator[httpx.AsyncClient]:
    plugins = [RoutePlugin(ROUTES), RoutePlugin({"test.hang": hang}, name="slow", timeout=0.05)]
    async with (
        make_host(plugins, config={"ipc.max_body_bytes": 1024}) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        yield client


async def test_get_answers_the_envelope_with_seq_as_its_id(served: httpx.AsyncClient) -> None:
    response = await served.get("/ipc/test.echo", params={"seq": "R7"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["source"] == "test.echo"
    assert response.json()["id"] == "R7"
    assert response.json()["data"]["transport"] == "http"


async def test_query_values_are_json_decoded_where_they_parse(served: httpx.AsyncClient) -> None:
    query = {
        "count": "12",
        "flag": "true",
        "options": '{"a":[1,2]}',
        "name": "notes.txt",
        "quoted": '"12"',
        "nan": "NaN",
        "empty": "",
    }

    response = await served.get("/ipc/test.echo", params=query)

    assert response.json()["data"]["params"] == {
        "count": 12,
        "flag": True,
        "options": {"a": [1, 2]},
        "name": "notes.txt",
        "quoted": "12",
        "nan": "NaN",
        "empty": "",
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_body_reaches_the_handler_as_raw_bytes(
    served: httpx.AsyncClient, method: str
) -> None:
    response = await served.request(method, "/ipc/test.echo?x=1", content=b"hello body")

    assert response.status_code == 200
    assert response.json()["data"]["body"] == "hello body"
    assert response.json()["data"]["params"] == {"x": 1}


async def test_bare_ipc_takes_the_route_from_x_ipc_uri(served: httpx.AsyncClient) -> None:
    response = await served.get(
        "/ipc?seq=R2", headers={"X-IPC-URI": "ipc://test.echo?path=a%20b&n=3"}
    )

    assert response.json()["source"] == "test.echo"
    assert response.json()["id"] == "R2"
    assert response.json()["data"]["params"] == {"path": "a b", "n": 3}


async def test_bare_ipc_without_x_ipc_uri_is_type_error(served: httpx.AsyncClient) -> None:
    response = await served.get("/ipc")

    assert response.status_code == 400
    assert response.json()["err"]["type"] == "TypeError"
    assert response.json()["err"]["code"] == "ERR_MISSING_ARGS"


async def test_an_index_parameter_is_a_parameter_not_the_window(
    served: httpx.AsyncClient,
) -> None:
    """Issue 39: the window used to be whatever `index` the page wrote."""
    response = await served.get("/ipc/test.echo", params={"index": "2"})

    assert response.json()["data"]["window"] is None
    assert response.json()["data"]["params"] == {"index": 2}


async def test_the_old_window_index_header_names_no_window(served: httpx.AsyncClient) -> None:
    """Issue 39: the window used to be read from `X-IPC-Window-Index`, set by the page."""
    response = await served.get("/ipc/test.echo", headers={"X-IPC-Window-Index": "3"})

    assert response.json()["data"]["window"] is None


async def test_handlers_never_see_the_session_cookie(served: httpx.AsyncClient) -> None:
    response = await served.get("/ipc/test.echo")

    assert "cookie" not in response.json()["data"]["headers"]
    assert "host" in response.json()["data"]["headers"]


async def test_bytes_reply_is_an_octet_stream_body(served: httpx.AsyncClient) -> None:
    response = await served.get("/ipc/test.raw")

    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == bytes(range(8))


async def test_ipc_replies_are_not_cached(served: httpx.AsyncClient) -> None:
    response = await served.get("/ipc/test.echo")

    assert response.headers["cache-control"] == "no-store"


async def test_unsupported_method_is_405(served: httpx.AsyncClient) -> None:
    response = await served.request("PATCH", "/ipc/test.echo")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST, PUT, DELETE"
    assert response.json()["err"]["type"] == "NotSupportedError"


@pytest.mark.parametrize(
    ("request_args", "status", "error_type", "code"),
    [
        ({"url": "/ipc/test.nothingHere"}, 404, "NotFoundError", "NOT_FOUND_ERR"),
        ({"url": "/ipc/test.requirePath"}, 400, "TypeError", "ERR_MISSING_ARGS"),
        (
            {"url": "/ipc/test.json", "content": b"{not json"},
            400,
            "SyntaxError",
            "ERR_INVALID_JSON",
        ),
        ({"url": "/ipc/test.deny"}, 403, "SecurityError", "SECURITY_ERR"),
        ({"url": "/ipc/test.hang"}, 408, "TimeoutError", "TIMEOUT_ERR"),
        ({"url": "/ipc/test.crash"}, 500, "InternalError", "INTERNAL_ERR"),
        ({"url": "/ipc/test.missingFile"}, 404, "ErrnoError", "ENOENT"),
        ({"url": "/ipc/test.unsupported"}, 501, "NotSupportedError", "NOT_SUPPORTED_ERR"),
    ],
)
async def test_error_is_answered_with_its_type_code_and_status(
    served: httpx.AsyncClient, request_args: dict[str, Any], status: int, error_type: str, code: str
) -> None:
    response = await served.request("POST", **request_args)

    assert response.status_code == status
    assert response.json()["err"]["type"] == error_type
    assert response.json()["err"]["code"] == code


async def test_internal_error_does_not_leak_the_exception(served: httpx.AsyncClient) -> None:
    response = await served.get("/ipc/test.crash")

    assert "secret" not in response.text
    assert "RuntimeError" not in response.text


async def test_errno_error_carries_node_fields(served: httpx.AsyncClient) -> None:
    response = await served.get("/ipc/test.missingFile")

    assert response.json()["err"]["errno"] == -errno.ENOENT
    assert response.json()["err"]["path"] == "notes.txt"


async def test_disabled_permission_is_not_allowed_error() -> None:
    plugin = RoutePlugin({"test.echo": echo}, permission="scanner", declare=True)
    async with (
        make_host([plugin], config={"permissions.allow_scanner": False}) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ipc/test.echo")

    assert response.status_code == 403
    assert response.json()["err"]["type"] == "NotAllowedError"
    assert response.json()["err"]["code"] == "NOT_ALLOWED_ERR"


async def test_body_over_the_cap_by_content_length_is_range_error(
    served: httpx.AsyncClient,
) -> None:
    response = await served.post("/ipc/test.echo?seq=R9", content=b"x" * 4096)

    assert response.status_code == 413
    assert response.json()["id"] == "R9"
    assert response.json()["err"]["type"] == "RangeError"
    assert response.json()["err"]["code"] == "ERR_OUT_OF_RANGE"


async def test_chunked_body_over_the_cap_is_range_error(served: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b"y" * 512

    response = await served.post("/ipc/test.echo", content=chunks())

    assert response.status_code == 413
    assert response.json()["err"]["type"] == "RangeError"


async def test_connection_stays_usable_after_a_refused_body(served: httpx.AsyncClient) -> None:
    await served.post("/ipc/test.echo", content=b"x" * 4096)

    response = await served.get("/ipc/test.echo")

    assert response.status_code == 200


async def test_body_at_the_cap_is_accepted(served: httpx.AsyncClient) -> None:
    response = await served.post("/ipc/test.echo", content=b"z" * 1024)

    assert response.status_code == 200
    assert len(response.json()["data"]["body"]) == 1024
