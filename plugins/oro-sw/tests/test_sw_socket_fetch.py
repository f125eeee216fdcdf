"""Socket's ``serviceWorker.fetch`` at the host: only a caller that is not a page reaches it
(a page's oro:ipc answers it itself, ``tests/compat/test_sw_conduit.py``), and whatever it
sends, it gets the typed answer that says so; nothing is fetched for it."""

from __future__ import annotations

from typing import Any

import pytest

from oro_framework import NotSupportedError
from oro_framework.testing import MemoryClient

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"scheme": "socket", "pathname": "/api/hello", "query": "a=1"},
        {"scheme": "https", "hostname": "evil.example", "pathname": "/"},
        {"scheme": "ht tp", "pathname": "relative", "headers": "X: y\r\nZ"},
        {"method": "OPTIONS", "index": 5, "window": 3},
    ],
)
async def test_a_caller_that_is_not_a_page_is_told_to_fetch_itself(
    client: MemoryClient, params: dict[str, Any]
) -> None:
    reply = await client.call("serviceWorker.fetch", body=b"\xff\x00not json", **params)
    assert isinstance(reply.error, NotSupportedError), reply
    assert reply.error.code == "ERR_NOT_IN_PAGE"
