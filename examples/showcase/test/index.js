// The showcase's own tests: `oro test examples/showcase` runs them in the showcase page, with
// every plugin the showcase uses (docs/testing.md).
import test from 'oro:test'
import { request } from 'oro:ipc'
import path from 'oro:path'

test('the host answers IPC', async (t) => {
  t.equal(await request('ping'), 'pong', 'ping → pong')
})

test('oro:path joins as Node does', (t) => {
  t.equal(path.join('/a', 'b', '../c'), '/a/c')
  t.deepEqual(path.parse('/x/y.txt'), { root: '/', dir: '/x', base: 'y.txt', ext: '.txt', name: 'y' })
})

test('the showcase page is loaded', (t) => {
  t.ok(document.title, 'the page has a title')
})
