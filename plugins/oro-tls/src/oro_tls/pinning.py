"""Pinning a peer: the pins of a certificate (Oro's certificate pin and the SPKI pin, see
:mod:`.pins`) and the check made after every handshake.

Errors: :class:`~oro_framework.InvalidArgumentError` ``ERR_TLS_INVALID_CERT`` (no certificate
to pin); :class:`PinError` ``PIN_MISMATCH`` and ``PIN_UNAVAILABLE`` after a handshake.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING, ClassVar, Final

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
else:  # imported on first use (a pin read from a certificate): see oro_tls._lazy
    from oro_tls._lazy import serialization, x509

from oro_framework import InvalidArgumentError, IPCError
from oro_tls.pins import PIN_PREFIX

__all__ = [
    "PinError",
    "check_pins",
    "pin_of_certificate",
    "pin_of_pem",
    "spki_of_certificate",
    "spki_pin_of_certificate",
]

_PEM_CERTIFICATE: Final = re.compile(
    r"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.DOTALL
)


def _der_element(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``offset``."""
    if offset + 2 > len(data):
        raise ValueError("truncated DER")
    tag, length = data[offset], data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    if start + length > len(data):
        raise ValueError("truncated DER")
    return tag, start, start + length


def spki_of_certificate(der: bytes) -> bytes:
    """The SubjectPublicKeyInfo of a DER certificate, byte for byte as the certificate holds it.

    Re-encoding the parsed public key could differ from the certificate's own bytes (explicit
    EC parameters, RSA-PSS parameters...), and a pin must hash what the peer sent.
    """
    certificate = _load_der(der)
    tbs = certificate.tbs_certificate_bytes
    try:
        _tag, position, _end = _der_element(tbs, 0)
        tag, _start, end = _der_element(tbs, position)
        # The optional [0] version precedes the serial number.
        fields_before_spki = 6 if tag == 0xA0 else 5
        for _ in range(fields_before_spki):
            _tag, _start, end = _der_element(tbs, position)
            position = end
        _tag, _start, end = _der_element(tbs, position)
    except ValueError as error:
        raise InvalidArgumentError(
            f"Invalid certificate: {error}", code="ERR_TLS_INVALID_CERT"
        ) from None
    return tbs[position:end]


def _load_der(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except (ValueError, TypeError) as error:
        raise InvalidArgumentError(
            f"Invalid certificate: not a DER X.509 certificate ({error})",
            code="ERR_TLS_INVALID_CERT",
        ) from None


def _pin_of_bytes(data: bytes) -> str:
    return PIN_PREFIX + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def pin_of_certificate(der: bytes) -> str:
    """Oro's pin of a DER certificate: ``sha256/`` + base64(SHA-256(the DER)).

    The DER must be one certificate (``ERR_TLS_INVALID_CERT`` otherwise): hashing arbitrary bytes
    would answer a pin no peer can match.
    """
    _load_der(der)
    return _pin_of_bytes(der)


def spki_pin_of_certificate(der: bytes) -> str:
    """The key's pin of a DER certificate: ``sha256/`` + base64(SHA-256(SubjectPublicKeyInfo))."""
    return _pin_of_bytes(spki_of_certificate(der))


def pin_of_pem(pem: str) -> str:
    """Oro's pin of the first certificate of a PEM text (``ERR_TLS_INVALID_CERT`` if none)."""
    found = _PEM_CERTIFICATE.search(pem) if isinstance(pem, str) else None
    if found is None:
        raise InvalidArgumentError(
            "Invalid certificate: no '-----BEGIN CERTIFICATE-----' block in the PEM",
            code="ERR_TLS_INVALID_CERT",
        )
    try:
        certificate = x509.load_pem_x509_certificate(found.group(0).encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise InvalidArgumentError(
            f"Invalid certificate: the PEM does not parse ({error})",
            code="ERR_TLS_INVALID_CERT",
        ) from None
    return pin_of_certificate(certificate.public_bytes(serialization.Encoding.DER))


class PinError(IPCError):
    """A peer whose certificate matches none of the host's pins (or that sent none)."""

    error_type = "PinError"
    default_code = "PIN_MISMATCH"
    http_status: ClassVar[int] = 502


def check_pins(
    peer_der: bytes | None, expected: tuple[str, ...], *, host: str, port: int
) -> str | None:
    """The peer's certificate pin, after checking that one of ``expected`` (when any are
    expected) is its certificate pin or its SPKI pin.

    Returns ``None`` only when the peer sent no certificate and no pin is expected. Raises
    :class:`PinError` ``PIN_MISMATCH`` (extras ``expectedPins``, ``peerPin``, ``peerSpkiPin``,
    ``host``, ``port``) or ``PIN_UNAVAILABLE`` (pins expected, no certificate).
    """
    if peer_der is None:
        if not expected:
            return None
        raise PinError(
            f"Certificate pinning failure for {host}:{port}: the peer sent no certificate",
            code="PIN_UNAVAILABLE",
            expectedPins=list(expected),
            peerPin=None,
            host=host,
            port=port,
        )
    pin = pin_of_certificate(peer_der)
    if not expected or pin in expected:
        return pin
    spki_pin = spki_pin_of_certificate(peer_der)
    if spki_pin in expected:
        return pin
    raise PinError(
        f"Certificate pinning failure for {host}:{port}: peer pin {pin} "
        f"(key pin {spki_pin}) is not one of {', '.join(expected)}",
        expectedPins=list(expected),
        peerPin=pin,
        peerSpkiPin=spki_pin,
        host=host,
        port=port,
    )
