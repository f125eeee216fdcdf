"""What README's first screen, the showcase, shows a user: the checks its browser test and its
real-window test share (every panel that fills itself on load shows an answer, none an error)."""

from __future__ import annotations

import re

LOADED = """() => {
  const uncaught = document.getElementById('uncaught')
  if (uncaught && !uncaught.hidden) return true
  const filled = ['memory', 'uptime', 'primordials', 'uname', 'errors', 'conduit-status',
    'dns-result', 'udp-result', 'tcp-result', 'platform-permissions', 'platform-network']
    .every((id) => !['', '\u2013'].includes(document.getElementById(id).textContent.trim()))
  const ready = ['fs-panel', 'process', 'secrets', 'data', 'platform']
    .every((id) => document.getElementById(id).dataset.ready === 'true')
  return document.body.dataset.ready === 'true' && filled && ready
}"""
"""The page has loaded: what fills itself on load did (or something went uncaught)."""
PANELS = """() => Object.fromEntries([
  ['first screen', document.querySelector('header')],
  ...[...document.querySelectorAll('main section')]
    .map((section) => [section.querySelector('h2').textContent, section])
].map(([name, element]) => [name, element.innerText]))"""
TYPED_ERRORS = "Typed errors"
"""The panel whose point is to show errors (a route that does not exist, an out-of-range size)."""
HEADLESS = re.compile(r"^NotSupportedError \(ERR_HEADLESS\): .*$", re.MULTILINE)
"""What the desktop panel says in a browser, which has no menu bar or tray: the explanation a
user gets, not a failure."""
ERROR_TEXT = re.compile(r"Error\b|undefined|NaN|\[object Object\]")


def errors_shown(panels: dict[str, str]) -> dict[str, str]:
    """The panels (name: text) that show error text, but for the panel whose point is errors and
    the desktop panel's headless explanation."""
    return {
        name: HEADLESS.sub("", text)
        for name, text in panels.items()
        if name != TYPED_ERRORS and ERROR_TEXT.search(HEADLESS.sub("", text))
    }
