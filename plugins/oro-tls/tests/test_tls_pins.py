"""Oro's certificate pins: the canonical spelling, the line format, the ``pins`` parameter, the
pin of a certificate and the check after a handshake (against a real TLS server)."""

from __future__ import annotations

import base64
import hashlib
import string
from pathlib import Path

import pytest
from _certs import Certs, certificate_der, make_certs, openssl_pin, tls_client, tls_echo_server
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import assume, given
from hypothesis import strategies as st
from oro_tls.contexts import TlsMaterial, client_context, server_context
from oro_tls.pinning import (
    PinError,
    check_pins,
    pin_of_certificate,
    pin_of_pem,
    spki_pin_of_certificate,
)
from oro_tls.pins import PIN_PREFIX, PinEntry, PinSet, canonical_pin, parse_pins_param

from oro_framework import InvalidArgumentError

DIGEST = bytes(range(32))
PIN = PIN_PREFIX + base64.b64encode(DIGEST).decode()
OTHER = PIN_PREFIX + base64.b64encode(hashlib.sha256(b"other").digest()).decode()


@pytest.fixture(scope="module")
def certs() -> Certs:
    return make_certs()


# --------------------------------------------------------------------------------------------
# canonical_pin
# --------------------------------------------------------------------------------------------

digests = st.binary(min_size=32, max_size=32)


@given(digests)
def test_base64_and_base64url_of_one_digest_are_one_pin(digest: bytes) -> None:
    standard = base64.b64encode(digest).decode()
    url = base64.urlsafe_b64encode(digest).decode()
    spellings = {standard, standard.rstrip("="), url, url.rstrip("=")}
    assert {canonical_pin(PIN_PREFIX + text) for text in spellings} == {PIN_PREFIX + standard}


@given(digests)
def test_canonical_pin_is_idempotent(digest: bytes) -> None:
    pin = canonical_pin(PIN_PREFIX + base64.urlsafe_b64encode(digest).decode().rstrip("="))
    assert canonical_pin(pin) == pin


@given(st.text(max_size=60))
def test_canonical_pin_raises_only_value_error(text: str) -> None:
    try:
        pin = canonical_pin(text)
    except ValueError:
        return
    assert len(base64.b64decode(pin.removeprefix(PIN_PREFIX))) == 32


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("sha1/" + PIN[7:], "starts with"),
        (PIN_PREFIX + base64.b64encode(bytes(31)).decode(), "32 bytes"),
        (PIN_PREFIX + base64.b64encode(bytes(33)).decode(), "32 bytes"),
        (PIN + "=", "padding"),
        (PIN_PREFIX + "+-" + PIN[9:], "mixes"),
        (PIN_PREFIX + "!" + PIN[8:], "base64"),
        ("", "starts with"),
    ],
)
def test_canonical_pin_says_what_is_wrong(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        canonical_pin(text)


# --------------------------------------------------------------------------------------------
# PinSet: the line format
# --------------------------------------------------------------------------------------------


def test_parse_reads_every_form_of_entry() -> None:
    url_pin = PIN_PREFIX + base64.urlsafe_b64encode(DIGEST).decode().rstrip("=")
    text = f"""
# production API, two keys during rotation
API.Example.com {PIN}, {OTHER}   ; trailing comment
api.example.com:8443 {url_pin}
https://billing.example.com:8443/v1 {PIN}
wss://chat.example.com {OTHER}
http://plain.example.com/path?q {PIN}
[::1]:443 {PIN}
::1 {OTHER}
127.0.0.1:8443,{PIN}
"""
    parsed = PinSet.parse(text)
    assert parsed.to_json() == [
        {"host": "api.example.com", "port": None, "pins": [PIN, OTHER]},
        {"host": "api.example.com", "port": 8443, "pins": [PIN]},
        {"host": "billing.example.com", "port": 8443, "pins": [PIN]},
        {"host": "chat.example.com", "port": 443, "pins": [OTHER]},
        {"host": "plain.example.com", "port": 80, "pins": [PIN]},
        {"host": "::1", "port": 443, "pins": [PIN]},
        {"host": "::1", "port": None, "pins": [OTHER]},
        {"host": "127.0.0.1", "port": 8443, "pins": [PIN]},
    ]
    assert PinSet.parse(parsed.format()) == parsed


def test_parse_merges_entries_of_one_host_and_port() -> None:
    parsed = PinSet.parse(f"a.example {PIN}\na.example {OTHER} {PIN}\nA.EXAMPLE:1 {PIN}")
    assert parsed.entries == (
        PinEntry("a.example", None, (PIN, OTHER)),
        PinEntry("a.example", 1, (PIN,)),
    )


def test_empty_and_comment_only_text_is_no_pins() -> None:
    assert PinSet.parse("") == PinSet()
    assert PinSet.parse("  \n# nothing\n ; nothing either\n") == PinSet()
    assert PinSet().format() == ""


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        (f"ok.example {PIN}\nbad.example", 2, "no pins"),
        (f"ok.example {PIN}\n\n# c\nbad.example sha256/abc", 4, "is not a pin"),
        (f"bad.example:0 {PIN}", 1, "port 0"),
        (f"bad.example:65536 {PIN}", 1, "port 65536"),
        (f"bad.example:http {PIN}", 1, "not a number"),
        (f"{PIN} {OTHER}", 1, "name the host first"),
        (f"ftp://files.example {PIN}", 1, "no default port"),
        (f"[::1 {PIN}", 1, "without ']'"),
        (f"[::1]x {PIN}", 1, "':port'"),
        (f"bad_host!.example {PIN}", 1, "not a host name"),
        (f"1:2:3 {PIN}", 1, "not an IPv6 address"),
        (f"https://:443 {PIN}", 1, "names no host"),
        (f"a.example {PIN} sha1/{PIN[7:]}", 1, "is not a pin"),
    ],
)
def test_parse_errors_name_the_line_and_the_fault(text: str, line: int, what: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        PinSet.parse(text)
    assert caught.value.code == "TLS_PINS_INVALID"
    assert caught.value.extra["line"] == line
    assert f"line {line}" in caught.value.message
    assert what in caught.value.message


def test_parse_can_accept_hosts_without_pins_for_remove() -> None:
    hosts = PinSet.parse("a.example\nb.example:443", allow_empty=True)
    assert hosts.entries == (PinEntry("a.example", None, ()), PinEntry("b.example", 443, ()))


host_names = st.from_regex(
    r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,8}){0,3}", fullmatch=True
)
ip_hosts = st.ip_addresses().map(str)
pins = digests.map(lambda digest: PIN_PREFIX + base64.b64encode(digest).decode())
entries = st.builds(
    PinEntry,
    host=st.one_of(host_names, ip_hosts),
    port=st.one_of(st.none(), st.integers(1, 65535)),
    pins=st.lists(pins, min_size=1, max_size=3, unique=True).map(tuple),
)
pin_sets = st.lists(entries, max_size=6, unique_by=lambda entry: entry.key).map(
    lambda items: PinSet(tuple(items))
)


@given(pin_sets)
def test_format_then_parse_round_trips(pin_set: PinSet) -> None:
    assert PinSet.parse(pin_set.format()) == pin_set


@given(pin_sets, pin_sets)
def test_append_keeps_every_pin_once_and_remove_drops_the_hosts(a: PinSet, b: PinSet) -> None:
    appended = a.merged(b, "append")
    keys = [entry.key for entry in appended.entries]
    assert len(keys) == len(set(keys))
    for entry in (*a.entries, *b.entries):
        assert entry.key in keys
        merged_pins = appended.entries[keys.index(entry.key)].pins
        assert set(entry.pins) <= set(merged_pins)
        assert len(merged_pins) == len(set(merged_pins))
    removed = appended.merged(b, "remove")
    removed_hosts = {(entry.host, entry.port) for entry in b.entries}
    for entry in removed.entries:
        assert (entry.host, entry.port) not in removed_hosts
        assert (entry.host, None) not in removed_hosts
    assert a.merged(b, "replace") == b


pin_texts = st.lists(
    st.sampled_from(
        [*(string.ascii_letters + string.digits + "+/=-_:[].# ;,\n\t"), "sha256/", "https://", PIN]
    ),
    max_size=40,
).map("".join)


@given(st.one_of(st.text(max_size=120), pin_texts))
def test_arbitrary_text_raises_only_tls_pins_invalid(text: str) -> None:
    failure: InvalidArgumentError | None = None
    try:
        parsed = PinSet.parse(text)
    except InvalidArgumentError as error:
        failure = error
    if failure is not None:
        assert failure.code == "TLS_PINS_INVALID"
        assert isinstance(failure.extra["line"], int)
        assert f"line {failure.extra['line']}" in failure.message
    else:
        assert PinSet.parse(parsed.format()) == parsed


def test_merged_modes() -> None:
    base = PinSet.parse(f"a.example {PIN}\na.example:443 {PIN}\nb.example {OTHER}")
    more = PinSet.parse(f"a.example {OTHER}\nc.example {PIN}")
    assert base.merged(more, "append").format().splitlines() == [
        f"a.example {PIN} {OTHER}",
        f"a.example:443 {PIN}",
        f"b.example {OTHER}",
        f"c.example {PIN}",
    ]
    assert base.merged(more, "replace") == more
    gone = PinSet.parse("a.example", allow_empty=True)
    assert base.merged(gone, "remove").format() == f"b.example {OTHER}"
    only_443 = PinSet.parse("a.example:443", allow_empty=True)
    assert base.merged(only_443, "remove").format().splitlines() == [
        f"a.example {PIN}",
        f"b.example {OTHER}",
    ]
    with pytest.raises(InvalidArgumentError) as caught:
        base.merged(more, "prepend")
    assert caught.value.extra["parameter"] == "mode"


def test_put_and_subtract_touch_exactly_one_endpoint() -> None:
    """Oro's ``setTlsPinsForHost``/``removeTlsPinsForHost`` (api/tls.d.ts) change the entry of
    exactly the endpoint named: ``a.example:443`` is not ``a.example``."""
    base = PinSet.parse(f"a.example {PIN}\na.example:443 {PIN} {OTHER}\nb.example {OTHER}")
    put = base.merged(PinSet.parse(f"a.example:443 {OTHER}"), "put")
    assert put.format().splitlines() == [
        f"a.example {PIN}",
        f"a.example:443 {OTHER}",
        f"b.example {OTHER}",
    ]
    dropped = base.merged(PinSet.parse("a.example", allow_empty=True), "put")
    assert dropped.format().splitlines() == [f"a.example:443 {PIN} {OTHER}", f"b.example {OTHER}"]
    added = base.merged(PinSet.parse(f"c.example:8443 {PIN}"), "put")
    assert added.exact("c.example", 8443) == PinEntry("c.example", 8443, (PIN,))
    less = base.merged(PinSet.parse(f"a.example:443 {PIN}"), "subtract")
    assert less.exact("a.example", 443) == PinEntry("a.example", 443, (OTHER,))
    assert less.exact("a.example", None) == PinEntry("a.example", None, (PIN,))
    emptied = base.merged(PinSet.parse(f"b.example {OTHER}"), "subtract")
    assert emptied.exact("b.example", None) is None


@given(pin_sets, pin_sets)
def test_put_sets_each_named_endpoint_and_keeps_the_others(a: PinSet, b: PinSet) -> None:
    result = a.merged(b, "put")
    for entry in b.entries:
        assert result.exact(entry.host, entry.port) == entry
    named = {entry.key for entry in b.entries}
    assert [e for e in result.entries if e.key not in named] == [
        e for e in a.entries if e.key not in named
    ]


@given(pin_sets, pin_sets)
def test_subtract_never_adds_a_pin_or_an_endpoint(a: PinSet, b: PinSet) -> None:
    result = a.merged(b, "subtract")
    for entry in result.entries:
        known = a.exact(entry.host, entry.port)
        assert known is not None
        assert entry.pins
        assert set(entry.pins) <= set(known.pins)
        gone = b.exact(entry.host, entry.port)
        assert gone is None or not set(gone.pins) & set(entry.pins)


def test_for_host_matches_every_port_and_its_own() -> None:
    pin_set = PinSet.parse(f"a.example {PIN}\na.example:8443 {OTHER} {PIN}\n[::1]:443 {OTHER}")
    assert pin_set.for_host("A.Example", 443) == (PIN,)
    assert pin_set.for_host("a.example", 8443) == (PIN, OTHER)
    assert pin_set.for_host("[::1]", 443) == (OTHER,)
    assert pin_set.for_host("::1", 444) == ()
    assert pin_set.for_host("b.example", 443) == ()
    assert pin_set.for_host_entries("a.example", 443).format() == f"a.example {PIN}"


# --------------------------------------------------------------------------------------------
# parse_pins_param
# --------------------------------------------------------------------------------------------


def test_pins_param_accepts_lists_and_text() -> None:
    url = PIN_PREFIX + base64.urlsafe_b64encode(DIGEST).decode().rstrip("=")
    assert parse_pins_param([PIN, url, OTHER]) == (PIN, OTHER)
    assert parse_pins_param(f"{url}, {OTHER}\n{PIN}") == (PIN, OTHER)
    assert parse_pins_param(f"# mine\napi.example.com:443 {url} ; old key\n{OTHER}") == (
        PIN,
        OTHER,
    )
    assert parse_pins_param(None) == ()
    assert parse_pins_param("") == ()
    assert parse_pins_param([]) == ()


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ([PIN, "sha256/short"], "sha256/short"),
        (["api.example.com " + PIN], "api.example.com"),
        (f"{PIN} sha1/{PIN[7:]}", "sha1/"),
        (f"a.example {PIN} junk", "junk"),
        ("bad!host " + PIN, "bad!host"),
        ([PIN, 42], "42"),
        (42, "int"),
    ],
)
def test_pins_param_names_the_bad_pin(value: object, named: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse_pins_param(value)
    assert caught.value.code == "PIN_MISCONFIGURED"
    assert named in caught.value.message


# --------------------------------------------------------------------------------------------
# Pins of certificates
# --------------------------------------------------------------------------------------------


def _spki_pin(pem: str) -> str:
    spki = (
        x509.load_pem_x509_certificate(pem.encode())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return PIN_PREFIX + base64.b64encode(hashlib.sha256(spki).digest()).decode()


def test_pin_is_what_oros_openssl_pipeline_computes(certs: Certs, tmp_path: Path) -> None:
    """Oro's docs (TLS_QUICKSTART.md) compute a pin with
    ``openssl x509 -outform der | openssl dgst -sha256 -binary | base64``."""
    for pem in (certs.server[0], certs.rsa_server[0], certs.self_signed[0], certs.ca_pem):
        assert pin_of_pem(pem) == openssl_pin(pem, tmp_path)
        assert pin_of_certificate(certificate_der(pem)) == pin_of_pem(pem)
        assert spki_pin_of_certificate(certificate_der(pem)) == _spki_pin(pem)
        assert canonical_pin(pin_of_pem(pem)) == pin_of_pem(pem)


def _reissued(pem: str, key_pem: str, serial: int) -> bytes:
    original = x509.load_pem_x509_certificate(pem.encode())
    key = serialization.load_pem_private_key(key_pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return (
        x509.CertificateBuilder()
        .subject_name(original.subject)
        .issuer_name(original.subject)
        .public_key(original.public_key())
        .serial_number(serial)
        .not_valid_before(original.not_valid_before_utc)
        .not_valid_after(original.not_valid_after_utc)
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )


def test_a_renewal_with_the_same_key_keeps_the_spki_pin_only(certs: Certs) -> None:
    first, second = (_reissued(*certs.server, serial) for serial in (1, 2))
    assert pin_of_certificate(first) != pin_of_certificate(second)
    assert spki_pin_of_certificate(first) == spki_pin_of_certificate(second)
    assert spki_pin_of_certificate(first) == _spki_pin(certs.server[0])
    # Both pins of the renewed certificate pass; the old certificate pin does not.
    assert check_pins(second, (spki_pin_of_certificate(first),), host="h", port=1)
    with pytest.raises(PinError):
        check_pins(second, (pin_of_certificate(first),), host="h", port=1)


texts = st.text(st.characters(codec="ascii"), max_size=40)


@given(before=texts, after=texts)
def test_pin_of_pem_finds_the_certificate_in_any_surrounding_text(
    certs: Certs, before: str, after: str
) -> None:
    # Surrounding text without a BEGIN line of its own must not change which certificate is
    # pinned (bundles carry comments, "subject=" lines, blank lines...).
    assume("-----BEGIN CERTIFICATE-----" not in before)
    text = f"{before}\n{certs.server[0]}{after}"
    assert pin_of_pem(text) == pin_of_pem(certs.server[0])


@given(st.text(max_size=300))
def test_pin_of_pem_refuses_any_text_without_a_certificate(text: str) -> None:
    # Random text is never a certificate: it must be the typed error, not a crash or a pin.
    with pytest.raises(InvalidArgumentError) as caught:
        pin_of_pem(text)
    assert caught.value.code == "ERR_TLS_INVALID_CERT"


@given(st.binary(max_size=200))
def test_pin_of_certificate_refuses_any_non_certificate_bytes(data: bytes) -> None:
    # Hashing bytes that are no certificate would answer a pin no peer can ever match.
    with pytest.raises(InvalidArgumentError) as caught:
        pin_of_certificate(data)
    assert caught.value.code == "ERR_TLS_INVALID_CERT"


def test_a_mangled_pem_block_is_invalid_cert(certs: Certs) -> None:
    lines = certs.server[0].splitlines()
    lines[3] = lines[3][::-1]
    with pytest.raises(InvalidArgumentError) as caught:
        pin_of_pem("\n".join(lines))
    assert caught.value.code == "ERR_TLS_INVALID_CERT"


@pytest.mark.parametrize(
    "pem",
    [
        "",
        "not a certificate",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ],
)
def test_pin_of_pem_refuses_garbage(pem: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        pin_of_pem(pem)
    assert caught.value.code == "ERR_TLS_INVALID_CERT"


def test_pin_of_certificate_refuses_garbage() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        pin_of_certificate(b"\x30\x03\x02\x01\x00")
    assert caught.value.code == "ERR_TLS_INVALID_CERT"


# --------------------------------------------------------------------------------------------
# check_pins after a real handshake
# --------------------------------------------------------------------------------------------


def _peer_der(certs: Certs) -> bytes:
    server = server_context(TlsMaterial(cert=certs.server[0], key=certs.server[1]))
    client = client_context(TlsMaterial(ca=(certs.ca_pem,)))
    with tls_echo_server(server) as address, tls_client(client, address) as tls:
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return der


def test_check_pins_after_a_handshake(certs: Certs, tmp_path: Path) -> None:
    der = _peer_der(certs)
    pin = openssl_pin(certs.server[0], tmp_path)
    spki = _spki_pin(certs.server[0])
    assert check_pins(der, (), host="localhost", port=443) == pin
    assert check_pins(der, (OTHER, pin), host="localhost", port=443) == pin
    # A key pin is accepted too, and the peer's pin reported is still Oro's.
    assert check_pins(der, (spki,), host="localhost", port=443) == pin
    with pytest.raises(PinError) as caught:
        check_pins(der, (OTHER, PIN), host="localhost", port=8443)
    error = caught.value
    assert error.code == "PIN_MISMATCH"
    assert error.status == 502
    assert error.to_dict() == {
        "type": "PinError",
        "code": "PIN_MISMATCH",
        "message": f"Certificate pinning failure for localhost:8443: peer pin {pin} "
        f"(key pin {spki}) is not one of {OTHER}, {PIN}",
        "expectedPins": [OTHER, PIN],
        "peerPin": pin,
        "peerSpkiPin": spki,
        "host": "localhost",
        "port": 8443,
    }


def test_check_pins_without_a_certificate() -> None:
    assert check_pins(None, (), host="a.example", port=1) is None
    with pytest.raises(PinError) as caught:
        check_pins(None, (PIN,), host="a.example", port=1)
    assert caught.value.code == "PIN_UNAVAILABLE"
    assert caught.value.extra["expectedPins"] == [PIN]
