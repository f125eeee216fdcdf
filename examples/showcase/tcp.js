// The TCP/TLS panel: node:net in the page (plugin oro-tls). A page server on 127.0.0.1 answers
// each line in upper case; a page client connects to it, sends the text and shows the answer,
// both ends of the connection and the round trip, and which TLS library the host runs.

const $ = (id) => document.getElementById(id)

function show (id, value) {
  $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function once (emitter, event) {
  return new Promise((resolve, reject) => {
    emitter.once(event, (...args) => { emitter.off('error', reject); resolve(args) })
    emitter.once('error', reject)
  })
}

async function main () {
  let net, tls
  try {
    net = (await import('node:net')).default
    tls = (await import('node:tls')).default
  } catch {
    show('tcp-result', 'oro-tls is not installed.')
    return
  }
  const server = net.createServer((connection) => {
    connection.on('data', (data) => connection.write(data.toString().toUpperCase()))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const client = net.connect(server.address().port, '127.0.0.1')
  await once(client, 'connect')
  const provider = await tls.getProvider().catch((error) => ({ error: error.message }))

  async function echo () {
    const text = $('tcp-text').value
    const started = performance.now()
    const answer = once(client, 'data')
    client.write(text)
    try {
      const [data] = await answer
      show('tcp-result', {
        sent: text,
        echoed: data.toString(),
        server: server.address(),
        client: { local: client.address(), remotePort: client.remotePort },
        roundTripMs: Number((performance.now() - started).toFixed(2)),
        tls: provider
      })
    } catch (error) {
      show('tcp-result', `${error.code ?? error.name}: ${error.message}`)
    }
  }

  $('tcp-send').addEventListener('click', echo)
  show('tcp-result', { server: server.address(), client: client.address(), tls: provider })
}

if (globalThis.isOroRuntime) main()
