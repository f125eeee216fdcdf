// The data panel (oro-sqlite and oro-zlib): the notes go into a SQLite database in memory
// (oro:sqlite, Oro's API; files would need [sqlite] roots in oro.toml) and are read back sorted;
// then gzipped and gunzipped by the host's zlib (oro:zlib), with the sizes on each side.

const $ = (id) => document.getElementById(id)

function show (value) {
  $('data-result').textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function notes () {
  return $('data-notes').value.split('\n').map((line) => line.trim()).filter(Boolean)
}

async function main () {
  let sqlite, zlib
  try {
    sqlite = await import('oro:sqlite')
    zlib = await import('oro:zlib')
  } catch {
    show('oro-sqlite or oro-zlib is not installed.')
    return
  }

  const attempt = (action) => async () => {
    try {
      show(await action())
    } catch (error) {
      show(`${error.name} ${error.code ?? ''}: ${error.message}`)
    }
  }

  $('data-query').addEventListener('click', attempt(async () => {
    const db = sqlite.open(':memory:')
    try {
      db.exec('CREATE TABLE notes (text TEXT NOT NULL)')
      for (const text of notes()) db.exec('INSERT INTO notes (text) VALUES (?)', { params: [text] })
      const { rows } = db.exec('SELECT text, length(text) AS size FROM notes ORDER BY text')
      return { sorted: rows.map((row) => row.text), sizes: rows.map((row) => row.size) }
    } finally {
      db.close()
    }
  }))
  $('data-gzip').addEventListener('click', attempt(async () => {
    const text = notes().join('\n').repeat(20)
    const packed = await zlib.gzip(text)
    const unpacked = await zlib.gunzip(packed)
    return { bytes: new TextEncoder().encode(text).length, gzipped: packed.length, sameBack: unpacked.toString() === text }
  }))
  // The buttons work from here on (the modules above load asynchronously).
  $('data').dataset.ready = 'true'
}

if (globalThis.isOroRuntime) main()
