"""The JavaScript the WebKit driver runs in a page for the subset of Playwright's ``Page`` the
browser tests use (:class:`~oro_framework.testing.webkit_page.WebKitPage`), and
:func:`decode`, which turns what it returns into Python's values as Playwright's
``evaluate`` gives them."""

from __future__ import annotations

import datetime
import math
import re
from typing import Any, Final

from oro_framework.testing.webkit_driver import JavaScriptError

__all__ = ["CLEAR_STORAGE", "CLICKABLE", "EVALUATE", "QUERY", "WAIT_FOR", "decode"]

# Turns what page code returned into tagged JSON (Playwright's shapes: undefined, NaN, -0,
# Infinity, Dates, BigInts, Errors and typed arrays survive; WebDriver's own JSON clone would
# turn them into null, strings or {}).
_SERIALIZE: Final = """
const __oroSerialize = (value, seen = new Set()) => {
  if (value === undefined) return { v: 'undefined' }
  if (value === null) return { v: 'null' }
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return { v: 'NaN' }
      if (value === Infinity) return { v: 'Infinity' }
      if (value === -Infinity) return { v: '-Infinity' }
      if (Object.is(value, -0)) return { v: '-0' }
      return { n: value }
    case 'boolean': return { b: value }
    case 'string': return { s: value }
    case 'bigint': return { bi: value.toString() }
    case 'function': case 'symbol': return { v: 'undefined' }
  }
  if (value instanceof Date) {
    return { d: Number.isNaN(value.getTime()) ? null : value.toISOString() }
  }
  if (value instanceof RegExp) return { r: { p: value.source, f: value.flags } }
  if (value instanceof Error) {
    return { e: { n: value.name, m: value.message, s: String(value.stack ?? '') } }
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { a: Array.from(value, (item) => __oroSerialize(item, seen)) }
  }
  if (seen.has(value)) return { v: 'undefined' }
  seen.add(value)
  try {
    if (Array.isArray(value)) return { a: value.map((item) => __oroSerialize(item, seen)) }
    const entries = []
    for (const key of Object.keys(value)) entries.push([key, __oroSerialize(value[key], seen)])
    return { o: entries }
  } finally {
    seen.delete(value)
  }
}
"""

# Evaluates the test's expression the way Playwright does: a function is called with the
# argument and awaited, anything else is the value (awaited when it is a promise).
EVALUATE: Final = (
    _SERIALIZE
    + """
const __oroArg = arguments[0]
return (async () => {
  const __oroValue = (() => (
%s
))()
  const __oroResult = typeof __oroValue === 'function'
    ? await __oroValue(__oroArg)
    : await __oroValue
  return __oroSerialize(__oroResult)
})()
"""
)

# Polls a predicate in the page until it is truthy or `timeout` ms pass ({ t: true } then).
WAIT_FOR: Final = (
    _SERIALIZE
    + """
const [__oroArg, __oroTimeout] = arguments
return (async () => {
  const __oroCheck = async () => {
    const value = (() => (
%s
))()
    return typeof value === 'function' ? await value(__oroArg) : await value
  }
  const deadline = Date.now() + __oroTimeout
  for (;;) {
    const result = await __oroCheck()
    if (result) return __oroSerialize(result)
    if (Date.now() >= deadline) return { t: true }
    await new Promise((resolve) => setTimeout(resolve, 16))
  }
})()
"""
)

# Playwright's CSS selectors plus its `:has-text('…')` filter at the end of one.
QUERY: Final = """
const __oroQueryAll = (selector) => {
  const match = /^(.*):has-text\\((['"])(.*)\\2\\)$/.exec(selector)
  if (!match) return Array.from(document.querySelectorAll(selector))
  return Array.from(document.querySelectorAll(match[1]))
    .filter((element) => (element.textContent ?? '').includes(match[3]))
}
const __oroVisible = (element) => {
  const box = element.getBoundingClientRect()
  const style = getComputedStyle(element)
  return box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
}
"""

# Whether the element matching the selector is in place to be clicked: scrolled into view as
# WebDriver would, at the same place for two animation frames, and what the pointer hits at its
# centre. It also arms a record of where the next click lands (__oroClickReached).
CLICKABLE: Final = (
    "async (selector) => {"
    + QUERY
    + """
  globalThis.__oroClickReached = undefined
  const element = __oroQueryAll(selector)[0]
  if (element === undefined) return false
  element.scrollIntoView({ block: 'end', inline: 'nearest' })
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve))
  let last = ''
  for (let round = 0; round < 20; round++) {
    await frame()
    const box = element.getBoundingClientRect()
    const place = [box.x, box.y, box.width, box.height].join()
    if (place !== last) {
      last = place
      continue
    }
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)
    if (hit === null || !element.contains(hit)) return false
    globalThis.__oroClickReached = null
    document.addEventListener('click', (event) => {
      globalThis.__oroClickReached = element.contains(event.target)
    }, { capture: true, once: true })
    return true
  }
  return false
}"""
)

# What a page stored, cleared when its context closes (a fresh Playwright context has none).
# It answers how many service workers stay registered: they are not unregistered here, because
# WebKitGTK 2.50 half-revives a registration that a later register() of the same script makes
# (getRegistration() then answers undefined while the page is controlled); the browser starts a
# fresh session instead (WebKitBrowser.renew_after).
CLEAR_STORAGE: Final = """
return (async () => {
  try { localStorage.clear() } catch {}
  try { sessionStorage.clear() } catch {}
  if (globalThis.caches) {
    await Promise.all((await caches.keys()).map((key) => caches.delete(key)))
  }
  if (indexedDB.databases) {
    const databases = await indexedDB.databases()
    for (const { name } of databases) if (name) indexedDB.deleteDatabase(name)
  }
  return navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0
})()
"""


def decode(value: Any) -> Any:
    """Python's value of what :data:`_SERIALIZE` made (as Playwright's ``evaluate`` returns)."""
    if "v" in value:
        special: dict[str, Any] = {
            "undefined": None,
            "null": None,
            "NaN": math.nan,
            "Infinity": math.inf,
            "-Infinity": -math.inf,
            "-0": -0.0,
        }
        return special[value["v"]]
    if "n" in value:
        return value["n"]
    if "b" in value:
        return value["b"]
    if "s" in value:
        return value["s"]
    if "bi" in value:
        return int(value["bi"])
    if "d" in value:
        if value["d"] is None:
            return datetime.datetime.fromtimestamp(0, datetime.UTC)
        return datetime.datetime.strptime(value["d"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.UTC
        )
    if "r" in value:
        flags = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
        combined = 0
        for flag in value["r"]["f"]:
            combined |= flags.get(flag, 0)
        return re.compile(value["r"]["p"], combined)
    if "e" in value:
        error = JavaScriptError("javascript error", value["e"]["m"])
        error.args = (value["e"]["m"],)
        return error
    if "a" in value:
        return [decode(item) for item in value["a"]]
    return {key: decode(item) for key, item in value["o"]}
