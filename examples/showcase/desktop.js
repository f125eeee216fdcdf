// The desktop panel (oro-desktop): a menu bar and a context menu from Oro's menu text, a native
// file dialog whose file oro:fs may then read, a desktop notification, the clipboard and a tray
// icon. Headless, each says what it does instead (NotSupportedError), as a browser tab cannot
// have a menu bar or a tray.

import { setSystemMenu, setTrayMenu } from 'oro:application'
import { getCurrentWindow, showOpenFilePicker } from 'oro:window'
import { Notification } from 'oro:notification'
import clipboard from 'oro:clipboard'
import fs from 'oro:fs'
import { request } from 'oro:ipc'

const $ = (id) => document.getElementById(id)

const SYSTEM_MENU = `
Showcase:
  Ping: P + CommandOrControl
  Open a file: O + CommandOrControl
  ---
  View > Bigger text: _
  View > Smaller text: _
  ---
  Quit: q + CommandOrControl;

Help:
  About: _;
`

const CONTEXT_MENU = `
  Copy the ping: _
  Paste: _
  ---
  Notify: _
`

const TRAY_MENU = `
Showcase:
  Show the window: _
  Quit: _;
`

function show (value) {
  $('desktop-result').classList.remove('error')
  $('desktop-result').textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function guard (action) {
  return (...args) => action(...args).catch((error) => {
    $('desktop-result').classList.add('error')
    show(`${error.name}${error.code ? ` (${error.code})` : ''}: ${error.message}`)
  })
}

async function openFile () {
  const [path] = await showOpenFilePicker({ title: 'Open a text file', types: [{ description: 'Text', accept: { 'text/plain': ['.txt', '.md'] } }] })
  const text = await fs.promises.readFile(path, 'utf8')
  show({ path, bytes: text.length, start: text.slice(0, 200) })
}

async function notify () {
  const notification = new Notification('Oro Showcase', { body: `ping: ${$('ping').textContent}` })
  notification.onclick = () => show('notification clicked')
  await new Promise((resolve, reject) => {
    notification.onshow = resolve
    notification.onerror = (event) => reject(event.error)
  })
  show({ notification: notification.id, shown: true })
}

async function copyPing () {
  await clipboard.writeText($('ping').textContent)
  show({ copied: $('ping').textContent })
}

async function paste () {
  show({ pasted: await clipboard.readText() })
}

async function tray () {
  show(await setTrayMenu(TRAY_MENU))
}

let fontSize = 100
const actions = {
  Ping: async () => show({ ping: await request('ping') }),
  'Open a file': openFile,
  'Bigger text': async () => { fontSize += 10; document.body.style.fontSize = `${fontSize}%` },
  'Smaller text': async () => { fontSize -= 10; document.body.style.fontSize = `${fontSize}%` },
  Quit: async () => (await import('oro:application')).exit(0),
  About: async () => show('Oro Showcase: oro-framework with every plugin'),
  'Copy the ping': copyPing,
  Paste: paste,
  Notify: notify,
  'Show the window': async () => getCurrentWindow().show()
}

globalThis.addEventListener('menuItemSelected', guard(async (event) => {
  const { title, parent, type } = event.detail
  show({ menuItemSelected: { title, parent, type } })
  await actions[title]?.()
}))
globalThis.addEventListener('trayclick', () => show('tray icon clicked'))

$('desktop').addEventListener('contextmenu', guard(async (event) => {
  event.preventDefault()
  await getCurrentWindow().setContextMenu(CONTEXT_MENU)
}))
$('desktop-open').addEventListener('click', guard(openFile))
$('desktop-notify').addEventListener('click', guard(notify))
$('desktop-copy').addEventListener('click', guard(copyPing))
$('desktop-paste').addEventListener('click', guard(paste))
$('desktop-tray').addEventListener('click', guard(tray))

// Headless there is no menu bar: the menu is kept, not shown (`shown: false`), and the panel says so.
guard(async () => show(await setSystemMenu(SYSTEM_MENU)))()
