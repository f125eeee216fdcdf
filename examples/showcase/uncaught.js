// Run first of the page's scripts (a deferred classic script runs before the module scripts
// after it, in document order): an error no panel caught (a module that failed to load, a
// rejected promise nobody awaited) shows on the first screen instead of leaving a panel at "–".
// Deferred, not parser-blocking: fetched beside the page's modules from the host's one loop, a
// blocking script held WebKitGTK's first paint back by ~0.1 s (bench/engines.py).
// The showcase's tests read this line too.

function reportUncaught (error) {
  const line = document.getElementById('uncaught')
  if (!line) return
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  line.hidden = false
  line.textContent += `${line.textContent ? '\n' : ''}Uncaught ${text}`
}

globalThis.addEventListener('error', (event) => reportUncaught(event.error ?? event.message))
globalThis.addEventListener('unhandledrejection', (event) => reportUncaught(event.reason))
