// Socket's own backend tests (test/src/application.js:584-640) as a Socket app's test file:
// the same calls and assertions, with events awaited instead of timed.
import test from 'socket:test'
import application from 'socket:application'

const heard = []
for (const name of ['backend:ready', 'character', '20 minutes adventure', 'process-error']) {
  globalThis.addEventListener(name, (event) => heard.push([name, event.detail]))
}
const got = (name) => heard.filter(([n]) => n === name).map(([, detail]) => detail)
const waitFor = (name, count = 1) => new Promise((resolve) => {
  const check = () => got(name).length >= count ? resolve(got(name)) : setTimeout(check, 10)
  check()
})

test('backend.open()', async (t) => {
  const openResult = await application.backend.open()
  t.deepEqual(Object.keys(openResult.data).sort(), ['argv', 'cmd', 'path'], 'returns a result with the correct keys')
})

test('backend sends to globalThis.window', async (t) => {
  t.ok(await waitFor('backend:ready'), 'can send events to window 0')
  t.deepEqual((await waitFor('character'))[0], { firstname: 'Morty', secondname: 'Smith' }, 'can send events with data')
  t.deepEqual(got('process-error'), [], 'does not emit a process-error event')
})

test('backend.open() again', async (t) => {
  const { pid } = await application.backend.status()
  const openResult = await application.backend.open()
  t.deepEqual(Object.keys(openResult.data).sort(), ['argv', 'cmd', 'path'], 'returns a result with the correct keys')
  t.equal((await application.backend.status()).pid, pid, 'does not restart')
})

test('backend.open({ force: true })', async (t) => {
  const openResult = await application.backend.open({ force: true })
  t.deepEqual(Object.keys(openResult.data).sort(), ['argv', 'cmd', 'path'], 'returns a result with the correct keys')
  t.ok(await waitFor('backend:ready', 2), 'emits a backend:ready event')
})

test('window.send to backend and back to current window', async (t) => {
  const currentWindow = await application.getCurrentWindow()
  const value = { firstname: 'Rick', secondname: 'Sanchez' }
  await currentWindow.send({ event: '20 minutes adventure', value, backend: true })
  t.deepEqual((await waitFor('20 minutes adventure'))[0], value, 'send to backend and back succeeds')
})

test('backend.close()', async (t) => {
  const closeResult = await application.backend.close()
  t.ok(closeResult.err == null, 'returns correct result')
  t.equal((await application.backend.status()).running, false, 'it is gone')
})
