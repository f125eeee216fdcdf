"""A certificate in the shape of Node's ``tlsSocket.getPeerCertificate()``, JSON-safe.

Differences from Node, all because the page receives JSON: ``raw`` and ``pubkey`` are base64
(the page makes ``Buffer`` objects of them) and ``pubkey`` is the SubjectPublicKeyInfo DER for
every key type (Node gives an EC key's bare point); ``issuerCertificate`` is left out.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509 import oid
else:  # imported on first use (a page's TLS certificate): see oro_tls._lazy
    from oro_tls._lazy import ec, oid, rsa, serialization, x509

__all__ = ["node_certificate", "node_name", "node_time", "subject_alt_name_text"]


@functools.cache
def _name_keys() -> dict[x509.ObjectIdentifier, str]:
    """Node's keys for the name attributes (OpenSSL's short names)."""
    return {
        oid.NameOID.COUNTRY_NAME: "C",
        oid.NameOID.STATE_OR_PROVINCE_NAME: "ST",
        oid.NameOID.LOCALITY_NAME: "L",
        oid.NameOID.ORGANIZATION_NAME: "O",
        oid.NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
        oid.NameOID.COMMON_NAME: "CN",
    }


_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
# OpenSSL's short name (Node's asn1Curve) and NIST name (nistCurve) of cryptography's curves.
_CURVES: Final[dict[str, tuple[str, str | None]]] = {
    "secp192r1": ("prime192v1", "P-192"),
    "secp224r1": ("secp224r1", "P-224"),
    "secp256r1": ("prime256v1", "P-256"),
    "secp384r1": ("secp384r1", "P-384"),
    "secp521r1": ("secp521r1", "P-521"),
    "secp256k1": ("secp256k1", None),
}


def node_name(name: x509.Name) -> dict[str, Any]:
    """``{C, ST, L, O, OU, CN}`` of those present; a repeated attribute is a list (Node's)."""
    result: dict[str, Any] = {}
    for attribute in name:
        key = _name_keys().get(attribute.oid)
        if key is None:
            continue
        value = attribute.value if isinstance(attribute.value, str) else attribute.value.hex()
        if key not in result:
            result[key] = value
        elif isinstance(result[key], list):
            result[key].append(value)
        else:
            result[key] = [result[key], value]
    return result


def node_time(moment: Any) -> str:
    """OpenSSL's ``ASN1_TIME_print`` form, as Node shows it: ``Mar  1 12:00:00 2027 GMT``."""
    return (
        f"{_MONTHS[moment.month - 1]} {moment.day:>2} "
        f"{moment.hour:02}:{moment.minute:02}:{moment.second:02} {moment.year} GMT"
    )


def _general_name(name: x509.GeneralName) -> str | None:
    if isinstance(name, x509.DNSName):
        return f"DNS:{name.value}"
    if isinstance(name, x509.IPAddress):
        if isinstance(name.value, ipaddress.IPv4Address):
            return f"IP Address:{name.value}"
        if isinstance(name.value, ipaddress.IPv6Address):
            # Node prints every group, upper-case, unabbreviated: 0:0:0:0:0:0:0:1.
            packed = name.value.packed
            groups = (int.from_bytes(packed[i : i + 2], "big") for i in range(0, 16, 2))
            return "IP Address:" + ":".join(f"{group:X}" for group in groups)
        return None
    if isinstance(name, x509.RFC822Name):
        return f"email:{name.value}"
    if isinstance(name, x509.UniformResourceIdentifier):
        return f"URI:{name.value}"
    if isinstance(name, x509.DirectoryName):
        return "DirName:" + "/".join(f"{a.rfc4514_attribute_name}={a.value!s}" for a in name.value)
    if isinstance(name, x509.RegisteredID):
        return f"Registered ID:{name.value.dotted_string}"
    return None


def subject_alt_name_text(certificate: x509.Certificate) -> str:
    """The subjectAltName as Node prints it: ``DNS:a.example, IP Address:127.0.0.1``."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ""
    return ", ".join(text for text in map(_general_name, names.value) if text is not None)


def _colon_hex(data: bytes) -> str:
    return ":".join(f"{byte:02X}" for byte in data)


def _serial_hex(serial: int) -> str:
    # OpenSSL's BN_bn2hex: whole bytes, so an even number of digits ("0A", not "A").
    if serial == 0:
        return "00"
    sign = "-" if serial < 0 else ""
    magnitude = abs(serial)
    return sign + magnitude.to_bytes((magnitude.bit_length() + 7) // 8, "big").hex().upper()


def node_certificate(der: bytes | None) -> dict[str, Any]:
    """Node's ``getPeerCertificate()`` of a DER certificate (``{}`` for ``None``)."""
    if not der:
        return {}
    try:
        return _node_certificate(der)
    except ValueError:
        # OpenSSL accepted it, cryptography does not parse it (a negative serial, duplicate
        # extensions...): what needs no parsing.
        return {**_digests(der), "raw": base64.b64encode(der).decode("ascii")}


def _digests(der: bytes) -> dict[str, str]:
    return {
        "fingerprint": _colon_hex(hashlib.sha1(der).digest()),
        "fingerprint256": _colon_hex(hashlib.sha256(der).digest()),
        "fingerprint512": _colon_hex(hashlib.sha512(der).digest()),
    }


def _node_certificate(der: bytes) -> dict[str, Any]:
    certificate = x509.load_der_x509_certificate(der)
    public_key = certificate.public_key()
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        is_ca = bool(constraints.value.ca)
    except x509.ExtensionNotFound:
        is_ca = False
    result: dict[str, Any] = {
        "subject": node_name(certificate.subject),
        "issuer": node_name(certificate.issuer),
        "ca": is_ca,
    }
    altnames = subject_alt_name_text(certificate)
    if altnames:
        result["subjectaltname"] = altnames
    if isinstance(public_key, rsa.RSAPublicKey):
        numbers = public_key.public_numbers()
        result["modulus"] = f"{numbers.n:X}"
        result["bits"] = public_key.key_size
        result["exponent"] = f"0x{numbers.e:x}"
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        result["bits"] = public_key.key_size
        asn1, nist = _CURVES.get(public_key.curve.name, (public_key.curve.name, None))
        result["asn1Curve"] = asn1
        if nist is not None:
            result["nistCurve"] = nist
    result["pubkey"] = base64.b64encode(spki).decode("ascii")
    result["valid_from"] = node_time(certificate.not_valid_before_utc)
    result["valid_to"] = node_time(certificate.not_valid_after_utc)
    result.update(_digests(der))
    try:
        usages = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        result["ext_key_usage"] = [oid.dotted_string for oid in usages.value]
    except x509.ExtensionNotFound:
        pass
    result["serialNumber"] = _serial_hex(certificate.serial_number)
    result["raw"] = base64.b64encode(der).decode("ascii")
    return result
