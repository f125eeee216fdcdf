// The windows and protocol-handler panel. "Open a second window" creates window 1
// (oro:window), greets it with win.send and shows its answer; headless, the new window's own
// launch URL is shown to open in another tab. "Fetch web+showcase://" fetches a URL of the
// app's protocol handler: the page's fetch goes to the scheme's Service Worker (showcase-sw.js).

import { createWindow, getWindow } from 'oro:window'

const $ = (id) => document.getElementById(id)

/** How many times, and how often (ms), window 0 greets the second window before giving up. */
const GREETINGS = 30
const GREETING_INTERVAL = 1000

function show (id, value) {
  $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function next (event) {
  return new Promise((resolve) => {
    globalThis.addEventListener(event, (received) => resolve(received.detail), { once: true })
  })
}

async function openSecondWindow () {
  let second = getWindow(1)
  const isOpen = await second.update().then(() => true, () => false)
  if (!isOpen) {
    const loaded = next('showcase-second-ready') // second.html says so once it listens
    second = await createWindow({
      index: 1, url: '/second.html', title: 'Showcase — second window', width: 520, height: 360
    })
    if (second.launchUrl) {
      show('windows-result', { opened: 1, open: second.launchUrl, then: 'press the button again' })
      return
    }
    await loaded
  }
  show('windows-result', { window: 1, answered: await greet(second, $('windows-text').value) })
}

/**
 * Send `showcase-hello` until the second window answers. The host delivers an event only to a
 * page that listens on its event channel at that moment, and a page that has just loaded may
 * not yet, so a greeting can be lost; the second window answers every one it hears.
 * @param {import('oro:window').ApplicationWindow} second
 * @param {string} text
 */
async function greet (second, text) {
  const answered = next('showcase-reply')
  for (let attempt = 0; attempt < GREETINGS; attempt++) {
    await second.send('showcase-hello', { text })
    const reply = await Promise.race([answered, pause(GREETING_INTERVAL)])
    if (reply) return reply
  }
  throw new Error(`the second window did not answer ${GREETINGS} greetings`)
}

/** @param {number} ms */
function pause (ms) {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms))
}

async function fetchProtocolURL () {
  const response = await fetch(`web+showcase://note/${encodeURIComponent($('windows-text').value)}`)
  show('windows-result', await response.json())
}

function guard (action) {
  return () => action().catch((error) => {
    $('windows-result').classList.add('error')
    show('windows-result', `${error.name}: ${error.message}`)
  })
}

$('windows-open').addEventListener('click', guard(openSecondWindow))
$('windows-fetch').addEventListener('click', guard(fetchProtocolURL))
