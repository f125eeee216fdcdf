"""A ``socket.ini`` app's own settings in a real page (issue 76): the page reads
``application.config`` of an app folder whose config is a ``socket.ini``, in headless Chromium
and in a WebKitGTK page, against the real bridge. Each value is the one Socket's own preload code
(src/runtime/webview/preload.cc:366-391 of socketsupply/socket at 02a88245, run here in the same
page on the text Socket's parser makes of the line) gives; the object is read-only, a secret's
name is absent, and hostile values pollute no object of the page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import oro_framework.core.application
import oro_framework.core.ping
from oro_framework.testing import ServedApp, app_page, served_app

SOCKET_INI = """\
[meta]
title = "Settings"
bundle_identifier = "dev.oro.test.settings"

[test-section]
array[] = 1
array[] = 2
array[] = 3
[.subsection]
label = "value"

[myapp]
api_url = "https://example.com/api?a=1&b=%20"
port = 8080
ratio = -1.5e3
half = .5
version = 1.0.0
width = 80%
hex = 0x1F
not_hex = 0xZZ
flag = true
off = false
nothing = null
nan = NaN
huge = 1e999
tags = ["a", 1, {"b": null}]
quoted = '"inner"'
json_nan = [NaN]
colour = #fff
words[] = x
words[] = y
spaced = a\u2028b
closing = </script><script>globalThis.injected = 1</script>
api_token = abc123
proto = '{"__proto__": {"polluted": 1}}'

[ctl]
na\x01me = a\x02b
"""

RAW = {
    # What Socket's parser makes of each line above (src/runtime/ini/parse.cc): the text its
    # preload then types.
    "test-section_array": "1 2 3",
    "test-section_subsection_label": "value",
    "myapp_api_url": "https://example.com/api?a=1&b=%20",
    "myapp_port": "8080",
    "myapp_ratio": "-1.5e3",
    "myapp_half": ".5",
    "myapp_version": "1.0.0",
    "myapp_width": "80%",
    "myapp_hex": "0x1F",
    "myapp_not_hex": "0xZZ",
    "myapp_flag": "true",
    "myapp_off": "false",
    "myapp_nothing": "null",
    "myapp_nan": "NaN",
    "myapp_huge": "1e999",
    "myapp_tags": '["a", 1, {"b": null}]',
    "myapp_quoted": '"inner"',
    "myapp_json_nan": "[NaN]",
    "myapp_colour": "#fff",
    "myapp_words": "x y",
    "myapp_spaced": "a\u2028b",
    "myapp_closing": "</script><script>globalThis.injected = 1</script>",
    "ctl_na\x01me": "a\x02b",
}

# Socket's loop, less its encodeURIComponent/decodeURIComponent round trip (the identity on
# any text a file holds), as a function of one value.
SOCKET_TYPED = """(value) => {
  if (value === 'true') {
    value = true
  } else if (value === 'false') {
    value = false
  } else if (value === 'null') {
    value = null
  } else if (value === 'NaN') {
    value = Number.NaN
  } else if (value.startsWith('0x')) {
    const parsed = parseInt(value.slice(2), 16)
    if (!Number.isNaN(parsed)) {
      value = parsed
    }
  } else {
    const parsed = parseFloat(value)
    if (!Number.isNaN(parsed)) {
      value = parsed
    }
  }
  try { value = JSON.parse(value) } catch {}
  return value
}"""

READ = """async () => {
  const { default: application } = await import('socket:application')
  const config = application.config
  const raw = %s
  const typed = %s
  // NaN, Infinity and -0 as themselves; anything else as its JSON and its type.
  const shown = (value) => typeof value === 'number' && !Number.isFinite(value)
    ? String(value) : JSON.stringify(value) + ' ' + typeof value
  const values = {}
  for (const [name, text] of Object.entries(raw)) {
    values[name] = [shown(config[name]), shown(typed(text))]
  }
  const assign = (name) => {
    'use strict'
    try { config[name] = 0; return 'assigned' } catch (error) { return error.constructor.name }
  }
  return {
    values,
    frozen: Object.isFrozen(config),
    assignExisting: assign('myapp_port'),
    assignNew: assign('test-section_array[]'),
    secret: 'myapp_api_token' in config || 'myapp_api_token' in globalThis.__args.config,
    proto: config.myapp_proto,
    polluted: [({}).polluted, config.polluted, globalThis.__args.config.polluted],
    injected: 'injected' in globalThis,
    prototypes: Object.getPrototypeOf(globalThis.__args.config) === Object.prototype,
    argsSame: globalThis.__args.config.myapp_port === config.myapp_port,
    title: config.meta_title,
  }
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    app_dir: Path = tmp_path_factory.mktemp("app")
    (app_dir / "socket.ini").write_text(SOCKET_INI, encoding="utf-8")
    (app_dir / "index.html").write_text("<!doctype html><title>settings</title><p>settings")
    with served_app(
        [oro_framework.core.application, oro_framework.core.ping], app_dir=app_dir
    ) as served:
        yield served


@pytest.mark.parametrize("engine", ["chromium_browser", "webkit_browser"])
def test_a_socket_ini_apps_own_settings_are_in_application_config_as_socket_gives_them(
    request: pytest.FixtureRequest, app: ServedApp, engine: str
) -> None:
    browser = request.getfixturevalue(engine)
    with app_page(browser, app) as page:
        result: dict[str, Any] = page.evaluate(READ % (json.dumps(RAW), SOCKET_TYPED))
    values = result.pop("values")
    for name, (oro, socket) in values.items():
        assert oro == socket, name
    # What a Socket app relies on, spelt out.
    assert values["myapp_port"][0] == "8080 number"
    assert values["myapp_flag"][0] == "true boolean"
    assert values["myapp_api_url"][0] == '"https://example.com/api?a=1&b=%20" string'
    assert values["myapp_tags"][0] == '["a",1,{"b":null}] object'
    assert values["test-section_array"][0] == "1 number"
    assert values["myapp_nan"][0] == "NaN"
    assert result == {
        "frozen": True,
        "assignExisting": "TypeError",
        "assignNew": "TypeError",
        "secret": False,
        "proto": '{"__proto__": {"polluted": 1}}',
        "polluted": [None, None, None],
        "injected": False,
        "prototypes": True,
        "argsSame": True,
        "title": "Settings",
    }
