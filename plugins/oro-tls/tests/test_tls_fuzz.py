"""Hypothesis: whatever sequence of tcp.* and tls.* requests a page makes, with whatever
arguments and bodies, each answer is a result or a typed error (never an internal error, 500),
nothing listens beyond loopback without ``tcp.allow_any_address``, a write that waits for an
earlier ``seq`` and is given up does not stall the ones after it, and closing the page closes
every descriptor it opened. Connections only ever go to loopback peers of this test."""

from __future__ import annotations

import ipaddress
from typing import Any

import anyio
import trio.testing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oro_tls.pinning import PinError
from oro_tls.servers import Server
from oro_tls.state import STATE
from oro_tls.verification import CertificateError, TlsError

from conftest import LOOPBACK, TLS_PLUGINS, echo_peer, open_descriptors
from oro_framework import (
    ErrnoError,
    InvalidArgumentError,
    InvalidJSONError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
)
from oro_framework.testing import MemoryClient, make_host

TYPED = (
    InvalidArgumentError,
    InvalidJSONError,
    OutOfRangeError,
    ErrnoError,
    NotFoundError,
    NotSupportedError,
    CertificateError,
    PinError,
    TlsError,
)
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=6)
)
IDS = st.sampled_from(["a", "a", "b", "b", "", "../x", 7])
SEQS = st.sampled_from([0, 0, 1, 2, -1, 1000, "x", None])
LISTEN = (
    st.sampled_from(
        ["127.0.0.1", "::1", "localhost", "0.0.0.0", "::", "192.0.2.1", "x.invalid", "", "[::1]"]
    )
    | JUNK
)
PEM_JUNK = st.sampled_from(
    ["", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "x"]
)
BODIES = st.sampled_from([b"", b"x", b"{}", b"[1]", b"\xff\xfe", b"y" * 70000]) | st.builds(
    lambda values: __import__("json").dumps(values).encode(),
    st.fixed_dictionaries(
        {}, optional={"ca": PEM_JUNK, "cert": PEM_JUNK, "key": PEM_JUNK, "passphrase": JUNK}
    ),
)


def requests(
    routes: list[str], required: dict[str, Any], optional: dict[str, Any] | None = None
) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    params = st.fixed_dictionaries({"id": IDS, **required}, optional=optional or {})
    return st.tuples(st.sampled_from(routes), params)


ECHO = "<echo>"
"""Stands for the port of the test's echo peer, known only once the test runs."""
PORTS = st.sampled_from([ECHO, ECHO, 9, 0, -1, 65536, "x", None])
OPERATIONS = st.one_of(
    requests(
        ["tcp.connect"],
        {"port": PORTS},
        {
            "address": st.sampled_from(["127.0.0.1", "localhost", "x.invalid", ""]),
            "family": JUNK,
            "timeout": st.sampled_from([200, 0, -5, "x"]),
            "noDelay": JUNK,
        },
    ),
    requests(
        ["tls.connect"],
        {"port": PORTS, "host": st.just("127.0.0.1")},
        {
            "pins": JUNK | st.lists(st.text(max_size=8), max_size=2),
            "pinsMode": JUNK,
            "rejectUnauthorized": JUNK,
            "minVersion": JUNK,
            "ALPNProtocols": JUNK,
            "timeout": st.just(300),
        },
    ),
    requests(["tcp.write", "tls.write", "tcp.shutdown"], {"order": SEQS}),
    requests(["tcp.ack"], {"bytes": JUNK}),
    requests(
        ["tcp.listen", "tcp.bind", "tls.server.listen"],
        {"port": st.just(0)},
        {"address": LISTEN, "backlog": JUNK},
    ),
    requests(["tls.server.create"], {}, {"requestCert": JUNK}),
    requests(["tcp.setNoDelay", "tcp.setKeepAlive"], {}, {"on": JUNK, "delay": JUNK}),
    requests(["tls.setPins"], {"value": st.text(max_size=30)}, {"mode": JUNK}),
    requests(["tls.createPin"], {}, {"pem": PEM_JUNK}),
    requests(
        [
            "tcp.close",
            "tls.close",
            "tcp.readStart",
            "tcp.readStop",
            "tcp.getSockName",
            "tcp.getPeerName",
            "tls.getPins",
            "tcp.create",
            "tcp.accept",
        ],
        {},
    ),
)


def _loopback(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sequence=st.lists(st.tuples(OPERATIONS, BODIES), min_size=1, max_size=10),
    first_connected=st.booleans(),
)
def test_any_requests_give_results_or_typed_errors_and_leak_nothing(
    sequence: list[tuple[tuple[str, dict[str, Any]], bytes]], first_connected: bool
) -> None:
    async def run() -> None:
        async with make_host(TLS_PLUGINS, config=LOOPBACK) as host, echo_peer() as echo_port:
            page = MemoryClient(host, window=0)
            before = open_descriptors()
            start = [(("tcp.connect", {"id": "a", "port": ECHO}), b"")] if first_connected else []
            for (route, params), body in [*start, *sequence]:
                if params.get("port") == ECHO:
                    params = {**params, "port": echo_port}
                # A write for a later seq waits for the earlier ones: give it up quickly, as a
                # page whose request is cancelled would.
                with anyio.move_on_after(0.3):
                    reply = await page.call(route, body, **params)
                    error = reply.error
                    assert error is None or isinstance(error, TYPED), (route, params, error)
                    assert reply.status != 500, (route, params, error)
                for item in host.stash[STATE].items.values():
                    if isinstance(item, Server) and item.raw is not None and not item.closed:
                        assert _loopback(item.raw.getsockname()[0]), (route, params)
            host.hooks.page_closed(host, 0)
            assert not host.stash[STATE].items
            await trio.testing.wait_all_tasks_blocked()  # the echo peer closes its ends
            assert open_descriptors() == before

    anyio.run(run, backend="trio")
