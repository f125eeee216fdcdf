// One node:zlib script, run under Node 20 and in a page (test_zlib_differential.py): the JSON
// each produces must be equal. Node's zlib (Chromium's fork) and Python's compress alike only
// at level 0, so above it the script records each side's output (`compressed`) and a second run
// (`values.foreign` = the other side's) decompresses what the other made.

/** Deterministic bytes (xorshift32), the same on both sides. */
function pseudoRandom (length, seed) {
  const bytes = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    bytes[i] = x & 0xff
  }
  return bytes
}

function described (error) {
  if (!error) return null
  return { name: error.name, code: error.code ?? null, errno: error.errno ?? null, message: error.message }
}

function outcome (fn) {
  try {
    const value = fn()
    return { value: value === undefined ? null : (value?.length ?? value) }
  } catch (error) {
    return { error: described(error) }
  }
}

async function settled (promise) {
  try {
    const value = await promise
    return { value: value?.length ?? value }
  } catch (error) {
    return { error: described(error) }
  }
}

/** Write `chunks` into `stream` and collect its output (or its error). */
function pump (stream, chunks, between) {
  return new Promise((resolve) => {
    const out = []
    stream.on('data', (chunk) => out.push(chunk))
    stream.on('error', (error) => resolve({ error: described(error) }))
    stream.on('end', () => resolve({ data: out }))
    ;(async () => {
      for (const chunk of chunks) {
        stream.write(chunk)
        if (between) await between(stream)
      }
      stream.end()
    })()
  })
}

export default async function script ({ zlib, Buffer, util, values }) {
  const text = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(2000) + 'end\n')
  const inputs = {
    empty: Buffer.alloc(0),
    one: Buffer.from('x'),
    text,
    random: Buffer.from(pseudoRandom(200_000, 7)),
    zeros: Buffer.alloc(300_000)
  }
  const formats = [
    ['deflate', 'inflate'],
    ['gzip', 'gunzip'],
    ['deflateRaw', 'inflateRaw']
  ]
  const result = {}

  // Stored blocks (level 0): byte for byte the same.
  result.stored = {}
  for (const [pack] of formats) {
    result.stored[pack] = zlib[`${pack}Sync`](text, { level: 0 }).toString('hex')
  }

  // Every format, level and input: callback (through util.promisify), Sync and stream forms
  // round-trip; the compressed bytes are kept for the other side.
  result.roundTrips = {}
  result.compressed = {}
  for (const [pack, unpack] of formats) {
    for (const level of [1, 6, 9]) {
      for (const [name, input] of Object.entries(inputs)) {
        const key = `${pack}/${level}/${name}`
        const packed = await util.promisify(zlib[pack])(input, { level })
        const packedSync = zlib[`${pack}Sync`](input, { level })
        const streamed = await pump(zlib[`create${pack[0].toUpperCase()}${pack.slice(1)}`]({ level }),
          [input.subarray(0, 1000), input.subarray(1000, 50_000), input.subarray(50_000)])
        const streamedBytes = Buffer.concat(streamed.data)
        result.compressed[key] = packed.toString('base64')
        result.roundTrips[key] = [
          Buffer.compare(await util.promisify(zlib[unpack])(packed), input) === 0,
          Buffer.compare(zlib[`${unpack}Sync`](packedSync), input) === 0,
          Buffer.compare(zlib[`${unpack}Sync`](streamedBytes), input) === 0,
          packed.equals(packedSync)
        ]
      }
    }
  }

  // What the other side made, decompressed here.
  if (values.foreign) {
    result.foreign = {}
    for (const [key, base64] of Object.entries(values.foreign)) {
      const pack = key.split('/')[0]
      const unpack = formats.find(([p]) => p === pack)[1]
      const plain = zlib[`${unpack}Sync`](Buffer.from(base64, 'base64'))
      const name = key.split('/')[2]
      result.foreign[key] = Buffer.compare(plain, inputs[name]) === 0
    }
  }

  // unzip reads either header.
  result.unzip = [
    zlib.unzipSync(zlib.gzipSync(text)).equals(text),
    zlib.unzipSync(zlib.deflateSync(text)).equals(text),
    (await util.promisify(zlib.unzip)(zlib.gzipSync(text))).equals(text)
  ]

  // Streams: concatenated gzip members, flush(), bytesWritten, a corrupt stream's error.
  const members = Buffer.concat([zlib.gzipSync('one '), zlib.gzipSync('two')])
  result.members = [zlib.gunzipSync(members).toString(), Buffer.concat((await pump(zlib.createGunzip(), [members])).data).toString()]
  const flushed = []
  const deflater = zlib.createDeflate()
  deflater.on('data', (chunk) => flushed.push(chunk))
  deflater.write('hello ')
  await new Promise((resolve) => deflater.flush(resolve))
  const soFar = zlib.inflateSync(Buffer.concat(flushed), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString()
  deflater.end('world')
  await new Promise((resolve) => deflater.on('end', resolve))
  result.flush = [soFar, zlib.inflateSync(Buffer.concat(flushed)).toString(), deflater.bytesWritten]
  result.streamErrors = [
    (await pump(zlib.createGunzip(), [Buffer.from('not gzip data at all')])).error,
    (await pump(zlib.createInflate(), [zlib.deflateSync(text).subarray(0, 500)])).error,
    (await pump(zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH }), [zlib.deflateSync(text).subarray(0, 500)])).error
  ]

  // Errors: Node's classes, codes, errno and messages.
  const cut = zlib.deflateSync(text).subarray(0, -10)
  result.errors = {
    garbage: outcome(() => zlib.inflateSync(Buffer.from('garbage'))),
    garbageGzip: await settled(util.promisify(zlib.gunzip)(Buffer.from('garbage'))),
    garbageRaw: outcome(() => zlib.inflateRawSync(Buffer.from([0xff, 0xff, 0xff]))),
    cut: outcome(() => zlib.inflateSync(cut)),
    cutAllowed: outcome(() => zlib.inflateSync(cut, { finishFlush: zlib.constants.Z_SYNC_FLUSH })),
    empty: outcome(() => zlib.inflateSync(Buffer.alloc(0))),
    maxOutput: outcome(() => zlib.inflateSync(zlib.deflateSync(inputs.zeros), { maxOutputLength: 10 })),
    maxOutputAsync: await settled(util.promisify(zlib.gunzip)(zlib.gzipSync(inputs.zeros), { maxOutputLength: 299_999 })),
    maxOutputExact: outcome(() => zlib.inflateSync(zlib.deflateSync(inputs.zeros), { maxOutputLength: 300_000 })),
    level: outcome(() => zlib.deflateSync('a', { level: 10 })),
    levelType: outcome(() => zlib.deflateSync('a', { level: '9' })),
    windowBits: outcome(() => zlib.deflateSync('a', { windowBits: 7 })),
    gzipWindowBits: outcome(() => zlib.createGzip({ windowBits: 8 })),
    gunzipWindowBits: outcome(() => zlib.gunzipSync(zlib.gzipSync('a'), { windowBits: 0 })),
    memLevel: outcome(() => zlib.deflateSync('a', { memLevel: 10 })),
    strategy: outcome(() => zlib.deflateSync('a', { strategy: 5 })),
    chunkSize: outcome(() => zlib.createDeflate({ chunkSize: 10 })),
    noCallback: outcome(() => zlib.deflate('a')),
    notBytes: outcome(() => zlib.deflate(5, () => {})),
    notBytesSync: outcome(() => zlib.deflateSync(5)),
    crcData: outcome(() => zlib.crc32(5)),
    crcValue: outcome(() => zlib.crc32('a', -1))
  }

  result.crc32 = [
    zlib.crc32(''),
    zlib.crc32('hello'),
    zlib.crc32('world', zlib.crc32('hello ')),
    zlib.crc32(text),
    zlib.crc32(inputs.random),
    zlib.crc32(new DataView(inputs.random.buffer, inputs.random.byteOffset + 3, 100)),
    zlib.crc32('ünïcödé')
  ]

  // Infinity (Z_MAX_CHUNK) as text: JSON has no Infinity, and each side would turn it differently.
  const constants = Object.fromEntries(Object.entries(zlib.constants)
    .filter(([name]) => name !== 'ZLIB_VERNUM')
    .map(([name, value]) => [name, Number.isFinite(value) ? value : String(value)]))
  result.constants = constants
  result.codes = { ...zlib.codes }
  result.exports = Object.keys(zlib).sort()
  result.kinds = Object.fromEntries(Object.entries(zlib).map(([name, value]) => [name, typeof value]))
  result.vernum = typeof zlib.constants.ZLIB_VERNUM
  return result
}
