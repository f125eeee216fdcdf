// Injected by the WebKitGTK engine at the start of every document, in every frame, before the
// page's scripts (oro_framework/gui/gtk/page_console.py): the page's console and uncaught
// errors, each sent as a "__EVENT__" event on the document to the relay in oro's own script
// world (page_console_relay.js), which alone reaches the engine's message handler. The page may
// replace console, JSON or dispatchEvent later: what the hooks use is taken now. Formatting a
// value never throws out of a console call.
(() => {
  const dispatch = EventTarget.prototype.dispatchEvent
  const Custom = CustomEvent
  const target = document
  const post = (text) => dispatch.call(target, new Custom('__EVENT__', { detail: text }))
  const stringify = JSON.stringify
  const show = (value) => {
    try {
      if (value instanceof Error) return `${value.name}: ${value.message}`
      if (value !== null && typeof value === 'object') return stringify(value) ?? String(value)
      return String(value)
    } catch { return Object.prototype.toString.call(value) }
  }
  const send = (level, values, source, line) => {
    try {
      post(stringify({
        level,
        text: values.map(show).join(' '),
        source: String(source || ''),
        line: Number(line) || 0
      }))
    } catch {}
  }
  const caller = () => {
    const frames = String(new Error().stack || '').split('\n')
    const found = /([^@\s]+):(\d+):\d+$/.exec(frames[2] || '')
    return found ? [found[1], found[2]] : ['', 0]
  }
  const levels = { error: 'error', warn: 'warning', info: 'info', log: 'log', debug: 'debug', trace: 'debug' }
  for (const [method, level] of Object.entries(levels)) {
    const original = console[method]
    if (typeof original !== 'function') continue
    console[method] = function (...values) {
      send(level, values, ...caller())
      return original.apply(this, values)
    }
  }
  addEventListener('error', (event) => {
    if (event instanceof ErrorEvent) {
      const text = String(event.message || show(event.error))
      send('error', [text.startsWith('Uncaught') ? text : `Uncaught ${text}`], event.filename, event.lineno)
      return
    }
    const target = event.target
    const url = target && (target.src || target.href)
    if (url) send('error', [`Failed to load ${String(target.localName)} ${url}`], location.href, 0)
  }, true)
  addEventListener('unhandledrejection', (event) => {
    const reason = event.reason
    const source = reason && typeof reason === 'object' ? reason.sourceURL : ''
    const line = reason && typeof reason === 'object' ? reason.line : 0
    send('error', ['Uncaught (in promise)', reason], source, line)
  })
})()
