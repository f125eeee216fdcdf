// The DNS panel: node:dns in the page (plugin oro-dns). Looks a name up through the system
// resolver (getaddrinfo: /etc/hosts first), every address with its family.

const $ = (id) => document.getElementById(id)

function show (id, value) {
  $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

async function main () {
  let dns
  try {
    dns = (await import('node:dns')).default
  } catch {
    show('dns-result', 'oro-dns is not installed.')
    return
  }

  async function lookUp () {
    const hostname = $('dns-name').value.trim() || 'localhost'
    try {
      const addresses = await dns.promises.lookup(hostname, { all: true })
      show('dns-result', { hostname, addresses })
    } catch (error) {
      show('dns-result', `${error.code ?? error.name}: ${error.message}`)
    }
  }

  $('dns-lookup').addEventListener('click', lookUp)
  await lookUp()
}

if (globalThis.isOroRuntime) main()
