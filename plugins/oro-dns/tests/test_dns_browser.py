"""oro:dns in real browsers (headless Chromium, WebKitGTK's MiniBrowser) against the real host,
and the same script under Node.

The differential test runs one script twice, with ``node:dns`` of the ``node`` on PATH and with
``node:dns`` of a page, both against the stub DNS server and ``localhost``, and compares what
each answers and how each fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_dns.plugin
import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, WebKitBrowser, app_page, run_in_node, served_app

# A function body with `dns` (node:dns's default export) and `server` (the stub's address) in
# scope; its result must be JSON. Only APIs both Node 20 and oro:dns have, and explicit orders
# (Node's default order is verbatim, Oro's IPv4 first).
SCRIPT = """
const p = dns.promises
const settle = async (promise) => {
  try { return { ok: await promise } } catch (e) {
    return { err: { name: e.name, code: e.code, errno: e.errno ?? null, syscall: e.syscall,
                    hostname: e.hostname, message: e.message } }
  }
}
const r = new p.Resolver({ timeout: 300, tries: 1 })
r.setServers([server])
const cb = new dns.Resolver({ timeout: 300, tries: 1 })
cb.setServers([server])
return {
  lookup: await settle(p.lookup('localhost', { family: 4 })),
  lookupAll: await settle(p.lookup('localhost', { all: true, verbatim: false })),
  numeric6: await settle(p.lookup('::1', { all: true })),
  numericAnyFamily: await settle(p.lookup('127.0.0.1', { family: 6 })),
  hints: await settle(p.lookup('localhost', { family: 4, hints: dns.ADDRCONFIG | dns.V4MAPPED })),
  callback: await new Promise((resolve) =>
    dns.lookup('127.0.0.1', (err, address, family) => resolve([err, address, family]))),
  // .invalid never resolves (RFC 6761): getaddrinfo's ENOTFOUND, in each of lookup's forms.
  notFound: await settle(p.lookup('x.invalid')),
  notFoundAll: await settle(p.lookup('x.invalid', { all: true, family: 6 })),
  notFoundCallback: await new Promise((resolve) => dns.lookup('x.invalid', (e, address) =>
    resolve({ isError: e instanceof Error, name: e.name, keys: Object.keys(e), code: e.code,
              errno: e.errno, syscall: e.syscall, hostname: e.hostname, message: e.message,
              address: address ?? null }))),
  a: await settle(r.resolve4('a.test')),
  ttl: await settle(r.resolve4('v4.test', { ttl: true })),
  aaaa: await settle(r.resolve6('a.test')),
  viaAlias: await settle(r.resolve('alias.test')),
  cname: await settle(r.resolveCname('alias.test')),
  mx: await settle(r.resolveMx('mail.test')),
  txt: await settle(r.resolveTxt('text.test')),
  srv: await settle(r.resolveSrv('_sip._tcp.test')),
  ns: await settle(r.resolveNs('test')),
  ptr: await settle(r.resolvePtr('1.2.0.192.in-addr.arpa')),
  soa: await settle(r.resolveSoa('test')),
  any: await settle(r.resolveAny('mail.test')),
  reverse: await settle(r.reverse('192.0.2.1')),
  nxdomain: await settle(r.resolve4('missing.test')),
  nodata: await settle(r.resolve4('mail.test')),
  servfail: await settle(r.resolveMx('servfail.test')),
  timeout: await settle(r.resolveTxt('silent.test')),
  callbackResolver: await new Promise((resolve) =>
    cb.resolveMx('mail.test', (err, records) => resolve([err, records]))),
  servers: r.getServers(),
  badServer: (() => {
    try { r.setServers(['dns.example']) } catch (e) { return [e.name, e.code] }
  })(),
  badFamily: (() => {
    try { dns.lookup('x', { family: 5 }, () => {}) } catch (e) { return [e.name, e.code] }
  })(),
}
"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_dns.plugin]) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


def in_page(page: Page, body: str, server: str) -> Any:
    return page.evaluate(
        f"async (server) => {{ const dns = (await import('node:dns')).default; {body} }}", server
    )


def in_node(body: str, server: str, tmp_path: Path) -> Any:
    return run_in_node(
        body, imports="import dns from 'node:dns'", values={"server": server}, directory=tmp_path
    )


def test_page_and_node_answer_the_same_script_alike(
    page: Page, dns_server: str, tmp_path: Path
) -> None:
    expected = in_node(SCRIPT, dns_server, tmp_path)
    actual = json.loads(json.dumps(in_page(page, SCRIPT, dns_server)))
    assert actual == expected
    # The comparison means something only if the script reached the stub and failed as meant.
    assert expected["mx"]["ok"] == [
        {"exchange": "mx1.test", "priority": 10},
        {"exchange": "mx2.test", "priority": 20},
    ]
    assert expected["timeout"]["err"]["code"] == "ETIMEOUT"
    assert expected["notFoundCallback"]["message"] == "getaddrinfo ENOTFOUND x.invalid"
    assert expected["notFoundCallback"]["keys"] == ["errno", "code", "syscall", "hostname"]


def test_page_imports_every_specifier(page: Page) -> None:
    """Oro's api/dns/index.d.ts, promises.d.ts and constants.d.ts: the hints and `constants` in
    each of the three modules (with Node's values here)."""
    kinds = page.evaluate(
        """async () => {
            const [a, b, c, d, k] = await Promise.all(['oro:dns', 'node:dns', 'oro:dns/promises',
                'node:dns/promises', 'oro:dns/constants'].map((s) => import(s)))
            const hints = (m) => [m.ADDRCONFIG, m.V4MAPPED, m.ALL, m.constants]
            return [a.default === b.default, c.default === a.promises,
                    d.lookup === a.promises.lookup, typeof a.Resolver, typeof c.Resolver,
                    hints(a), hints(c), hints(k), k.default === k.constants,
                    a.default.constants === k.constants]
        }"""
    )
    constants = {"ADDRCONFIG": 32, "V4MAPPED": 8, "ALL": 16}
    hints = [32, 8, 16, constants]
    assert kinds == [True, True, True, "function", "function", hints, hints, hints, True, True]


def test_cancel_fails_outstanding_queries_with_ecancelled(page: Page, dns_server: str) -> None:
    error = in_page(
        page,
        """
        const r = new dns.promises.Resolver({ timeout: 30000, tries: 1 })
        r.setServers([server])
        const pending = r.resolveTxt('silent.test')
        r.cancel()
        try { await pending } catch (e) { return [e.code, e.syscall, e.hostname, e.message] }
        """,
        dns_server,
    )
    assert error == ["ECANCELLED", "queryTxt", "silent.test", "queryTxt ECANCELLED silent.test"]


def test_configured_servers_are_the_default_resolvers(
    browser: Browser | WebKitBrowser, dns_server: str, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>dns</title>\n")
    (tmp_path / "oro.toml").write_text(f'[dns]\nservers = ["{dns_server}"]\n')
    with (
        served_app([oro_dns.plugin], app_dir=tmp_path) as app,
        app_page(browser, app) as page,
    ):
        answer = in_page(
            page, "return [dns.getServers(), await dns.promises.resolve4('v4.test')]", ""
        )
    assert answer == [[dns_server], ["192.0.2.9"]]


def test_showcase_panel_looks_a_name_up(browser: Browser | WebKitBrowser) -> None:
    showcase = Path(__file__).resolve().parents[3] / "examples" / "showcase"
    with (
        served_app([oro_dns.plugin], app_dir=showcase) as served,
        app_page(browser, served) as page,
    ):
        page.wait_for_function(
            "() => document.getElementById('dns-result').textContent.includes('addresses')"
        )
        first = json.loads(page.text_content("#dns-result") or "{}")
        assert first["hostname"] == "localhost"
        assert {"address": "127.0.0.1", "family": 4} in first["addresses"]
        page.fill("#dns-name", "no-such-host.invalid")
        page.click("#dns-lookup")
        page.wait_for_function(
            "() => document.getElementById('dns-result').textContent.startsWith('ENOTFOUND')"
        )
