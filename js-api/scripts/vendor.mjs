#!/usr/bin/env node
// Regenerate js-api/vendor/*.js: the npm packages behind node:events, node:buffer, node:path and
// node:stream, bundled by esbuild as browser ES modules with named exports. The generated files are committed:
// the runtime serves them as they are and never needs Node.
//
//   cd js-api && npm ci && node scripts/vendor.mjs           # rewrite vendor/
//   node scripts/vendor.mjs --check                          # exit 1 if vendor/ is stale
//
// Versions are pinned in package.json / package-lock.json.

import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const vendorDir = join(root, 'vendor')
const require = createRequire(join(root, 'package.json'))

/** @param {string} name */
async function packageInfo (name) {
  const manifest = JSON.parse(await readFile(require.resolve(`${name}/package.json`), 'utf8'))
  return { name, version: manifest.version, license: manifest.license }
}

// Each bundle: the entry module (re-exporting the CommonJS package with Node's named exports),
// the packages it inlines (for the header and LICENSES), extra esbuild options.
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

/** @param {(typeof BUNDLES)[number]} bundle */
async function build (bundle) {
  const esbuild = await import('esbuild')
  const infos = await Promise.all(bundle.packages.map(packageInfo))
  const header = [
    '// @ts-nocheck',
    `// GENERATED by js-api/scripts/vendor.mjs with esbuild ${esbuild.version}. Do not edit.`,
    `// Bundles: ${infos.map((info) => `${info.name}@${info.version} (${info.license})`).join(', ')}.`,
    '// License texts: js-api/vendor/LICENSES.txt.'
  ].join('\n')
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
    banner: { js: bundle.banner ? `${header}\n${bundle.banner}` : header },
    define: bundle.define ?? {},
    external: bundle.external ?? [],
    plugins: bundle.shims ? [shimPlugin(bundle.shims)] : [],
    logLevel: 'silent'
  })
  return result.outputFiles[0].text
}

async function licenses () {
  const names = [...new Set(BUNDLES.flatMap((bundle) => bundle.packages))].sort()
  const parts = []
  for (const name of names) {
    const info = await packageInfo(name)
    const text = await readFile(join(dirname(require.resolve(`${name}/package.json`)), 'LICENSE'), 'utf8')
    parts.push(`${'='.repeat(78)}\n${info.name}@${info.version} (${info.license})\n${'='.repeat(78)}\n\n${text.trim()}\n`)
  }
  return `Licenses of the npm packages bundled into js-api/vendor/ (generated by scripts/vendor.mjs).\n\n${parts.join('\n')}`
}

/** The generated files: name → text. */
export async function generate () {
  /** @type {Record<string, string>} */
  const files = {}
  for (const bundle of BUNDLES) files[bundle.file] = await build(bundle)
  files['LICENSES.txt'] = await licenses()
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
