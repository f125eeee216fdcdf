"""Certificate failures in Oro's codes: OpenSSL's verdict from real handshakes, verify_chain's
verdict on the chain of an unverified handshake (compared with OpenSSL's), handshake errors,
and Node's getPeerCertificate shape (compared with Node's own when Node is installed)."""

from __future__ import annotations

import datetime
import socket
import ssl
from pathlib import Path

import pytest
import trustme
from _certs import (
    Certs,
    certificate_der,
    client_only_pair,
    issue,
    make_certs,
    pem_pair,
    tls_client,
    tls_echo_server,
)
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from oro_tls.certificates import node_certificate, node_time
from oro_tls.contexts import TlsMaterial, client_context, server_context
from oro_tls.verification import (
    CertificateError,
    VerifyFailure,
    certificate_error,
    failure_of,
    handshake_error,
    unverified_chain,
    verify_chain,
)

from oro_framework import ErrnoError
from oro_framework.testing import run_in_node


@pytest.fixture(scope="module")
def certs() -> Certs:
    return make_certs()


def _handshake(
    pair: tuple[str, str], ca: tuple[str, ...], server_hostname: str, *, reject: bool
) -> tuple[ssl.SSLCertVerificationError | None, list[bytes]]:
    """OpenSSL's verdict (reject) or the unverified chain (not reject) of one real handshake."""
    server = server_context(TlsMaterial(cert=pair[0], key=pair[1]))
    client = client_context(TlsMaterial(ca=ca), reject_unauthorized=reject)
    with tls_echo_server(server) as address:
        try:
            with tls_client(client, address, server_hostname=server_hostname) as tls:
                return None, unverified_chain(tls)
        except ssl.SSLCertVerificationError as error:
            return error, []


def _intermediate_pair(authority: trustme.CA) -> tuple[str, str]:
    return pem_pair(authority.create_child_ca().issue_cert("localhost", "127.0.0.1", "::1"))


def _with_root(pair: tuple[str, str], authority: trustme.CA) -> tuple[str, str]:
    return pair[0] + authority.cert_pem.bytes().decode(), pair[1]


KINDS = {
    # kind: (Oro's code, OpenSSL's reason in the handshake, verify_chain's (Node's) reason)
    "expired": ("CERT_EXPIRED", "CERT_HAS_EXPIRED", "CERT_HAS_EXPIRED"),
    "not_yet_valid": ("CERT_NOT_TIME_VALID", "CERT_NOT_YET_VALID", "CERT_NOT_YET_VALID"),
    "wrong_host": ("HOSTNAME_MISMATCH", "ERR_TLS_CERT_ALTNAME_INVALID", None),
    "self_signed": (
        "CERT_UNTRUSTED_ROOT",
        "DEPTH_ZERO_SELF_SIGNED_CERT",
        "DEPTH_ZERO_SELF_SIGNED_CERT",
    ),
    # A lone leaf of an unknown CA: OpenSSL stops at its first error (20); Node, whose verify
    # callback lets every error through, reports the last one (21).
    "untrusted": (
        "CERT_UNTRUSTED",
        "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    ),
    "untrusted_intermediate": (
        "CERT_UNTRUSTED",
        "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    ),
    "untrusted_root_in_chain": (
        "CERT_UNTRUSTED_ROOT",
        "SELF_SIGNED_CERT_IN_CHAIN",
        "SELF_SIGNED_CERT_IN_CHAIN",
    ),
    "client_only": ("CERT_NOT_PERMITTED", "INVALID_PURPOSE", "INVALID_PURPOSE"),
}


def _pair(certs: Certs, kind: str) -> tuple[str, str]:
    if kind == "untrusted":
        return certs.extras["untrusted"]
    if kind == "untrusted_intermediate":
        return _intermediate_pair(certs.other_ca)
    if kind == "client_only":
        return client_only_pair(certs.ca, "localhost", "127.0.0.1")
    if kind == "untrusted_root_in_chain":
        return _with_root(certs.extras["untrusted"], certs.other_ca)
    pair: tuple[str, str] = getattr(certs, kind)
    return pair


@pytest.mark.parametrize("server_hostname", ["localhost", "127.0.0.1"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_verify_chain_agrees_with_openssl(certs: Certs, kind: str, server_hostname: str) -> None:
    code, openssl_reason, node_reason = KINDS[kind]
    pair = _pair(certs, kind)
    ca = (certs.ca_pem,)
    refused, _ = _handshake(pair, ca, server_hostname, reject=True)
    assert refused is not None
    failure = failure_of(refused)
    assert (failure.code, failure.reason) == (code, openssl_reason)
    assert failure.verify_code == refused.verify_code
    assert failure.message == refused.verify_message

    accepted, chain = _handshake(pair, ca, server_hostname, reject=False)
    assert accepted is None
    assert chain[0] == certificate_der(pair[0])
    verdict = verify_chain(chain, hostname=server_hostname, ca=ca)
    assert verdict is not None
    assert verdict.code == code
    assert verdict.reason == (node_reason or openssl_reason)


@pytest.mark.parametrize("server_hostname", ["localhost", "127.0.0.1", "::1"])
def test_trusted_chains_verify(certs: Certs, server_hostname: str) -> None:
    ca = (certs.ca_pem,)
    for pair in (certs.server, certs.rsa_server, _intermediate_pair(certs.ca)):
        refused, chain = _handshake(pair, ca, server_hostname, reject=False)
        assert refused is None
        assert verify_chain(chain, hostname=server_hostname, ca=ca) is None
        assert verify_chain(chain, hostname=None, ca=ca) is None
        assert _handshake(pair, ca, server_hostname, reject=True)[0] is None


def test_an_intermediate_chain_arrives_whole(certs: Certs) -> None:
    pair = _intermediate_pair(certs.ca)
    _, chain = _handshake(pair, (certs.ca_pem,), "localhost", reject=False)
    sent = x509.load_pem_x509_certificates(pair[0].encode())
    assert chain == [certificate.public_bytes(Encoding.DER) for certificate in sent]
    assert len(chain) == 2


def test_a_self_signed_certificate_given_as_ca_is_trusted(certs: Certs) -> None:
    ca = (certs.self_signed[0],)
    assert _handshake(certs.self_signed, ca, "localhost", reject=True)[0] is None
    _, chain = _handshake(certs.self_signed, ca, "localhost", reject=False)
    assert verify_chain(chain, hostname="localhost", ca=ca) is None
    mismatch = verify_chain(chain, hostname="other.example", ca=ca)
    assert mismatch is not None
    assert mismatch.code == "HOSTNAME_MISMATCH"
    assert mismatch.message == (
        "Hostname/IP does not match certificate's altnames: Host: other.example. is not in the "
        "cert's altnames: DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"
    )


def test_the_system_roots_do_not_trust_the_test_ca(certs: Certs) -> None:
    refused, _ = _handshake(certs.server, (), "localhost", reject=True)
    assert refused is not None
    assert failure_of(refused).code == "CERT_UNTRUSTED"
    verdict = verify_chain([certificate_der(certs.server[0])], hostname="localhost", ca=())
    assert verdict is not None
    assert verdict.code == "CERT_UNTRUSTED"


def test_verify_chain_uses_the_time_given(certs: Certs) -> None:
    chain = [certificate_der(certs.server[0])]
    ca = (certs.ca_pem,)
    later = datetime.datetime(3001, 1, 1, tzinfo=datetime.UTC)
    earlier = datetime.datetime(1999, 1, 1)
    assert verify_chain(chain, hostname="localhost", ca=ca, now=later) == VerifyFailure(
        "CERT_EXPIRED", "CERT_HAS_EXPIRED", "certificate has expired", 10
    )
    too_early = verify_chain(chain, hostname="localhost", ca=ca, now=earlier)
    assert too_early is not None
    assert too_early.code == "CERT_NOT_TIME_VALID"


def test_the_validity_period_comes_before_trust_and_name(certs: Certs) -> None:
    now = datetime.datetime.now(datetime.UTC)
    stale = issue(
        certs.other_ca,
        "wrong.example",
        not_before=now - datetime.timedelta(days=9),
        not_after=now - datetime.timedelta(days=2),
    )
    verdict = verify_chain([certificate_der(stale[0])], hostname="localhost", ca=(certs.ca_pem,))
    assert verdict is not None
    assert verdict.reason == "CERT_HAS_EXPIRED"


def test_verify_chain_without_a_chain_or_with_garbage(certs: Certs) -> None:
    none = verify_chain([], hostname=None, ca=(certs.ca_pem,))
    assert none is not None
    assert none.code == "CERT_UNTRUSTED"
    garbage = verify_chain([b"\x30\x00"], hostname="localhost", ca=(certs.ca_pem,))
    assert garbage is not None
    assert garbage.code == "CERTIFICATE_VERIFY_FAILED"


def test_a_client_certificate_verifies_without_a_name(certs: Certs) -> None:
    chain = [certificate_der(certs.client[0])]
    assert verify_chain(chain, hostname=None, ca=(certs.ca_pem,)) is None
    untrusted = verify_chain(
        [certificate_der(certs.other_client[0])], hostname=None, ca=(certs.ca_pem,)
    )
    assert untrusted is not None
    assert untrusted.reason == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"


# --------------------------------------------------------------------------------------------
# The errors
# --------------------------------------------------------------------------------------------


def test_certificate_error_words_it_like_node_with_oros_code(certs: Certs) -> None:
    refused, _ = _handshake(certs.expired, (certs.ca_pem,), "localhost", reject=True)
    assert refused is not None
    error = certificate_error(failure_of(refused), host="example.com", port=443)
    assert isinstance(error, CertificateError)
    assert error.status == 502
    assert error.to_dict() == {
        "type": "CertificateError",
        "code": "CERT_EXPIRED",
        "message": "certificate has expired (CERT_EXPIRED) for example.com:443",
        "reason": "CERT_HAS_EXPIRED",
        "host": "example.com",
        "port": 443,
        "verifyCode": 10,
    }
    assert handshake_error(refused, host="::1", port=8443).message.endswith("for [::1]:8443")


def test_a_hostname_mismatch_has_no_verify_code_when_verify_chain_found_it(
    certs: Certs,
) -> None:
    failure = verify_chain(
        [certificate_der(certs.wrong_host[0])], hostname="localhost", ca=(certs.ca_pem,)
    )
    assert failure is not None
    error = certificate_error(failure, host="localhost", port=1)
    assert "verifyCode" not in error.extra
    assert error.extra["reason"] == "ERR_TLS_CERT_ALTNAME_INVALID"


def test_a_peer_that_hangs_up_is_econnreset(certs: Certs) -> None:
    # A plain TCP server that closes at once: the client's handshake meets EOF.
    with socket.create_server(("127.0.0.1", 0)) as listener:
        address = listener.getsockname()
        raw = socket.create_connection(address, timeout=5)
        accepted, _ = listener.accept()
        accepted.close()
        client = client_context(TlsMaterial(ca=(certs.ca_pem,)))
        with pytest.raises(ssl.SSLError) as caught:
            client.wrap_socket(raw, server_hostname="localhost").close()
        raw.close()
    error = handshake_error(caught.value, host="localhost", port=address[1])
    assert isinstance(error, ErrnoError)
    assert error.code == "ECONNRESET"
    assert error.message == (
        "Client network socket disconnected before secure TLS connection was established"
    )


def test_a_plain_server_is_a_wrong_version_number(certs: Certs) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        address = listener.getsockname()
        raw = socket.create_connection(address, timeout=5)
        accepted, _ = listener.accept()
        with accepted:
            accepted.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            client = client_context(TlsMaterial(ca=(certs.ca_pem,)))
            with pytest.raises(ssl.SSLError) as caught:
                client.wrap_socket(raw, server_hostname="localhost").close()
            raw.close()
    error = handshake_error(caught.value, host="localhost", port=address[1])
    assert error.code == "ERR_SSL_WRONG_VERSION_NUMBER"
    assert error.to_dict()["library"] == "SSL routines"
    assert error.message == f"wrong version number (localhost:{address[1]})"


# --------------------------------------------------------------------------------------------
# Node's getPeerCertificate
# --------------------------------------------------------------------------------------------


def test_node_certificate_shape(certs: Certs) -> None:
    assert node_certificate(None) == {}
    rsa = node_certificate(certificate_der(certs.rsa_server[0]))
    assert rsa["bits"] == 2048
    assert rsa["exponent"] == "0x10001"
    assert rsa["subjectaltname"] == (
        "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"
    )
    assert rsa["issuer"]["O"] == "Oro Test CA"
    assert rsa["ca"] is False
    assert rsa["ext_key_usage"] == ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.3"]
    assert len(rsa["fingerprint"].split(":")) == 20
    assert len(rsa["fingerprint512"].split(":")) == 64
    assert len(rsa["serialNumber"]) % 2 == 0
    assert rsa["serialNumber"] == rsa["serialNumber"].upper()
    ec = node_certificate(certificate_der(certs.server[0]))
    assert (ec["asn1Curve"], ec["nistCurve"], ec["bits"]) == ("prime256v1", "P-256", 256)
    assert node_certificate(certificate_der(certs.ca_pem))["ca"] is True
    client = node_certificate(certificate_der(certs.client[0]))
    assert client["subject"]["CN"] == "client"
    assert client["subjectaltname"] == "email:client@example"


def test_node_certificate_of_what_cryptography_cannot_parse() -> None:
    der = b"\x30\x03\x02\x01\x00"
    assert set(node_certificate(der)) == {
        "fingerprint",
        "fingerprint256",
        "fingerprint512",
        "raw",
    }


def test_node_time_pads_the_day_with_a_space() -> None:
    moment = datetime.datetime(2027, 3, 1, 12, 0, 5, tzinfo=datetime.UTC)
    assert node_time(moment) == "Mar  1 12:00:05 2027 GMT"
    assert node_time(moment.replace(day=11)) == "Mar 11 12:00:05 2027 GMT"


NODE_FIELDS = (
    "subject",
    "issuer",
    "subjectaltname",
    "valid_from",
    "valid_to",
    "serialNumber",
    "fingerprint",
    "fingerprint256",
    "fingerprint512",
    "bits",
    "exponent",
    "modulus",
    "asn1Curve",
    "nistCurve",
    "ca",
    "ext_key_usage",
)


def test_node_certificate_is_what_node_reports(certs: Certs, tmp_path: Path) -> None:
    pairs = [list(certs.rsa_server), list(certs.server), list(certs.client)]
    reported = run_in_node(
        """
        const seen = []
        for (const [cert, key] of pairs) {
          const server = tls.createServer({ cert, key }, (socket) => socket.end())
          server.listen(0, '127.0.0.1')
          await once(server, 'listening')
          const socket = tls.connect({
            host: '127.0.0.1', port: server.address().port, rejectUnauthorized: false,
          })
          await once(socket, 'secureConnect')
          const certificate = socket.getPeerCertificate()
          const fields = {}
          for (const name of names) if (name in certificate) fields[name] = certificate[name]
          seen.push({ fields, x509: new crypto.X509Certificate(cert).serialNumber })
          socket.destroy()
          server.close()
        }
        return seen
        """,
        imports="import tls from 'node:tls'\nimport crypto from 'node:crypto'\n"
        "import { once } from 'node:events'",
        values={"pairs": pairs, "names": list(NODE_FIELDS)},
        directory=tmp_path,
    )
    for (cert, _key), node in zip(pairs, reported, strict=True):
        mine = node_certificate(certificate_der(cert))
        expected = {name: mine[name] for name in NODE_FIELDS if name in mine}
        # Node's getPeerCertificate copies null-prototype objects: plain JSON all the same.
        assert node["fields"] == expected
        assert node["x509"] == mine["serialNumber"]
