import { test } from 'socket:test'

class ParseError extends Error {}

function parse (text) {
  if (!text.startsWith('{')) throw new ParseError(`not an object: ${text}`)
  return JSON.parse(text)
}

test('label on start', async (t) => {
  t.equal(document.querySelector('h1').textContent, 'Hello, World', 'label on start is correct')
})

test('parse refuses what is no object', (t) => {
  t.throws(() => parse('[]'), null, 'throws with no expectation')
  t.throws(() => parse('[]'), /not an object/)
  t.throws(() => parse('[]'), ParseError, 'throws the class')
  t.throws(() => parse('[]'), 'a message in second place')
  t.deepEqual(parse('{"a":1}'), { a: 1 }, 'runs after the throws')
})
