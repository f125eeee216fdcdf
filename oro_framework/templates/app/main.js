// Shows live data from the host: each value is an IPC call answered by a core plugin.
import { request } from 'oro:ipc'
import * as os from 'oro:os'
import * as application from 'oro:application'
import backend from 'oro:backend'

function show (id, value) {
  const element = document.getElementById(id)
  element.classList.remove('error')
  element.textContent = value
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

// backend.py's greet(): the app's own Python.
async function greet () {
  const greeting = await backend.greet({ name: 'oro' })
  return `${greeting.text} (Python ${greeting.python})`
}

await Promise.all([
  fill('ping', () => request('ping')),
  fill('platform', async () => `${await os.platform()} ${await os.arch()}`),
  fill('cpus', async () => String((await os.cpus()).length)),
  fill('windows', async () => (await application.getWindows())
    .map((window) => `#${window.index} ${window.title} (${window.statusName})`).join(', ')),
  fill('uptime', async () => formatDuration(await os.uptime())),
  fill('backend', greet)
])

// Tell the host the page has rendered: `oro run` prints "oro: window 0 ready".
await request('window.ready')

// Ask again every second: the uptime ticks as long as the app runs, and a backend.py saved
// under `oro dev` (swapped in without reloading this page) answers with its new code.
setInterval(() => {
  fill('uptime', async () => formatDuration(await os.uptime()))
  fill('backend', greet)
}, 1000)
