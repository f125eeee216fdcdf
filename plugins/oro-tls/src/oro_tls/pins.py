"""Oro's certificate pins: their spelling, the line format and the ``pins`` parameter of
``tls.connect``; a certificate's pins and the check made after every handshake are
:mod:`.pinning`'s.

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
not parse, with its ``line``), ``PIN_MISCONFIGURED`` (a bad ``pins`` parameter).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final, NamedTuple
from urllib.parse import urlsplit

from oro_framework import InvalidArgumentError

__all__ = [
    "PIN_PREFIX",
    "PinEntry",
    "PinSet",
    "canonical_pin",
    "format_endpoint",
    "parse_endpoint",
    "parse_pins_param",
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


class PinEntry(NamedTuple):
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


class PinSet(NamedTuple):
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
