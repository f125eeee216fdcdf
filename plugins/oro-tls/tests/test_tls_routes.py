"""The ``tls.*`` routes against real Python TLS peers with certificates of a private CA: what a
verified connection reports, every certificate failure in Oro's codes, pins, mutual TLS both
ways, encrypted keys, handshake timeouts and the pin routes."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from _certs import (
    Certs,
    PemPair,
    ServerLog,
    certificate_der,
    openssl_pin,
    tls_client,
    tls_echo_server,
)
from oro_conduit.testing import next_frame, page_conduit
from oro_tls.contexts import TlsMaterial, client_context, server_context
from oro_tls.pinning import pin_of_pem, spki_pin_of_certificate
from oro_tls.state import STATE

from conftest import LOOPBACK, TLS_PLUGINS, read_bytes
from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


def serving(pair: PemPair, **options: Any) -> ssl.SSLContext:
    return server_context(TlsMaterial(cert=pair[0], key=pair[1]), **options)


@contextmanager
def echo(pair: PemPair, log: ServerLog | None = None, **options: Any) -> Iterator[int]:
    with tls_echo_server(serving(pair, **options), log=log) as (_, port):
        yield port


async def tls_connect(
    client: MemoryClient, port: int, body: dict[str, Any] | None = None, **params: Any
) -> Any:
    return await client.call(
        "tls.connect",
        json.dumps(body or {}).encode(),
        **{"id": "t1", "host": "127.0.0.1", "port": port, "servername": "localhost", **params},
    )


async def test_a_verified_connection_reports_what_node_does(
    host: Host, client: MemoryClient, certs: Certs
) -> None:
    with echo(certs.server, alpn=("h2", "http/1.1")) as port:
        async with page_conduit(host, "t1") as conduit:
            reply = await tls_connect(
                client, port, {"ca": certs.ca_pem}, ALPNProtocols=["http/1.1"]
            )
            assert reply.ok, reply.error
            facts = reply.data
            assert facts["authorized"] is True
            assert facts["authorizationError"] is None
            assert facts["protocol"] == "TLSv1.3"
            assert facts["cipher"]["version"] == "TLSv1.3"
            assert facts["alpnProtocol"] == "http/1.1"
            assert facts["peerPin"] == pin_of_pem(certs.server[0])
            assert facts["provider"] == "openssl"
            assert facts["servername"] == "localhost"
            assert (facts["remoteAddress"], facts["remotePort"]) == ("127.0.0.1", port)
            peer = facts["peerCertificate"]
            assert "DNS:localhost" in peer["subjectaltname"]
            assert "IP Address:127.0.0.1" in peer["subjectaltname"]
            assert (await client.call("tls.readStart", id="t1")).ok
            assert (await client.call("tls.write", b"secret bytes", id="t1", order=0)).ok
            assert await read_bytes(client, conduit, "t1", 12, route="tls") == b"secret bytes"
            # Half-close: close_notify and FIN; the echo server then ends too.
            assert (await client.call("tls.shutdown", id="t1", order=1)).ok
            options, _ = await next_frame(conduit)
            assert (options["event"], int(options["offset"])) == ("end", 12)
            assert (await client.call("tls.close", id="t1")).ok


@pytest.mark.parametrize(
    ("pair_name", "code", "reason"),
    [
        ("expired", "CERT_EXPIRED", "CERT_HAS_EXPIRED"),
        ("not_yet_valid", "CERT_NOT_TIME_VALID", "CERT_NOT_YET_VALID"),
        ("wrong_host", "HOSTNAME_MISMATCH", "ERR_TLS_CERT_ALTNAME_INVALID"),
        ("self_signed", "CERT_UNTRUSTED_ROOT", "DEPTH_ZERO_SELF_SIGNED_CERT"),
    ],
)
async def test_certificate_failures_have_oros_codes_and_nodes_reasons(
    host: Host, client: MemoryClient, certs: Certs, pair_name: str, code: str, reason: str
) -> None:
    pair: PemPair = getattr(certs, pair_name)
    with echo(pair) as port:
        refused = await tls_connect(client, port, {"ca": certs.ca_pem})
        assert refused.error is not None
        fields = refused.error.to_dict()
        assert (fields["type"], fields["code"], fields["reason"]) == (
            "CertificateError",
            code,
            reason,
        )
        assert (fields["host"], fields["port"]) == ("127.0.0.1", port)
        assert host.stash[STATE].items == {}
        # The same facts, for a connection that goes on without verification.
        allowed = await tls_connect(client, port, {"ca": certs.ca_pem}, rejectUnauthorized=False)
        assert allowed.ok, allowed.error
        assert allowed.data["authorized"] is False
        assert (allowed.data["authorizationCode"], allowed.data["authorizationError"]) == (
            code,
            reason,
        )
        assert (await client.call("tls.close", id="t1")).ok


async def test_a_certificate_of_an_unknown_ca_is_untrusted(
    host: Host, client: MemoryClient, certs: Certs
) -> None:
    with echo(certs.server) as port:
        refused = await tls_connect(client, port, {"ca": certs.other_ca_pem})
        assert refused.error is not None
        assert refused.error.code == "CERT_UNTRUSTED"


async def test_pins_are_enforced_even_without_verification(
    host: Host, client: MemoryClient, certs: Certs
) -> None:
    right = pin_of_pem(certs.server[0])
    wrong = pin_of_pem(certs.rsa_server[0])
    with echo(certs.server) as port:
        pinned = await tls_connect(client, port, {"ca": certs.ca_pem}, pins=[right])
        assert pinned.ok, pinned.error
        assert (await client.call("tls.close", id="t1")).ok
        for reject in (True, False):
            mismatch = await tls_connect(
                client, port, {"ca": certs.ca_pem}, pins=[wrong], rejectUnauthorized=reject
            )
            assert mismatch.error is not None
            fields = mismatch.error.to_dict()
            assert (fields["type"], fields["code"]) == ("PinError", "PIN_MISMATCH")
            assert fields["expectedPins"] == [wrong]
            assert fields["peerPin"] == right
        assert host.stash[STATE].items == {}


async def test_oros_openssl_pin_and_the_spki_pin_are_accepted_a_wrong_one_is_not(
    host: Host, client: MemoryClient, certs: Certs, tmp_path: Path
) -> None:
    """Oro's pin (TLS_QUICKSTART.md: ``openssl x509 -outform der | openssl dgst -sha256
    -binary | base64``) of a real server's certificate pins it; so does its key's SPKI pin."""
    oro_pin = openssl_pin(certs.server[0], tmp_path)
    spki = spki_pin_of_certificate(certificate_der(certs.server[0]))
    wrong = openssl_pin(certs.rsa_server[0], tmp_path)
    with echo(certs.server) as port:
        for pins in ([oro_pin], [spki], f"127.0.0.1 {oro_pin}"):
            pinned = await tls_connect(client, port, {"ca": certs.ca_pem}, pins=pins)
            assert pinned.ok, pinned.error
            assert pinned.data["peerPin"] == oro_pin
            assert (await client.call("tls.close", id="t1")).ok
        assert (await client.call("tls.setPins", value=f"127.0.0.1:{port} {wrong}")).ok
        refused = await tls_connect(client, port, {"ca": certs.ca_pem})
        assert refused.error is not None
        fields = refused.error.to_dict()
        assert (fields["code"], fields["expectedPins"]) == ("PIN_MISMATCH", [wrong])
        assert (fields["peerPin"], fields["peerSpkiPin"]) == (oro_pin, spki)
        created = await client.call("tls.createPin", pem=certs.server[0])
        assert created.data == {"pin": oro_pin}
    assert host.stash[STATE].items == {}


async def test_get_pins_of_a_host_answers_oros_shape(client: MemoryClient, certs: Certs) -> None:
    """Oro's ``getTlsPinsForHost`` (api/tls.d.ts): ``{host, configured, pins}``, exactly that
    endpoint's pins, else its host's every-port pins."""
    pin, other = pin_of_pem(certs.server[0]), pin_of_pem(certs.client[0])
    value = f"api.example {pin}\napi.example:8443 {other}"
    assert (await client.call("tls.setPins", value=value)).ok
    answers = {
        spec: (await client.call("tls.getPins", host=spec)).data
        for spec in ("API.example", "api.example:8443", "api.example:443", "b.example:1")
    }
    shapes = {spec: (a["host"], a["configured"], a["pins"]) for spec, a in answers.items()}
    assert shapes == {
        "API.example": ("api.example", True, [pin]),
        "api.example:8443": ("api.example:8443", True, [other]),
        "api.example:443": ("api.example:443", True, [pin]),
        "b.example:1": ("b.example:1", False, []),
    }
    bad = await client.call("tls.getPins", host="no such host")
    assert bad.error is not None
    assert bad.error.code == "TLS_HOST_INVALID"


async def test_a_misconfigured_pin_is_refused_before_connecting(
    host: Host, client: MemoryClient, certs: Certs
) -> None:
    log = ServerLog()
    with echo(certs.server, log) as port:
        reply = await tls_connect(client, port, {"ca": certs.ca_pem}, pins=["sha256/short"])
    assert reply.error is not None
    assert reply.error.code == "PIN_MISCONFIGURED"
    assert log.peer_certificates == []
    assert log.errors == []


async def test_configured_pins_apply_unless_the_request_replaces_them(certs: Certs) -> None:
    wrong = pin_of_pem(certs.rsa_server[0])
    right = pin_of_pem(certs.server[0])
    config = {**LOOPBACK, "tls.pins": f"# the API\n127.0.0.1 {wrong} ; rotated\n"}
    async with make_host(TLS_PLUGINS, config=config) as host:
        client = MemoryClient(host)
        with echo(certs.server) as port:
            configured = await tls_connect(client, port, {"ca": certs.ca_pem})
            assert configured.error is not None
            assert configured.error.code == "PIN_MISMATCH"
            replaced = await tls_connect(
                client, port, {"ca": certs.ca_pem}, pins=[right], pinsMode="replace"
            )
            assert replaced.ok, replaced.error
            assert (await client.call("tls.close", id="t1")).ok
        listed = await client.call("tls.getPins")
        assert listed.data["entries"] == [{"host": "127.0.0.1", "port": None, "pins": [wrong]}]


async def test_pin_routes_round_trip(host: Host, client: MemoryClient, certs: Certs) -> None:
    pin = pin_of_pem(certs.server[0])
    created = await client.call("tls.createPin", pem=certs.server[0])
    from_der = await client.call("tls.createPin", certificate_der(certs.server[0]))
    assert created.data == from_der.data == {"pin": pin}
    assert (await client.call("tls.setPins", value=f"api.example:8443 {pin}")).ok
    added = await client.call("tls.setPins", value=f"https://other.example {pin}", mode="append")
    assert [(e["host"], e["port"]) for e in added.data["entries"]] == [
        ("api.example", 8443),
        ("other.example", 443),
    ]
    only = await client.call("tls.getPins", host="OTHER.example")
    assert only.data["entries"] == [{"host": "other.example", "port": 443, "pins": [pin]}]
    removed = await client.call("tls.setPins", value=f"api.example:8443 {pin}", mode="remove")
    assert [e["host"] for e in removed.data["entries"]] == ["other.example"]
    bad = await client.call("tls.setPins", value="api.example\nx.example sha256/nope")
    assert bad.error is not None
    assert bad.error.code == "TLS_PINS_INVALID"
    assert "line 1" in bad.error.message


async def test_a_bad_pins_config_is_refused_when_the_config_loads() -> None:
    with pytest.raises(Exception, match=r"tls\.pins"):
        async with make_host(TLS_PLUGINS, config={"tls.pins": "example.com sha256/nope"}):
            pass


async def test_mutual_tls_with_an_encrypted_client_key(
    host: Host, client: MemoryClient, certs: Certs, encrypted_pkcs8_key: str
) -> None:
    log = ServerLog()
    context = server_context(
        TlsMaterial(cert=certs.server[0], key=certs.server[1], ca=(certs.ca_pem,)),
        request_cert=True,
    )
    with tls_echo_server(context, log=log) as (_, port):
        body = {"ca": certs.ca_pem, "cert": certs.client[0], "key": certs.client[1]}
        reply = await tls_connect(client, port, body)
        assert reply.ok, reply.error
        assert log.handshakes.acquire(timeout=5)
        assert log.peer_certificates == [certificate_der(certs.client[0])]
        assert (await client.call("tls.close", id="t1")).ok
        wrong = {**body, "key": encrypted_pkcs8_key, "passphrase": "not it"}
        bad = await tls_connect(client, port, wrong, id="t2")
        assert bad.error is not None
        assert bad.error.code in ("ERR_OSSL_BAD_DECRYPT", "ERR_OSSL_X509_KEY_VALUES_MISMATCH")
        missing = await tls_connect(client, port, {**wrong, "passphrase": None}, id="t3")
        assert missing.error is not None
        assert missing.error.code == "ERR_TLS_PASSPHRASE_REQUIRED"


async def test_a_server_that_wants_a_client_certificate_is_never_a_hang(
    host: Host, client: MemoryClient, certs: Certs
) -> None:
    context = server_context(
        TlsMaterial(cert=certs.server[0], key=certs.server[1], ca=(certs.ca_pem,)),
        request_cert=True,
    )
    with tls_echo_server(context) as (_, port):
        # TLS 1.2: the refusal comes during the handshake.
        refused = await tls_connect(client, port, {"ca": certs.ca_pem}, maxVersion="TLSv1.2")
        assert refused.error is not None
        assert refused.error.code.startswith("ERR_SSL_")
        # TLS 1.3: the client's handshake ends first; the alert is the socket's error frame.
        async with page_conduit(host, "t2") as conduit:
            reply = await tls_connect(client, port, {"ca": certs.ca_pem}, id="t2")
            assert reply.ok, reply.error
            assert (await client.call("tls.readStart", id="t2")).ok
            options, _ = await next_frame(conduit)
        assert options["event"] == "error"
        assert options["code"] == "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"


async def test_a_page_tls_server_with_mutual_tls(
    host: Host, client: MemoryClient, certs: Certs
) -> None:
    created = await client.call(
        "tls.server.create",
        json.dumps({"cert": certs.server[0], "key": certs.server[1], "ca": certs.ca_pem}).encode(),
        id="srv",
        requestCert=True,
    )
    assert created.ok, created.error
    async with page_conduit(host, "srv") as server_conduit:
        listening = await client.call("tls.server.listen", id="srv", port=0)
        assert listening.ok, listening.error
        port = listening.data["port"]
        trusting = client_context(
            TlsMaterial(ca=(certs.ca_pem,), cert=certs.client[0], key=certs.client[1])
        )
        python = await anyio.to_thread.run_sync(tls_client, trusting, ("127.0.0.1", port))
        with python:
            options, _ = await next_frame(server_conduit)
            assert options["event"] == "connection"
            facts = json.loads(str(options["tls"]))
            assert facts["authorized"] is True
            assert "client@example" in json.dumps(facts["peerCertificate"])
            connection = str(options["id"])
            async with page_conduit(host, connection) as conduit:
                assert (await client.call("tls.server.readStart", id=connection)).ok
                await anyio.to_thread.run_sync(python.sendall, b"from python")
                got = await read_bytes(client, conduit, connection, 11, route="tls")
                assert got == b"from python"
                assert (
                    await client.call("tls.server.write", b"from page", id=connection, order=0)
                ).ok
                assert await anyio.to_thread.run_sync(python.recv, 100) == b"from page"
        # A client without a certificate: the server's page hears of it, the client fails.
        plain = client_context(TlsMaterial(ca=(certs.ca_pem,)), max_version="TLSv1.2")
        with pytest.raises(ssl.SSLError):
            await anyio.to_thread.run_sync(tls_client, plain, ("127.0.0.1", port))
        options, _ = await next_frame(server_conduit)
        assert options["event"] == "tlsClientError"
    assert (await client.call("tls.server.close", id="srv")).ok


async def test_a_handshake_nobody_answers_times_out(host: Host, client: MemoryClient) -> None:
    with socket.socket() as silent:  # accepts (the kernel does) and never speaks TLS
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        reply = await tls_connect(client, port, timeout=300)
    assert reply.error is not None
    assert (reply.error.code, reply.error.to_dict()["syscall"]) == ("ETIMEDOUT", "handshake")


async def test_the_provider_is_openssl(host: Host, client: MemoryClient) -> None:
    reply = await client.call("tls.getProvider")
    assert reply.data["provider"] == "openssl"
    assert reply.data["version"] == ssl.OPENSSL_VERSION


async def test_an_ipv6_literal_is_verified_against_the_certificates_ip_addresses(
    host: Host, client: MemoryClient, certs: Certs
) -> None:
    context = serving(certs.server)
    with tls_echo_server(context, host="::1", family=socket.AF_INET6) as (_, port):
        reply = await client.call(
            "tls.connect", json.dumps({"ca": certs.ca_pem}).encode(), id="t6", host="::1", port=port
        )
        assert reply.ok, reply.error
        assert (reply.data["authorized"], reply.data["remoteFamily"]) == (True, "IPv6")
        assert "IP Address:0:0:0:0:0:0:0:1" in reply.data["peerCertificate"]["subjectaltname"]
        assert (await client.call("tls.close", id="t6")).ok
