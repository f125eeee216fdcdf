// Type-checked (never run) by tests/types.test.mjs: page code importing the oro: specifiers
// with js-api/index.d.ts (and node-aliases.d.ts) in the project.

import ipc, { request, send, stream, write, setTransport, getTransport, fetchTransport, createBinding, IPCStream, SSEParser, type Transport, type IPCError } from 'oro:ipc'
import { NotFoundError, ErrnoError, rehydrate, TimeoutError } from 'oro:errors'
import { onApplicationPause, onApplicationResume, onApplicationStop, onApplicationURL, onReady, on } from 'oro:hooks'
import * as application from 'oro:application'
import type { ApplicationWindowList } from 'oro:application'
import { getCurrentWindow, ApplicationWindow, createWindow, getWindows, type CreatedWindow } from 'oro:window'
import { ready as protocolReady, toAppURL } from 'oro:protocol-handlers'
import * as os from 'oro:os'
import * as diagnostics from 'oro:diagnostics'
import { toIPCURL, KNOWN_EVENTS, install, ApplicationURLEvent } from 'oro:bootstrap'
import EventEmitter, { once, on as onEvent } from 'oro:events'
import path, { join, resolve, basename, sep, posix } from 'oro:path'
import { Buffer } from 'oro:buffer'
import { EventEmitter as NodeEventEmitter } from 'node:events'
import nodePath from 'node:path'
import { Buffer as NodeBuffer } from 'node:buffer'
import { platform } from 'node:os'
import BufferClass from 'oro:buffer'
import { compareBuffers, toBuffer, isBufferLike, parseHeaders, MIMEType } from 'oro:util'
import { IPCMessageChannel, IPCBroadcastChannel, IPCSearchParams, Headers as IPCHeaders, parseSeq, postMessage, OK } from 'oro:ipc'
import { murmur3, rand64, createDigest, sodium } from 'oro:crypto'
import { Path, cwd as pathCwd, HOME } from 'oro:path'
import { env, ProcessEnvironmentEvent } from 'oro:process'
import oroTest from 'oro:test'
import { lookupSync } from 'oro:mime'
import semver, { satisfies, type SemVer } from 'oro:semver'
import toml, { parse as parseToml, TomlLocalDate } from 'oro:toml'
import { createRequire, Module, builtinModules, isBuiltin } from 'node:module'
import { Package, Loader as ModuleSourceLoader } from 'oro:commonjs'

async function main (): Promise<void> {
  onApplicationURL((event) => {
    const pathname: string | undefined = event.url?.pathname
    const source: string | null = event.source
    const path: string = event.detail.path
    console.log(pathname, source, path, event.isValid, event.appURL)
  })
  globalThis.addEventListener('applicationurl', (event) => {
    const isOro: boolean = event instanceof ApplicationURLEvent
    const url: URL | null = event.url
    console.log(isOro, url?.protocol, event.detail.url)
  })
  const pong: string = await request<string>('ping')
  const info = await request<{ url: string, type: string }>('mime.lookup', 'a.html')
  const text: string = info.type
  const bytes: Uint8Array = await write('fs.write', { path: 'a' }, new Uint8Array([1]), { responseType: 'bytes' })
  const events: IPCStream = await request('diagnostics.stream.sse', { count: 3 }, { responseType: 'stream', timeout: 1000 })
  for await (const event of events) console.log(event)
  for await (const item of stream<{ index: number }>('diagnostics.stream.sse', { count: 3 })) {
    const index: number = item.index
    console.log(index)
  }
  for await (const item of stream('x', {}, { events: true })) console.log(item.event, item.id, item.data)
  const controller = new AbortController()
  await send('ping', undefined, { signal: controller.signal })
  const transport: Transport = { name: 'test', request: async (route, params, options) => ({ route, params, seq: options.seq }) }
  const previous: Transport = setTransport(transport)
  setTransport(null)
  console.log(previous === getTransport(), fetchTransport.name, ipc.TIMEOUT)
  await createBinding('fs').promises.readFile({ path: 'a' })
  new SSEParser().push('data: x\n\n').forEach((event) => console.log(event.event, event.data))

  try {
    await request('fs.stat', { path: 'nope' })
  } catch (error) {
    if (error instanceof NotFoundError) console.log(error.code)
    if (error instanceof ErrnoError) console.log(error.errno, error.syscall, error.path)
    if (error instanceof TimeoutError) console.log(error.code)
    const typed = error as IPCError
    console.log(typed.name, typed.code)
  }
  const rehydrated = rehydrate({ type: 'NotFoundError', code: 'NOT_FOUND_ERR', message: 'x' })
  console.log(rehydrated.code)

  const stop: () => void = onApplicationPause((event) => console.log(event.detail))
  stop()
  onApplicationResume(() => {})
  onApplicationStop(() => {})
  onReady(() => {})
  on<{ n: number }>('myplugin.changed', (event) => console.log(event.detail.n))
  globalThis.addEventListener('applicationpause', (event) => console.log(event.detail))
  globalThis.addEventListener('runtimeinit', (event) => console.log(event.detail.index))

  const title: unknown = application.config.meta_title
  const windows: ApplicationWindowList = await application.getWindows()
  await application.exit(0)
  console.log(title, windows.length, application.isPaused())

  const win = getCurrentWindow()
  await win.setTitle('x')
  await win.setSize({ width: 1, height: 2 })
  const winTitle: string = await win.getTitle()
  await win.navigate('/a.html')
  await win.eval('1')
  console.log(win.index, winTitle)

  const editor: CreatedWindow = await createWindow({ url: '/editor.html', title: 'Editor' })
  await editor.send('greeting', { from: win.index })
  const all: ApplicationWindow[] = await getWindows()
  const mapped: string | null = toAppURL('web+demo://inbox/1')
  const registration: ServiceWorkerRegistration = await protocolReady('web+demo')
  console.log(editor.launchUrl, editor.unsupported, all.length, mapped, registration.scope)

  const p: string = os.platform()
  const tmp: string = os.tmpdir()
  const cpus = os.cpus()
  const now: bigint = os.hrtime()
  const ns: bigint = os.hrtime.bigint()
  const free: bigint = os.availableMemory()
  console.log(p, tmp, cpus[0]?.model, now, ns, free + BigInt(os.freemem()), os.EOL, platform())

  const d = await diagnostics.query()
  console.log(d.routes.count, (await diagnostics.capabilities()).streaming.sseIncremental)
  for await (const chunk of diagnostics.chunks({ chunks: 2 })) console.log(chunk.byteLength)

  console.log(toIPCURL('ipc://ping'), KNOWN_EVENTS.length, install().installed)

  const emitter = new EventEmitter()
  emitter.on('x', (a: number) => console.log(a)).emit('x', 1)
  const [value] = await once(emitter, 'x')
  for await (const args of onEvent(emitter, 'x')) console.log(args)
  console.log(value, new NodeEventEmitter().listenerCount('y'))

  const joined: string = join('a', 'b')
  console.log(joined, resolve('/a', 'b'), basename('/a/b.txt', '.txt'), sep, posix.sep, path.parse('/a/b').name, nodePath.extname('a.md'))

  const buffer: Buffer = Buffer.from('hello', 'utf8')
  const hex: string = buffer.slice(1).toString('hex')
  console.log(hex, buffer.readUInt8(0), NodeBuffer.byteLength('x'), Buffer.concat([buffer]).equals(buffer))

  console.log(globalThis.isOroRuntime, globalThis.__args?.index, __args?.config, pong, text, bytes)

  // Oro's own names.
  const made: Buffer = BufferClass.from('x')
  const viaDefault: Buffer = BufferClass.Buffer.alloc(1)
  const order: -1 | 0 | 1 = compareBuffers(made, viaDefault)
  console.log(order, toBuffer('x').length, isBufferLike(made), parseHeaders('a: b'), new MIMEType('text/plain').essence)
  const { port1, port2 } = new IPCMessageChannel()
  port1.postMessage({ a: 1 })
  port2.onmessage = (event: MessageEvent) => console.log(event.data)
  const channel = new IPCBroadcastChannel('news')
  await channel.postMessage('hi')
  const seq: number = parseSeq('R1')
  const result = await postMessage('ipc://ping')
  console.log(seq, result.data, OK, new IPCSearchParams({ a: 1 }).get('seq'), IPCHeaders.from('a: b').length, port1.id)
  const hash: number = murmur3('x')
  const big: bigint = rand64()
  const digest: Buffer = await createDigest('SHA-256', new Uint8Array([1]))
  const loaded: typeof sodium = await sodium.ready
  const keys: { publicKey: Uint8Array } = loaded.crypto_box_keypair()
  const parsed = Path.from('a/b.txt', '/w')
  const where: string = parsed.pathname
  console.log(hash, big, digest, keys.publicKey, where, pathCwd(), HOME)
  env.addEventListener('set', (event) => console.log(event instanceof ProcessEnvironmentEvent))
  const mode: string = env.APP_MODE
  oroTest.linux('on linux', (t) => t.pass())
  oroTest('dom', async (t) => {
    await t.type('#i', 'x')
    const found = await t.waitFor('#b', { visible: true })
    console.log(found, mode)
  })
  console.log(lookupSync('png').map((result) => result.mime))
  const version: SemVer | null = semver.parse('1.2.3-beta.1')
  const next: string | null = semver.inc('1.2.3', 'prerelease', 'beta')
  const config = parseToml('day = 1979-05-27', { maxLength: 1024, reviver: (key, value) => value })
  const day: boolean = config.day instanceof TomlLocalDate
  console.log(version?.prerelease, next, satisfies('1.2.3', '^1'), day, toml.stringify({ a: 1 }))
  const requireHere = createRequire(import.meta.url)
  const where2: string = requireHere.resolve('./x', { paths: ['/lib'] })
  const lookups: string[] | null = requireHere.resolve.paths('x')
  Module.resolvers.push((specifier, module, next) => specifier === 'x' ? next(module.id) : next(specifier))
  const entry: string | null = new Package('/node_modules/x/').entry
  const source: string = new ModuleSourceLoader('/').load('a.js').text
  console.log(requireHere('fs'), where2, lookups, entry, source, builtinModules.includes('fs'), isBuiltin('fs'), Module.main.id)
}

void main()
