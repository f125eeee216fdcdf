// The showcase page: live answers from the host's plugins through the core JS API.
// Every value on the page is an IPC call; once the first round has rendered, the page tells the
// host with `window.ready` (`oro run` prints "oro: window 0 ready"; the window smoke test waits
// for that line).

const $ = (id) => document.getElementById(id)

function show (id, value) {
  const element = $(id)
  element.classList.remove('error')
  element.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function showError (id, error) {
  const element = $(id)
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
  const days = Math.floor(total / 86400)
  const clock = [Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60]
    .map((part) => String(part).padStart(2, '0')).join(':')
  return days ? `${days} d ${clock}` : clock
}

function log (text) {
  const item = document.createElement('li')
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`
  $('lifecycle').append(item)
}

if (!globalThis.isOroRuntime) {
  $('status').textContent = 'Open this page with `oro run examples/showcase` to see native answers.'
} else {
  const ipc = await import('oro:ipc')
  const os = await import('oro:os')
  const application = await import('oro:application')
  const { getCurrentWindow } = await import('oro:window')
  const hooks = await import('oro:hooks')

  const current = getCurrentWindow()
  hooks.onApplicationPause(() => log('applicationpause'))
  hooks.onApplicationResume(() => log('applicationresume'))
  hooks.onApplicationStop(() => log('applicationstop'))

  async function ping () {
    const started = performance.now()
    const answer = await ipc.request('ping')
    show('latency', `${(performance.now() - started).toFixed(2)} ms`)
    return answer
  }

  async function showWindow () {
    const windows = await application.getWindows()
    show('windows', windows.map((window) => `#${window.index} ${window.statusName}`).join(', '))
    show('title', (await current.update(), current.getTitle()))
    const size = await ipc.request('window.getSize')
    show('size', `${size.width} × ${size.height}`)
  }

  async function streamEvents () {
    const received = []
    for await (const event of ipc.stream('diagnostics.stream.sse', { count: 5, interval: 200 })) {
      received.push(JSON.stringify(event))
      show('stream', received.join('\n'))
    }
    return received.join('\n') + '\n(end of stream)'
  }

  async function typedErrors () {
    const lines = []
    for (const [route, params] of [['no.such.route', {}], ['window.setSize', { width: 0, height: 1 }]]) {
      try {
        await ipc.request(route, params)
      } catch (error) {
        lines.push(`${route}: ${error.name} ${error.code}`)
      }
    }
    return lines.join('\n')
  }

  $('status').textContent = `Running inside oro ${application.runtimeVersion?.short ?? ''} — ` +
    `window ${application.getCurrentWindowIndex()}`
  await Promise.all([
    fill('ping', ping),
    fill('platform', async () => `${os.platform()} ${os.arch()}`),
    fill('cpus', async () => String(os.cpus().length)),
    fill('memory', async () => `${(Number(os.availableMemory()) / 2 ** 30).toFixed(2)} GiB`),
    fill('uptime', async () => formatDuration(os.uptime())),
    fill('primordials', () => ipc.request('platform.primordials')),
    fill('uname', () => ipc.request('os.uname')),
    fill('errors', typedErrors),
    showWindow().catch((error) => showError('windows', error))
  ])
  document.body.dataset.ready = 'true'
  await ipc.request('window.ready')

  fill('stream', streamEvents)
  $('restream').addEventListener('click', () => fill('stream', streamEvents))
  $('rename').addEventListener('click', async () => {
    await current.setTitle(`Oro Showcase — renamed at ${new Date().toLocaleTimeString()}`)
    await showWindow()
  })
  $('hide').addEventListener('click', async () => {
    await current.hide()
    setTimeout(() => current.show(), 2000)
  })

  // Live data: ask the host again every second.
  setInterval(() => {
    fill('uptime', async () => formatDuration(os.uptime()))
    fill('ping', ping)
  }, 1000)
}
