// The showcase page: asks the core routes for what they know and shows the answers.
// Placeholder until the bridge and the `oro:ipc` module land: `request(route, params)` is
// expected to resolve with the envelope's `data` and to reject with the rehydrated error
// (err.name, err.code), as docs/design.md describes.

const status = document.querySelector('#status')

function show (id, value) {
  document.querySelector(`#${id}`).textContent =
    typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function showError (id, error) {
  const element = document.querySelector(`#${id}`)
  element.classList.add('error')
  element.textContent = `${error.name} ${error.code ?? ''}: ${error.message}`
}

if (!globalThis.isOroRuntime) {
  status.textContent = 'Open this page with `oro run examples/showcase` to see native answers.'
} else {
  const { request } = await import('oro:ipc')
  status.textContent = 'Running inside oro.'
  const calls = [
    ['ping', 'ping'],
    ['primordials', 'platform.primordials'],
    ['uname', 'os.uname']
  ]
  for (const [id, route] of calls) {
    try {
      show(id, await request(route))
    } catch (error) {
      showError(id, error)
    }
  }
}
