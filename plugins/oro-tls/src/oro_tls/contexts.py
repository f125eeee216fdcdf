"""``ssl`` contexts made from a page's TLS options, with Node's errors for bad material.

The page gives PEM strings (``ca``, ``cert``, ``key``, ``passphrase``). They are checked with
``cryptography`` first, so that a bad one fails with a typed
:class:`~oro_framework.InvalidArgumentError` saying what to fix (never showing the key):

=====================================  ====================================================
``ERR_TLS_PASSPHRASE_REQUIRED``        an encrypted key and no passphrase
``ERR_OSSL_BAD_DECRYPT``               a wrong passphrase
``ERR_TLS_INVALID_KEY``                a key that does not parse (or a server without one)
``ERR_TLS_INVALID_CERT``               a certificate that does not parse (or none)
``ERR_TLS_INVALID_CA``                 a ``ca`` that does not parse
``ERR_OSSL_X509_KEY_VALUES_MISMATCH``  a key that is not the certificate's
``ERR_TLS_INVALID_PROTOCOL_VERSION``   a ``minVersion``/``maxVersion`` that is not Node's name
``ERR_TLS_PROTOCOL_VERSION_CONFLICT``  ``minVersion`` above ``maxVersion``
``ERR_SSL_NO_CIPHER_MATCH``            a ``ciphers`` list OpenSSL selects nothing from
``ERR_INVALID_ARG_VALUE``              an ALPN protocol that is empty or over 255 bytes
=====================================  ====================================================

Python's ``ssl`` loads a certificate chain only from files: the chain and the key (still
encrypted, as given) are written to a private temporary directory (mode 0700) that is deleted
as soon as OpenSSL has read them.

``ciphers`` is OpenSSL's list for TLS 1.2 and below. TLS 1.3 suite names (``TLS_AES_...``) are
accepted and left out: Python cannot restrict TLS 1.3 suites, which stay OpenSSL's defaults.

OpenSSL verifies a client certificate whenever it asks for one: with ``requestCert`` and
``rejectUnauthorized: false`` (``CERT_OPTIONAL``) a client *without* a certificate is accepted,
but one whose certificate does not verify is still refused (Python has no verify callback to
accept it, as Node does).
"""

from __future__ import annotations

import functools
import os
import ssl
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
else:  # imported on first use (a page's own CA, certificate or key): see oro_tls._lazy
    from oro_tls._lazy import serialization, x509

from oro_framework import InvalidArgumentError

__all__ = [
    "TLS_VERSIONS",
    "TlsMaterial",
    "checked_ca",
    "checked_cert_chain",
    "checked_key",
    "client_context",
    "server_context",
    "tls_version",
]

TLS_VERSIONS: Final[dict[str, ssl.TLSVersion]] = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}
"""Node's names of the TLS versions (``minVersion``/``maxVersion``)."""

_ENCRYPTED_MARKERS: Final = ("BEGIN ENCRYPTED PRIVATE KEY", "Proc-Type: 4,ENCRYPTED")


class TlsMaterial(NamedTuple):
    """PEM material of one context: ``ca`` (each entry may hold several certificates),
    ``cert`` (the certificate chain, leaf first), ``key`` and its ``passphrase``."""

    ca: tuple[str, ...] = ()
    cert: str | None = None
    key: str | None = None
    passphrase: str | None = None


# --------------------------------------------------------------------------------------------
# Checking the material
# --------------------------------------------------------------------------------------------


def _pem_bytes(text: object, code: str, what: str) -> bytes:
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgumentError(f"Invalid {what}: expected a PEM string", code=code)
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            f"Invalid {what}: PEM is ASCII, this text is not", code=code
        ) from None


def checked_ca(ca: Sequence[str]) -> list[x509.Certificate]:
    """The certificates of ``ca`` (``ERR_TLS_INVALID_CA`` if an entry holds none or garbage)."""
    certificates: list[x509.Certificate] = []
    for index, entry in enumerate(ca):
        data = _pem_bytes(entry, "ERR_TLS_INVALID_CA", f"ca[{index}]")
        try:
            certificates.extend(x509.load_pem_x509_certificates(data))
        except ValueError as error:
            raise InvalidArgumentError(
                f"Invalid ca[{index}]: expected PEM certificates "
                f"('-----BEGIN CERTIFICATE-----'), {_reason(error)}",
                code="ERR_TLS_INVALID_CA",
            ) from None
    return certificates


def checked_cert_chain(cert: str | None) -> list[x509.Certificate]:
    """The certificates of ``cert``, leaf first (``ERR_TLS_INVALID_CERT`` if none)."""
    data = _pem_bytes(cert, "ERR_TLS_INVALID_CERT", "cert")
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as error:
        raise InvalidArgumentError(
            "Invalid cert: expected a PEM certificate chain ('-----BEGIN CERTIFICATE-----'), "
            + _reason(error),
            code="ERR_TLS_INVALID_CERT",
        ) from None


def checked_key(key: str | None, passphrase: str | None) -> PrivateKeyTypes:
    """The private key of ``key``, decrypted with ``passphrase`` when it is encrypted.

    A passphrase given for a key that is not encrypted is ignored, as Node and OpenSSL do.
    """
    data = _pem_bytes(key, "ERR_TLS_INVALID_KEY", "key")
    encrypted = any(marker in key for marker in _ENCRYPTED_MARKERS) if key else False
    if encrypted and not passphrase:
        raise InvalidArgumentError(
            "The private key is encrypted: give its passphrase (passphrase or keyPassphrase)",
            code="ERR_TLS_PASSPHRASE_REQUIRED",
        )
    password = passphrase.encode("utf-8") if encrypted and passphrase else None
    try:
        return serialization.load_pem_private_key(data, password)
    except TypeError:
        # What the PEM headers did not say (a key format whose encryption is inside the
        # base64): cryptography knows better, ask it again the other way round.
        if password is not None:
            return _load_key(data, None)
        if not passphrase:
            raise InvalidArgumentError(
                "The private key is encrypted: give its passphrase (passphrase or keyPassphrase)",
                code="ERR_TLS_PASSPHRASE_REQUIRED",
            ) from None
        return _load_key(data, passphrase.encode("utf-8"))
    except ValueError as error:
        raise _key_error(error, encrypted=password is not None) from None
    except Exception as error:  # unsupported algorithms raise their own exception types
        raise _key_error(error, encrypted=password is not None) from None


def _load_key(data: bytes, password: bytes | None) -> PrivateKeyTypes:
    try:
        return serialization.load_pem_private_key(data, password)
    except Exception as error:  # unsupported algorithms raise their own exception types
        raise _key_error(error, encrypted=password is not None) from None


def _key_error(error: Exception, *, encrypted: bool) -> InvalidArgumentError:
    # A wrong passphrase usually fails the padding check ("password"), but legacy PEM
    # encryption (Proc-Type: 4,ENCRYPTED) has only CBC padding to tell: about one wrong
    # passphrase in 256 decrypts to well-padded garbage that then fails to parse as ASN.1.
    # The passphrase is still what the user must fix, so both read as a bad decrypt.
    if encrypted and (isinstance(error, ValueError) or "password" in str(error).lower()):
        return InvalidArgumentError(
            "Bad decrypt: the passphrase does not decrypt the private key",
            code="ERR_OSSL_BAD_DECRYPT",
        )
    return InvalidArgumentError(
        "Invalid key: expected a PEM private key (PKCS#8 'BEGIN PRIVATE KEY', or "
        "'BEGIN RSA/EC PRIVATE KEY'), " + _reason(error),
        code="ERR_TLS_INVALID_KEY",
    )


def _reason(error: Exception) -> str:
    text = str(error).split(". See https://", 1)[0]
    return f"cryptography says: {text}" if text else "it does not parse"


def _public_der(key: PrivateKeyTypes | x509.Certificate) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _check_pair(chain: list[x509.Certificate], key: PrivateKeyTypes) -> None:
    if _public_der(chain[0]) != _public_der(key):
        raise InvalidArgumentError(
            "The key does not match the certificate (the first certificate of cert must be the "
            "one of key)",
            code="ERR_OSSL_X509_KEY_VALUES_MISMATCH",
        )


# --------------------------------------------------------------------------------------------
# Building contexts
# --------------------------------------------------------------------------------------------


def tls_version(name: str | None, which: str) -> ssl.TLSVersion | None:
    """The :class:`ssl.TLSVersion` of Node's ``name`` (``which`` is ``minimum``/``maximum``)."""
    if name is None:
        return None
    version = TLS_VERSIONS.get(name) if isinstance(name, str) else None
    if version is None:
        raise InvalidArgumentError(
            f"{name!r} is not a valid {which} TLS protocol version "
            f"(expected one of {', '.join(TLS_VERSIONS)})",
            code="ERR_TLS_INVALID_PROTOCOL_VERSION",
            parameter=f"{which[:3]}Version",
        )
    return version


def _configure(
    context: ssl.SSLContext,
    alpn: tuple[str, ...],
    min_version: str | None,
    max_version: str | None,
    ciphers: str | None,
) -> None:
    low = tls_version(min_version, "minimum")
    high = tls_version(max_version, "maximum")
    if low is not None and high is not None and low > high:
        raise InvalidArgumentError(
            f"minVersion {min_version} is above maxVersion {max_version}",
            code="ERR_TLS_PROTOCOL_VERSION_CONFLICT",
        )
    # The maximum first: a minimum above the default maximum is refused by OpenSSL otherwise.
    if high is not None:
        context.maximum_version = high
    if low is not None:
        context.minimum_version = low
    if ciphers is not None:
        _set_ciphers(context, ciphers)
    if alpn:
        for protocol in alpn:
            # Python's ssl sends ALPN names as ASCII (RFC 7301's registered names all are).
            if (
                not isinstance(protocol, str)
                or not protocol.isascii()
                or not 0 < len(protocol) < 256
            ):
                raise InvalidArgumentError(
                    f"Invalid ALPN protocol {protocol!r}: 1 to 255 ASCII characters",
                    code="ERR_INVALID_ARG_VALUE",
                    parameter="ALPNProtocols",
                )
        context.set_alpn_protocols(list(alpn))


def _set_ciphers(context: ssl.SSLContext, ciphers: str) -> None:
    names = [name for name in ciphers.split(":") if name.strip()]
    legacy = [name for name in names if not name.strip().startswith("TLS_")]
    if names and not legacy:
        return
    try:
        context.set_ciphers(":".join(legacy))
    except ssl.SSLError:
        raise InvalidArgumentError(
            f"No cipher match: OpenSSL selects no cipher from {ciphers!r}",
            code="ERR_SSL_NO_CIPHER_MATCH",
            parameter="ciphers",
        ) from None


def _load_ca(context: ssl.SSLContext, ca: tuple[str, ...]) -> None:
    if ca:
        checked_ca(ca)
        context.load_verify_locations(cadata="\n".join(ca))
    else:
        context.load_default_certs(
            ssl.Purpose.SERVER_AUTH
            if context.protocol == ssl.PROTOCOL_TLS_CLIENT
            else ssl.Purpose.CLIENT_AUTH
        )


def _load_cert_chain(context: ssl.SSLContext, material: TlsMaterial) -> None:
    chain = checked_cert_chain(material.cert)
    key = checked_key(material.key, material.passphrase)
    _check_pair(chain, key)
    assert material.cert is not None
    assert material.key is not None
    with tempfile.TemporaryDirectory(prefix="oro-tls-") as directory:
        os.chmod(directory, 0o700)
        cert_path = os.path.join(directory, "cert.pem")
        key_path = os.path.join(directory, "key.pem")
        for path, text in ((cert_path, material.cert), (key_path, material.key)):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(text)
        try:
            context.load_cert_chain(cert_path, key_path, password=material.passphrase or None)
        except ssl.SSLError as error:
            raise _load_error(error) from None


def _load_error(error: ssl.SSLError) -> InvalidArgumentError:
    reason = getattr(error, "reason", None) or ""
    if reason == "BAD_DECRYPT":
        return InvalidArgumentError(
            "Bad decrypt: the passphrase does not decrypt the private key",
            code="ERR_OSSL_BAD_DECRYPT",
        )
    if reason == "KEY_VALUES_MISMATCH":
        return InvalidArgumentError(
            "The key does not match the certificate", code="ERR_OSSL_X509_KEY_VALUES_MISMATCH"
        )
    if "KEY" in reason:
        return InvalidArgumentError(
            f"OpenSSL cannot use the key ({reason})", code="ERR_TLS_INVALID_KEY"
        )
    return InvalidArgumentError(
        f"OpenSSL cannot use the certificate ({reason or error})", code="ERR_TLS_INVALID_CERT"
    )


def client_context(
    material: TlsMaterial,
    *,
    reject_unauthorized: bool = True,
    check_hostname: bool = True,
    alpn: tuple[str, ...] = (),
    min_version: str | None = None,
    max_version: str | None = None,
    ciphers: str | None = None,
) -> ssl.SSLContext:
    """The context of ``tls.connect``.

    ``ca`` replaces the system's roots (as Node's ``ca`` does); ``cert``/``key`` are the client
    certificate. Without ``reject_unauthorized`` nothing is verified by OpenSSL (see
    :func:`oro_tls.verification.verify_chain` for what it would have said).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if reject_unauthorized:
        context.check_hostname = check_hostname
        context.verify_mode = ssl.CERT_REQUIRED
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    _load_ca(context, material.ca)
    if material.cert is not None or material.key is not None:
        if material.cert is None:
            raise InvalidArgumentError(
                "A client key needs its certificate (cert)", code="ERR_TLS_INVALID_CERT"
            )
        _load_cert_chain(context, material)
    _configure(context, alpn, min_version, max_version, ciphers)
    return context


def server_context(
    material: TlsMaterial,
    *,
    request_cert: bool = False,
    reject_unauthorized: bool = True,
    alpn: tuple[str, ...] = (),
    min_version: str | None = None,
    max_version: str | None = None,
    ciphers: str | None = None,
) -> ssl.SSLContext:
    """The context of ``tls.server.create``: ``cert`` and ``key`` are required.

    ``request_cert`` asks clients for a certificate, issued by one of ``ca`` (the system's
    roots when none): required with ``reject_unauthorized``, optional otherwise (see the module
    docstring for what OpenSSL does with an untrusted one). ``alpn`` is the server's
    preference order.
    """
    if material.cert is None:
        raise InvalidArgumentError(
            "A TLS server needs a certificate (cert)", code="ERR_TLS_INVALID_CERT"
        )
    if material.key is None:
        raise InvalidArgumentError(
            "A TLS server needs the certificate's private key (key)", code="ERR_TLS_INVALID_KEY"
        )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _load_cert_chain(context, material)
    if request_cert:
        context.verify_mode = ssl.CERT_REQUIRED if reject_unauthorized else ssl.CERT_OPTIONAL
        _load_ca(context, material.ca)
    else:
        context.verify_mode = ssl.CERT_NONE
        if material.ca:
            checked_ca(material.ca)
    _configure(context, alpn, min_version, max_version, ciphers)
    return context


@functools.lru_cache(maxsize=32)
def _shared_client_context(
    material: TlsMaterial, options: tuple[tuple[str, Any], ...]
) -> ssl.SSLContext:
    return client_context(material, **dict(options))


def reusable_client_context(material: TlsMaterial, **options: Any) -> ssl.SSLContext:
    """:func:`client_context` (same keyword options), made once per distinct set of options:
    loading the system's roots takes OpenSSL ~25 ms, far more than a handshake on loopback.
    Contexts with a client key are made anew each time, so no key outlives the connection
    that gave it."""
    if material.key is not None:
        return client_context(material, **options)
    return _shared_client_context(material, tuple(sorted(options.items())))
