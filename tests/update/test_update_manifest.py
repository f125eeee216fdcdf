"""The signed manifest: a signature matches exactly the bytes and the key it was made with, and
no input makes the parser fail with anything but its typed error."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.host.errors import InvalidArgumentError, SecurityError
from oro_framework.update.keys import public_key_text
from oro_framework.update.manifest import (
    UpdateManifest,
    is_newer,
    manifest_bytes,
    parse_manifest,
    sign,
    verify,
)

KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()
MANIFEST = UpdateManifest(
    name="notes",
    bundle_identifier="dev.oro.notes",
    version="1.3.0",
    channel="stable",
    url="https://updates.example/notes-1.3.0.tar.gz",
    sha256="ab" * 32,
    length=1234,
)


def test_a_signed_manifest_verifies_and_parses_back() -> None:
    data = manifest_bytes(MANIFEST)
    assert verify(data, sign(data, KEY), public_key_text(KEY)) == MANIFEST


@given(st.data())
def test_any_changed_byte_of_the_manifest_or_signature_is_refused(data: st.DataObject) -> None:
    manifest = manifest_bytes(MANIFEST)
    signature = sign(manifest, KEY)
    target = data.draw(st.sampled_from(["manifest", "signature"]))
    raw = bytearray(manifest if target == "manifest" else base64.b64decode(signature))
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= data.draw(st.integers(1, 255))
    if target == "manifest":
        manifest = bytes(raw)
    else:
        signature = base64.b64encode(bytes(raw))
    with pytest.raises(SecurityError) as caught:
        verify(manifest, signature, public_key_text(KEY))
    # The first 8 bytes of a signature file name the key that signed.
    in_key_id = target == "signature" and index < 8
    assert caught.value.code == ("UPDATE_KEY_MISMATCH" if in_key_id else "UPDATE_SIGNATURE_INVALID")


@given(st.binary(max_size=200))
def test_a_signature_file_of_arbitrary_bytes_is_refused_with_a_typed_error(junk: bytes) -> None:
    with pytest.raises(SecurityError):
        verify(manifest_bytes(MANIFEST), junk, public_key_text(KEY))


def test_a_manifest_signed_with_another_key_is_refused() -> None:
    data = manifest_bytes(MANIFEST)
    with pytest.raises(SecurityError, match="another key") as caught:
        verify(data, sign(data, OTHER_KEY), public_key_text(KEY))
    assert caught.value.code == "UPDATE_KEY_MISMATCH"


def test_a_configured_key_that_is_not_an_ed25519_key_is_an_invalid_argument() -> None:
    data = manifest_bytes(MANIFEST)
    with pytest.raises(InvalidArgumentError) as caught:
        verify(data, sign(data, KEY), "bm90IGEga2V5")
    assert caught.value.code == "UPDATE_KEY_INVALID"


@given(st.binary(max_size=300))
def test_the_parser_fails_only_with_its_typed_error(data: bytes) -> None:
    failure: InvalidArgumentError | None = None
    try:
        parse_manifest(data)
    except InvalidArgumentError as error:
        failure = error
    assert failure is None or failure.code == "UPDATE_MANIFEST_INVALID"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=8)
    ),
    max_leaves=20,
)
FIELD_VALUES = st.fixed_dictionaries(
    {},
    optional={field: JSON_VALUES | st.just(value) for field, value in MANIFEST.to_json().items()},
)


@given(FIELD_VALUES | st.dictionaries(st.text(max_size=20), JSON_VALUES, max_size=10))
def test_any_json_object_parses_or_fails_with_the_typed_error(value: dict[str, object]) -> None:
    data = json.dumps(value).encode()
    failure: InvalidArgumentError | None = None
    try:
        assert parse_manifest(data) == UpdateManifest(**value)  # type: ignore[arg-type]
    except InvalidArgumentError as error:
        failure = error
    assert failure is None or failure.code == "UPDATE_MANIFEST_INVALID"


@pytest.mark.parametrize(
    "data",
    [b"[" * 100_000, b'{"length": ' + b"9" * 5000 + b"}", b"\xff\xfe{}"],
    ids=["nested-too-deeply", "huge-integer", "not-utf8"],
)
def test_pathological_json_is_refused_with_the_typed_error(data: bytes) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse_manifest(data)
    assert caught.value.code == "UPDATE_MANIFEST_INVALID"


@pytest.mark.parametrize(
    "change",
    [
        {"length": -1},
        {"sha256": "XY" * 32},
        {"version": "v2"},
        {"url": "file:///etc/passwd"},
        {"length": "12"},
        {"length": True},
        {"version": "1.2.0\n"},
        {"version": "1." + "9" * 5000},
        {"extra": 1},
    ],
)
def test_an_ill_formed_field_is_refused(change: dict[str, object]) -> None:
    fields = {**dataclasses.asdict(MANIFEST), **change}
    with pytest.raises(InvalidArgumentError, match="Invalid update manifest"):
        parse_manifest(json.dumps(fields).encode())


@pytest.mark.parametrize(
    ("newer", "older"),
    [
        ("1.0.1", "1.0.0"),
        ("1.10.0", "1.9.9"),
        ("2.0.0", "2.0.0-rc.1"),
        ("2.0.0-rc.2", "2.0.0-rc.1"),
    ],
)
def test_versions_order_as_semantic_versioning_says(newer: str, older: str) -> None:
    assert is_newer(newer, older)
    assert not is_newer(older, newer)
    assert not is_newer(newer, newer)


VERSIONS = st.builds(
    lambda release, pre: ".".join(map(str, release)) + (f"-{'.'.join(pre)}" if pre else ""),
    st.lists(st.integers(0, 20), min_size=1, max_size=10),
    st.lists(st.from_regex(r"[0-9]{1,3}|[a-z]{1,4}", fullmatch=True), max_size=3),
)


@given(VERSIONS, VERSIONS)
def test_of_two_versions_at_most_one_is_newer(first: str, second: str) -> None:
    assert not (is_newer(first, second) and is_newer(second, first))


@given(VERSIONS, st.integers(1, 10))
def test_trailing_zero_parts_do_not_make_a_version_newer(version: str, zeros: int) -> None:
    release, _, pre = version.partition("-")
    padded = release + ".0" * zeros + (f"-{pre}" if pre else "")
    assert not is_newer(padded, version)
    assert not is_newer(version, padded)
