// The differential script of test_crypto_sodium.py: a function body run under `node` with the npm
// libsodium-wrappers-sumo and in a page with oro:crypto's `sodium` (`sodium` in scope, ready;
// `input` holding `messages` and `sealedIn`, boxes the other side sealed for Bob). It returns
// JSON: bytes as hex, errors as [name, message]. Keys come from fixed seeds and nonces are fixed,
// so every answer but `sealed` (a fresh ephemeral key each time) is the same on both sides.
const hex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
const unhex = (text) => Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16))
const bytes = (length, start) => Uint8Array.from({ length }, (_, index) => (start + index * 7) & 255)
const attempt = (work) => {
  try { return work() } catch (e) { return { error: [e.name, e.message] } }
}
const encode = (text) => new TextEncoder().encode(text)
const alice = sodium.crypto_box_seed_keypair(bytes(32, 1))
const bob = sodium.crypto_box_seed_keypair(bytes(32, 2))
const signer = sodium.crypto_sign_seed_keypair(bytes(32, 3))
const boxNonce = bytes(sodium.crypto_box_NONCEBYTES, 4)
const secretKey = bytes(sodium.crypto_secretbox_KEYBYTES, 5)
const secretNonce = bytes(sodium.crypto_secretbox_NONCEBYTES, 6)
const hashKey = bytes(sodium.crypto_generichash_KEYBYTES, 7)
return {
  version: sodium.SODIUM_VERSION_STRING,
  sizes: [sodium.crypto_box_PUBLICKEYBYTES, sodium.crypto_box_NONCEBYTES, sodium.crypto_box_MACBYTES,
    sodium.crypto_secretbox_KEYBYTES, sodium.crypto_sign_BYTES, sodium.crypto_generichash_BYTES],
  keys: [alice.publicKey, alice.privateKey, bob.publicKey, signer.publicKey, signer.privateKey].map(hex),
  keyTypes: [alice.keyType, signer.keyType],
  messages: input.messages.map((text) => {
    const message = encode(text)
    const box = sodium.crypto_box_easy(message, boxNonce, bob.publicKey, alice.privateKey)
    const secret = sodium.crypto_secretbox_easy(message, secretNonce, secretKey)
    const signature = sodium.crypto_sign_detached(message, signer.privateKey)
    const tampered = Uint8Array.from(box)
    tampered[0] ^= 1
    return {
      box: hex(box),
      boxOpened: sodium.crypto_box_open_easy(box, boxNonce, alice.publicKey, bob.privateKey, 'text'),
      boxTampered: attempt(() => sodium.crypto_box_open_easy(tampered, boxNonce, alice.publicKey, bob.privateKey)),
      secret: hex(secret),
      secretOpened: sodium.crypto_secretbox_open_easy(secret, secretNonce, secretKey, 'text'),
      hash: hex(sodium.crypto_generichash(32, message)),
      keyedHash: sodium.crypto_generichash(64, message, hashKey, 'hex'),
      signature: hex(signature),
      verified: sodium.crypto_sign_verify_detached(signature, message, signer.publicKey),
      forged: sodium.crypto_sign_verify_detached(signature, encode(text + '!'), signer.publicKey)
    }
  }),
  sealed: input.messages.map((text) => hex(sodium.crypto_box_seal(encode(text), bob.publicKey))),
  opened: input.sealedIn.map((sealed) => sodium.crypto_box_seal_open(unhex(sealed), bob.publicKey, bob.privateKey, 'text')),
  bad: [
    // A key of the wrong length, for each kind of key.
    attempt(() => sodium.crypto_secretbox_easy(bytes(3, 0), secretNonce, bytes(5, 0))),
    attempt(() => sodium.crypto_box_easy(bytes(3, 0), boxNonce, bytes(31, 0), alice.privateKey)),
    attempt(() => sodium.crypto_sign_detached(bytes(3, 0), bytes(10, 0))),
    attempt(() => sodium.crypto_generichash(32, bytes(3, 0), bytes(200, 0))),
    // A nonce of the wrong length, an output length out of range, a message that is no bytes.
    attempt(() => sodium.crypto_secretbox_easy(bytes(3, 0), bytes(5, 0), secretKey)),
    attempt(() => sodium.crypto_generichash(1000, bytes(3, 0))),
    attempt(() => sodium.crypto_secretbox_easy(42, secretNonce, secretKey)),
    // A sealed box that is too short to be one.
    attempt(() => sodium.crypto_box_seal_open(bytes(10, 0), bob.publicKey, bob.privateKey))
  ]
}
