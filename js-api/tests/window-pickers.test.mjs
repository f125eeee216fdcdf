// oro:window's file pickers: which window.showFileSystemPicker parameters each call sends (the
// File System Access API's option names mapped onto the Oro Runtime's), what it resolves with,
// and that the dialog has no IPC timeout. Calls go through a recording transport.

import { afterEach, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'

globalThis.__args = { index: 3, origin: 'http://127.0.0.1:7' }

const ipc = await import('../ipc.js')
const windows = await import('../window.js')

let calls
let reply
beforeEach(() => {
  calls = []
  reply = { paths: ['/home/u/a.txt'] }
  ipc.setTransport({
    async request (route, params, options) {
      calls.push({ route, params, options })
      if (reply instanceof Error) throw reply
      return reply
    }
  })
})
afterEach(() => ipc.setTransport(null))

test('showOpenFilePicker maps types, multiple, suggestedName and startIn', async () => {
  const paths = await windows.showOpenFilePicker({
    types: [
      { description: 'Images (all): web', accept: { 'image/png': ['.png'], 'image/jpeg': '.jpg' } },
      { accept: { 'text/plain': [] } },
      { description: 'ignored, accepts nothing' }
    ],
    multiple: true,
    suggestedName: 'a.txt',
    startIn: '/home/u',
    title: 'Open'
  })
  assert.deepEqual(paths, ['/home/u/a.txt'])
  assert.equal(calls.length, 1)
  const [{ route, params, options }] = calls
  assert.equal(route, 'window.showFileSystemPicker')
  assert.deepEqual(params, {
    type: 'open',
    contentTypeSpecs: 'Images all web:image/png .png image/jpeg .jpg|text/plain',
    defaultName: 'a.txt',
    defaultPath: '/home/u',
    title: 'Open',
    allowMultiple: true
  })
  assert.equal(options.timeout, 0, 'the user takes the time they need')
})

test('accept and contentTypeSpecs pass through; save and directory pickers set their type', async () => {
  await windows.showSaveFilePicker({ accept: ['image/png', '.gif'], defaultName: 'x.png' })
  await windows.showDirectoryFilePicker({ contentTypeSpecs: 'ignored:*', mode: 'readwrite' })
  await windows.getWindow(1).showOpenFilePicker({ accept: 'text/plain, .md' })
  assert.deepEqual(calls.map(({ params }) => params), [
    { type: 'save', contentTypeSpecs: 'image/png,.gif', defaultName: 'x.png' },
    { type: 'open', contentTypeSpecs: 'ignored:*', allowFiles: false, allowDirs: true, writable: true },
    { type: 'open', contentTypeSpecs: 'text/plain,.md', targetWindowIndex: 1, allowMultiple: false }
  ])
})

test('a cancelled dialog rejects with the AbortError the host answered', async () => {
  reply = Object.assign(new Error('The file dialog was cancelled'), { name: 'AbortError', code: 'ABORT_ERR' })
  await assert.rejects(windows.showOpenFilePicker(), { name: 'AbortError', code: 'ABORT_ERR' })
  await assert.rejects(windows.showOpenFilePicker(null), { code: 'ERR_INVALID_ARG_TYPE' })
})
