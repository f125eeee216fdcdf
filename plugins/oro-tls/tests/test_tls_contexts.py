"""ssl contexts from a page's options: real handshakes over loopback between a Python client
made by ``client_context`` and a Python server made by ``server_context``."""

from __future__ import annotations

import socket
import ssl
import tempfile
from pathlib import Path

import pytest
from _certs import (
    PASSPHRASE,
    Certs,
    ServerLog,
    certificate_der,
    encrypted_key,
    make_certs,
    tcp_echo_server,
    tls_client,
    tls_echo_server,
)
from oro_tls.contexts import TlsMaterial, client_context, server_context
from oro_tls.verification import TlsError, handshake_error

from oro_framework import InvalidArgumentError

TIMEOUT = 5.0


@pytest.fixture(scope="module")
def certs() -> Certs:
    return make_certs()


def _server(pair: tuple[str, str], **options: object) -> ssl.SSLContext:
    ca = options.pop("ca", ())
    return server_context(TlsMaterial(cert=pair[0], key=pair[1], ca=ca), **options)  # type: ignore[arg-type]


def _echo(tls: ssl.SSLSocket, data: bytes = b"ping") -> bytes:
    tls.sendall(data)
    return tls.recv(1024)


def _invalid(code: str, call: object, *args: object, **kwargs: object) -> InvalidArgumentError:
    with pytest.raises(InvalidArgumentError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.code == code, caught.value.message
    return caught.value


# --------------------------------------------------------------------------------------------
# Verification on and off
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "family", "server_hostname"),
    [
        ("127.0.0.1", socket.AF_INET, "localhost"),
        ("127.0.0.1", socket.AF_INET, "127.0.0.1"),
        ("::1", socket.AF_INET6, "::1"),
    ],
)
def test_a_trusted_server_for_each_name(
    certs: Certs, host: str, family: socket.AddressFamily, server_hostname: str
) -> None:
    client = client_context(TlsMaterial(ca=(certs.ca_pem,)))
    assert client.verify_mode == ssl.CERT_REQUIRED
    assert client.check_hostname
    with (
        tls_echo_server(_server(certs.server), host=host, family=family) as address,
        tls_client(client, address, server_hostname=server_hostname, family=family) as tls,
    ):
        assert _echo(tls) == b"ping"
        assert tls.version() == "TLSv1.3"


def test_ca_replaces_the_system_roots(certs: Certs) -> None:
    with tls_echo_server(_server(certs.server)) as address:
        with pytest.raises(ssl.SSLCertVerificationError):
            tls_client(client_context(TlsMaterial()), address).close()
        with pytest.raises(ssl.SSLCertVerificationError):
            tls_client(client_context(TlsMaterial(ca=(certs.other_ca_pem,))), address).close()
        # Several CAs in one entry, or one per entry: either trusts the server.
        both = certs.other_ca_pem + certs.ca_pem
        for ca in ((both,), (certs.other_ca_pem, certs.ca_pem)):
            with tls_client(client_context(TlsMaterial(ca=ca)), address) as tls:
                assert _echo(tls) == b"ping"


def test_without_reject_unauthorized_anything_connects(certs: Certs) -> None:
    client = client_context(TlsMaterial(), reject_unauthorized=False)
    assert client.verify_mode == ssl.CERT_NONE
    assert not client.check_hostname
    for pair in (certs.self_signed, certs.expired, certs.wrong_host):
        with tls_echo_server(_server(pair)) as address, tls_client(client, address) as tls:
            assert _echo(tls) == b"ping"
            assert tls.getpeercert(binary_form=True) == certificate_der(pair[0])


def test_check_hostname_false_keeps_the_chain_check(certs: Certs) -> None:
    client = client_context(TlsMaterial(ca=(certs.ca_pem,)), check_hostname=False)
    assert client.verify_mode == ssl.CERT_REQUIRED
    with tls_echo_server(_server(certs.wrong_host)) as address, tls_client(client, address) as tls:
        assert _echo(tls) == b"ping"
    with (
        tls_echo_server(_server(certs.self_signed)) as address,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        tls_client(client, address).close()


# --------------------------------------------------------------------------------------------
# Mutual TLS
# --------------------------------------------------------------------------------------------


def _client(certs: Certs, pair: tuple[str, str] | None, **options: object) -> ssl.SSLContext:
    material = TlsMaterial(ca=(certs.ca_pem,))
    if pair is not None:
        material = TlsMaterial(ca=(certs.ca_pem,), cert=pair[0], key=pair[1])
    return client_context(material, **options)  # type: ignore[arg-type]


def test_mutual_tls_accepts_a_client_of_the_ca(certs: Certs) -> None:
    log = ServerLog()
    server = _server(certs.server, request_cert=True, ca=(certs.ca_pem,))
    assert server.verify_mode == ssl.CERT_REQUIRED
    with (
        tls_echo_server(server, log=log) as address,
        tls_client(_client(certs, certs.client), address) as tls,
    ):
        assert _echo(tls) == b"ping"
    assert log.handshakes.acquire(timeout=TIMEOUT)
    assert log.errors == []
    assert log.peer_certificates == [certificate_der(certs.client[0])]


def _refused_after_handshake(tls: ssl.SSLSocket) -> ssl.SSLError:
    # TLS 1.3: the client's handshake is over before the server has checked the client's
    # certificate; the server's alert arrives on the first read. Nothing is sent first: bytes
    # the server never reads would make its close a reset that can overtake the alert.
    with pytest.raises(ssl.SSLError) as caught:
        tls.recv(1024)
    return caught.value


def test_mutual_tls_refuses_a_client_without_a_certificate_tls13(certs: Certs) -> None:
    log = ServerLog()
    server = _server(certs.server, request_cert=True, ca=(certs.ca_pem,))
    with (
        tls_echo_server(server, log=log) as address,
        tls_client(_client(certs, None), address) as tls,
    ):
        assert tls.version() == "TLSv1.3"
        error = _refused_after_handshake(tls)
    assert error.reason == "TLSV13_ALERT_CERTIFICATE_REQUIRED"
    converted = handshake_error(error, host="localhost", port=address[1], handshaking=False)
    assert isinstance(converted, TlsError)
    assert converted.code == "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"
    assert converted.status == 502
    assert converted.extra["reason"] == "tlsv13 alert certificate required"
    assert log.handshakes.acquire(timeout=TIMEOUT)
    assert isinstance(log.errors[0], ssl.SSLError)


def test_mutual_tls_refuses_a_client_without_a_certificate_tls12(certs: Certs) -> None:
    server = _server(certs.server, request_cert=True, ca=(certs.ca_pem,))
    client = _client(certs, None, max_version="TLSv1.2")
    with tls_echo_server(server) as address, pytest.raises(ssl.SSLError) as caught:
        tls_client(client, address).close()
    converted = handshake_error(caught.value, host="localhost", port=address[1])
    assert converted.code == "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"


def test_mutual_tls_refuses_a_client_of_another_ca(certs: Certs) -> None:
    log = ServerLog()
    server = _server(certs.server, request_cert=True, ca=(certs.ca_pem,))
    with (
        tls_echo_server(server, log=log) as address,
        tls_client(_client(certs, certs.other_client), address) as tls,
    ):
        error = _refused_after_handshake(tls)
    assert handshake_error(error, host="h", port=1).code == "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA"
    assert log.handshakes.acquire(timeout=TIMEOUT)
    assert isinstance(log.errors[0], ssl.SSLCertVerificationError)


def test_optional_client_certificate(certs: Certs) -> None:
    log = ServerLog()
    server = _server(certs.server, request_cert=True, reject_unauthorized=False, ca=(certs.ca_pem,))
    assert server.verify_mode == ssl.CERT_OPTIONAL
    with tls_echo_server(server, log=log) as address:
        with tls_client(_client(certs, None), address) as tls:
            assert _echo(tls) == b"ping"
        with tls_client(_client(certs, certs.client), address) as tls:
            assert _echo(tls) == b"ping"
        # OpenSSL still verifies a certificate it asked for: an untrusted one is refused even
        # though rejectUnauthorized is false (Node's verify callback would let it in).
        with tls_client(_client(certs, certs.other_client), address) as tls:
            error = _refused_after_handshake(tls)
        assert error.reason == "TLSV1_ALERT_UNKNOWN_CA"
    for _ in range(3):
        assert log.handshakes.acquire(timeout=TIMEOUT)
    assert log.peer_certificates == [None, certificate_der(certs.client[0])]


def test_no_request_cert_ignores_the_client_certificate(certs: Certs) -> None:
    log = ServerLog()
    with (
        tls_echo_server(_server(certs.server), log=log) as address,
        tls_client(_client(certs, certs.other_client), address) as tls,
    ):
        assert _echo(tls) == b"ping"
    assert log.handshakes.acquire(timeout=TIMEOUT)
    assert log.peer_certificates == [None]


# --------------------------------------------------------------------------------------------
# Keys, certificates, passphrases
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["pkcs8", "traditional"])
@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_encrypted_keys(certs: Certs, form: str, kind: str) -> None:
    cert, plain = certs.rsa_server if kind == "rsa" else certs.server
    key = encrypted_key(plain, traditional=form == "traditional")
    if form == "traditional":
        assert "Proc-Type: 4,ENCRYPTED" in key
        assert ("BEGIN RSA PRIVATE KEY" if kind == "rsa" else "BEGIN EC PRIVATE KEY") in key
    else:
        assert "BEGIN ENCRYPTED PRIVATE KEY" in key
    material = TlsMaterial(cert=cert, key=key, passphrase=PASSPHRASE)
    with (
        tls_echo_server(server_context(material)) as address,
        tls_client(client_context(TlsMaterial(ca=(certs.ca_pem,))), address) as tls,
    ):
        assert _echo(tls) == b"ping"
    # The same key as a client certificate's key.
    assert client_context(material).verify_mode == ssl.CERT_REQUIRED

    missing = _invalid(
        "ERR_TLS_PASSPHRASE_REQUIRED", server_context, TlsMaterial(cert=cert, key=key)
    )
    assert "passphrase" in missing.message
    wrong = _invalid(
        "ERR_OSSL_BAD_DECRYPT",
        server_context,
        TlsMaterial(cert=cert, key=key, passphrase="wrong"),
    )
    for error in (missing, wrong):
        assert key not in error.message
        assert plain not in error.message


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_every_wrong_passphrase_of_a_traditional_key_is_a_bad_decrypt(
    certs: Certs, kind: str
) -> None:
    # Legacy PEM encryption only has CBC padding to catch a wrong passphrase: about one in
    # 256 decrypts to well-padded garbage. A thousand tries meet that case almost surely.
    cert, plain = certs.rsa_server if kind == "rsa" else certs.server
    key = encrypted_key(plain, traditional=True)
    for attempt in range(1000):
        material = TlsMaterial(cert=cert, key=key, passphrase=f"wrong-{attempt}")
        _invalid("ERR_OSSL_BAD_DECRYPT", server_context, material)


def test_fixture_keys_decrypt(certs: Certs) -> None:
    for key in (certs.encrypted_pkcs8_key, certs.encrypted_traditional_key):
        material = TlsMaterial(cert=certs.rsa_server[0], key=key, passphrase=PASSPHRASE)
        assert server_context(material).verify_mode == ssl.CERT_NONE


def test_a_passphrase_for_a_plain_key_is_ignored(certs: Certs) -> None:
    material = TlsMaterial(cert=certs.server[0], key=certs.server[1], passphrase="unused")
    assert server_context(material) is not None


def test_key_and_certificate_must_match(certs: Certs) -> None:
    error = _invalid(
        "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
        server_context,
        TlsMaterial(cert=certs.server[0], key=certs.rsa_server[1]),
    )
    assert certs.rsa_server[1] not in error.message
    _invalid(
        "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
        client_context,
        TlsMaterial(cert=certs.client[0], key=certs.server[1]),
    )


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("key", "not a key", "ERR_TLS_INVALID_KEY"),
        ("key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", None),
        ("cert", "not a certificate", "ERR_TLS_INVALID_CERT"),
        ("cert", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", None),
        ("ca", ("not a certificate",), "ERR_TLS_INVALID_CA"),
        ("ca", ("",), "ERR_TLS_INVALID_CA"),
        ("cert", "", "ERR_TLS_INVALID_CERT"),
        ("key", "café", "ERR_TLS_INVALID_KEY"),
    ],
)
def test_unparseable_material(certs: Certs, field: str, value: object, code: str | None) -> None:
    fields: dict[str, object] = {"cert": certs.server[0], "key": certs.server[1], field: value}
    expected = code or {"key": "ERR_TLS_INVALID_KEY", "cert": "ERR_TLS_INVALID_CERT"}[field]
    options = {"request_cert": True} if field == "ca" else {}
    error = _invalid(expected, server_context, TlsMaterial(**fields), **options)  # type: ignore[arg-type]
    assert certs.server[1] not in error.message
    if field == "ca":
        _invalid(expected, client_context, TlsMaterial(ca=value))  # type: ignore[arg-type]


def test_a_server_needs_a_certificate_and_a_key(certs: Certs) -> None:
    _invalid("ERR_TLS_INVALID_CERT", server_context, TlsMaterial(key=certs.server[1]))
    _invalid("ERR_TLS_INVALID_KEY", server_context, TlsMaterial(cert=certs.server[0]))
    _invalid("ERR_TLS_INVALID_CERT", client_context, TlsMaterial(key=certs.server[1]))


def test_the_key_never_stays_on_disk(
    certs: Certs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    key = encrypted_key(certs.server[1])
    server_context(TlsMaterial(cert=certs.server[0], key=key, passphrase=PASSPHRASE))
    client_context(TlsMaterial(cert=certs.client[0], key=certs.client[1]))
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# Versions, ciphers, ALPN
# --------------------------------------------------------------------------------------------


def test_protocol_versions(certs: Certs) -> None:
    server = _server(certs.server, max_version="TLSv1.2")
    assert server.maximum_version == ssl.TLSVersion.TLSv1_2
    client = _client(certs, None, min_version="TLSv1.2", max_version="TLSv1.3")
    assert client.minimum_version == ssl.TLSVersion.TLSv1_2
    with tls_echo_server(server) as address:
        with tls_client(client, address) as tls:
            assert tls.version() == "TLSv1.2"
        with pytest.raises(ssl.SSLError) as caught:
            tls_client(_client(certs, None, min_version="TLSv1.3"), address).close()
    converted = handshake_error(caught.value, host="localhost", port=address[1])
    assert isinstance(converted, TlsError)
    assert converted.code == "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION"


@pytest.mark.parametrize("version", ["TLSv1.4", "tls1.2", "SSLv3", ""])
def test_invalid_protocol_versions(certs: Certs, version: str) -> None:
    error = _invalid(
        "ERR_TLS_INVALID_PROTOCOL_VERSION", client_context, TlsMaterial(), min_version=version
    )
    assert "minimum" in error.message
    _invalid("ERR_TLS_INVALID_PROTOCOL_VERSION", _server, certs.server, max_version=version)


def test_min_above_max_conflicts() -> None:
    _invalid(
        "ERR_TLS_PROTOCOL_VERSION_CONFLICT",
        client_context,
        TlsMaterial(),
        min_version="TLSv1.3",
        max_version="TLSv1.2",
    )


def test_ciphers(certs: Certs) -> None:
    _invalid("ERR_SSL_NO_CIPHER_MATCH", client_context, TlsMaterial(), ciphers="NO-SUCH-CIPHER")
    # TLS 1.3 suites are accepted (and cannot be restricted from Python).
    assert client_context(TlsMaterial(), ciphers="TLS_AES_128_GCM_SHA256") is not None
    server = _server(certs.server, ciphers="ECDHE-ECDSA-AES128-GCM-SHA256", max_version="TLSv1.2")
    with tls_echo_server(server) as address:
        with tls_client(_client(certs, None), address) as tls:
            assert tls.cipher()[0] == "ECDHE-ECDSA-AES128-GCM-SHA256"
        client = _client(certs, None, ciphers="ECDHE-ECDSA-AES256-GCM-SHA384")
        with pytest.raises(ssl.SSLError) as caught:
            tls_client(client, address).close()
    converted = handshake_error(caught.value, host="localhost", port=address[1])
    assert converted.code == "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"


def test_alpn_is_negotiated(certs: Certs) -> None:
    server = _server(certs.server, alpn=("http/1.1", "h2"))
    with tls_echo_server(server) as address:
        with tls_client(_client(certs, None, alpn=("h2", "http/1.1")), address) as tls:
            assert tls.selected_alpn_protocol() in ("h2", "http/1.1")
        with tls_client(_client(certs, None, alpn=("http/1.1",)), address) as tls:
            assert tls.selected_alpn_protocol() == "http/1.1"
        with tls_client(_client(certs, None), address) as tls:
            assert tls.selected_alpn_protocol() is None
    _invalid("ERR_INVALID_ARG_VALUE", client_context, TlsMaterial(), alpn=("",))
    _invalid("ERR_INVALID_ARG_VALUE", client_context, TlsMaterial(), alpn=("x" * 256,))


def test_the_plain_tcp_echo_server_echoes() -> None:
    with tcp_echo_server() as address, socket.create_connection(address, timeout=TIMEOUT) as raw:
        raw.sendall(b"plain")
        raw.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := raw.recv(1024):
            received += chunk
    assert received == b"plain"
