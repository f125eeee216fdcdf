// The windows and protocol-handler panel. "Open a second window" creates window 1
// (oro:window), greets it with win.send and shows its answer; headless, the new window's own
// launch URL is shown to open in another tab. "Fetch web+showcase://" fetches a URL of the
// app's protocol handler: the page's fetch goes to the scheme's Service Worker (showcase-sw.js).

import { createWindow, getWindow } from 'oro:window'

const $ = (id) => document.getElementById(id)

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
  const isOpen = await second.getTitle().then(() => true, () => false)
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
  const answered = next('showcase-reply')
  await second.send('showcase-hello', { text: $('windows-text').value })
  show('windows-result', { window: 1, answered: await answered })
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
