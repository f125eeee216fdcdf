#!/usr/bin/env node
// Regenerate js-api/vendor/*.js: the npm packages behind node:events, node:buffer, node:path,
// node:stream, node:util, node:assert, node:url, node:querystring, node:string_decoder,
// node:path/win32, node:crypto's hashes and oro:crypto's sodium, bundled by esbuild as browser ES modules with named exports. The generated files are committed:
// the runtime serves them as they are and never needs Node.
//
//   cd js-api && npm ci && node scripts/vendor.mjs           # rewrite vendor/
//   node scripts/vendor.mjs --check                          # exit 1 if vendor/ is stale
//
// Versions are pinned in package.json / package-lock.json.

import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const vendorDir = join(root, 'vendor')

/**
 * The installed package's directory (read directly: some packages' `exports` hide package.json).
 * @param {string} name
 */
function packageDir (name) {
  return join(root, 'node_modules', name)
}

/** @param {string} name */
async function packageInfo (name) {
  const manifest = JSON.parse(await readFile(join(packageDir(name), 'package.json'), 'utf8'))
  // Old manifests name it in a `licenses` array.
  const license = manifest.license ?? (manifest.licenses ?? []).map((/** @type {any} */ entry) => entry.type).join(' OR ')
  return { name, version: manifest.version, license }
}

// Each bundle: the entry module (re-exporting the CommonJS package with Node's named exports),
// the packages it is made of (named first in its header; every other package esbuild inlines is
// found and named too, and all of them go into LICENSES.txt), extra esbuild options.
const BUNDLES = [
  {
    file: 'events.js',
    packages: ['events'],
    entry: `
import EventEmitter from 'events'
export default EventEmitter
export { EventEmitter }
export const once = EventEmitter.once
`
  },
  {
    file: 'buffer.js',
    packages: ['buffer', 'base64-js', 'ieee754'],
    entry: `
import buffer from 'buffer'
export default buffer
export const Buffer = buffer.Buffer
export const SlowBuffer = buffer.SlowBuffer
export const INSPECT_MAX_BYTES = buffer.INSPECT_MAX_BYTES
export const kMaxLength = buffer.kMaxLength
`
  },
  {
    file: 'path.js',
    packages: ['path-browserify'],
    // path-browserify's resolve() calls process.cwd(), which a page does not have.
    banner: `const __oroProcessCwd = () => {
  const host = globalThis.process
  if (host && typeof host.cwd === 'function') return host.cwd()
  const cwd = globalThis.__args && globalThis.__args.cwd
  return typeof cwd === 'string' && cwd.startsWith('/') ? cwd : '/'
}`,
    define: { 'process.cwd': '__oroProcessCwd' },
    entry: `
import path from 'path-browserify'
export default path
export const basename = path.basename
export const delimiter = path.delimiter
export const dirname = path.dirname
export const extname = path.extname
export const format = path.format
export const isAbsolute = path.isAbsolute
export const join = path.join
export const normalize = path.normalize
export const parse = path.parse
export const posix = path.posix
export const relative = path.relative
export const resolve = path.resolve
export const sep = path.sep
`
  },
  {
    file: 'stream.js',
    packages: ['readable-stream', 'string_decoder', 'safe-buffer'],
    // readable-stream is Node's own lib/internal/streams. Its dependencies resolve to the
    // page's modules so that its chunks are oro:buffer's Buffers and its streams oro:events'
    // EventEmitters (imported at run time from ../buffer.js and ../events.js, not bundled
    // again), and to small shims for what a page lacks: process.nextTick (a microtask, as
    // Node's runs before promise callbacks), AbortController (the page's own).
    shims: {
      buffer: `import * as buffer from '../buffer.js'
export const Buffer = buffer.Buffer
export const Blob = globalThis.Blob
export default buffer`,
      events: `import * as events from '../events.js'
export const EventEmitter = events.EventEmitter
export const addAbortListener = events.addAbortListener
export default events.EventEmitter`,
      'process/': `const process = {
  nextTick (callback, ...args) { queueMicrotask(() => callback(...args)) },
  env: {},
  stdout: undefined,
  stderr: undefined
}
export default process`,
      'abort-controller': `export const AbortController = globalThis.AbortController
export const AbortSignal = globalThis.AbortSignal`
    },
    external: ['../buffer.js', '../events.js'],
    entry: `
import stream from 'readable-stream'
export default stream
export const Stream = stream.Stream
export const Readable = stream.Readable
export const Writable = stream.Writable
export const Duplex = stream.Duplex
export const Transform = stream.Transform
export const PassThrough = stream.PassThrough
export const pipeline = stream.pipeline
export const finished = stream.finished
export const compose = stream.compose
export const addAbortSignal = stream.addAbortSignal
export const destroy = stream.destroy
export const isDisturbed = stream.isDisturbed
export const isErrored = stream.isErrored
export const isReadable = stream.isReadable
export const promises = stream.promises
`
  }
]


// What the CommonJS packages read of Node's `process` in a page: the page's own `process` where
// something defined one, else nothing set (no NODE_DEBUG, no deprecation flags, no argv).
const PROCESS_BANNER = `const __oroProcess = (() => {
  const host = () => globalThis.process || {}
  return {
    nextTick (callback, ...args) { queueMicrotask(() => callback(...args)) },
    get env () { return host().env || {} },
    get argv () { return host().argv || [] },
    get execArgv () { return host().execArgv || [] },
    get pid () { return host().pid || 0 },
    get noDeprecation () { return host().noDeprecation },
    get throwDeprecation () { return host().throwDeprecation },
    get traceDeprecation () { return host().traceDeprecation },
    get emitWarning () { return host().emitWarning },
    stderr: undefined,
    stdout: undefined
  }
})()`

BUNDLES.push(
  {
    file: 'util.js',
    // Node's util.inspect/format come from node-inspect-extracted (Node's own lib/internal/util/
    // inspect.js with the primordials emulated); the rest of util from the browserify `util`
    // package; isDeepStrictEqual from the `assert` package's port of Node's comparisons (the
    // same code that assert.deepStrictEqual runs); parseArgs from @pkgjs/parseargs (Node's own).
    packages: ['node-inspect-extracted', 'util', '@pkgjs/parseargs', 'assert'],
    // @pkgjs/parseargs reads Node's `global`.
    define: { process: '__oroProcess', global: 'globalThis' },
    banner: PROCESS_BANNER,
    entry: `
import inspectExtracted from 'node-inspect-extracted'
import npmUtil from 'util/'
import comparisons from 'assert/build/internal/util/comparisons.js'
import { parseArgs } from '@pkgjs/parseargs'
export const inspect = inspectExtracted.inspect
export const format = inspectExtracted.format
export const formatWithOptions = inspectExtracted.formatWithOptions
export const stripVTControlCharacters = inspectExtracted.stripVTControlCharacters
export const promisify = npmUtil.promisify
export const callbackify = npmUtil.callbackify
export const inherits = npmUtil.inherits
export const deprecate = npmUtil.deprecate
export const debuglog = npmUtil.debuglog
export const types = npmUtil.types
export const isDeepStrictEqual = comparisons.isDeepStrictEqual
export const isDeepEqual = comparisons.isDeepEqual
export { parseArgs }
// The util object the assert package requires ('util/'): Node's inspect in its messages.
export default Object.assign({}, npmUtil, { inspect, format, formatWithOptions, isDeepStrictEqual })
`
  },
  {
    file: 'assert.js',
    // The assert package (browserify's port of Node's assert); its util is ./util.js above, so
    // messages show Node's inspect and deep comparison is the same code as util.isDeepStrictEqual.
    packages: ['assert'],
    shims: {
      'util/': `export * from './util.js'
export { default } from './util.js'`,
      './internal/util/comparisons': `export { isDeepEqual, isDeepStrictEqual } from './util.js'`
    },
    define: { process: '__oroProcess' },
    banner: PROCESS_BANNER,
    external: ['./util.js'],
    // Its messages name classes (its `Comparison`), which bundling would rename.
    keepNames: true,
    entry: `
import assert from 'assert/'
export default assert
export const AssertionError = assert.AssertionError
export const strict = assert.strict
`
  },
  {
    file: 'querystring.js',
    // querystring-browser is Node 5's lib/querystring.js (escape/unescape/unescapeBuffer, empty
    // pairs skipped, malformed escapes decoded byte-wise as Node does); querystring-es3, the
    // browserify default, is Node 0.10's and throws URIError on a stray '%'. Its Buffer is
    // oro:buffer's.
    packages: ['querystring-browser'],
    shims: {
      buffer: `import { Buffer } from '../buffer.js'
export { Buffer }
export default { Buffer }`
    },
    external: ['../buffer.js'],
    entry: `
import querystring from 'querystring-browser'
export default querystring
export const parse = querystring.parse
export const stringify = querystring.stringify
export const decode = querystring.decode
export const encode = querystring.encode
export const escape = querystring.escape
export const unescape = querystring.unescape
export const unescapeBuffer = querystring.unescapeBuffer
`
  },
  {
    file: 'url.js',
    // The url package (Node's legacy url.parse/format/resolve, ported). It parses queries with
    // `qs`, which nests `a[b]=1`; Node uses querystring, so qs is replaced by ./querystring.js.
    packages: ['url', 'punycode'],
    shims: {
      qs: `import * as querystring from '../querystring.js'
export const parse = (text) => querystring.parse(text)
export const stringify = (object) => querystring.stringify(object)`
    },
    external: ['../querystring.js'],
    entry: `
import url from 'url/'
import punycode from 'punycode/'
export default url
export const parse = url.parse
export const format = url.format
export const resolve = url.resolve
export const resolveObject = url.resolveObject
export const Url = url.Url
export const toASCII = punycode.toASCII
export const toUnicode = punycode.toUnicode
`
  },
  {
    file: 'string_decoder.js',
    // Buffers are oro:buffer's (imported at run time), not a second copy.
    packages: ['string_decoder'],
    shims: {
      'safe-buffer': `import { Buffer } from '../buffer.js'
export { Buffer }
export default { Buffer }`
    },
    external: ['../buffer.js'],
    entry: `
import stringDecoder from 'string_decoder/'
export default stringDecoder
export const StringDecoder = stringDecoder.StringDecoder
`
  },
  {
    file: 'path-win32.js',
    // path-unified is Node's lib/path.js (v21.5) as an ES module, win32 half included. It
    // assigns window.process.cwd at load, which a page must not get: \`window\` is hidden from it,
    // and its process.cwd() is the page's working directory as oro:path resolves it.
    packages: ['path-unified'],
    banner: `const __oroNoWindow = undefined
const __oroProcess = {
  platform: 'win32',
  cwd () {
    const host = globalThis.process
    if (host && typeof host.cwd === 'function') return host.cwd()
    const cwd = globalThis.__args && globalThis.__args.cwd
    return typeof cwd === 'string' && cwd ? cwd : '/'
  },
  get env () { return (globalThis.process && globalThis.process.env) || {} }
}`,
    define: { window: '__oroNoWindow', process: '__oroProcess' },
    entry: `
import * as win32 from 'path-unified/win32'
export default win32.default
export const {
  basename, delimiter, dirname, extname, format, isAbsolute, join, normalize, parse, relative,
  resolve, sep, toNamespacedPath
} = win32
`
  },
  {
    file: 'hashes.js',
    // @noble/hashes (audited, no dependencies): the digests behind oro:crypto's createHash and
    // createHmac; md5 and sha1 from its legacy module.
    packages: ['@noble/hashes'],
    entry: `
export { sha224, sha256, sha384, sha512, sha512_224, sha512_256 } from '@noble/hashes/sha2.js'
export { md5, sha1, ripemd160 } from '@noble/hashes/legacy.js'
export { sha3_224, sha3_256, sha3_384, sha3_512 } from '@noble/hashes/sha3.js'
export { hmac } from '@noble/hashes/hmac.js'
export { pbkdf2 } from '@noble/hashes/pbkdf2.js'
`
  },
  {
    file: 'semver.js',
    // npm's own semver (node-semver): oro:semver is it, by the same names. Its debug log reads
    // process.env.NODE_DEBUG: the page's process, if something defined one.
    packages: ['semver'],
    define: { process: '__oroProcess' },
    banner: PROCESS_BANNER,
    entry: `
import semver from 'semver'
export default semver
export const {
  parse, valid, clean, inc, diff, major, minor, patch, prerelease, compare, rcompare,
  compareLoose, compareBuild, sort, rsort, gt, lt, eq, neq, gte, lte, cmp, coerce, truncate,
  Comparator, Range, satisfies, toComparators, maxSatisfying, minSatisfying, minVersion,
  validRange, outside, gtr, ltr, intersects, simplifyRange, subset, SemVer, re, src, tokens,
  SEMVER_SPEC_VERSION, RELEASE_TYPES, compareIdentifiers, rcompareIdentifiers
} = semver
`
  },
  {
    file: 'toml.js',
    // smol-toml (TOML 1.1, and so 1.0; passes the toml-test suite). Its dates are JS Dates with
    // millisecond precision; oro:toml answers Oro's TomlLocalDate/Time/DateTime with their
    // nanoseconds, so each TomlDate it makes also keeps the text it was read from and its kind
    // (1 offset date-time, 2 local date-time, 3 local date, 4 local time).
    packages: ['smol-toml'],
    shims: {
      './date.js': `import { TomlDate as SmolTomlDate } from './node_modules/smol-toml/dist/date.js'
export class TomlDate extends SmolTomlDate {
  constructor (date, kind, unsafeDelimiter) {
    super(date, kind, unsafeDelimiter)
    this.tomlText = date
    this.tomlKind = kind
  }
}`
    },
    entry: `
export { default, parse, stringify, TomlError } from './node_modules/smol-toml/dist/index.js'
`
  },
  {
    file: 'sodium.js',
    // libsodium.js's sumo build (the variant Oro's api/external/libsodium bundles): the wrappers
    // and the WebAssembly module, embedded in the file. oro:crypto imports it when a page first
    // awaits `sodium.ready`, never at load. Its `require("crypto")` is a fallback for a realm
    // without crypto.getRandomValues, which every page has (and the wrappers refuse to load
    // without): it becomes `undefined`, so the bundle names no Node module.
    packages: ['libsodium-wrappers-sumo', 'libsodium-sumo'],
    define: { require: 'undefined' },
    entry: `
export { default } from 'libsodium-wrappers-sumo'
`
  }
)

/**
 * An esbuild plugin resolving bare specifiers to the given module texts.
 * @param {Record<string, string>} shims specifier → ES module source
 */
function shimPlugin (shims) {
  return {
    name: 'oro-shims',
    /** @param {any} build */
    setup (build) {
      const names = Object.keys(shims).map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      const filter = new RegExp(`^(${names.join('|')})$`)
      build.onResolve({ filter }, (/** @type {any} */ args) => ({ path: args.path, namespace: 'oro-shim' }))
      build.onLoad({ filter: /.*/, namespace: 'oro-shim' }, (/** @type {any} */ args) => ({
        contents: shims[args.path], loader: 'js', resolveDir: root
      }))
    }
  }
}

/**
 * Bundle one entry; answer its text and the packages whose code went in (those `packages` names
 * first, then every other one esbuild read, so the header and LICENSES.txt miss none).
 * @param {(typeof BUNDLES)[number]} bundle
 */
async function build (bundle) {
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    stdin: { contents: bundle.entry, resolveDir: root, sourcefile: `oro-vendor-${bundle.file}`, loader: 'js' },
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    minify: false,
    legalComments: 'inline',
    banner: bundle.banner ? { js: bundle.banner } : {},
    define: bundle.define ?? {},
    external: bundle.external ?? [],
    plugins: bundle.shims ? [shimPlugin(bundle.shims)] : [],
    keepNames: bundle.keepNames ?? false,
    metafile: true,
    logLevel: 'silent'
  })
  const inlined = Object.keys(result.metafile.inputs)
    .map((input) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input)?.[1])
    .filter((name) => name !== undefined)
  const packages = [...new Set([...bundle.packages, ...[...new Set(inlined)].sort()])]
  const infos = await Promise.all(packages.map(packageInfo))
  const header = [
    '// @ts-nocheck',
    `// GENERATED by js-api/scripts/vendor.mjs with esbuild ${esbuild.version}. Do not edit.`,
    `// Bundles: ${infos.map((info) => `${info.name}@${info.version} (${info.license})`).join(', ')}.`,
    '// License texts: js-api/vendor/LICENSES.txt.'
  ].join('\n')
  return { text: `${header}\n${result.outputFiles[0].text}`, packages }
}

// Packages that ship no license file: the text their package.json's license names.
/** @type {Record<string, string>} */
const LICENSE_TEXTS = {
  // MIT per its package.json; its code is Node.js's lib/path.js, under Node.js's MIT license:
  'path-unified': `(path-unified ships no license file; its package.json says MIT. Its code is
Node.js's lib/path.js, whose license follows.)

Copyright Node.js contributors. All rights reserved.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to
deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
IN THE SOFTWARE.`
}

/** @param {string[]} packages every bundled package */
async function licenses (packages) {
  const names = [...new Set(packages)].sort()
  const parts = []
  for (const name of names) {
    const info = await packageInfo(name)
    const file = (await readdir(packageDir(name))).filter((entry) => /^licen[cs]e/i.test(entry)).sort()[0]
    const text = file ? await readFile(join(packageDir(name), file), 'utf8') : LICENSE_TEXTS[name]
    if (!text) throw new Error(`${name} ships no LICENSE file`)
    parts.push(`${'='.repeat(78)}\n${info.name}@${info.version} (${info.license})\n${'='.repeat(78)}\n\n${text.trim()}\n`)
  }
  return `Licenses of the npm packages bundled into js-api/vendor/ (generated by scripts/vendor.mjs).\n\n${parts.join('\n')}`
}

/** The generated files: name → text. */
export async function generate () {
  /** @type {Record<string, string>} */
  const files = {}
  const packages = []
  for (const bundle of BUNDLES) {
    const built = await build(bundle)
    files[bundle.file] = built.text
    packages.push(...built.packages)
  }
  files['LICENSES.txt'] = await licenses(packages)
  return files
}

async function main () {
  const check = process.argv.includes('--check')
  const files = await generate()
  let stale = []
  await mkdir(vendorDir, { recursive: true })
  for (const [name, text] of Object.entries(files)) {
    const target = join(vendorDir, name)
    const current = await readFile(target, 'utf8').catch(() => null)
    if (current === text) continue
    stale.push(name)
    if (!check) await writeFile(target, text)
  }
  if (check && stale.length) {
    console.error(`vendor/ is stale: ${stale.join(', ')} (run: cd js-api && node scripts/vendor.mjs)`)
    process.exit(1)
  }
  console.log(check ? 'vendor/ is up to date' : stale.length ? `wrote ${stale.join(', ')}` : 'vendor/ already up to date')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main()
}
