// Node 20 has no EventSource: a minimal stand-in with the browser's surface (readyState,
// addEventListener per event name, close) plus helpers to drive it from a test.

export class FakeEventSource extends EventTarget {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static instances = []

  constructor (url, init) {
    super()
    this.url = String(url)
    this.withCredentials = Boolean(init?.withCredentials)
    this.readyState = FakeEventSource.CONNECTING
    FakeEventSource.instances.push(this)
  }

  close () {
    this.readyState = FakeEventSource.CLOSED
  }

  // --- test helpers ---
  simulateOpen () {
    this.readyState = FakeEventSource.OPEN
    this.dispatchEvent(new Event('open'))
  }

  simulateEvent (name, data) {
    if (this.readyState === FakeEventSource.CLOSED) return
    this.dispatchEvent(new MessageEvent(name, { data: typeof data === 'string' ? data : JSON.stringify(data) }))
  }

  simulateDrop () {
    // The server ended the response: a browser EventSource fires error and reconnects.
    this.readyState = FakeEventSource.CONNECTING
    this.dispatchEvent(new Event('error'))
  }
}
