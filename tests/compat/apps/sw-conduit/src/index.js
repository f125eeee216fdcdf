import application from 'socket:application'
import ipc from 'socket:ipc'

const container = globalThis.navigator.serviceWorker

async function controlled () {
  await container.ready
  if (!container.controller) {
    await new Promise((resolve) => container.addEventListener('controllerchange', resolve, { once: true }))
  }
}

const registration = await container.register('/worker.js', { type: 'module' })
await controlled()

const hello = await (await fetch('/api/hello?name=socket')).text()
const viaRoute = await ipc.send('serviceWorker.fetch', { scheme: 'socket', pathname: '/api/hello', query: 'name=ipc' })
const viaScheme = await ipc.send('serviceWorker.fetch', { scheme: 'greet', pathname: '/hi', query: 'a=1' })

// A second page of window 0 (another browser) finds window 1 there already.
await application.createWindow({ index: 1, path: '/second.html', headless: true }).catch((error) => {
  if (error.code !== 'ERR_WINDOW_EXISTS') throw error
})

globalThis.swApp = {
  scope: registration.scope,
  hello,
  viaRoute: viaRoute.data ?? viaRoute.err?.message,
  viaScheme: viaScheme.data ?? viaScheme.err?.message,
  conduit: globalThis.__args.conduit
}
document.querySelector('main').textContent = hello
