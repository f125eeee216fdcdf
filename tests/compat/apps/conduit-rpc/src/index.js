import { Conduit } from 'socket:conduit'

const conduit = new Conduit({ id: 'rpc-page' })
const received = []

// The extension's window.send arrives as a message; the page answers it over its Conduit.
globalThis.addEventListener('message', (event) => {
  received.push(event.data)
  const answer = new TextEncoder().encode(JSON.stringify({ message: 'hello extension', to: event.data.id }))
  conduit.send({ to: event.data.id }, answer)
})

const container = globalThis.navigator.serviceWorker
await container.register('/worker.js')
await container.ready
if (!container.controller) {
  await new Promise((resolve) => container.addEventListener('controllerchange', resolve, { once: true }))
}
await conduit.connected

globalThis.rpcApp = { received, hello: await (await fetch('/hello.json')).json() }
document.querySelector('main').textContent = globalThis.rpcApp.hello.message
