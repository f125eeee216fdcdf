import { getServiceWorker } from 'socket:protocol-handlers'
import { name } from 'tiny-router'

const serviceWorker = await getServiceWorker({ scheme: 'notes' })
const received = []

await globalThis.navigator.serviceWorker.startMessages()
globalThis.navigator.serviceWorker.addEventListener('message', (event) => {
  if (event.data?.hello) {
    received.push(event.data.hello)
    serviceWorker.postMessage({ reply: `page got ${event.data.hello}` })
  }
})

const permission = await globalThis.navigator.permissions.request({ name: 'geolocation' })

await fetch('notes:worker/start', { method: 'POST' })
const current = await (await fetch('notes:current')).json()
const counted = await (await fetch('notes:count', { method: 'POST' })).json()

globalThis.notesApp = { name, permission: permission.state, current, counted, received }
document.querySelector('main').textContent = `${name}: ${current.greeting}`
