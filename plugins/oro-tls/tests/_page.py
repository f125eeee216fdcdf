"""Page-script pieces the oro-tls browser and differential tests share."""

from __future__ import annotations

from typing import Final

WAITING: Final = """
const within = (promise, ms = 10000, what = 'event') => Promise.race([promise,
  new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))])
const next = (emitter, event) => within(new Promise((resolve) =>
  emitter.once(event, (...args) => resolve(args))), 10000, event)
"""
"""`within(promise, ms, what)`: the promise, failing after `ms` (10 s); `next(emitter, event)`:
the arguments of the emitter's next `event`, within 10 s. Runs in a page and under Node."""
