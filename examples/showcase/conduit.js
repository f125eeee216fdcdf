// The Conduit panel: status of the host's Conduit, which transport oro:ipc uses, and a relay
// between two Conduits of this page (A sends to B, B answers A) with its round-trip time.

const $ = (id) => document.getElementById(id)

function show (id, value) {
  $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

async function main () {
  let module
  try {
    module = await import('oro:conduit')
  } catch {
    show('conduit-status', 'oro-conduit is not installed: IPC goes over fetch.')
    return
  }
  const { Conduit } = module
  const ipc = await import('oro:ipc')

  async function refresh () {
    try {
      const status = await Conduit.status()
      const diagnostics = await Conduit.diagnostics()
      show('conduit-status', {
        port: status.port,
        isActive: status.isActive,
        ipcTransport: ipc.getTransport().name,
        clients: diagnostics?.handles?.ids ?? []
      })
    } catch (error) {
      show('conduit-status', `${error.name}: ${error.message}`)
    }
  }

  const alice = new Conduit({ id: 'showcase-a' })
  const bob = new Conduit({ id: 'showcase-b' })
  bob.receive((error, { options, payload }) => {
    if (!error) bob.send({ to: options.from, reply: true, sent: options.sent }, payload)
  })
  alice.receive((error, { options, payload }) => {
    if (error) return show('conduit-relay', `${error.name}: ${error.message}`)
    const elapsed = (performance.now() - options.sent).toFixed(2)
    show('conduit-relay', `A → B → A: "${new TextDecoder().decode(payload)}" in ${elapsed} ms`)
  })
  await Promise.all([alice.connected, bob.connected]).catch(() => {})

  $('conduit-send').addEventListener('click', () => {
    const text = $('conduit-text').value || 'hello'
    const payload = new TextEncoder().encode(text)
    const sent = alice.send({ to: 'showcase-b', sent: performance.now() }, payload)
    if (!sent) {
      show('conduit-relay', 'socket not open: reconnecting…')
      alice.reconnect().catch(() => {})
    }
  })
  for (const conduit of [alice, bob]) conduit.addEventListener('reopen', refresh)
  await refresh()
  setInterval(refresh, 5000)
}

if (globalThis.isOroRuntime) main()
