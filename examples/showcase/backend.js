// The backend panel: the app's own Python in backend.py, called through oro:backend. Each call
// is a command of backend.py; its events (progress) arrive through backend.on.

const $ = (id) => document.getElementById(id)

function show (value) {
  $('backend-result').textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

async function main () {
  if (!globalThis.isOroRuntime) return
  const backend = (await import('oro:backend')).default

  const attempt = (action) => async () => {
    try {
      show(await action())
    } catch (error) {
      show(`${error.name} ${error.code ?? ''}: ${error.message}`)
    }
  }

  $('backend-stats').addEventListener('click', attempt(() =>
    backend.text_stats({ text: $('backend-text').value })))

  $('backend-hash').addEventListener('click', attempt(async () => {
    const data = new TextEncoder().encode($('backend-text').value)
    return { bytes: data.length, sha256: await backend.sha256({ data }) }
  }))

  $('backend-countdown').addEventListener('click', attempt(async () => {
    const heard = []
    const stop = backend.on('progress', (step) => heard.push(`${step.done}/${step.total}`))
    const numbers = []
    try {
      for await (const number of backend.countdown({ start: 3 })) {
        numbers.push(number)
        show({ numbers, progress: heard })
      }
    } finally {
      stop()
    }
    return { numbers, progress: heard }
  }))

  // The buttons stay disabled until they do something: a click before oro:backend loaded would
  // otherwise be lost without a word.
  for (const id of ['backend-stats', 'backend-hash', 'backend-countdown']) $(id).disabled = false
}

main()
