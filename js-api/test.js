// `oro:test`: Oro's tapzero-style runner. `test(name, fn)` registers, tests run one at a time in
// registration order, and every assertion is one TAP line, as in Oro; unlike Oro, a test that
// throws or rejects fails (one `not ok` line) and the run goes on instead of aborting.

import { host, platform } from './os.js'

const OBJECT_TO_STRING = Object.prototype.toString
// Frames of the core modules (this one, the `oro test` harness beside it) are left out of `at`
// and `stack`: they say nothing about the test.
const CORE_DIRECTORY = new URL('.', import.meta.url).href
const UNDEFINED_MARK = '_oro_test_undefined_'

/**
 * Milliseconds between the first `test()` call and the start of the run (Oro's default).
 * @returns {number}
 */
export function getDefaultTestRunnerTimeout () {
  return 500
}

/**
 * @typedef {(t: Test) => (void | Promise<void>)} TestFn
 * @typedef {{ total: number, success: number, fail: number }} RunResult
 */

/**
 * JSON with `undefined` kept visible, as tapzero prints values.
 * @param {unknown} value
 * @returns {string}
 */
export function toJSON (value) {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`
  let json
  try {
    json = JSON.stringify(value, (_key, item) => item === undefined ? UNDEFINED_MARK : typeof item === 'bigint' ? `${item}n` : item, '  ')
  } catch {
    json = String(value)
  }
  return (json ?? 'undefined').replaceAll(`"${UNDEFINED_MARK}"`, 'undefined')
}

/**
 * Structural equality as fast-deep-equal (tapzero's) has it: same constructor, same own
 * enumerable keys, Maps/Sets/typed arrays by content, RegExps and Dates by value, NaN equal.
 * @param {any} a
 * @param {any} b
 * @returns {boolean}
 */
export function deepEqual (a, b) {
  if (a === b) return true
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (a.constructor !== b.constructor) return false
    if (Array.isArray(a)) {
      if (a.length !== b.length) return false
      for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
      return true
    }
    if (a instanceof Map) {
      if (a.size !== b.size) return false
      for (const [key, value] of a) if (!b.has(key) || !deepEqual(value, b.get(key))) return false
      return true
    }
    if (a instanceof Set) {
      if (a.size !== b.size) return false
      for (const value of a) if (!b.has(value)) return false
      return true
    }
    if (ArrayBuffer.isView(a)) {
      const left = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
      const right = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
      return left.length === right.length && left.every((byte, i) => byte === right[i])
    }
    if (a instanceof RegExp) return a.source === b.source && a.flags === b.flags
    if (a.valueOf !== Object.prototype.valueOf && typeof a.valueOf === 'function') return a.valueOf() === b.valueOf()
    if (a.toString !== Object.prototype.toString && typeof a.toString === 'function') return a.toString() === b.toString()
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length) return false
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(b, key) || !deepEqual(a[key], b[key])) return false
    }
    return true
  }
  // eslint-disable-next-line no-self-compare
  return a !== a && b !== b
}

/**
 * @param {string} frame
 * @returns {boolean}
 */
function isCoreFrame (frame) {
  const at = frame.indexOf(CORE_DIRECTORY)
  return at !== -1 && /^[^/]+\.m?js:/.test(frame.slice(at + CORE_DIRECTORY.length))
}

/**
 * The first stack frame outside the core modules: where the failing assertion was written.
 * @param {Error} error
 * @returns {string}
 */
function findAt (error) {
  for (const line of String(error.stack || '').split('\n').slice(1)) {
    const frame = line.trim()
    if (!frame.startsWith('at ') || isCoreFrame(frame)) continue
    return frame.slice(3)
  }
  return ''
}

/**
 * The TAP lines of one assertion: `ok N description`, or `not ok N description` followed by
 * a YAML block (operator, expected, actual, at, stack).
 * @param {object} options
 * @param {boolean} options.pass
 * @param {number} options.id
 * @param {string} options.description
 * @param {string} [options.operator]
 * @param {unknown} [options.actual]
 * @param {unknown} [options.expected]
 * @param {Error} [options.origin] an Error made where the assertion was called, for `at`
 * @returns {string[]}
 */
export function formatAssertion ({ pass, id, description, operator = 'ok', actual, expected, origin }) {
  const title = String(description).replace(/\n/g, ' ')
  if (pass) return [`ok ${id} ${title}`]
  const lines = [`not ok ${id} ${title}`, '  ---', `    operator: ${operator}`]
  /** @type {Error | undefined} */
  let thrown
  if (actual && OBJECT_TO_STRING.call(actual) === '[object Error]') {
    thrown = /** @type {Error} */ (actual)
    actual = thrown.message
  }
  let shownExpected = toJSON(expected)
  let shownActual = toJSON(actual)
  if (Math.max(shownExpected.length, shownActual.length) > 65 || /\n/.test(shownExpected + shownActual)) {
    shownExpected = shownExpected.replace(/\n/g, '\n      ')
    shownActual = shownActual.replace(/\n/g, '\n      ')
    lines.push(`    expected: |-\n      ${shownExpected}`, `    actual:   |-\n      ${shownActual}`)
  } else {
    lines.push(`    expected: ${shownExpected}`, `    actual:   ${shownActual}`)
  }
  const at = origin ? findAt(origin) : ''
  if (at) lines.push(`    at:       ${at}`)
  const stack = String((thrown || origin)?.stack || '').split('\n').slice(1).map((line) => line.trim()).filter((line) => line && !isCoreFrame(line))
  if (stack.length) {
    lines.push('    stack:    |-')
    for (const line of stack) lines.push(`      ${line}`)
  }
  lines.push('  ...')
  return lines.flatMap((line) => line.split('\n'))
}

/**
 * @typedef {RegExp | Function | Record<string, unknown>} ThrowsExpectation
 */

/**
 * Whether `caught` is what `t.throws()`'s `expected` describes (tape's reading of it): nothing
 * given, any error; a RegExp, the error's message (or the value, for a non-error) matches; an
 * error class, an instance of it; another function, a validation function answering `true`;
 * an object, every key of it holds on the error (a RegExp value matches, others deep-equal).
 * @param {unknown} caught
 * @param {unknown} expected
 * @returns {boolean}
 */
function matchesThrown (caught, expected) {
  if (expected === undefined || expected === null) return true
  const error = /** @type {any} */ (caught)
  if (expected instanceof RegExp) {
    expected.lastIndex = 0
    return expected.test(String(error?.message ?? error))
  }
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && caught instanceof expected) return true
    // An Error class the error is no instance of fails; it is no validation function.
    if (expected === Error || Error.isPrototypeOf(expected)) return false
    // Nor is any other class (calling one throws).
    if (/^class[\s{]/.test(Function.prototype.toString.call(expected))) return false
    return expected.call({}, caught) === true
  }
  if (typeof expected === 'object') {
    if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return false
    return Object.keys(expected).every((key) => {
      const want = /** @type {Record<string, unknown>} */ (expected)[key]
      if (want instanceof RegExp && typeof error[key] === 'string') return want.test(error[key])
      return deepEqual(error[key], want)
    })
  }
  throw new TypeError(`t.throws() expects a RegExp, an error class, a function or an object, got ${typeof expected}`)
}

/**
 * One test: the `t` its function receives.
 */
/** How long `t.waitFor()` and `t.waitForText()` wait by default, in milliseconds. */
const WAIT_TIMEOUT = 5000

/** @param {unknown} selector */
const describe = (selector) => typeof selector === 'string' ? selector : 'element'

/**
 * The element a selector matches, or the element given.
 * @param {unknown} selector
 * @returns {Element}
 */
function toElement (selector) {
  if (typeof selector === 'string') {
    const element = globalThis.document?.querySelector(selector)
    if (!element) throw new Error(`No element matches ${selector}`)
    return element
  }
  if (typeof Element === 'function' && selector instanceof Element) return selector
  throw new TypeError('Expected a selector or an Element')
}

/**
 * @param {unknown} selector
 * @param {string} method
 * @returns {HTMLElement}
 */
function toHTMLElement (selector, method) {
  const element = toElement(selector)
  if (!(element instanceof HTMLElement)) throw new TypeError(`t.${method}() needs an HTMLElement or a selector matching one`)
  return element
}

/**
 * In the document and rendered, not `visibility: hidden`, not fully transparent.
 * @param {Element} element
 * @returns {boolean}
 */
function isVisible (element) {
  if (!element.isConnected) return false
  const check = /** @type {any} */ (element).checkVisibility
  if (typeof check === 'function') return check.call(element, { opacityProperty: true, visibilityProperty: true })
  const style = globalThis.getComputedStyle(element)
  return element.getClientRects().length > 0 && style.visibility === 'visible' && style.opacity !== '0'
}

/**
 * Resolves with what `find` answers as soon as it answers something: checked now, on every
 * change to the document, and every frame (style changes a stylesheet makes are no DOM
 * mutation); rejects with a `TimeoutError` after `timeout` ms.
 * @template T
 * @param {() => T | null | undefined} find
 * @param {number} timeout
 * @param {string} failure
 * @returns {Promise<T>}
 */
function waitUntil (find, timeout, failure) {
  return new Promise((resolve, reject) => {
    /** @type {MutationObserver | null} */
    let observer = null
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let frame
    const finish = () => {
      observer?.disconnect()
      clearTimeout(timer)
      clearTimeout(frame)
    }
    const check = () => {
      let found
      try {
        found = find()
      } catch (error) {
        finish()
        reject(error)
        return true
      }
      if (found) {
        finish()
        resolve(found)
        return true
      }
      return false
    }
    const timer = setTimeout(() => {
      finish()
      reject(Object.assign(new Error(failure), { name: 'TimeoutError', code: 'TIMEOUT_ERR' }))
    }, timeout)
    if (check()) return
    if (globalThis.document && typeof MutationObserver === 'function') {
      observer = new MutationObserver(() => { check() })
      observer.observe(globalThis.document, { subtree: true, childList: true, attributes: true, characterData: true })
    }
    const poll = () => {
      if (!check()) frame = setTimeout(poll, 16)
    }
    frame = setTimeout(poll, 16)
  })
}

export class Test {
  /**
   * @param {string} name
   * @param {TestFn} fn
   * @param {TestRunner} runner
   */
  constructor (name, fn, runner) {
    /** @type {string} */
    this.name = name
    /** @type {TestFn} */
    this.fn = fn
    /** @type {TestRunner} */
    this.runner = runner
    /** @type {boolean} */
    this.strict = runner.strict
    /** @type {boolean} */
    this.done = false
    /** @type {boolean} */
    this.skipped = false
    /** @type {number | null} */
    this._planned = null
    /** @type {number} */
    this._actual = 0
    /** @type {{ pass: number, fail: number }} */
    this._result = { pass: 0, fail: 0 }
    /** Ended by `abandon()` before its function settled. @type {boolean} */
    this.abandoned = false
    /** @type {() => void} */
    this._end = () => {}
    /** Settles when `abandon()` ends the test. @type {Promise<void>} */
    this._ended = new Promise((resolve) => { this._end = resolve })
  }

  /**
   * End this test now, its function unsettled (a runner's way out of a test that can no longer
   * end, such as one whose callback threw outside its promise): the run goes on with the next
   * test, and what the function still asserts is not counted.
   * @param {string} reason
   * @returns {void}
   */
  abandon (reason) {
    if (this.done || this.abandoned) return
    this.abandoned = true
    this.comment(`${this.name}: ended, ${reason}`)
    this._end()
  }

  /**
   * @param {string} message
   * @returns {void}
   */
  comment (message) {
    for (const line of String(message).split('\n')) this.runner.report(`# ${line}`)
  }

  /**
   * Expect exactly `count` assertions: fewer fails the test when it ends, more fails at once.
   * @param {number} count
   * @returns {void}
   */
  plan (count) {
    this._planned = count
  }

  /**
   * @param {unknown} actual
   * @param {string} [message]
   * @returns {void}
   */
  ok (actual, message) {
    this._assert(!!actual, actual, 'truthy value', message, 'should be truthy', 'ok')
  }

  /**
   * @param {unknown} actual
   * @param {string} [message]
   * @returns {void}
   */
  notOk (actual, message) {
    this._assert(!actual, actual, 'falsy value', message, 'should be falsy', 'notOk')
  }

  /**
   * Loose equality (`==`), as in tapzero.
   * @param {unknown} actual
   * @param {unknown} expected
   * @param {string} [message]
   * @returns {void}
   */
  equal (actual, expected, message) {
    // eslint-disable-next-line eqeqeq
    this._assert(actual == expected, actual, expected, message, 'should be equal', 'equal')
  }

  /**
   * @param {unknown} actual
   * @param {unknown} expected
   * @param {string} [message]
   * @returns {void}
   */
  notEqual (actual, expected, message) {
    // eslint-disable-next-line eqeqeq
    this._assert(actual != expected, actual, expected, message, 'should not be equal', 'notEqual')
  }

  /**
   * @param {unknown} actual
   * @param {unknown} expected
   * @param {string} [message]
   * @returns {void}
   */
  deepEqual (actual, expected, message) {
    this._assert(deepEqual(actual, expected), actual, expected, message, 'should be equivalent', 'deepEqual')
  }

  /**
   * @param {unknown} actual
   * @param {unknown} expected
   * @param {string} [message]
   * @returns {void}
   */
  notDeepEqual (actual, expected, message) {
    this._assert(!deepEqual(actual, expected), actual, expected, message, 'should not be equivalent', 'notDeepEqual')
  }

  /**
   * @param {string} [message]
   * @returns {void}
   */
  pass (message) {
    this._assert(true, true, true, message, 'pass called', 'pass')
  }

  /**
   * @param {string} [message]
   * @returns {void}
   */
  fail (message) {
    this._assert(false, 'fail called', 'fail not called', message, 'fail called', 'fail')
  }

  /**
   * @param {unknown} error
   * @param {string} [message]
   * @returns {void}
   */
  ifError (error, message) {
    this._assert(!error, error, 'no error', message, String(error), 'ifError')
  }

  /**
   * Passes when `fn` throws, and the error is what `expected` describes: nothing (`null`,
   * `undefined`, or a message in its place, as tapzero and tape take it), a RegExp its
   * message matches, an error class it is an instance of, a validation function answering
   * `true`, or an object whose every key it has (deep-equal, or matching a RegExp).
   * @param {() => unknown} fn
   * @param {ThrowsExpectation | string | null} [expected]
   * @param {string} [message]
   * @returns {void}
   */
  throws (fn, expected, message) {
    if (typeof expected === 'string') {
      message = expected
      expected = undefined
    }
    if (typeof fn !== 'function') throw new TypeError('t.throws() expects a function to call')
    let threw = false
    /** @type {unknown} */
    let caught = null
    try {
      fn()
    } catch (error) {
      threw = true
      caught = error
    }
    const pass = threw && matchesThrown(caught, expected)
    this._assert(pass, caught, expected ?? undefined, message, 'should throw', 'throws')
  }

  /**
   * Passes when `fn` does not throw (tape's `doesNotThrow`); what it threw is the failure's
   * `actual`.
   * @param {() => unknown} fn
   * @param {ThrowsExpectation | string | null} [expected] ignored, as tape ignores it; a
   *   string is the message
   * @param {string} [message]
   * @returns {void}
   */
  doesNotThrow (fn, expected, message) {
    if (typeof expected === 'string') message = expected
    if (typeof fn !== 'function') throw new TypeError('t.doesNotThrow() expects a function to call')
    let threw = false
    /** @type {unknown} */
    let caught
    try {
      fn()
    } catch (error) {
      threw = true
      caught = error
    }
    this._assert(!threw, caught, 'no error', message, 'should not throw', 'doesNotThrow')
  }

  /**
   * Passes when the promise (or what the function answers) rejects with what `expected`
   * describes (as `throws` reads it).
   * @param {Promise<unknown> | (() => Promise<unknown>)} promiseOrFn
   * @param {ThrowsExpectation | string | null} [expected]
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async rejects (promiseOrFn, expected, message) {
    if (typeof expected === 'string') {
      message = expected
      expected = undefined
    }
    let threw = false
    /** @type {unknown} */
    let caught = null
    try {
      await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn)
    } catch (error) {
      threw = true
      caught = error
    }
    const pass = threw && matchesThrown(caught, expected)
    this._assert(pass, caught, expected ?? undefined, message, 'should reject', 'rejects')
  }

  /**
   * Waits `ms` milliseconds, then passes.
   * @param {number} ms
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async sleep (ms, message) {
    await new Promise((resolve) => setTimeout(resolve, ms))
    this.pass(message || `Sleep for ${ms}ms`)
  }

  /**
   * Waits for the next animation frame (a 0 ms timer when the document has no focus, where
   * frames may never come), and passes when given a message.
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async requestAnimationFrame (message) {
    const doc = globalThis.document
    if (doc && doc.hasFocus() && typeof globalThis.requestAnimationFrame === 'function') {
      await new Promise((resolve) => globalThis.requestAnimationFrame(resolve))
    } else {
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    if (message) this.pass(message)
  }

  /**
   * Asserts that `selector` matches an element, and returns it.
   * @param {string} selector
   * @param {string} [message]
   * @returns {Element | null}
   */
  querySelector (selector, message) {
    const element = globalThis.document ? globalThis.document.querySelector(selector) : null
    this.ok(element, message || `querySelector(${selector})`)
    return element
  }

  /**
   * Asserts that `selector` matches at least one element, and returns them.
   * @param {string} selector
   * @param {string} [message]
   * @returns {Element[]}
   */
  querySelectorAll (selector, message) {
    const elements = globalThis.document ? Array.from(globalThis.document.querySelectorAll(selector)) : []
    this.ok(elements.length, message || `querySelectorAll(${selector})`)
    return elements
  }

  /**
   * Calls `click()` on the element (or the first match of a selector), then waits a frame.
   * @param {string | HTMLElement} selector
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async click (selector, message) {
    const element = typeof selector === 'string' ? globalThis.document?.querySelector(selector) : selector
    if (!element || typeof (/** @type {HTMLElement} */ (element)).click !== 'function') {
      throw new TypeError('t.click() needs an HTMLElement or a selector matching one')
    }
    ;(/** @type {HTMLElement} */ (element)).click()
    await this.requestAnimationFrame()
    this.pass(message || `Clicked on ${typeof selector === 'string' ? selector : 'element'}`)
  }

  /**
   * Dispatches a bubbling `click` `MouseEvent` (button 0) on the element, then waits a frame.
   * @param {string | Element} selector
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async eventClick (selector, message) {
    const element = toElement(selector)
    element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }))
    await this.requestAnimationFrame()
    this.pass(message || `Fired click event on ${describe(selector)}`)
  }

  /**
   * Dispatches `event` (an `Event`, or a name for a bubbling, cancelable `Event`) on the
   * target, then waits a frame.
   * @param {string | Event} event
   * @param {string | Element} target
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async dispatchEvent (event, target, message) {
    const element = toElement(target)
    element.dispatchEvent(typeof event === 'string' ? new Event(event, { bubbles: true, cancelable: true }) : event)
    await this.requestAnimationFrame()
    this.pass(message || `Fired event ${typeof event === 'string' ? event : event.type} on ${describe(target)}`)
  }

  /**
   * Focuses the element, then waits a frame.
   * @param {string | Element} selector
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async focus (selector, message) {
    toHTMLElement(selector, 'focus').focus()
    await this.requestAnimationFrame()
    this.pass(message || `Focused on ${describe(selector)}`)
  }

  /**
   * Blurs the element, then waits a frame.
   * @param {string | Element} selector
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async blur (selector, message) {
    toHTMLElement(selector, 'blur').blur()
    await this.requestAnimationFrame()
    this.pass(message || `Blurred from ${describe(selector)}`)
  }

  /**
   * Types `text` into the element one character at a time: each appends to its `value` and
   * dispatches a bubbling `input` event, a frame apart.
   * @param {string | Element} selector
   * @param {string} text
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async type (selector, text, message) {
    const element = /** @type {HTMLInputElement} */ (toElement(selector))
    if (!('value' in element)) throw new TypeError('t.type() needs an element with a value (an input, a textarea...)')
    for (const character of String(text)) {
      await this.requestAnimationFrame()
      element.value = (element.value ?? '') + character
      element.dispatchEvent(new Event('input', { bubbles: true, cancelable: true }))
    }
    await this.requestAnimationFrame()
    this.pass(message || `Typed by value ${text}${typeof selector === 'string' ? ` to ${selector}` : ''}`)
  }

  /**
   * Appends `child` to the parent element, then waits a frame.
   * @param {string | Element} parentSelector
   * @param {Element} child
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async appendChild (parentSelector, child, message = 'Appended child element') {
    toElement(parentSelector).appendChild(child)
    await this.requestAnimationFrame()
    this.pass(message)
  }

  /**
   * Removes the element from the document, then waits a frame.
   * @param {string | Element} selector
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async removeElement (selector, message = 'Removed element') {
    toElement(selector).remove()
    await this.requestAnimationFrame()
    this.pass(message)
  }

  /**
   * Asserts, a frame later, that the element is visible now: in the document, rendered (no
   * `display: none` on it or an ancestor), not `visibility: hidden` and not fully transparent.
   * As Oro's, the element is judged when called (a test that goes on without awaiting may
   * remove it meanwhile).
   * @param {string | Element} selector
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async elementVisible (selector, message) {
    const visible = isVisible(toElement(selector))
    await this.requestAnimationFrame()
    this.ok(visible, message || `Element ${describe(selector)} is visible`)
  }

  /**
   * Asserts, a frame later, that the element is not visible now (see `elementVisible`).
   * @param {string | Element} selector
   * @param {string} [message]
   * @returns {Promise<void>}
   */
  async elementInvisible (selector, message) {
    const visible = isVisible(toElement(selector))
    await this.requestAnimationFrame()
    this.ok(!visible, message || `Element ${describe(selector)} is not visible`)
  }

  /**
   * Waits until `selectorOrFn` (a selector, or a function answering an element or nothing)
   * finds an element, visible too with `{ visible: true }`; passes and answers it, or records
   * a failure after `timeout` ms (5000 by default) and answers nothing.
   * @param {string | (() => Element | null | undefined)} selectorOrFn
   * @param {{ visible?: boolean, timeout?: number } | string} [options]
   * @param {string} [message]
   * @returns {Promise<Element | void>}
   */
  async waitFor (selectorOrFn, options = {}, message = undefined) {
    if (typeof options === 'string') {
      message = options
      options = {}
    }
    if (typeof selectorOrFn !== 'string' && typeof selectorOrFn !== 'function') {
      throw new TypeError('t.waitFor() needs a selector or a function')
    }
    const { visible = false, timeout = WAIT_TIMEOUT } = options ?? {}
    const description = message || `Waiting for element ${typeof selectorOrFn === 'string' ? selectorOrFn : ''}`.trim()
    const find = () => {
      const element = typeof selectorOrFn === 'string' ? globalThis.document?.querySelector(selectorOrFn) : selectorOrFn()
      return element && (!visible || isVisible(element)) ? element : null
    }
    try {
      const element = await waitUntil(find, timeout, `no element ${typeof selectorOrFn === 'string' ? selectorOrFn : 'from the function'}${visible ? ' (visible)' : ''} within ${timeout} ms`)
      this.pass(description)
      return element
    } catch (error) {
      this.ifError(error, description)
    }
  }

  /**
   * Waits until the element holds `text` (a string, a `RegExp`, or `{ text, regex, timeout,
   * multipleTags }`): within one text node, or with `multipleTags` across its tags (then the
   * innermost element whose whole text holds it answers).
   * Passes and answers the element whose text matched, or records a failure after `timeout` ms.
   * @param {string | Element} selector
   * @param {{ text?: string, regex?: RegExp, timeout?: number, multipleTags?: boolean } | string | RegExp} options
   * @param {string} [message]
   * @returns {Promise<Element | void>}
   */
  async waitForText (selector, options, message) {
    const element = toElement(selector)
    const search = typeof options === 'string' ? { text: options } : options instanceof RegExp ? { regex: options } : options
    if (!search || (search.text === undefined && !search.regex)) throw new TypeError('t.waitForText() needs a text, a RegExp or { text, regex }')
    const { text, regex, timeout = WAIT_TIMEOUT, multipleTags = false } = search
    /** @param {string} value */
    const matches = (value) => regex ? regex.test(value) : value.includes(/** @type {string} */ (text))
    const find = () => {
      if (multipleTags) {
        // The innermost element holding the text across its tags (as Oro's: not the root
        // when a child holds it all).
        if (!matches(element.textContent ?? '')) return null
        let holder = element
        /** @type {Element | undefined} */
        let inner = element
        while (inner) {
          holder = inner
          inner = [...holder.children].find((child) => matches(child.textContent ?? ''))
        }
        return holder
      }
      const walker = element.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (matches(/** @type {Text} */ (node).data)) return node.parentElement
      }
      return null
    }
    const description = message || `Waiting for text ${text ?? regex}`
    try {
      const found = await waitUntil(find, timeout, `no text ${text ?? regex} in ${describe(selector)} within ${timeout} ms`)
      this.pass(description)
      return found
    } catch (error) {
      this.ifError(error, description)
    }
  }

  /**
   * The element's computed style; passes.
   * @param {string | Element} selector
   * @param {string} [message]
   * @returns {CSSStyleDeclaration}
   */
  getComputedStyle (selector, message) {
    const element = toElement(selector)
    const view = element.ownerDocument?.defaultView
    if (!view) throw new Error('element has no ownerDocument')
    const style = view.getComputedStyle(element)
    this.pass(message || `Get computed style for ${describe(selector)}`)
    return style
  }

  /**
   * @param {boolean} pass
   * @param {unknown} actual
   * @param {unknown} expected
   * @param {string | undefined} message
   * @param {string} fallback
   * @param {string} operator
   * @returns {void}
   */
  _assert (pass, actual, expected, message, fallback, operator) {
    if (this.strict && !message) throw new Error('tapzero msg required')
    if (this.abandoned) return
    if (this.done) throw new Error(`assertion occurred after test was finished: ${this.name}`)
    this._actual++
    if (this._planned !== null) {
      if (this._actual > this._planned) throw new Error(`More tests than planned in TEST *${this.name}*`)
    }
    this._result[pass ? 'pass' : 'fail']++
    this.runner.record(pass, { description: message || fallback, operator, actual, expected, origin: pass ? undefined : new Error(message || fallback) })
  }

  /**
   * Runs the test function; a throw or rejection becomes one failing assertion.
   * @returns {Promise<{ pass: number, fail: number }>}
   */
  async run () {
    this.runner.report(`# ${this.name}`)
    try {
      await Promise.race([this.fn(this), this._ended])
    } catch (error) {
      this._result.fail++
      this.runner.record(false, { description: `${this.name}: ${describeError(error)}`, operator: 'error', actual: error, expected: undefined, origin: error instanceof Error ? error : undefined })
    }
    this.done = true
    if (this._planned !== null && this._planned > this._actual) {
      this._result.fail++
      this.runner.record(false, { description: `${this.name}: planned ${this._planned} assertions, ran ${this._actual}`, operator: 'plan', actual: this._actual, expected: this._planned })
    }
    return this._result
  }
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function describeError (error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return `threw ${toJSON(error)}`
}

/**
 * @param {string} line
 * @returns {void}
 */
function printLine (line) {
  console.log(line)
}

/**
 * Holds the registered tests, runs them in order and writes TAP through `report`.
 */
export class TestRunner {
  /**
   * @param {((line: string) => void) | null} [report] where TAP lines go (default: console.log)
   */
  constructor (report = null) {
    /** @type {(line: string) => void} */
    this.report = report || printLine
    /** @type {Test[]} */
    this.tests = []
    /** @type {Test[]} */
    this.onlyTests = []
    /** @type {boolean} */
    this.scheduled = false
    /** @type {boolean} */
    this.completed = false
    /** @type {boolean} */
    this.strict = false
    /** Start the run by itself after the first `add` (Oro's behaviour); a harness that imports
     * test files and then calls `run()` turns it off. @type {boolean} */
    this.autoRun = true
    /** Run only the tests whose name it matches (`oro test --match`). @type {RegExp | null} */
    this.match = null
    /** @type {boolean} */
    this.begun = false
    /** The test running now, if any. @type {Test | null} */
    this.current = null
    /** @type {number} */
    this._id = 0
    /** @type {number} */
    this._pass = 0
    /** @type {number} */
    this._fail = 0
    /** @type {((result: RunResult) => void) | undefined} */
    this._onFinishCallback = undefined
  }

  /** @returns {string} */
  nextId () {
    return String(++this._id)
  }

  /** @type {number} */
  get length () {
    return this.tests.length + this.onlyTests.length
  }

  /**
   * @param {string} name
   * @param {TestFn} fn
   * @param {boolean} only
   * @param {boolean} [skipped] listed in the run as `# SKIP name`, not run
   * @returns {void}
   */
  add (name, fn, only, skipped = false) {
    if (this.completed) throw new Error('Cannot add() a test case after tests completed.')
    const test = new Test(name, fn, this)
    test.skipped = skipped
    ;(only ? this.onlyTests : this.tests).push(test)
    if (this.autoRun && !this.scheduled) {
      this.scheduled = true
      setTimeout(() => { this.run() }, getDefaultTestRunnerTimeout())
    }
  }

  /**
   * Writes the `TAP version 13` line, once: the run does, and so does a failure before it.
   * @returns {void}
   */
  begin () {
    if (this.begun) return
    this.begun = true
    this.report('TAP version 13')
  }

  /**
   * Writes one assertion and counts it.
   * @param {boolean} pass
   * @param {{ description: string, operator: string, actual?: unknown, expected?: unknown, origin?: Error }} details
   * @returns {void}
   */
  record (pass, details) {
    this.begin()
    if (pass) this._pass++
    else this._fail++
    for (const line of formatAssertion({ pass, id: Number(this.nextId()), ...details })) this.report(line)
  }

  /**
   * Fails the run for an error no test caught (an uncaught exception, an unhandled rejection,
   * a test file that did not load).
   * @param {string} description
   * @param {unknown} error
   * @returns {void}
   */
  failRun (description, error) {
    this.record(false, { description, operator: 'error', actual: error, expected: undefined, origin: error instanceof Error ? error : undefined })
  }

  /**
   * Runs the tests (only the `only` ones if any), one at a time in registration order.
   * @returns {Promise<RunResult>}
   */
  async run () {
    this.scheduled = true
    const tests = this.onlyTests.length > 0 ? this.onlyTests : this.tests
    this.begin()
    for (const test of tests) {
      if (test.skipped) {
        this.report(`# SKIP ${test.name}`)
        continue
      }
      if (this.match && !this.match.test(test.name)) {
        this.report(`# SKIP ${test.name} (does not match ${this.match})`)
        continue
      }
      this.current = test
      try {
        await test.run()
      } finally {
        this.current = null
      }
    }
    this.completed = true
    const result = { total: this._pass + this._fail, success: this._pass, fail: this._fail }
    this.report('')
    this.report(`1..${result.total}`)
    this.report(`# tests ${result.total}`)
    this.report(`# pass  ${result.success}`)
    if (result.fail) {
      this.report(`# fail  ${result.fail}`)
    } else {
      this.report('')
      this.report('# ok')
    }
    if (this._onFinishCallback) this._onFinishCallback(result)
    return result
  }

  /**
   * @param {(result: RunResult) => void} callback
   * @returns {void}
   */
  onFinish (callback) {
    if (typeof callback !== 'function') throw new TypeError('onFinish() expects a function')
    this._onFinishCallback = callback
  }
}

/** The runner `test()` registers with. */
export const GLOBAL_TEST_RUNNER = new TestRunner()

// Socket's test context (api/test/context.js): an app's own run ends the app, with exit status
// 1 when an assertion failed and 0 otherwise, 1024 ms after its summary so that the TAP lines
// reach the terminal first; with `DEBUG` in the app's environment the app stays open. A
// harness that runs the tests itself (`autoRun` off: `oro test`) decides instead, and so does
// an app that gives `onFinish()` a callback of its own (it replaces this one, as in Socket).
/** Milliseconds from the summary to the exit (Socket's). */
const EXIT_DELAY_MS = 1024
/** How long a test may still run after an error escaped it before the run ends it. */
const STALLED_MS = 5000
let finishing = false

/**
 * @param {RunResult} result
 * @returns {void}
 */
function exitWithStatus ({ fail }) {
  if (finishing || !GLOBAL_TEST_RUNNER.autoRun) return
  finishing = true
  // Imported only now: the runner itself works without a host (in Node, in a bare page).
  import(new URL('process.js', import.meta.url).href).then(({ default: app }) => {
    if (app.env.DEBUG) return
    setTimeout(() => { app.exit(fail > 0 ? 1 : 0) }, EXIT_DELAY_MS)
  }, (error) => { console.error('oro:test: cannot end the app:', error) })
}

GLOBAL_TEST_RUNNER.onFinish(exitWithStatus)

/**
 * Whether a test threw `error` on purpose: Oro's test kit leaves alone an error with `ignore`
 * set or its `socket.runtime.test.error.ignore` symbol.
 * @param {unknown} error
 * @returns {boolean}
 */
function isIgnored (error) {
  const value = /** @type {any} */ (error)
  return value !== null && (typeof value === 'object' || typeof value === 'function') &&
    Boolean(value.ignore || value[Symbol.for('socket.runtime.test.error.ignore')])
}

/**
 * An error no test caught, while the app's own run is registered or running: it fails the run
 * (the app then exits 1), where Socket's context exits 1 at once; the run goes on, as under
 * `oro test`. A test that has not ended `STALLED_MS` later (its promise waits for the callback
 * that threw) is ended, so that the run, and the app, still end.
 * @param {unknown} error
 * @returns {void}
 */
function onUncaught (error) {
  const runner = GLOBAL_TEST_RUNNER
  if (!runner.autoRun || runner.length === 0 || runner.completed || isIgnored(error)) return
  runner.failRun(`uncaught ${describeError(error)}`, error)
  const test = runner.current
  if (!test) return
  setTimeout(() => {
    if (runner.current === test && !test.done) test.abandon(`still running ${STALLED_MS} ms after an error escaped it`)
  }, STALLED_MS)
}

if (typeof globalThis.addEventListener === 'function') {
  globalThis.addEventListener('error', (event) => onUncaught(/** @type {ErrorEvent} */ (event).error ?? /** @type {ErrorEvent} */ (event).message))
  globalThis.addEventListener('unhandledrejection', (event) => onUncaught(/** @type {PromiseRejectionEvent} */ (event).reason))
}

/**
 * Registers a test; without `fn` nothing is registered (as in Oro).
 * @param {string} name
 * @param {TestFn} [fn]
 * @returns {void}
 */
export function test (name, fn) {
  if (!fn) return
  GLOBAL_TEST_RUNNER.add(name, fn, false)
}

/**
 * Registers a test; when any exists, only these run.
 * @param {string} name
 * @param {TestFn} [fn]
 * @returns {void}
 */
export function only (name, fn) {
  if (!fn) return
  GLOBAL_TEST_RUNNER.add(name, fn, true)
}

/**
 * Registers nothing: the test is left out of the run (a `# SKIP` comment, no number).
 * @param {string} name
 * @param {TestFn} [_fn]
 * @returns {void}
 */
export function skip (name, _fn) {
  GLOBAL_TEST_RUNNER.add(name, () => {}, false, true)
}

/**
 * With `true`, every assertion must be given a message.
 * @param {boolean} strict
 * @returns {void}
 */
export function setStrict (strict) {
  GLOBAL_TEST_RUNNER.strict = strict
}

test.only = only
test.skip = skip

// Oro's OS variants (api/test/index.d.ts): each registers its test only on that OS, and
// registers nothing elsewhere, as Oro's do. `host()` is Oro's name of the OS (`macosx`...).
/**
 * @param {(name: string) => boolean} [matches]
 * @returns {(name: string, fn?: TestFn) => void}
 */
const onlyWhere = (matches) => (name, fn) => {
  if (matches?.(name)) test(name, fn)
}
const isHost = (/** @type {RegExp} */ pattern) => onlyWhere(() => pattern.test(host()))

test.linux = onlyWhere(() => platform() === 'linux')
test.windows = test.win32 = onlyWhere(() => platform() === 'win32')
test.unix = isHost(/^unix$/)
test.macosx = test.macos = test.mac = isHost(/^macosx$/)
test.darwin = onlyWhere(() => platform() === 'darwin')
test.iphone = test.ios = Object.assign(isHost(/^iphoneos$/), { simulator: isHost(/^iphone-simulator$/) })
test.android = Object.assign(isHost(/^android$/), { emulator: isHost(/^android-emulator$/) })
test.desktop = isHost(/^(linux|macosx|unix|win32)$/)
test.mobile = isHost(/^(android|android-emulator|iphoneos|iphone-simulator)$/)

export default test
