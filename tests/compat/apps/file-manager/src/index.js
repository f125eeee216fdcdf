import fs from 'socket:fs/promises'

const content = document.querySelector('#content')
const links = document.querySelector('#links')

// What the page showed, for whoever drives it: the folders and files opened by link, and the
// outcome of the last open.
globalThis.files = { links: [], last: null }

async function open (path) {
  try {
    const text = await fs.readFile(path, 'utf8')
    content.textContent = text
    globalThis.files.last = { path, text }
  } catch (err) {
    content.textContent = `${err.code}: ${err.message}`
    globalThis.files.last = { path, code: err.code, name: err.name }
  }
  return globalThis.files.last
}

globalThis.files.open = open

document.querySelector('#open').addEventListener('click', () => {
  open(document.querySelector('#path').value)
})

// `filesystem:/home/me/notes.txt` from the desktop or a second launch opens that file.
window.addEventListener('applicationurl', (event) => {
  const url = event.detail.url
  globalThis.files.links.push(url)
  const item = document.createElement('li')
  item.textContent = url
  links.append(item)
})
