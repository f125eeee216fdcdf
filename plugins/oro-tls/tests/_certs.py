"""Certificates, keys and real loopback servers for oro-tls's tests.

Plain helpers (``issue``, ``self_signed``, ``encrypted_key``, ``tls_echo_server``,
``tcp_echo_server``...) plus pytest fixtures a conftest can import by name::

    from _certs import ca, other_ca, server_pair, ...  # noqa: F401

Every certificate is made once per session: RSA keys are slow to generate. Every server socket
has a timeout, so a test that goes wrong fails instead of hanging.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import selectors
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = "s3cret"
SERVER_NAMES = ("localhost", "127.0.0.1", "::1")
CLIENT_IDENTITY = "client@example"
TIMEOUT = 5.0

PemPair = tuple[str, str]
"""``(certificate chain PEM, private key PEM)``."""


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def pem_pair(leaf: trustme.LeafCert) -> PemPair:
    """The chain (leaf first, then any intermediates) and the unencrypted key of a leaf."""
    chain = "".join(blob.bytes().decode("ascii") for blob in leaf.cert_chain_pems)
    return chain, leaf.private_key_pem.bytes().decode("ascii")


def ca_pem(authority: trustme.CA) -> str:
    """The CA's certificate: what a client passes as ``ca`` to trust it."""
    return authority.cert_pem.bytes().decode("ascii")


def issue(
    authority: trustme.CA,
    *names: str,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    key_type: trustme.KeyType = trustme.KeyType.ECDSA,
    common_name: str | None = None,
) -> PemPair:
    """A leaf of ``authority`` for ``names`` (DNS names, IP addresses or e-mail addresses).

    trustme's leaves carry the serverAuth, clientAuth and codeSigning EKUs, so one serves
    either side of mutual TLS.
    """
    return pem_pair(
        authority.issue_cert(
            *(names or SERVER_NAMES),
            not_before=not_before,
            not_after=not_after,
            key_type=key_type,
            common_name=common_name,
        )
    )


def self_signed(*names: str, days: int = 30) -> PemPair:
    """A self-signed end-entity certificate (not a CA) for ``names``, with no issuer at all."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, (names or SERVER_NAMES)[0])])
    alt_names = _alt_names(names or SERVER_NAMES)
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii"),
    )


def _alt_names(names: tuple[str, ...]) -> list[x509.GeneralName]:
    alt_names: list[x509.GeneralName] = []
    for entry in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(entry)))
        except ValueError:
            alt_names.append(x509.DNSName(entry))
    return alt_names


def encrypted_key(key_pem: str, passphrase: str = PASSPHRASE, *, traditional: bool = False) -> str:
    """``key_pem`` encrypted: PKCS#8 (``BEGIN ENCRYPTED PRIVATE KEY``), or with
    ``traditional`` OpenSSL's own format (``BEGIN RSA PRIVATE KEY`` / ``BEGIN EC PRIVATE KEY``
    with ``Proc-Type: 4,ENCRYPTED`` and ``DEK-Info``)."""
    key = serialization.load_pem_private_key(key_pem.encode("ascii"), None)
    form = (
        serialization.PrivateFormat.TraditionalOpenSSL
        if traditional
        else serialization.PrivateFormat.PKCS8
    )
    return key.private_bytes(
        serialization.Encoding.PEM,
        form,
        serialization.BestAvailableEncryption(passphrase.encode()),
    ).decode("ascii")


def openssl_pin(pem: str, directory: Path) -> str:
    """The pin the ``openssl`` CLI computes as Oro's docs do (TLS_QUICKSTART.md):
    ``openssl x509 -outform der | openssl dgst -sha256 -binary | base64``."""
    path = directory / "certificate.pem"
    path.write_text(pem)
    pipeline = f"openssl x509 -in '{path}' -outform der | openssl dgst -sha256 -binary | base64"
    run = subprocess.run(
        ["bash", "-o", "pipefail", "-c", pipeline], capture_output=True, text=True, check=True
    )
    return "sha256/" + run.stdout.strip()


def certificate_der(pem: str) -> bytes:
    """The DER of the first certificate of ``pem``."""
    return x509.load_pem_x509_certificate(pem.encode("ascii")).public_bytes(
        serialization.Encoding.DER
    )


# --------------------------------------------------------------------------------------------
# Fixtures (session-scoped: each is made once)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certs:
    """Everything the fixtures give, in one object for tests that want several."""

    ca: trustme.CA
    other_ca: trustme.CA
    server: PemPair
    rsa_server: PemPair
    expired: PemPair
    not_yet_valid: PemPair
    wrong_host: PemPair
    self_signed: PemPair
    client: PemPair
    other_client: PemPair
    encrypted_pkcs8_key: str
    encrypted_traditional_key: str
    extras: dict[str, PemPair] = field(default_factory=dict)

    @property
    def ca_pem(self) -> str:
        return ca_pem(self.ca)

    @property
    def other_ca_pem(self) -> str:
        return ca_pem(self.other_ca)


def make_certs() -> Certs:
    """A fresh set: a CA and everything it and an untrusted CA issue."""
    authority = trustme.CA(organization_name="Oro Test CA")
    other = trustme.CA(organization_name="Untrusted Test CA")
    now = _now()
    rsa_server = issue(authority, key_type=trustme.KeyType.RSA)
    return Certs(
        ca=authority,
        other_ca=other,
        server=issue(authority),
        rsa_server=rsa_server,
        expired=issue(
            authority,
            not_before=now - datetime.timedelta(days=30),
            not_after=now - datetime.timedelta(days=1),
        ),
        not_yet_valid=issue(
            authority,
            not_before=now + datetime.timedelta(days=1),
            not_after=now + datetime.timedelta(days=30),
        ),
        wrong_host=issue(authority, "wrong.example"),
        self_signed=self_signed(),
        client=issue(authority, CLIENT_IDENTITY, common_name="client"),
        other_client=issue(other, CLIENT_IDENTITY, common_name="client"),
        encrypted_pkcs8_key=encrypted_key(rsa_server[1]),
        encrypted_traditional_key=encrypted_key(rsa_server[1], traditional=True),
        extras={"untrusted": issue(other)},
    )


@pytest.fixture(scope="session")
def certs() -> Certs:
    """Every certificate and key of these helpers, made once per session."""
    return make_certs()


@pytest.fixture(scope="session")
def ca(certs: Certs) -> trustme.CA:
    """The test CA (trustme)."""
    return certs.ca


@pytest.fixture(scope="session")
def other_ca(certs: Certs) -> trustme.CA:
    """A second CA nobody trusts."""
    return certs.other_ca


@pytest.fixture(scope="session")
def server_pair(certs: Certs) -> PemPair:
    """A server certificate of the test CA for localhost, 127.0.0.1 and ::1 (EC key)."""
    return certs.server


@pytest.fixture(scope="session")
def rsa_server_pair(certs: Certs) -> PemPair:
    """The same names with an RSA key."""
    return certs.rsa_server


@pytest.fixture(scope="session")
def expired_pair(certs: Certs) -> PemPair:
    """Expired yesterday."""
    return certs.expired


@pytest.fixture(scope="session")
def not_yet_valid_pair(certs: Certs) -> PemPair:
    """Valid from tomorrow."""
    return certs.not_yet_valid


@pytest.fixture(scope="session")
def wrong_host_pair(certs: Certs) -> PemPair:
    """Only for wrong.example."""
    return certs.wrong_host


@pytest.fixture(scope="session")
def self_signed_pair(certs: Certs) -> PemPair:
    """Self-signed, for localhost, 127.0.0.1 and ::1."""
    return certs.self_signed


@pytest.fixture(scope="session")
def client_pair(certs: Certs) -> PemPair:
    """A client certificate of the test CA (client@example, clientAuth EKU)."""
    return certs.client


@pytest.fixture(scope="session")
def untrusted_client_pair(certs: Certs) -> PemPair:
    """A client certificate of the untrusted CA."""
    return certs.other_client


@pytest.fixture(scope="session")
def untrusted_server_pair(certs: Certs) -> PemPair:
    """A server certificate of the untrusted CA for localhost, 127.0.0.1 and ::1."""
    return certs.extras["untrusted"]


@pytest.fixture(scope="session")
def encrypted_pkcs8_key(certs: Certs) -> str:
    """``rsa_server_pair``'s key as PKCS#8 encrypted with ``PASSPHRASE``."""
    return certs.encrypted_pkcs8_key


@pytest.fixture(scope="session")
def encrypted_traditional_key(certs: Certs) -> str:
    """``rsa_server_pair``'s key as ``BEGIN RSA PRIVATE KEY`` with Proc-Type encryption."""
    return certs.encrypted_traditional_key


# --------------------------------------------------------------------------------------------
# Echo servers on real loopback sockets, each in a thread
# --------------------------------------------------------------------------------------------


@dataclass
class ServerLog:
    """What an echo server saw: handshake errors and the peer certificates of its clients."""

    errors: list[BaseException] = field(default_factory=list)
    peer_certificates: list[bytes | None] = field(default_factory=list)
    handshakes: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    """Released once per connection after its handshake (or its failure)."""


def _serve(
    listener: socket.socket,
    stop: socket.socket,
    handle: Callable[[socket.socket], None],
) -> None:
    workers: list[threading.Thread] = []
    with selectors.DefaultSelector() as selector:
        selector.register(listener, selectors.EVENT_READ)
        selector.register(stop, selectors.EVENT_READ)
        while True:
            ready = {key.fileobj for key, _ in selector.select()}
            if stop in ready:
                break
            try:
                connection, _address = listener.accept()
            except OSError:
                continue
            connection.settimeout(TIMEOUT)
            worker = threading.Thread(target=handle, args=(connection,), daemon=True)
            worker.start()
            workers.append(worker)
    for worker in workers:
        worker.join(TIMEOUT)


def _echo(connection: socket.socket) -> None:
    """Echo until the peer's FIN, then close (the peer sees its own FIN come back)."""
    with connection, contextlib.suppress(OSError):
        while data := connection.recv(65536):
            connection.sendall(data)


@contextlib.contextmanager
def _server(
    handle: Callable[[socket.socket], None], host: str, family: socket.AddressFamily
) -> Iterator[tuple[str, int]]:
    listener = socket.socket(family, socket.SOCK_STREAM)
    stop_reader, stop_writer = socket.socketpair()
    with listener, stop_reader, stop_writer:
        listener.bind((host, 0))
        listener.listen(16)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        thread = threading.Thread(target=_serve, args=(listener, stop_reader, handle), daemon=True)
        thread.start()
        try:
            yield host, port
        finally:
            stop_writer.send(b"x")
            thread.join(TIMEOUT * 2)


def tcp_echo_server(
    host: str = "127.0.0.1", family: socket.AddressFamily = socket.AF_INET
) -> contextlib.AbstractContextManager[tuple[str, int]]:
    """A TCP server echoing every connection's bytes until it half-closes; yields (host, port)."""
    return _server(_echo, host, family)


def tls_echo_server(
    context: ssl.SSLContext,
    *,
    host: str = "127.0.0.1",
    family: socket.AddressFamily = socket.AF_INET,
    log: ServerLog | None = None,
) -> contextlib.AbstractContextManager[tuple[str, int]]:
    """A TLS server (``context`` is a server context) echoing each connection's bytes; yields
    (host, port). Handshake failures and the client certificates go to ``log`` if given.
    """
    record = log if log is not None else ServerLog()

    def handle(connection: socket.socket) -> None:
        try:
            tls = context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        except OSError as error:
            record.errors.append(error)
            record.handshakes.release()
            connection.close()
            return
        with tls:
            try:
                tls.do_handshake()
            except (OSError, ValueError) as error:
                record.errors.append(error)
                record.handshakes.release()
                return
            record.peer_certificates.append(tls.getpeercert(binary_form=True))
            record.handshakes.release()
            _echo(tls)

    return _server(handle, host, family)


def tls_client(
    context: ssl.SSLContext,
    address: tuple[str, int],
    *,
    server_hostname: str | None = "localhost",
    family: socket.AddressFamily = socket.AF_INET,
) -> ssl.SSLSocket:
    """A connected, handshaken TLS client socket (with ``TIMEOUT``) to ``address``.

    Raises what the handshake raises (``ssl.SSLCertVerificationError``...).
    """
    raw = socket.socket(family, socket.SOCK_STREAM)
    raw.settimeout(TIMEOUT)
    try:
        raw.connect(address)
        return context.wrap_socket(raw, server_hostname=server_hostname)
    except BaseException:
        raw.close()
        raise


def client_only_pair(authority: trustme.CA, *names: str) -> PemPair:
    """A leaf of ``authority`` for ``names`` whose only extended key usage is clientAuth: not
    a certificate a TLS client accepts from a server (OpenSSL's INVALID_PURPOSE)."""
    ca_key = serialization.load_pem_private_key(authority.private_key_pem.bytes(), None)
    ca_certificate = x509.load_pem_x509_certificate(authority.cert_pem.bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    alt_names = _alt_names(names or ("localhost",))
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "client only")]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii"),
    )
