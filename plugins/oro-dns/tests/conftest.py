"""Fixtures: the stub DNS server (one per session), and oro-dns asking it for the kit's `host`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import oro_dns.plugin
import pytest
from _oro_dns_stub import stub_dns_server


@pytest.fixture(scope="session")
def dns_server() -> Iterator[str]:
    with stub_dns_server() as address:
        yield address


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return (oro_dns.plugin,)


@pytest.fixture
def oro_config(dns_server: str) -> dict[str, Any]:
    return {"dns.servers": [dns_server], "dns.timeout_ms": 2000, "dns.tries": 1}
