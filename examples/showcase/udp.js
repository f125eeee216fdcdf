// The UDP panel: node:dgram in the page (plugin oro-udp). Two sockets on 127.0.0.1: the
// "server" echoes what it receives in upper case, the "client" sends the text and shows the
// echo with its rinfo and the round trip; the drop counter comes from diagnostics.

const $ = (id) => document.getElementById(id)

function show (id, value) {
  $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function once (socket, event) {
  return new Promise((resolve, reject) => {
    socket.once(event, (...args) => { socket.off('error', reject); resolve(args) })
    socket.once('error', reject)
  })
}

async function main () {
  let dgram
  try {
    dgram = (await import('node:dgram')).default
  } catch {
    show('udp-result', 'oro-udp is not installed.')
    return
  }
  const server = dgram.createSocket('udp4')
  server.on('message', (message, rinfo) => {
    server.send(message.toString().toUpperCase(), rinfo.port, rinfo.address)
  })
  server.bind(0, '127.0.0.1')
  await once(server, 'listening')
  const client = dgram.createSocket('udp4')
  client.connect(server.address().port, '127.0.0.1')
  await once(client, 'connect')

  async function echo () {
    const text = $('udp-text').value
    const started = performance.now()
    const answer = once(client, 'message')
    client.send(text)
    try {
      const [message, rinfo] = await answer
      const { query } = await import('oro:diagnostics')
      const report = await query().catch(() => null) // permission diagnostics may be off
      show('udp-result', {
        sent: text,
        echoed: message.toString(),
        from: rinfo,
        roundTripMs: Number((performance.now() - started).toFixed(2)),
        droppedByHost: report?.plugins?.udp?.dropped ?? null
      })
    } catch (error) {
      show('udp-result', `${error.code ?? error.name}: ${error.message}`)
    }
  }

  $('udp-send').addEventListener('click', echo)
  show('udp-result', { server: server.address(), client: client.address() })
}

if (globalThis.isOroRuntime) main()
