// The secrets panel (oro-secure-storage): oro:secure-storage keeps a value in the desktop's
// Secret Service (GNOME Keyring, KeePassXC), scoped to this app. Where no Secret Service runs,
// each call says so and names the fix: nothing is ever kept in plain text instead.

const $ = (id) => document.getElementById(id)

function show (value) {
  $('secrets-result').textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

async function main () {
  let secureStorage
  try {
    secureStorage = (await import('oro:secure-storage')).default
  } catch {
    show('oro-secure-storage is not installed.')
    return
  }

  const attempt = (action) => async () => {
    try {
      show(await action($('secrets-key').value.trim() || 'token'))
    } catch (error) {
      show(`${error.name} ${error.code ?? ''}: ${error.message}`)
    }
  }

  $('secrets-set').addEventListener('click', attempt(async (key) => {
    await secureStorage.set(key, $('secrets-value').value)
    return { stored: key, keys: await secureStorage.keys() }
  }))
  $('secrets-get').addEventListener('click', attempt(async (key) => ({ key, value: await secureStorage.get(key) })))
  $('secrets-remove').addEventListener('click', attempt(async (key) => ({ removed: await secureStorage.remove(key), keys: await secureStorage.keys() })))
  // The buttons work from here on (the module above loads asynchronously).
  $('secrets').dataset.ready = 'true'
}

if (globalThis.isOroRuntime) main()
