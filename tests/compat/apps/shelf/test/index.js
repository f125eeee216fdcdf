import { test } from 'socket:test'
import { shelve } from './shelf.js'

test('the module copied from ../src shelves in order', (t) => {
  t.deepEqual(shelve(['b', 'c'], 'a'), ['a', 'b', 'c'], 'sorted')
})

test('the test file is the bundle the script wrote into build/esbuild', (t) => {
  t.equal(globalThis.bundledBy, 'esbuild.js', 'copied from inside the output')
})
