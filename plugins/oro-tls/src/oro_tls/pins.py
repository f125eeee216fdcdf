"""Oro's certificate pins: the line format, the ``pins`` parameter of ``tls.connect`` and the
check made after every handshake.

A pin is ``sha256/`` + the base64 of a SHA-256 digest of the peer's leaf certificate, in one of
two forms, and a configured pin matches when it equals either:

- the **certificate pin**, the SHA-256 of the whole certificate's DER, as Oro computes it
  (``openssl x509 -outform der | openssl dgst -sha256 -binary | base64``, Oro's
  ``createTlsPinFromCertificateDer``); it changes with every renewal;
- the **SPKI pin**, the SHA-256 of the certificate's SubjectPublicKeyInfo (the HPKP / OkHttp
  pin), which survives a renewal that keeps the key.

What this host reports (``tls.createPin``, ``peerPin``) is the certificate pin, Oro's form. Pins
are compared in one canonical spelling (standard base64, padded), whatever spelling the app or
the page wrote.

The line format (``[tls] pins``, ``tls.setPins``), one entry per line::

    # comment                                   ; also a comment
    api.example.com sha256/AAAA...= sha256/BBBB...   every port of api.example.com
    api.example.com:8443 sha256/AAAA...              only port 8443
    https://billing.example.com/v1 sha256/CCCC...    the URL's host and port (443 here)
    [::1]:8443 sha256/DDDD...                        IPv6 in brackets when a port follows

Errors: :class:`~oro_framework.InvalidArgumentError` ``TLS_PINS_INVALID`` (a value that does
not parse, with its ``line``), ``PIN_MISCONFIGURED`` (a bad ``pins`` parameter),
``ERR_TLS_INVALID_CERT`` (no certificate to pin); :class:`PinError` ``PIN_MISMATCH`` and
``PIN_UNAVAILABLE`` after a handshake.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
else:  # imported on first use (a pin read from a certificate): see oro_tls._lazy
    from oro_tls._lazy import serialization, x509

from oro_framework import InvalidArgumentError, IPCError

__all__ = [
    "PIN_PREFIX",
    "PinEntry",
    "PinError",
    "PinSet",
    "canonical_pin",
    "check_pins",
    "format_endpoint",
    "parse_endpoint",
    "parse_pins_param",
    "pin_of_certificate",
    "pin_of_pem",
    "spki_of_certificate",
    "spki_pin_of_certificate",
]

PIN_PREFIX: Final = "sha256/"

_DIGEST_BYTES: Final = 32
# 32 bytes are 43 base64 characters and one "=".
_UNPADDED_LENGTH: Final = 43
_BASE64_BODY: Final = re.compile(r"[A-Za-z0-9+/\-_]+=*")
_SEPARATORS: Final = re.compile(r"[\s,]+")
_COMMENT: Final = re.compile(r"[#;]")
_HOST_NAME: Final = re.compile(r"[a-z0-9_](?:[a-z0-9_.\-]*[a-z0-9_])?")
_DEFAULT_PORTS: Final[dict[str, int]] = {"https": 443, "wss": 443, "http": 80, "ws": 80}
_MODES: Final = ("replace", "append", "remove", "put", "subtract")
"""The ways ``tls.setPins`` changes the pins (:meth:`PinSet.merged`)."""
_PEM_CERTIFICATE: Final = re.compile(
    r"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.DOTALL
)


def canonical_pin(text: str) -> str:
    """The canonical spelling of a pin: ``sha256/`` + the padded standard base64 of its digest.

    Accepts standard base64 or base64url, padded or not (not both alphabets in one pin).
    Raises :class:`ValueError` saying what is wrong for anything that is not ``sha256/`` and
    the encoding of exactly 32 bytes.
    """
    if not text.startswith(PIN_PREFIX):
        raise ValueError(f"a pin starts with {PIN_PREFIX!r}")
    body = text[len(PIN_PREFIX) :]
    if not _BASE64_BODY.fullmatch(body):
        raise ValueError("a pin's digest is base64 or base64url")
    unpadded = body.rstrip("=")
    if len(unpadded) != _UNPADDED_LENGTH:
        raise ValueError(
            f"a pin's digest is {_DIGEST_BYTES} bytes ({_UNPADDED_LENGTH} base64 characters), "
            f"not {len(unpadded)} characters"
        )
    if len(body) - len(unpadded) > 1:
        raise ValueError("a pin's digest has one '=' of padding at most")
    if any(c in unpadded for c in "+/") and any(c in unpadded for c in "-_"):
        raise ValueError("a pin's digest mixes base64 and base64url")
    standard = unpadded.replace("-", "+").replace("_", "/") + "="
    try:
        digest = base64.b64decode(standard, validate=True)
    except binascii.Error as error:  # pragma: no cover - the checks above rule it out
        raise ValueError(f"a pin's digest does not decode: {error}") from None
    return PIN_PREFIX + base64.b64encode(digest).decode("ascii")


def _normal_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host


def _checked_host(host: str) -> str:
    """``host`` lower-cased with IPv6 brackets removed, or :class:`ValueError`."""
    if not host:
        raise ValueError("no host")
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            raise ValueError(f"{host!r} is not an IPv6 address") from None
    if not _HOST_NAME.fullmatch(host) or ".." in host:
        raise ValueError(f"{host!r} is not a host name")
    return host


def _checked_port(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"port {text!r} is not a number")
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is not between 1 and 65535")
    return port


def _parse_host_spec(spec: str) -> tuple[str, int | None]:
    """``host``, ``host:port``, ``[v6]``, ``[v6]:port``, bare IPv6, or a URL."""
    if "://" in spec:
        return _parse_url(spec)
    if spec.startswith("["):
        close = spec.find("]")
        if close < 0:
            raise ValueError(f"{spec!r} has '[' without ']'")
        host, rest = spec[1:close], spec[close + 1 :]
        if not rest:
            return _checked_host(host.lower()), None
        if not rest.startswith(":"):
            raise ValueError(f"{spec!r}: expected ':port' after ']'")
        return _checked_host(host.lower()), _checked_port(rest[1:])
    if spec.count(":") == 1:
        host, port = spec.split(":")
        return _checked_host(host.lower()), _checked_port(port)
    return _checked_host(spec.lower()), None


def parse_endpoint(spec: str) -> tuple[str, int | None]:
    """The host and port (``None``: every port) a host spec of the line format names: ``host``,
    ``host:port``, ``[v6]``, ``[v6]:port``, a bare IPv6 address or a URL.

    Raises :class:`~oro_framework.InvalidArgumentError` ``TLS_HOST_INVALID`` saying what is wrong.
    """
    try:
        return _parse_host_spec(spec.strip())
    except ValueError as error:
        raise InvalidArgumentError(
            f"Invalid TLS pins host {_shown(spec)}: {error}",
            code="TLS_HOST_INVALID",
            parameter="host",
        ) from None


def format_endpoint(host: str, port: int | None) -> str:
    """``host``, ``host:port`` or ``[v6]:port``: how the line format writes an endpoint."""
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def _parse_url(spec: str) -> tuple[str, int | None]:
    try:
        parts = urlsplit(spec)
        port = parts.port
    except ValueError as error:
        raise ValueError(f"{spec!r} is not a URL ({error})") from None
    if not parts.hostname:
        raise ValueError(f"URL {spec!r} names no host")
    scheme = parts.scheme.lower()
    if port is None:
        port = _DEFAULT_PORTS.get(scheme)
        if port is None:
            raise ValueError(f"URL {spec!r}: scheme {scheme!r} has no default port; give one")
    elif port == 0:
        raise ValueError(f"URL {spec!r}: port 0")
    return _checked_host(parts.hostname), port


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class PinEntry:
    """The pins of one host: every port (``port`` ``None``) or one port.

    ``host`` is lower-case, an IPv6 address without brackets; ``pins`` are canonical.
    """

    host: str
    port: int | None
    pins: tuple[str, ...]

    @property
    def key(self) -> tuple[str, int | None]:
        """What identifies the entry in a :class:`PinSet`."""
        return self.host, self.port

    def format(self) -> str:
        """The entry as one line of Oro's format."""
        return " ".join((format_endpoint(self.host, self.port), *self.pins))

    def to_json(self) -> dict[str, Any]:
        """``{host, port, pins}``."""
        return {"host": self.host, "port": self.port, "pins": list(self.pins)}


def _merge(entries: Iterable[PinEntry]) -> tuple[PinEntry, ...]:
    merged: dict[tuple[str, int | None], PinEntry] = {}
    for entry in entries:
        known = merged.get(entry.key)
        pins = entry.pins if known is None else _unique((*known.pins, *entry.pins))
        merged[entry.key] = PinEntry(entry.host, entry.port, pins)
    return tuple(merged.values())


@dataclass(frozen=True)
class PinSet:
    """The configured pins: entries in order, one per host and port."""

    entries: tuple[PinEntry, ...] = ()

    @classmethod
    def parse(cls, text: str, *, allow_empty: bool = False) -> PinSet:
        """Parse Oro's line format. Entries naming the same host and port are merged.

        ``allow_empty`` accepts entries without pins (the hosts of ``tls.setPins`` ``remove`` and
        ``put``).
        Raises :class:`~oro_framework.InvalidArgumentError` ``TLS_PINS_INVALID`` with the
        1-based ``line`` of the first line that does not parse and what is wrong with it.
        """
        if not isinstance(text, str):
            raise InvalidArgumentError(
                f"TLS pins must be text in Oro's line format, not {type(text).__name__}",
                code="TLS_PINS_INVALID",
            )
        entries: list[PinEntry] = []
        for number, tokens in _lines(text):
            try:
                entries.append(_parse_entry(tokens, allow_empty=allow_empty))
            except ValueError as error:
                raise InvalidArgumentError(
                    f"Invalid TLS pins, line {number}: {error}",
                    code="TLS_PINS_INVALID",
                    line=number,
                ) from None
        return cls(_merge(entries))

    def format(self) -> str:
        """Oro's line format, one line per entry; ``parse(format())`` gives this set back."""
        return "\n".join(entry.format() for entry in self.entries)

    def merged(self, other: PinSet, mode: str) -> PinSet:
        """This set changed by ``other``:

        - ``replace``: ``other``;
        - ``append``: its entries added, an entry of the same host and port gaining the pins
          it lacks;
        - ``remove``: the entries of the hosts ``other`` names dropped (all ports of a host
          ``other`` names without one);
        - ``put``: each entry of ``other`` replaces the entry of exactly its host and port (one
          without pins drops it), Oro's ``setTlsPinsForHost``/``removeTlsPinsForHost(host)``;
        - ``subtract``: the pins of each entry of ``other`` dropped from the entry of exactly
          its host and port (one left without pins is dropped).

        Another ``mode`` is :class:`~oro_framework.InvalidArgumentError`."""
        if mode == "replace":
            return other
        if mode == "append":
            return PinSet(_merge((*self.entries, *other.entries)))
        if mode == "remove":
            return PinSet(tuple(entry for entry in self.entries if not _removes(other, entry)))
        if mode == "put":
            return _put(self, other)
        if mode == "subtract":
            return _subtract(self, other)
        raise InvalidArgumentError(
            f"Invalid pins mode {mode!r}: expected one of {', '.join(_MODES)}",
            code="ERR_INVALID_ARG_VALUE",
            parameter="mode",
        )

    def exact(self, host: str, port: int | None) -> PinEntry | None:
        """The entry of exactly ``host`` and ``port`` (``None``: the every-port entry)."""
        key = (_normal_host(host), port)
        return next((entry for entry in self.entries if entry.key == key), None)

    def for_host(self, host: str, port: int) -> tuple[str, ...]:
        """The pins a connection to ``host``:``port`` must match (none: not pinned)."""
        host = _normal_host(host)
        return _unique(
            pin
            for entry in self.entries
            if entry.host == host and entry.port in (None, port)
            for pin in entry.pins
        )

    def for_host_entries(self, host: str, port: int | None = None) -> PinSet:
        """The entries of ``host`` (and, given a ``port``, of that port or every port)."""
        host = _normal_host(host)
        return PinSet(
            tuple(
                entry
                for entry in self.entries
                if entry.host == host and (port is None or entry.port in (None, port))
            )
        )

    def to_json(self) -> list[dict[str, Any]]:
        """``[{host, port, pins}]``, the entries of ``tls.getPins``."""
        return [entry.to_json() for entry in self.entries]


def _parse_entry(tokens: list[str], *, allow_empty: bool) -> PinEntry:
    if tokens[0].startswith(PIN_PREFIX):
        raise ValueError("the line starts with a pin; name the host first")
    host, port = _parse_host_spec(tokens[0])
    if len(tokens) == 1 and not allow_empty:
        raise ValueError(f"no pins for {tokens[0]!r}")
    return PinEntry(host, port, _unique(_canonical_or_raise(token) for token in tokens[1:]))


def _put(pins: PinSet, other: PinSet) -> PinSet:
    given = {entry.key: entry for entry in other.entries}
    kept = [given.pop(entry.key, entry) for entry in pins.entries]
    return PinSet(tuple(entry for entry in (*kept, *given.values()) if entry.pins))


def _subtract(pins: PinSet, other: PinSet) -> PinSet:
    gone = {entry.key: set(entry.pins) for entry in other.entries}
    left = (
        PinEntry(entry.host, entry.port, tuple(p for p in entry.pins if p not in gone[entry.key]))
        if entry.key in gone
        else entry
        for entry in pins.entries
    )
    return PinSet(tuple(entry for entry in left if entry.pins))


def _removes(other: PinSet, entry: PinEntry) -> bool:
    return any(
        gone.host == entry.host and gone.port in (None, entry.port) for gone in other.entries
    )


def _lines(text: str) -> Iterator[tuple[int, list[str]]]:
    """(1-based line number, tokens) of each line with something before its comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        comment = _COMMENT.search(line)
        content = line if comment is None else line[: comment.start()]
        tokens = [token for token in _SEPARATORS.split(content) if token]
        if tokens:
            yield number, tokens


def _canonical_or_raise(token: str) -> str:
    try:
        return canonical_pin(token)
    except ValueError as error:
        raise ValueError(f"{_shown(token)} is not a pin ({error})") from None


def _shown(token: str) -> str:
    return repr(token if len(token) <= 80 else token[:77] + "...")


def _misconfigured(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code="PIN_MISCONFIGURED", parameter="pins")


def parse_pins_param(value: object) -> tuple[str, ...]:
    """The canonical pins of ``tls.connect``'s ``pins``: a list of pins, or text of pins
    separated by whitespace, commas or lines (lines of Oro's format keep only their pins).

    ``None`` and ``""`` are no pins. Anything malformed is
    :class:`~oro_framework.InvalidArgumentError` ``PIN_MISCONFIGURED`` naming the bad pin.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        texts: list[tuple[str, bool]] = [(value, True)]
    elif isinstance(value, list | tuple):
        texts = []
        for item in value:
            if not isinstance(item, str):
                raise _misconfigured(f"Invalid pin {item!r}: pins are strings 'sha256/<base64>'")
            texts.append((item, False))
    else:
        raise _misconfigured(
            f"Invalid pins: expected a list of 'sha256/<base64>' or text, "
            f"not {type(value).__name__}"
        )
    pins: list[str] = []
    for text, hosts_allowed in texts:
        for _number, tokens in _lines(text):
            if hosts_allowed and not tokens[0].startswith(PIN_PREFIX):
                try:
                    _parse_host_spec(tokens[0])
                except ValueError as error:
                    raise _misconfigured(
                        f"Invalid pin {_shown(tokens[0])}: expected 'sha256/' and the base64 "
                        f"of 32 bytes, or a host before the pins ({error})"
                    ) from None
                tokens = tokens[1:]
            for token in tokens:
                try:
                    pins.append(canonical_pin(token))
                except ValueError as error:
                    raise _misconfigured(f"Invalid pin {_shown(token)}: {error}") from None
    return _unique(pins)


# --------------------------------------------------------------------------------------------
# Pins of certificates
# --------------------------------------------------------------------------------------------


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
    import hashlib  # not at the top: oro config get imports this module for its settings

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


# --------------------------------------------------------------------------------------------
# The check after a handshake
# --------------------------------------------------------------------------------------------


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
