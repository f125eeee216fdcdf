"""``oro:crypto``'s ``sodium`` (Oro's libsodium: libsodium.js, sumo build) in real pages (headless
Chromium and WebKitGTK) against the real host: differentially, the same script under ``node`` with
the npm libsodium-wrappers-sumo that js-api/package-lock.json pins and in the page, byte for byte,
with hashes, keys and signatures also checked against Python's ``hashlib`` and ``cryptography``;
libsodium is loaded only when a page awaits ``sodium.ready`` (or ``ready``), not when it imports
``oro:crypto``; a Content-Security-Policy without ``'wasm-unsafe-eval'`` gets a clear error and the
rest of the module and the host go on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from playwright.sync_api import Browser, Page

from oro_framework.testing import (
    ServedApp,
    WebKitBrowser,
    WebKitPage,
    app_page,
    js_api_dev_dependencies,
    run_in_node,
    served_app,
)

SCRIPT = (Path(__file__).parent / "sodium_differential.js").read_text(encoding="utf-8")
MESSAGES = ["", "hello", "Grüße, 世界 🌍", "x" * 5000, "\u0000\ufffd"]
SODIUM_FILE = "/oro/vendor/sodium.js"


def seeded(length: int, start: int) -> bytes:
    """The script's ``bytes(length, start)``: the fixed seeds, keys and nonces it uses."""
    return bytes((start + index * 7) & 255 for index in range(length))


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([]) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page | WebKitPage]:
    with app_page(browser, app) as page:
        yield page


def in_page(page: Page | WebKitPage, sealed_in: list[str]) -> Any:
    result = page.evaluate(
        "async (input) => { const { sodium } = await import('oro:crypto'); await sodium.ready;"
        f" {SCRIPT} }}",
        {"messages": MESSAGES, "sealedIn": sealed_in},
    )
    return json.loads(json.dumps(result))


def in_node(directory: Path, sealed_in: list[str]) -> Any:
    package = js_api_dev_dependencies() / "node_modules" / "libsodium-wrappers-sumo"
    module = package / "dist" / "modules-sumo-esm" / "libsodium-wrappers.mjs"
    imports = f"import sodium from '{module.as_uri()}'\nawait sodium.ready"
    values = {"input": {"messages": MESSAGES, "sealedIn": sealed_in}}
    return run_in_node(SCRIPT, imports=imports, values=values, directory=directory)


def without_sealed(answer: dict[str, Any]) -> dict[str, Any]:
    """Everything but the sealed boxes, which a fresh ephemeral key makes differ each run."""
    return {key: value for key, value in answer.items() if key not in ("sealed", "opened")}


def test_sodium_answers_as_the_npm_package_does_under_node(
    page: Page | WebKitPage, tmp_path: Path
) -> None:
    first = in_page(page, [])
    node = in_node(tmp_path, first["sealed"])
    assert without_sealed(first) == without_sealed(node)
    # Each side opens what the other sealed for Bob.
    assert node["opened"] == MESSAGES
    assert in_page(page, node["sealed"])["opened"] == MESSAGES
    assert first["version"] == "1.0.22"
    assert first["keyTypes"] == ["x25519", "ed25519"]
    for text, answer in zip(MESSAGES, first["messages"], strict=True):
        assert answer["boxOpened"] == answer["secretOpened"] == text
        assert answer["boxTampered"] == {
            "error": ["Error", "incorrect key pair for the given ciphertext"]
        }
        assert [answer["verified"], answer["forged"]] == [True, False]
    # libsodium's own TypeErrors for keys, nonces and messages of the wrong size or kind.
    assert first["bad"] == [
        {"error": ["TypeError", "invalid key length"]},
        {"error": ["TypeError", "invalid publicKey length"]},
        {"error": ["TypeError", "invalid privateKey length"]},
        {"error": ["Error", "invalid usage"]},
        {"error": ["TypeError", "invalid nonce length"]},
        {"error": ["Error", "invalid usage"]},
        {"error": ["TypeError", "unsupported input type for message"]},
        {"error": ["TypeError", "ciphertext is too short"]},
    ]


def test_hashes_keys_and_signatures_are_the_standard_algorithms(page: Page | WebKitPage) -> None:
    """BLAKE2b, X25519 and Ed25519 as Python's hashlib and cryptography compute them."""
    answer = in_page(page, [])
    hash_key = seeded(32, 7)
    signer = Ed25519PrivateKey.from_private_bytes(seeded(32, 3))
    signer_public = signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert answer["keys"][3] == signer_public.hex()
    # crypto_box_seed_keypair: the secret key is the first half of SHA-512(seed).
    alice = X25519PrivateKey.from_private_bytes(hashlib.sha512(seeded(32, 1)).digest()[:32])
    assert (
        answer["keys"][0] == alice.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    )
    for text, result in zip(MESSAGES, answer["messages"], strict=True):
        message = text.encode()
        assert result["hash"] == hashlib.blake2b(message, digest_size=32).hexdigest()
        assert (
            result["keyedHash"]
            == hashlib.blake2b(message, digest_size=64, key=hash_key).hexdigest()
        )
        assert result["signature"] == signer.sign(message).hex()
        Ed25519PublicKey.from_public_bytes(signer_public).verify(
            bytes.fromhex(result["signature"]), message
        )


IMPORT = """async () => {
  const crypto = await import('oro:crypto')
  // Copying or printing the object does not load it either.
  const copied = [Object.keys({ ...crypto.sodium }).length, JSON.stringify(crypto.sodium)]
  await (await fetch('/oro/crypto.js')).text()
  return [...copied, typeof crypto.sodium.crypto_box_keypair,
    crypto.createHash('sha256').update('abc').digest('hex').slice(0, 8)]
}"""

LOADS = """(file) => performance.getEntriesByType('resource')
  .filter((entry) => new URL(entry.name).pathname === file).length"""

AWAIT_READY = """async () => {
  const crypto = await import('oro:crypto')
  const { sodium } = crypto
  await crypto.ready
  const loaded = typeof sodium.crypto_box_keypair
  const same = sodium.ready === sodium.ready && (await sodium.ready) === sodium &&
    crypto.default.sodium === sodium
  return [loaded, same, crypto.ready instanceof Promise]
}"""


def test_importing_oro_crypto_loads_no_libsodium_until_ready_is_awaited(
    page: Page | WebKitPage,
) -> None:
    requested: list[str] = []
    if isinstance(page, Page):
        # Chromium reports each request as it is made, in flight or not.
        page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    assert page.evaluate(IMPORT) == [0, "{}", "undefined", "ba7816bf"]
    # A host round trip later, the page has fetched no libsodium.
    assert page.evaluate(LOADS, SODIUM_FILE) == 0
    assert SODIUM_FILE not in requested
    # Oro's module-wide `ready` includes sodium, as in Oro: awaiting it loads libsodium, once.
    assert page.evaluate(AWAIT_READY) == ["function", True, True]
    assert page.evaluate(LOADS, SODIUM_FILE) == 1


BLOCKED = """async () => {
  const crypto = await import('oro:crypto')
  const failure = async (promise) => {
    try { await promise; return null } catch (e) {
      return [e.name, e.code, e.message, e.cause?.name]
    }
  }
  const sodium = await failure(crypto.sodium.ready)
  const ready = await failure(crypto.ready)
  const hash = crypto.createHash('sha256').update('abc').digest('hex').slice(0, 8)
  const served = (await fetch('/oro/crypto.js')).status
  return { sodium, ready, hash, served }
}"""

ALLOWED = """async () => {
  const { sodium } = await import('oro:crypto')
  await sodium.ready
  return sodium.crypto_generichash(32, '', null, 'hex')
}"""


def test_a_csp_without_wasm_unsafe_eval_gets_a_clear_error_and_the_page_goes_on(
    browser: Browser | WebKitBrowser,
) -> None:
    with (
        served_app([], config={"webview.csp": "default-src 'self'"}) as served,
        app_page(browser, served) as page,
    ):
        answer = page.evaluate(BLOCKED)
    name, code, message, cause = answer["sodium"]
    assert [name, code, cause] == ["Error", "ERR_ORO_SODIUM_WASM_BLOCKED", "RuntimeError"]
    assert message.startswith(
        "oro:crypto's sodium could not compile its WebAssembly: the page's "
        "Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src ("
    )
    assert answer["ready"] == answer["sodium"]
    assert [answer["hash"], answer["served"]] == ["ba7816bf", 200]
    allowed = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
    with (
        served_app([], config={"webview.csp": allowed}) as served,
        app_page(browser, served) as page,
    ):
        assert page.evaluate(ALLOWED) == hashlib.blake2b(b"", digest_size=32).hexdigest()
