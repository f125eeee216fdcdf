import './context.js'
import { test } from 'socket:test'
import os from 'socket:os'
import fs from 'socket:fs/promises'
import application from 'socket:application'

test('the page starts with its own label', (t) => {
  t.equal(document.querySelector('h1').textContent, 'Hello, World', 'label on start')
})

test('the bundled module ran and asked the runtime for the platform', async (t) => {
  // Ask until the app's module listens (it may load after this file), for at most 10 s.
  for (let i = 0; i < 200 && document.querySelector('h1').textContent === 'Hello, World'; i++) {
    window.dispatchEvent(new Event('greet'))
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(document.querySelector('h1').textContent, `Hello, ${os.platform()}!`, 'label after start')
  t.equal(os.platform(), 'linux', 'the platform comes from the host')
})

test('IPC gets through the page CSP', async (t) => {
  await fs.writeFile('bundled.txt', 'kept')
  t.equal(await fs.readFile('bundled.txt', 'utf8'), 'kept', 'fs round trip')
  const windows = await application.getWindows()
  t.ok(windows.length > 0, 'application.getWindows answered with this window')
})
