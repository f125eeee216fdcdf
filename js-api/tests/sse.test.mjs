// The incremental text/event-stream parser of ipc.js.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SSEParser, parseEventData } from '../ipc.js'

const encoder = new TextEncoder()

/** Feed `parts` one by one, collect every event, then end. */
function parse (parts) {
  const parser = new SSEParser()
  const events = []
  for (const part of parts) events.push(...parser.push(typeof part === 'string' ? encoder.encode(part) : part))
  events.push(...parser.end())
  return events
}

test('one event with a name, an id and data', () => {
  assert.deepEqual(parse(['event: tick\nid: 7\ndata: {"a":1}\n\n']), [
    { event: 'tick', data: '{"a":1}', id: '7' }
  ])
})

test('an unnamed event is a message; data lines join with \\n', () => {
  assert.deepEqual(parse(['data: one\ndata: two\n\n']), [{ event: 'message', data: 'one\ntwo', id: '' }])
})

test('events arrive as soon as their blank line does, not at the end', () => {
  const parser = new SSEParser()
  assert.deepEqual(parser.push(encoder.encode('data: a\n')), [])
  assert.deepEqual(parser.push(encoder.encode('\ndata: b')), [{ event: 'message', data: 'a', id: '' }])
  assert.deepEqual(parser.push(encoder.encode('\n\n')), [{ event: 'message', data: 'b', id: '' }])
})

test('CRLF, CR and LF all end lines, even split across chunks', () => {
  const expected = [
    { event: 'x', data: '1', id: '' },
    { event: 'message', data: '2', id: '' },
    { event: 'message', data: '3', id: '' }
  ]
  assert.deepEqual(parse(['event: x\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n']), expected)
  // The CR of a CRLF at the end of one chunk and its LF at the start of the next.
  assert.deepEqual(parse(['event: x\r', '\ndata: 1\r', '\n\r', '\ndata: 2\r\r', 'data: 3\n\n']), expected)
  // Byte by byte.
  const text = 'event: x\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n'
  assert.deepEqual(parse([...encoder.encode(text)].map((byte) => new Uint8Array([byte]))), expected)
})

test('a multi-byte character split across chunks is decoded whole', () => {
  const bytes = encoder.encode('data: héllo 🎉\n\n')
  const events = parse([bytes.slice(0, 8), bytes.slice(8, 15), bytes.slice(15)])
  assert.deepEqual(events, [{ event: 'message', data: 'héllo 🎉', id: '' }])
})

test('comments, unknown fields and a leading BOM are ignored', () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf])
  assert.deepEqual(parse([bom, ': keep-alive\nfoo: bar\ndata: x\n\n']), [{ event: 'message', data: 'x', id: '' }])
})

test('only one leading space is stripped; a field without colon has an empty value', () => {
  assert.deepEqual(parse(['data:  two spaces\ndata\ndata:none\n\n']), [
    { event: 'message', data: ' two spaces\n\nnone', id: '' }
  ])
})

test('an event without data is not dispatched and resets the name', () => {
  assert.deepEqual(parse(['event: lonely\n\ndata: x\n\n']), [{ event: 'message', data: 'x', id: '' }])
})

test('the id persists across events; an id with NUL is ignored; retry is kept', () => {
  const parser = new SSEParser()
  const events = parser.push(encoder.encode('id: 1\nretry: 500\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nretry: soon\n'))
  assert.deepEqual(events.map((event) => event.id), ['1', '1', '1'])
  assert.deepEqual(events.map((event) => event.retry), [500, 500, 500])
  assert.equal(parser.lastEventId, '1')
  assert.equal(parser.retry, 500)
})

test('an unterminated event at the end of the stream is discarded', () => {
  assert.deepEqual(parse(['data: complete\n\ndata: partial\n']), [{ event: 'message', data: 'complete', id: '' }])
})

test('strings can be pushed too', () => {
  const parser = new SSEParser()
  assert.deepEqual(parser.push('data: s\n\n'), [{ event: 'message', data: 's', id: '' }])
})

test('event data is JSON-parsed where it parses', () => {
  assert.deepEqual(parseEventData('{"index":1}'), { index: 1 })
  assert.equal(parseEventData('plain words'), 'plain words')
  assert.equal(parseEventData('3'), 3)
  assert.equal(parseEventData(''), '')
})
