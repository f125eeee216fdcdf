// Injected by the WebKitGTK engine at the start of every document, in every frame, in oro's own
// script world (oro_framework/gui/gtk/page_console.py): the page's scripts do not run here and
// cannot reach this world's message handler. It relays what page_console.js sends as
// "__EVENT__" events (or what the page sends as such: as untrusted as any console text) to the
// handler, at most __BUDGET__ a second per document, each cut to __MAX_TEXT__ characters; the
// rest are counted and said dropped once. A page's console flood then costs its own web
// process, not the app's GUI thread, which every window shares.
(() => {
  const handler = window.webkit.messageHandlers.__HANDLER__
  const post = handler.postMessage.bind(handler)
  const parse = JSON.parse
  const stringify = JSON.stringify
  const now = performance.now.bind(performance)
  const later = setTimeout
  const budget = __BUDGET__
  const longest = __MAX_TEXT__
  let second = -1
  let sent = 0
  let dropped = 0
  let flushing = false
  const flush = () => {
    flushing = false
    if (!dropped) return
    const count = dropped
    dropped = 0
    const text = `${count} console messages dropped in the page (more than ${budget}/s)`
    post(stringify({ level: 'warning', text, source: '', line: 0 }))
  }
  document.addEventListener('__EVENT__', (event) => {
    const current = Math.floor(now() / 1000)
    if (current !== second) {
      second = current
      sent = 0
      flush()
    }
    if (sent >= budget) {
      dropped++
      if (!flushing) {
        flushing = true
        later(flush, 1500)
      }
      return
    }
    const detail = event.detail
    if (typeof detail !== 'string') return
    sent++
    try {
      const data = parse(detail)
      post(stringify({
        level: String(data.level),
        text: String(data.text).slice(0, longest),
        source: String(data.source || '').slice(0, 500),
        line: Number(data.line) || 0
      }))
    } catch {}
  }, true)
})()
