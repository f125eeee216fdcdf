// Unit tests of the parts of oro:fs that need no host: flags, modes, times, encodings, ids,
// Stats/Dirent, the module shapes against their .d.ts, and the declarations under tsc.
// Run through tests/test_fs_js_unit.py (node --import ./support/register.mjs --test).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { constants as nodeConstants, lstatSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { Buffer as NodeBuffer } from 'node:buffer'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { checkEncoding, fromBytes, getOptions, newId, toBytes, toFlags, toMode, toPath, toSeconds } from '../../src/oro_fs/js/fs/internal/util.js'
import { Dirent, Stats } from '../../src/oro_fs/js/fs/internal/stats.js'
import { constants } from 'oro:fs/constants'
import { declaredValues } from '../../../../js-api/scripts/exports.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const js = join(here, '..', '..', 'src', 'oro_fs', 'js')
const repository = join(here, '..', '..', '..', '..')
const run = promisify(execFile)

test('outside the runtime the constants are the Linux values Node uses', () => {
  for (const [name, value] of Object.entries(constants)) {
    if (name in nodeConstants) assert.equal(value, nodeConstants[name], name)
  }
  assert.ok(Object.isFrozen(constants))
})

test('flag strings map as Node maps them', () => {
  const c = nodeConstants
  const cases = {
    r: c.O_RDONLY,
    'r+': c.O_RDWR,
    rs: c.O_RDONLY | c.O_SYNC,
    'rs+': c.O_RDWR | c.O_SYNC,
    w: c.O_TRUNC | c.O_CREAT | c.O_WRONLY,
    wx: c.O_TRUNC | c.O_CREAT | c.O_WRONLY | c.O_EXCL,
    'w+': c.O_TRUNC | c.O_CREAT | c.O_RDWR,
    'xw+': c.O_TRUNC | c.O_CREAT | c.O_RDWR | c.O_EXCL,
    a: c.O_APPEND | c.O_CREAT | c.O_WRONLY,
    ax: c.O_APPEND | c.O_CREAT | c.O_WRONLY | c.O_EXCL,
    as: c.O_APPEND | c.O_CREAT | c.O_WRONLY | c.O_SYNC,
    'a+': c.O_APPEND | c.O_CREAT | c.O_RDWR,
    'ax+': c.O_APPEND | c.O_CREAT | c.O_RDWR | c.O_EXCL,
    'sa+': c.O_APPEND | c.O_CREAT | c.O_RDWR | c.O_SYNC
  }
  for (const [flags, expected] of Object.entries(cases)) assert.equal(toFlags(flags), expected, flags)
  assert.equal(toFlags(undefined), c.O_RDONLY)
  assert.equal(toFlags(null, 'w'), cases.w)
  assert.equal(toFlags(c.O_RDWR | c.O_CREAT), c.O_RDWR | c.O_CREAT)
  assert.throws(() => toFlags('rw'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => toFlags(1.5), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
})

test('modes are numbers or octal strings', () => {
  assert.equal(toMode(undefined, 0o666), 0o666)
  assert.equal(toMode(0o755, 0), 0o755)
  assert.equal(toMode('644', 0), 0o644)
  assert.equal(toMode('0o700', 0), 0o700)
  assert.throws(() => toMode('9', 0), { code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => toMode(-1, 0), { code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => toMode({}, 0), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('times are seconds: numbers, numeric strings and Dates', () => {
  assert.equal(toSeconds(12.5, 'atime'), 12.5)
  assert.equal(toSeconds('100', 'atime'), 100)
  assert.equal(toSeconds(new Date(1500), 'mtime'), 1.5)
  assert.throws(() => toSeconds('soon', 'mtime'), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => toSeconds(new Date(NaN), 'mtime'), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('paths: strings, bytes and file: URLs', () => {
  assert.equal(toPath('notes/a.md'), 'notes/a.md')
  assert.equal(toPath(new TextEncoder().encode('é.txt')), 'é.txt')
  assert.equal(toPath(new URL('file:///tmp/a%20b.txt')), '/tmp/a b.txt')
  assert.throws(() => toPath(new URL('http://x/y')), { code: 'ERR_INVALID_URL_SCHEME' })
  assert.throws(() => toPath(7), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
})

test('options: a string is the encoding, encodings are checked', () => {
  assert.deepEqual(getOptions('utf8', { encoding: null, flag: 'r' }), { encoding: 'utf8', flag: 'r' })
  assert.deepEqual(getOptions({ flag: 'a' }, { encoding: null, flag: 'r' }), { encoding: null, flag: 'a' })
  assert.deepEqual(getOptions(undefined, { x: 1 }), { x: 1 })
  assert.equal(checkEncoding('HEX'), 'hex')
  assert.throws(() => getOptions('klingon', {}), { code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => getOptions(5, {}), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('encodings agree with Node\'s own Buffer on random data', () => {
  const encodings = ['utf8', 'base64', 'base64url', 'hex', 'latin1', 'binary', 'ascii', 'utf16le', 'ucs2']
  for (let round = 0; round < 200; round++) {
    const length = Math.floor(Math.random() * 64)
    const bytes = new Uint8Array(length)
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(Math.random() * 256)
    for (const encoding of encodings) {
      const text = NodeBuffer.from(bytes).toString(encoding)
      assert.equal(fromBytes(bytes, encoding), text, `${encoding} decode of ${NodeBuffer.from(bytes).toString('hex')}`)
      assert.deepEqual([...toBytes(text, encoding)], [...NodeBuffer.from(text, encoding)], `${encoding} encode`)
    }
  }
  const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3)
  assert.deepEqual([...toBytes(new DataView(view.buffer, 1, 2))], [2, 3])
  assert.equal(toBytes(view), view)
  assert.deepEqual([...fromBytes(view, null)], [2, 3])
  assert.throws(() => toBytes(42), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('descriptor ids are random decimal 53-bit integers', () => {
  const ids = new Set()
  for (let i = 0; i < 2000; i++) {
    const id = newId()
    assert.match(id, /^[1-9]\d*$/)
    assert.ok(Number(id) <= Number.MAX_SAFE_INTEGER)
    ids.add(id)
  }
  assert.equal(ids.size, 2000)
})

test('Stats and Dirent answer like Node\'s for real files', () => {
  const root = mkdtempSync(join(tmpdir(), 'oro-fs-stats-'))
  try {
    writeFileSync(join(root, 'file'), 'x')
    mkdirSync(join(root, 'dir'))
    symlinkSync('file', join(root, 'link'))
    const types = { file: 1, dir: 2, link: 3 }
    for (const name of ['file', 'dir', 'link']) {
      const real = lstatSync(join(root, name))
      const record = {}
      for (const key of ['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'size', 'blksize', 'blocks', 'atimeMs', 'mtimeMs', 'ctimeMs', 'birthtimeMs']) record[key] = real[key]
      const stats = new Stats(record)
      for (const method of ['isFile', 'isDirectory', 'isSymbolicLink', 'isFIFO', 'isSocket', 'isCharacterDevice', 'isBlockDevice']) {
        assert.equal(stats[method](), real[method](), `${name}.${method}`)
      }
      assert.ok(stats.mtime instanceof Date)
      assert.equal(stats.mtime.getTime(), real.mtime.getTime())
      assert.equal(stats.birthtime.getTime(), real.birthtime.getTime())
      assert.equal(stats.size, real.size)
      const dirent = new Dirent(name, types[name], root)
      assert.equal(dirent.isFile(), real.isFile())
      assert.equal(dirent.isDirectory(), real.isDirectory())
      assert.equal(dirent.isSymbolicLink(), real.isSymbolicLink())
      assert.equal(dirent.parentPath, root)
    }
    const empty = new Stats({ mtimeMs: 5, ctimeMs: 7 })
    assert.equal(empty.birthtimeMs, 7)
    assert.equal(empty.size, 0)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

const SUBPATHS = ['bookmarks', 'dir', 'fds', 'flags', 'handle', 'stats', 'stream', 'watcher', 'web']

for (const name of ['index', 'promises', 'constants', ...SUBPATHS.map((sub) => `fs/${sub}`)]) {
  test(`${name}.d.ts declares exactly the exports of ${name}.js`, async () => {
    const declared = declaredValues(await readFile(join(js, `${name}.d.ts`), 'utf8'))
    const actual = new Set(Object.keys(await import(pathToFileURL(join(js, `${name}.js`)).href)))
    assert.deepEqual([...declared].sort(), [...actual].sort())
  })
}

test('the default export of oro:fs holds every named function, Sync ones too', async () => {
  const fs = await import('oro:fs')
  const promises = await import('oro:fs/promises')
  for (const [key, value] of Object.entries(fs)) {
    if (key !== 'default') assert.equal(fs.default[key], value, key)
  }
  assert.equal(promises.default, fs.promises)
  // Oro declares the Sync functions of Node's list (no readSync/writeSync/fsyncSync...).
  assert.deepEqual(Object.keys(fs.default).filter((key) => key.endsWith('Sync')).sort(), [
    'accessSync', 'appendFileSync', 'chmodSync', 'chownSync', 'closeSync', 'copyFileSync', 'cpSync',
    'existsSync', 'fstatSync', 'futimesSync', 'lchmodSync', 'lchownSync', 'linkSync', 'lstatSync',
    'lutimesSync', 'mkdirSync', 'mkdtempSync', 'openSync', 'opendirSync', 'readFileSync', 'readdirSync',
    'readlinkSync', 'realpathSync', 'renameSync', 'rmSync', 'rmdirSync', 'statSync', 'symlinkSync',
    'truncateSync', 'unlinkSync', 'utimesSync', 'writeFileSync'
  ])
  assert.equal(Object.keys(promises).filter((key) => key.endsWith('Sync')).length, 0)
})

const tsc = join(repository, 'js-api', 'node_modules', 'typescript', 'bin', 'tsc')

test('js-api/index.d.ts includes oro:fs and is up to date', async () => {
  const { generate } = await import(pathToFileURL(join(repository, 'js-api', 'scripts', 'types.mjs')).href)
  const files = await generate()
  assert.match(files['index.d.ts'], /declare module 'oro:fs\/promises'/)
  assert.match(files['node-aliases.d.ts'], /declare module 'node:fs'/)
  assert.equal(await readFile(join(repository, 'js-api', 'index.d.ts'), 'utf8'), files['index.d.ts'], 'stale: node js-api/scripts/types.mjs')
})

test('page code type-checks against the declarations (tsc, strict)', { timeout: 120000 }, async () => {
  const result = await run(process.execPath, [tsc, '-p', join(here, 'types', 'tsconfig.json')]).catch((error) => error)
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`)
})

test('the modules type-check as JavaScript with their JSDoc (tsc --checkJs, strict)', { timeout: 120000 }, async () => {
  const result = await run(process.execPath, [tsc, '-p', join(here, 'types', 'tsconfig.js.json')]).catch((error) => error)
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`)
})

test('every subpath module is declared for oro:fs/<sub>, which registers it', async () => {
  // The plugin registers js/ by its .d.ts headers (modules.add_directory): a declared subpath
  // is a registered one.
  const declared = (await readdir(join(js, 'fs'))).filter((name) => name.endsWith('.d.ts')).map((name) => name.slice(0, -5))
  assert.deepEqual(declared.sort(), [...SUBPATHS].sort())
  for (const sub of SUBPATHS) {
    const header = (await readFile(join(js, 'fs', `${sub}.d.ts`), 'utf8')).split('*/', 1)[0]
    assert.match(header, new RegExp(`@module oro:fs/${sub}\\n`), sub)
    assert.doesNotMatch(header, /@alias/, `${sub}: Node has no fs/${sub}`)
  }
})

test('the subpaths expose the classes oro:fs uses, not copies', async () => {
  const fs = await import('oro:fs')
  assert.equal((await import('oro:fs/handle')).FileHandle, fs.FileHandle)
  assert.equal((await import('oro:fs/dir')).Dir, fs.Dir)
  assert.equal((await import('oro:fs/dir')).Dirent, fs.Dirent)
  assert.equal((await import('oro:fs/stats')).Stats, fs.Stats)
  assert.equal((await import('oro:fs/stream')).ReadStream, fs.ReadStream)
  assert.equal((await import('oro:fs/stream')).createWriteStream, fs.createWriteStream)
  assert.equal((await import('oro:fs/watcher')).Watcher, fs.FSWatcher)
})

test('sortDirectoryEntries orders names and Dirents by code unit, as Oro', async () => {
  const { sortDirectoryEntries, Dirent: SubDirent } = await import('oro:fs/dir')
  assert.deepEqual(['b', 'a', 'B', '_', 'a'].sort(sortDirectoryEntries), ['B', '_', 'a', 'a', 'b'])
  const entries = ['z', 'y', 'x'].map((name) => new SubDirent(name, 1, '.'))
  assert.deepEqual(entries.sort(sortDirectoryEntries).map((entry) => entry.name), ['x', 'y', 'z'])
})

test('normalizeFlags computes the numbers Node opens with, from the constants', async () => {
  const { normalizeFlags } = await import('oro:fs/flags')
  const c = nodeConstants
  assert.equal(normalizeFlags('r'), c.O_RDONLY)
  assert.equal(normalizeFlags(undefined), c.O_RDONLY)
  // Oro's normalizeFlags: only strings and numbers (and undefined, 'r'), in Oro's words.
  for (const bad of [null, {}, true, [], Symbol('r')]) {
    assert.throws(() => normalizeFlags(bad), {
      name: 'TypeError', message: `Expecting flags to be a string or number: Got ${typeof bad}`
    })
  }
  assert.equal(normalizeFlags('a+'), c.O_APPEND | c.O_CREAT | c.O_RDWR)
  assert.equal(normalizeFlags('xw'), c.O_TRUNC | c.O_CREAT | c.O_WRONLY | c.O_EXCL)
  assert.equal(normalizeFlags(c.O_RDWR), c.O_RDWR)
  assert.throws(() => normalizeFlags('rw'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => normalizeFlags(1.5), { name: 'RangeError' })
})

test('oro:fs/fds is empty with no descriptor open and releases nothing', async () => {
  const fds = (await import('oro:fs/fds')).default
  assert.equal(fds.size, 0)
  assert.equal(fds.has(3), false)
  assert.equal(fds.get('123'), undefined)
  assert.deepEqual([...fds.entries()], [])
  assert.equal(await fds.release(3), false)
  assert.ok(Object.isFrozen(fds))
})

test('the web handle classes cannot be constructed by page code', async () => {
  const web = await import('oro:fs/web')
  for (const Class of [web.FileSystemHandle, web.FileSystemFileHandle, web.FileSystemDirectoryHandle]) {
    assert.throws(() => new Class(), { name: 'TypeError', message: 'Illegal constructor' })
  }
  assert.throws(() => new web.FileSystemWritableFileStream(), { name: 'TypeError' })
  await assert.rejects(web.createFileSystemFileHandle(/** @type {any} */ ({})), { name: 'TypeError' })
})

test('DirectoryHandle refuses a bad bufferSize before asking the host', async () => {
  const { DirectoryHandle } = await import('oro:fs/handle')
  await assert.rejects(DirectoryHandle.open('.', { bufferSize: 0 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  await assert.rejects(DirectoryHandle.open('.', { bufferSize: '2' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.equal(DirectoryHandle.MAX_BUFFER_SIZE, 256)
  assert.equal(DirectoryHandle.DEFAULT_BUFFER_SIZE, 32)
})
