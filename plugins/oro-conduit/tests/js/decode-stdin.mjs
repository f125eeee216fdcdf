// Reads a JSON array of hex messages on stdin and prints, for each, what the JS codec makes of
// it: { options, values, payload } (payload in hex) or { error }. Used by
// test_conduit_codec_agreement.py to compare with the Python codec.
import { FrameError, decode } from '../../src/oro_conduit/js/codec.js'

const toHex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16))

let input = ''
for await (const chunk of process.stdin) input += chunk
const results = JSON.parse(input).map((hex) => {
  try {
    const raw = decode(fromHex(hex), { raw: true })
    return { options: raw.options, values: decode(fromHex(hex)).options, payload: toHex(raw.payload) }
  } catch (error) {
    if (!(error instanceof FrameError)) throw error
    return { error: error.message }
  }
})
process.stdout.write(JSON.stringify(results))
