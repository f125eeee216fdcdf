"""Certificate and handshake failures in Oro's codes and Node's words.

Three ways a handshake's certificate can be judged, one vocabulary for all of them:

* :func:`failure_of` reads OpenSSL's verdict (an :class:`ssl.SSLCertVerificationError` of a
  handshake with ``rejectUnauthorized``);
* :func:`verify_chain` says what OpenSSL would have said of a chain a handshake did not verify
  (``rejectUnauthorized: false``), with ``cryptography``'s path builder: it answers as Node's
  ``authorizationError`` does, which is OpenSSL's *last* error when its verify callback lets
  every error pass (so a leaf's validity period comes first, the host name last, and a lone
  untrusted leaf is ``UNABLE_TO_VERIFY_LEAF_SIGNATURE``);
* :func:`certificate_error` turns either into the :class:`CertificateError` (502) that fails
  ``tls.connect``.

Other ``ssl.SSLError`` of a handshake (an alert from the peer, no shared cipher or version)
become a :class:`TlsError` (``error_type`` ``TlsError``, status 502: the peer's doing, not the
page's) with Node's ``code`` ``ERR_SSL_<REASON>``, its ``library`` and ``reason``, through
:func:`handshake_error`; a peer that hangs up during the handshake is an
:class:`~oro_framework.ErrnoError` ``ECONNRESET`` worded as Node's.
"""

from __future__ import annotations

import datetime
import errno as errno_module
import functools
import ipaddress
import os
import re
import ssl
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Final, NamedTuple

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509 import oid, verification
else:  # imported on first use (a chain to verify): see oro_tls._lazy
    from oro_tls._lazy import oid, serialization, verification, x509

from oro_framework import ErrnoError, IPCError

from .certificates import subject_alt_name_text

__all__ = [
    "CertificateError",
    "TlsError",
    "VerifyFailure",
    "certificate_error",
    "failure_of",
    "handshake_error",
    "system_roots",
    "unverified_chain",
    "verify_chain",
]


class VerifyFailure(NamedTuple):
    """Why a certificate is not trusted: Oro's ``code``, Node's ``reason``
    (``authorizationError``), a ``message`` in OpenSSL's/Node's words and OpenSSL's
    ``verify_code`` (X509_V_ERR_*) when known."""

    code: str
    reason: str
    message: str
    verify_code: int | None = None


# OpenSSL's X509_V_ERR_* numbers: (name without the prefix, X509_verify_cert_error_string).
# The names are Node's ``authorizationError`` strings.
X509_ERRORS: Final[dict[int, tuple[str, str]]] = {
    2: ("UNABLE_TO_GET_ISSUER_CERT", "unable to get issuer certificate"),
    3: ("UNABLE_TO_GET_CRL", "unable to get certificate CRL"),
    4: ("UNABLE_TO_DECRYPT_CERT_SIGNATURE", "unable to decrypt certificate's signature"),
    5: ("UNABLE_TO_DECRYPT_CRL_SIGNATURE", "unable to decrypt CRL's signature"),
    6: ("UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY", "unable to decode issuer public key"),
    7: ("CERT_SIGNATURE_FAILURE", "certificate signature failure"),
    8: ("CRL_SIGNATURE_FAILURE", "CRL signature failure"),
    9: ("CERT_NOT_YET_VALID", "certificate is not yet valid"),
    10: ("CERT_HAS_EXPIRED", "certificate has expired"),
    11: ("CRL_NOT_YET_VALID", "CRL is not yet valid"),
    12: ("CRL_HAS_EXPIRED", "CRL has expired"),
    13: ("ERROR_IN_CERT_NOT_BEFORE_FIELD", "format error in certificate's notBefore field"),
    14: ("ERROR_IN_CERT_NOT_AFTER_FIELD", "format error in certificate's notAfter field"),
    18: ("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
    19: ("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
    20: ("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate"),
    21: ("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"),
    22: ("CERT_CHAIN_TOO_LONG", "certificate chain too long"),
    23: ("CERT_REVOKED", "certificate revoked"),
    24: ("INVALID_CA", "invalid CA certificate"),
    25: ("PATH_LENGTH_EXCEEDED", "path length constraint exceeded"),
    26: ("INVALID_PURPOSE", "unsupported certificate purpose"),
    27: ("CERT_UNTRUSTED", "certificate not trusted"),
    28: ("CERT_REJECTED", "certificate rejected"),
    29: ("SUBJECT_ISSUER_MISMATCH", "subject issuer mismatch"),
    32: ("KEYUSAGE_NO_CERTSIGN", "key usage does not include certificate signing"),
    34: ("UNHANDLED_CRITICAL_EXTENSION", "unhandled critical extension"),
    37: ("INVALID_NON_CA", "invalid non-CA certificate (has CA markings)"),
    41: ("INVALID_EXTENSION", "invalid or inconsistent certificate extension"),
    47: ("PERMITTED_VIOLATION", "permitted subtree violation"),
    48: ("EXCLUDED_VIOLATION", "excluded subtree violation"),
    62: ("HOSTNAME_MISMATCH", "hostname mismatch"),
    63: ("EMAIL_MISMATCH", "email address mismatch"),
    64: ("IP_ADDRESS_MISMATCH", "IP address mismatch"),
    66: ("EE_KEY_TOO_SMALL", "EE certificate key too weak"),
    67: ("CA_KEY_TOO_SMALL", "CA certificate key too weak"),
    68: ("CA_MD_TOO_WEAK", "CA signature digest algorithm too weak"),
    76: ("UNSUPPORTED_SIGNATURE_ALGORITHM", "Cannot find certificate signature algorithm"),
}

# Oro's code of each X509_V_ERR_* that has one of its own; the rest are
# CERTIFICATE_VERIFY_FAILED.
_ORO_CODES: Final[dict[int, str]] = {
    2: "CERT_UNTRUSTED",
    20: "CERT_UNTRUSTED",
    21: "CERT_UNTRUSTED",
    27: "CERT_UNTRUSTED",
    18: "CERT_UNTRUSTED_ROOT",
    19: "CERT_UNTRUSTED_ROOT",
    10: "CERT_EXPIRED",
    9: "CERT_NOT_TIME_VALID",
    13: "CERT_NOT_TIME_VALID",
    14: "CERT_NOT_TIME_VALID",
    23: "CERT_REVOKED",
    12: "CRL_EXPIRED",
    7: "CERT_BAD_SIGNATURE",
    8: "CERT_BAD_SIGNATURE",
    4: "CERT_BAD_SIGNATURE",
    26: "CERT_NOT_PERMITTED",
    62: "HOSTNAME_MISMATCH",
    64: "HOSTNAME_MISMATCH",
}
_HOSTNAME_MISMATCH: Final = "HOSTNAME_MISMATCH"
_ALTNAME_REASON: Final = "ERR_TLS_CERT_ALTNAME_INVALID"
_HOSTNAME_CODES: Final = frozenset({62, 64})


def _failure(verify_code: int, message: str | None = None) -> VerifyFailure:
    name, text = X509_ERRORS.get(verify_code, (f"X509_V_ERR_{verify_code}", ""))
    return VerifyFailure(
        code=_ORO_CODES.get(verify_code, "CERTIFICATE_VERIFY_FAILED"),
        reason=name,
        message=message or text or f"certificate verify failed ({name})",
        verify_code=verify_code,
    )


def failure_of(error: ssl.SSLCertVerificationError) -> VerifyFailure:
    """Oro's code and Node's reason of OpenSSL's verdict on a handshake."""
    code: int | None = getattr(error, "verify_code", None)
    message: str = getattr(error, "verify_message", None) or ""
    if code in _HOSTNAME_CODES or message.startswith(("Hostname mismatch", "IP address mismatch")):
        return VerifyFailure(
            code=_HOSTNAME_MISMATCH,
            reason=_ALTNAME_REASON,
            message=message or "Hostname/IP does not match certificate's altnames",
            verify_code=code,
        )
    if code is None:
        return VerifyFailure(
            code="CERTIFICATE_VERIFY_FAILED",
            reason="CERTIFICATE_VERIFY_FAILED",
            message=message or str(error),
        )
    return _failure(code, message or None)


class CertificateError(IPCError):
    """A peer certificate the connection does not trust (``tls.connect`` with
    ``rejectUnauthorized``); extras ``reason``, ``host``, ``port`` and ``verifyCode``."""

    error_type = "CertificateError"
    default_code = "CERTIFICATE_VERIFY_FAILED"
    http_status: ClassVar[int] = 502


class TlsError(IPCError):
    """A handshake OpenSSL refused for a reason other than the certificate (an alert from the
    peer, no shared version or cipher): Node's ``ERR_SSL_*`` code with ``library`` and
    ``reason``."""

    error_type = "TlsError"
    default_code = "ERR_SSL_HANDSHAKE_FAILURE"
    http_status: ClassVar[int] = 502


def certificate_error(failure: VerifyFailure, *, host: str, port: int) -> CertificateError:
    """The error that fails ``tls.connect`` for ``failure``: ``<message> (<code>) for
    host:port``."""
    extra: dict[str, Any] = {"reason": failure.reason, "host": host, "port": port}
    if failure.verify_code is not None:
        extra["verifyCode"] = failure.verify_code
    return CertificateError(
        f"{failure.message} ({failure.code}) for {_host_port(host, port)}",
        code=failure.code,
        **extra,
    )


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


_SSL_MESSAGE: Final = re.compile(r"^\[[^\]]*\]\s*(?P<text>.*?)(?:\s*\(_ssl\.c:\d+\))?$")


def handshake_error(
    error: ssl.SSLError, *, host: str, port: int, handshaking: bool = True
) -> IPCError:
    """The IPC error of an ``ssl.SSLError`` raised by a handshake or a read/write after it.

    A certificate verdict is :func:`certificate_error`; a peer that closed the connection is
    ``ECONNRESET``; anything else is a :class:`TlsError` ``ERR_SSL_<REASON>``
    (``ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED``, ``ERR_SSL_WRONG_VERSION_NUMBER``...).
    """
    if isinstance(error, ssl.SSLCertVerificationError):
        return certificate_error(failure_of(error), host=host, port=port)
    reason: str | None = getattr(error, "reason", None)
    if isinstance(error, ssl.SSLEOFError | ssl.SSLZeroReturnError) or reason in (
        "UNEXPECTED_EOF_WHILE_READING",
        None,
    ):
        message = (
            "Client network socket disconnected before secure TLS connection was established"
            if handshaking
            else "read ECONNRESET"
        )
        return ErrnoError(
            message,
            code="ECONNRESET",
            errno=-errno_module.ECONNRESET,
            syscall=None if handshaking else "read",
            host=host,
            port=port,
        )
    found = _SSL_MESSAGE.match(str(error))
    text = found.group("text") if found and found.group("text") else reason.lower()
    text = text.replace("_", " ")
    return TlsError(
        f"{text} ({_host_port(host, port)})",
        code=f"ERR_SSL_{reason}",
        library="SSL routines" if (error.library or "SSL") == "SSL" else error.library,
        reason=text,
        host=host,
        port=port,
    )


# --------------------------------------------------------------------------------------------
# The chain a handshake received
# --------------------------------------------------------------------------------------------


def unverified_chain(ssl_object: ssl.SSLObject | ssl.SSLSocket) -> list[bytes]:
    """The certificates the peer sent, DER, leaf first (``[]`` if it sent none).

    Python 3.13 has ``get_unverified_chain()``; 3.11 and 3.12 only the private
    ``_sslobj.get_unverified_chain()``. Neither includes the leaf on the server side (OpenSSL's
    ``SSL_get_peer_cert_chain``), so it is put first when missing.
    """
    leaf = ssl_object.getpeercert(binary_form=True)
    chain: list[bytes] = []
    public = getattr(ssl_object, "get_unverified_chain", None)
    if public is not None:
        chain = [bytes(item) for item in public() or ()]
    else:
        private = getattr(getattr(ssl_object, "_sslobj", None), "get_unverified_chain", None)
        if private is not None:
            der = getattr(getattr(ssl, "_ssl", None), "ENCODING_DER", 2)
            chain = [item.public_bytes(der) for item in private() or ()]
    if leaf and (not chain or chain[0] != leaf):
        chain.insert(0, leaf)
    return chain


# --------------------------------------------------------------------------------------------
# verify_chain: what OpenSSL would have said
# --------------------------------------------------------------------------------------------


def _load_pem_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a bundle that parses (system bundles hold a few that do not)."""
    certificates = []
    for block in re.findall(
        rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", data, re.DOTALL
    ):
        try:
            with warnings.catch_warnings():
                # A few old roots have a non-positive serial; OpenSSL trusts them all the same.
                warnings.simplefilter("ignore")
                certificates.append(x509.load_pem_x509_certificate(block))
        except ValueError:
            continue
    return certificates


@functools.lru_cache(maxsize=1)
def system_roots() -> tuple[x509.Certificate, ...]:
    """The system's trusted roots, as OpenSSL's default paths name them (then certifi's)."""
    paths = ssl.get_default_verify_paths()
    files = [path for path in (paths.cafile, paths.openssl_cafile) if path]
    try:
        import certifi  # type: ignore[import-not-found, unused-ignore]

        files.append(str(certifi.where()))
    except ImportError:
        pass
    roots: list[x509.Certificate] = []
    for path in dict.fromkeys(files):
        try:
            with open(path, "rb") as file:
                roots.extend(_load_pem_certificates(file.read()))
        except OSError:
            continue
        if roots:
            return tuple(roots)
    for directory in dict.fromkeys(d for d in (paths.capath, paths.openssl_capath) if d):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            if not re.fullmatch(r"[0-9a-f]{8}\.\d+", name):
                continue
            try:
                with open(os.path.join(directory, name), "rb") as file:
                    roots.extend(_load_pem_certificates(file.read()))
            except OSError:
                continue
    return tuple(roots)


def _is_self_issued(certificate: x509.Certificate) -> bool:
    return certificate.subject == certificate.issuer and _issued_by(certificate, certificate)


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    if certificate.issuer != issuer.subject:
        return False
    try:
        certificate.verify_directly_issued_by(issuer)
    # InvalidSignature, or ValueError/TypeError/UnsupportedAlgorithm for keys it cannot use:
    # all mean "not this issuer".
    except Exception:
        return False
    return True


def _presented_path(chain: list[x509.Certificate]) -> list[x509.Certificate]:
    """The path OpenSSL builds from the peer's own certificates alone, leaf first."""
    path = [chain[0]]
    while not _is_self_issued(path[-1]):
        issuer = next(
            (c for c in chain[1:] if c not in path and _issued_by(path[-1], c)),
            None,
        )
        if issuer is None:
            break
        path.append(issuer)
    return path


def _time_failure(path: Iterable[x509.Certificate], now: datetime.datetime) -> VerifyFailure | None:
    # OpenSSL checks the times from the root down and Node reports the last error: the leaf's.
    for certificate in path:
        if now > certificate.not_valid_after_utc:
            return _failure(10)
        if now < certificate.not_valid_before_utc:
            return _failure(9)
    return None


def _name_matches(certificate: x509.Certificate, hostname: str) -> bool:
    """Whether a certificate without a subjectAltName names ``hostname`` in its CN (OpenSSL
    falls back to the CN then, as Python's ``hostname_checks_common_name`` does)."""
    names = certificate.subject.get_attributes_for_oid(oid.NameOID.COMMON_NAME)
    return any(str(name.value).lower() == hostname.lower().rstrip(".") for name in names)


def _subject(hostname: str) -> verification.Subject:
    try:
        return x509.IPAddress(ipaddress.ip_address(hostname.strip("[]")))
    except ValueError:
        return x509.DNSName(hostname.rstrip("."))


def _hostname_failure(leaf: x509.Certificate, hostname: str) -> VerifyFailure:
    altnames = subject_alt_name_text(leaf)
    try:
        ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        detail = f"Host: {hostname}. is not in the cert's altnames: {altnames}"
    else:
        detail = f"IP: {hostname} is not in the cert's list: {altnames}"
    return VerifyFailure(
        code=_HOSTNAME_MISMATCH,
        reason=_ALTNAME_REASON,
        message=f"Hostname/IP does not match certificate's altnames: {detail}",
    )


@functools.cache
def _ca_policy() -> verification.ExtensionPolicy:
    return verification.ExtensionPolicy.permit_all().require_present(
        x509.BasicConstraints, verification.Criticality.AGNOSTIC, None
    )


@functools.cache
def _san_policy() -> verification.ExtensionPolicy:
    return verification.ExtensionPolicy.permit_all().require_present(
        x509.SubjectAlternativeName, verification.Criticality.AGNOSTIC, None
    )


def _builder(
    roots: list[x509.Certificate], now: datetime.datetime, ee: verification.ExtensionPolicy
) -> verification.PolicyBuilder:
    # OpenSSL does not enforce the Web PKI profile (a critical subjectAltName, an authority
    # key identifier...): only the chain, the CA flags and the names.
    return (
        verification.PolicyBuilder()
        .store(verification.Store(roots))
        .time(now)
        .extension_policies(ca_policy=_ca_policy(), ee_policy=ee)
    )


def verify_chain(
    chain: list[bytes],
    *,
    hostname: str | None,
    ca: tuple[str, ...],
    now: datetime.datetime | None = None,
) -> VerifyFailure | None:
    """What OpenSSL (as Node reports it) would say of the peer's ``chain`` (DER, leaf first)
    for ``hostname`` (``None``: no name check, e.g. a client's certificate), trusting ``ca``
    (PEM strings) or the system's roots. ``None`` when trusted.

    Order: the validity period (``CERT_EXPIRED``, ``CERT_NOT_TIME_VALID``), then the path to a
    trusted root (``CERT_UNTRUSTED_ROOT``, ``CERT_UNTRUSTED``), then the name
    (``HOSTNAME_MISMATCH``); anything else ``CERTIFICATE_VERIFY_FAILED`` with
    ``cryptography``'s reason.
    """
    moment = now or datetime.datetime.now(datetime.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    try:
        return _verify_chain(chain, hostname, ca, moment)
    except ValueError as error:
        # What OpenSSL accepted and cryptography does not parse (duplicate extensions, a
        # malformed name...): say so rather than fail the connection's report.
        return VerifyFailure(
            code="CERTIFICATE_VERIFY_FAILED",
            reason="CERT_UNPARSEABLE",
            message=f"the peer's certificate does not parse: {error}",
        )


def _verify_chain(
    chain: list[bytes], hostname: str | None, ca: tuple[str, ...], moment: datetime.datetime
) -> VerifyFailure | None:
    if not chain:
        return VerifyFailure(
            code="CERT_UNTRUSTED",
            reason="UNABLE_TO_GET_ISSUER_CERT",
            message="the peer sent no certificate",
            verify_code=2,
        )
    certificates = [x509.load_der_x509_certificate(der) for der in chain]
    leaf, intermediates = certificates[0], certificates[1:]
    path = _presented_path(certificates)
    expired = _time_failure(path, moment)
    if expired is not None:
        return expired
    if ca:
        roots = [c for entry in ca for c in _load_pem_certificates(entry.encode("ascii"))]
    else:
        roots = list(system_roots())
        if not roots:
            return VerifyFailure(
                code="CERT_UNTRUSTED",
                reason="UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
                message="unable to get local issuer certificate: no trusted root "
                "certificates could be loaded from the system (give ca)",
                verify_code=20,
            )
    # A client verifier checks the path without a name (nor a subjectAltName to hold one);
    # with every end-entity extension permitted it does not insist on clientAuth either.
    trust = _builder(roots, moment, verification.ExtensionPolicy.permit_all())
    try:
        trust.build_client_verifier().verify(leaf, intermediates)
    except verification.VerificationError as error:
        return _untrusted(error, path, roots)
    if hostname is None:
        return None
    if not _serves_tls(leaf):
        # OpenSSL checks the purpose before the name: X509_V_ERR_INVALID_PURPOSE.
        return _failure(26)
    has_san = any(isinstance(e.value, x509.SubjectAlternativeName) for e in leaf.extensions)
    if not has_san:
        return None if _name_matches(leaf, hostname) else _hostname_failure(leaf, hostname)
    try:
        subject = _subject(hostname)
    except ValueError:
        return _hostname_failure(leaf, hostname)
    try:
        _builder(roots, moment, _san_policy()).build_server_verifier(subject).verify(
            leaf, intermediates
        )
    except verification.VerificationError as error:
        if "subjectAltName" in str(error):
            return _hostname_failure(leaf, hostname)
        return _other(error)
    return None


def _serves_tls(leaf: x509.Certificate) -> bool:
    """Whether the leaf's extended key usage (if any) allows a TLS server."""
    try:
        usages = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return any(
        usage
        in (oid.ExtendedKeyUsageOID.SERVER_AUTH, oid.ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE)
        for usage in usages
    )


def _untrusted(
    error: verification.VerificationError,
    path: list[x509.Certificate],
    roots: list[x509.Certificate],
) -> VerifyFailure:
    top = path[-1]
    der = top.public_bytes(serialization.Encoding.DER)
    trusted_issuer = any(
        root.public_bytes(serialization.Encoding.DER) == der or _issued_by(top, root)
        for root in roots
    )
    if trusted_issuer:
        # A path to a trusted root exists: something else is wrong with it.
        return _other(error)
    if _is_self_issued(top):
        return _failure(18 if len(path) == 1 else 19)
    return _failure(21 if len(path) == 1 else 20)


def _other(error: verification.VerificationError) -> VerifyFailure:
    text = str(error).removeprefix("validation failed: ")
    text = re.sub(r"\s*\(encountered processing <Certificate.*$", "", text, flags=re.DOTALL)
    return VerifyFailure(
        code="CERTIFICATE_VERIFY_FAILED",
        reason="CERTIFICATE_VERIFY_FAILED",
        message=f"certificate verify failed: {text}",
    )
