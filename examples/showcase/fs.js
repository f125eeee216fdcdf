// The notes panel of the showcase (oro-fs): notes are Markdown files in `notes/` of the app data
// directory. List, open, edit, save, delete; the list and an unchanged open note refresh live
// from `fs.watch`, so edits made outside the app (or in another window) show up at once.

// `data:` names the app data directory: a bare relative path would be Oro's, against the app's
// own (read-only) files.
const NOTES = 'data:notes'

function panel () {
  const section = document.createElement('section')
  section.id = 'fs-panel'
  section.innerHTML = `
    <h2>Notes (oro:fs)</h2>
    <p class="fs-where">–</p>
    <ul id="fs-notes" class="fs-list"></ul>
    <input id="fs-name" placeholder="name.md" aria-label="note name">
    <textarea id="fs-text" rows="6" aria-label="note text"></textarea>
    <button id="fs-save" type="button">Save</button>
    <button id="fs-new" type="button">New</button>
    <button id="fs-delete" type="button">Delete</button>
    <pre id="fs-status">–</pre>
    <style>
      #fs-panel .fs-list { margin: 0 0 0.5rem; padding-left: 1.25rem; font-family: ui-monospace, monospace; }
      #fs-panel .fs-list li { cursor: pointer; }
      #fs-panel .fs-list li.current { font-weight: 600; }
      #fs-panel input, #fs-panel textarea { box-sizing: border-box; width: 100%; font: inherit; margin-top: 0.25rem; }
      #fs-panel .fs-where { margin: 0 0 0.5rem; color: var(--muted); font-size: 13px; }
    </style>`
  ;(document.querySelector('main') ?? document.body).append(section)
  return section
}

const section = panel()
const $ = (id) => section.querySelector(`#${id}`)
const status = (text, isError = false) => {
  $('fs-status').textContent = `${new Date().toLocaleTimeString()} ${text}`
  $('fs-status').classList.toggle('error', isError)
}
const failed = (error) => status(`${error.name} ${error.code ?? ''}: ${error.message}`, true)

let fs = null
if (!globalThis.isOroRuntime) {
  status('Open this page with `oro run examples/showcase` to edit notes.')
} else {
  try {
    fs = (await import('oro:fs')).default
  } catch {
    status('The oro-fs plugin is not installed: no notes.', true)
  }
}

if (fs) {
  const fsp = fs.promises
  let current = null // name of the open note
  let dirty = false

  const validName = (name) => /^[\w.\- ]+$/.test(name) && !name.startsWith('.')

  async function refreshList () {
    const entries = await fsp.readdir(NOTES, { withFileTypes: true })
    const names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name).sort()
    const list = $('fs-notes')
    list.replaceChildren(...names.map((name) => {
      const item = document.createElement('li')
      item.textContent = name
      item.classList.toggle('current', name === current)
      item.addEventListener('click', () => openNote(name).catch(failed))
      return item
    }))
    if (names.length === 0) list.innerHTML = '<li><em>no notes yet</em></li>'
    return names
  }

  async function openNote (name) {
    const text = await fsp.readFile(`${NOTES}/${name}`, 'utf8')
    const stats = await fsp.stat(`${NOTES}/${name}`)
    current = name
    dirty = false
    $('fs-name').value = name
    $('fs-text').value = text
    status(`opened ${name} (${stats.size} bytes, modified ${stats.mtime.toLocaleTimeString()})`)
    await refreshList()
  }

  async function save () {
    const name = $('fs-name').value.trim()
    if (!validName(name)) {
      status('a note name is letters, digits, spaces, "-", "_" and "."', true)
      return
    }
    // Saving under another name keeps the old file: the new one becomes the open note.
    // atomic: the note on disk is the old text or the new one, never half of each, even if the
    // app is killed mid-save (the host writes a temporary file and renames it over the note).
    await fsp.writeFile(`${NOTES}/${name}`, $('fs-text').value, { encoding: 'utf8', atomic: true })
    current = name
    dirty = false
    status(`saved ${name}`)
    await refreshList()
  }

  async function remove () {
    if (!current) return
    await fsp.rm(`${NOTES}/${current}`, { force: true })
    status(`deleted ${current}`)
    current = null
    dirty = false
    $('fs-name').value = ''
    $('fs-text').value = ''
    await refreshList()
  }

  async function start () {
    const created = await fsp.mkdir(NOTES, { recursive: true })
    if (created) {
      await fsp.writeFile(`${NOTES}/welcome.md`,
        '# Welcome\n\nThese notes live in the app data directory (oro:fs).\n' +
        'Edit this one, or change the files on disk: the list refreshes by itself.\n',
        { encoding: 'utf8', atomic: true })
    }
    section.querySelector('.fs-where').textContent =
      `${NOTES}/ in the app data directory (${created ? 'created now' : 'found'})`
    const names = await refreshList()
    if (names.length) await openNote(names[0])

    // Live refresh: any change in notes/ reloads the list, and the open note when it was not
    // edited here since it was loaded.
    let pending = null
    fs.watch(NOTES, (eventType, filename) => {
      clearTimeout(pending)
      pending = setTimeout(async () => {
        try {
          await refreshList()
          if (filename === current && !dirty) {
            const exists = await fsp.access(`${NOTES}/${current}`).then(() => true, () => false)
            if (exists) await openNote(current)
          }
          status(`${eventType}: ${filename}`)
        } catch (error) {
          failed(error)
        }
      }, 100)
    }).on('error', failed)
  }

  $('fs-text').addEventListener('input', () => { dirty = true })
  $('fs-save').addEventListener('click', () => save().catch(failed))
  $('fs-delete').addEventListener('click', () => remove().catch(failed))
  $('fs-new').addEventListener('click', () => {
    current = null
    dirty = true
    $('fs-name').value = `note-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.md`
    $('fs-text').value = ''
    $('fs-text').focus()
  })
  start().then(() => { section.dataset.ready = 'true' }, failed)
}
