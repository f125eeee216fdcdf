// A Socket app's backend as Socket's own test app writes it (test/src/backend/backend.js), over
// the socket-node protocol, with two more handlers for the tests: `probe` answers what its
// handler got, `fail` writes a raw stderr line (not socket-node's) and exits 3.
import { writeSync } from 'node:fs'
import socket from './socket_node_protocol.mjs'

socket.on('20 minutes adventure', async (value) => {
  await socket.send({ window: 0, event: '20 minutes adventure', value })
})
socket.on('probe', async (value) => {
  await socket.send({ window: 0, event: 'probe', value: { type: typeof value, value } })
})
socket.on('fail', (value) => {
  writeSync(2, `raw ${value}\n`)
  process.exit(3)
})
console.log('logged through ipc://stdout')
await socket.heartbeat()
await socket.send({ window: 0, event: 'backend:ready' })
await socket.send({ window: 0, event: 'character', value: { firstname: 'Morty', secondname: 'Smith' } })
