// oro:mime glue: which host route the databases load from, Oro's lookup rules over the host's
// table, and MIMEType/MIMEParams against Node's own util.MIMEType (the same inputs through both).
// Calls go through a recording transport installed with ipc.setTransport.

import { afterEach, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import * as util from 'node:util'

const ipc = await import('../ipc.js')
const mime = await import('../mime.js')

// A slice of the host's table (`mime.table` answers `[extension, type]` pairs).
const TABLE = [
  ['png', 'image/png'], ['jpg', 'image/jpeg'], ['jpeg', 'image/jpeg'], ['svg', 'image/svg+xml'],
  ['svgz', 'image/svg+xml'], ['txt', 'text/plain'], ['js', 'text/javascript'],
  ['json', 'application/json'], ['ld+json', 'application/ld+json'], ['woff2', 'font/woff2'], ['mp3', 'audio/mpeg'],
  ['mp4', 'video/mp4'], ['glb', 'model/gltf-binary'], ['eml', 'message/rfc822'],
  ['ice', 'x-conference/x-cooltalk']
]

let calls
let failNext = false
beforeEach(() => {
  calls = []
  ipc.setTransport({
    async request (route, params) {
      calls.push({ route, params })
      if (failNext) {
        failNext = false
        throw Object.assign(new Error('Runtime permission is disabled'), { name: 'NotAllowedError' })
      }
      if (route !== 'mime.table') return null
      const prefix = params.type === undefined ? '' : `${params.type}/`
      return { types: TABLE.filter(([, type]) => type.startsWith(prefix)) }
    }
  })
})
afterEach(() => ipc.setTransport(null))

test('a failed load is not remembered: the next lookup asks again', async () => {
  failNext = true
  await assert.rejects(mime.lookup('png'), { name: 'NotAllowedError' })
  const [result] = await mime.lookup('png')
  assert.equal(result.mime, 'image/png')
  assert.deepEqual(calls.map((call) => [call.route, call.params]), [['mime.table', {}], ['mime.table', {}]])
})

test('lookup loads every database with one request and answers Oro\'s results', async () => {
  const results = await mime.lookup('png')
  assert.equal(calls.length, 0, 'loaded once, by the previous test')
  assert.equal(results.length, 1)
  assert.ok(results[0] instanceof mime.DatabaseQueryResult)
  assert.equal(results[0].database, mime.image)
  assert.deepEqual({ name: results[0].name, mime: results[0].mime }, { name: 'png', mime: 'image/png' })
  assert.equal(mime.image.map.get('jpg'), 'image/jpeg')
  assert.equal(mime.image.index.get('image/jpeg'), 'jpg', 'the first name the host lists wins')
  assert.equal(mime.application.map.size, 2)
  assert.equal(mime.multipart.loaded, true, 'loaded, though the host has no multipart type')
  assert.deepEqual([...mime.font.entries()], [['woff2', 'font/woff2']])
})

test('lookup: reverse by media type, by name prefix, case-insensitive, across databases', async () => {
  const names = async (query) => (await mime.lookup(query)).map((result) => `${result.database.name}:${result.name}=${result.mime}`)
  assert.deepEqual(await names('image/jpeg'), ['image:jpg=image/jpeg', 'image:jpeg=image/jpeg'])
  assert.deepEqual(await names('SVG'), ['image:svg=image/svg+xml'])
  assert.deepEqual(await names('image/SVG+xml'), ['image:svg=image/svg+xml', 'image:svgz=image/svg+xml'])
  // A prefix counts only as whole `+` parts, as in Oro: `ld` finds `ld+json`, `jp` nothing.
  assert.deepEqual(await names('ld'), ['application:ld+json=application/ld+json'])
  assert.deepEqual(await names('jp'), [])
  assert.deepEqual(await names('mp3'), ['audio:mp3=audio/mpeg'])
  assert.deepEqual(await names('glb'), ['model:glb=model/gltf-binary'])
  assert.deepEqual(await names('nothing'), [])
  // Oro names eight databases; other top-level types are in none of them.
  assert.deepEqual(await names('eml'), [])
  assert.deepEqual(mime.databases.map((database) => database.name),
    ['application', 'audio', 'font', 'image', 'model', 'multipart', 'text', 'video'])
  assert.equal(calls.length, 0)
})

test('a Database pushed to databases loads its own top-level type', async () => {
  const conference = new mime.Database('x-conference')
  mime.databases.push(conference)
  try {
    const [result] = await mime.lookup('ice')
    assert.equal(result.database, conference)
    assert.equal(result.mime, 'x-conference/x-cooltalk')
    assert.deepEqual(calls.map((call) => [call.route, call.params]), [['mime.table', { type: 'x-conference' }]])
    assert.deepEqual(conference.query('ice').map((found) => found.name), ['ice'])
  } finally {
    mime.databases.pop()
  }
})

test('bad queries are Node\'s ERR_INVALID_ARG_TYPE, before any request', async () => {
  for (const query of [undefined, 5, null, {}]) {
    await assert.rejects(mime.lookup(query), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => mime.image.query(query), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  }
  assert.throws(() => new mime.Database(3), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.equal(calls.length, 0)
})

const MIME_INPUTS = [
  'text/plain', 'TEXT/PLAIN', ' text/html ', 'text/html;charset=UTF-8',
  'text/html; charset="utf-8"; q=0.9', 'a/b;c="d\\"e";f', 'x/y;=z;a;b=', 'x/y;a="unterminated',
  'x/y;a="back\\', 'x/y;A=1;a=2', 'x/y;a=""', 'x/y;a="\u00e9"', 'x/y;a=\u0100', 'application/ld+json; profile=x',
  'x/y ; p = q', 'multipart/form-data; boundary=----x', 'x/y;;;a=b;;', 'x/y;a=b c',
  // invalid: the error must be the same too
  'bad', '/x', 'x/', 'x y/z', 'a/b c', '', 'text/\u00e9', 'x/y\u0000'
]

/** @param {Function} Type */
function describeMime (Type, input) {
  try {
    const value = new Type(input)
    return {
      type: value.type, subtype: value.subtype, essence: value.essence, string: String(value),
      json: JSON.stringify(value), params: [...value.params], keys: [...value.params.keys()]
    }
  } catch (error) {
    return { error: [error.name, error.code, error.message] }
  }
}

test('MIMEType parses and serialises as Node\'s util.MIMEType', () => {
  for (const input of MIME_INPUTS) {
    assert.deepEqual(describeMime(mime.MIMEType, input), describeMime(util.MIMEType, input), JSON.stringify(input))
  }
})

test('MIMEType setters and MIMEParams edits behave as Node\'s', () => {
  const run = (Type) => {
    const out = []
    const value = new Type('text/plain;charset=utf-8')
    const attempt = (work) => { try { out.push(work()) } catch (error) { out.push([error.name, error.code, error.message]) } }
    attempt(() => { value.type = 'Application'; return String(value) })
    attempt(() => { value.subtype = 'JSON'; return String(value) })
    attempt(() => { value.type = 'bad type'; return String(value) })
    attempt(() => { value.subtype = ''; return String(value) })
    attempt(() => { value.params.set('Q', 'a b'); return String(value) })
    attempt(() => { value.params.set('e', ''); return String(value) })
    attempt(() => { value.params.set('bad name', 'x'); return String(value) })
    attempt(() => { value.params.set('x', '\u0100'); return String(value) })
    attempt(() => { value.params.delete('charset'); return [String(value), value.params.has('charset'), value.params.get('charset')] })
    attempt(() => [value.params.get('Q'), [...value.params.values()], value.params.toString()])
    return out
  }
  assert.deepEqual(run(mime.MIMEType), run(util.MIMEType))
})
