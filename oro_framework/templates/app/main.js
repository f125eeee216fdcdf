// Shows live data from the host: each value is an IPC call answered by a core plugin.
import { request } from 'oro:ipc'
import * as os from 'oro:os'
import * as application from 'oro:application'
import backend from 'oro:backend'

function show (id, value) {
  document.getElementById(id).textContent = value
}

function showError (id, error) {
  const element = document.getElementById(id)
  element.classList.add('error')
  element.textContent = `${error.name} ${error.code ?? ''}: ${error.message}`
}

async function fill (id, load) {
  try {
    show(id, await load())
  } catch (error) {
    showError(id, error)
  }
}

function formatDuration (seconds) {
  const total = Math.floor(seconds)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  return `${hours} h ${String(minutes).padStart(2, '0')} min ${String(total % 60).padStart(2, '0')} s`
}

await Promise.all([
  fill('ping', () => request('ping')),
  fill('platform', async () => `${await os.platform()} ${await os.arch()}`),
  fill('cpus', async () => String((await os.cpus()).length)),
  fill('windows', async () => (await application.getWindows())
    .map((window) => `#${window.index} ${window.title} (${window.statusName})`).join(', ')),
  fill('uptime', async () => formatDuration(await os.uptime())),
  // backend.py's greet(): the app's own Python.
  fill('backend', async () => {
    const greeting = await backend.greet({ name: 'oro' })
    return `${greeting.text} (Python ${greeting.python})`
  })
])

// Tell the host the page has rendered: `oro run` prints "oro: window 0 ready".
await request('window.ready')

// Ask the host again every second: the uptime ticks as long as the app runs.
setInterval(() => fill('uptime', async () => formatDuration(await os.uptime())), 1000)
