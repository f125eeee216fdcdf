// Loaded first, as a classic script: an error no panel caught (a module that failed to load, a
// rejected promise nobody awaited) shows on the first screen instead of leaving a panel at "–".
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
