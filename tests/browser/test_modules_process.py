"""oro:process, oro:os, oro:ipc's sendSync and oro:path/well-known in a real headless Chromium
against the real bridge: synchronous facts with no round trip, synchronous calls, and the same
script under ``node`` where a page must answer as Node does on this machine."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import platformdirs
import pytest
from playwright.sync_api import Browser, Page, Request

import oro_framework
import oro_framework.core.application
import oro_framework.core.diagnostics
import oro_framework.core.os
import oro_framework.core.ping
import oro_framework.core.platform
import oro_framework.core.process
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

PLUGINS = [
    oro_framework.core.ping,
    oro_framework.core.platform,
    oro_framework.core.os,
    oro_framework.core.process,
    oro_framework.core.diagnostics,
    oro_framework.core.application,
]
ENVIRON = {"APP_MODE": "dev", "PATH": "/usr/bin", "HOME": "/home/nobody", "UNDECLARED": "x"}
CONFIG = {"build.env": ["APP_MODE", "NOT_SET"], "env.REGION": "eu"}

# A function body with `os` and `process` (node:os's and node:process's default exports) in
# scope, answering JSON: what a page must answer exactly as Node does on this machine.
SCRIPT = """
const order = []
// From a task (a timer callback), where Node runs its tick queue before promise jobs; inside a
// promise job Node defers ticks until the microtask queue is empty (see docs/js-api.md).
await new Promise((resolve) => setTimeout(() => {
  process.nextTick(() => { order.push('tick1'); process.nextTick(() => order.push('nested')) })
  Promise.resolve().then(() => order.push('promise'))
  queueMicrotask(() => order.push('microtask'))
  process.nextTick((a) => order.push('tick2:' + a), 'arg')
  setTimeout(resolve, 0)
}, 0))
const shape = (value) => Array.isArray(value) ? 'array' : typeof value
const interfaces = os.networkInterfaces()
const loopback = Object.values(interfaces).flat().find((entry) => entry.address === '127.0.0.1')
const user = os.userInfo()
const hr = process.hrtime()
return {
  platform: os.platform(), arch: os.arch(), type: os.type(), release: os.release(),
  version: os.version(), machine: os.machine(), hostname: os.hostname(), homedir: os.homedir(),
  EOL: os.EOL, devNull: os.devNull, endianness: os.endianness(), cpus: os.cpus().length,
  cpuKeys: Object.keys(os.cpus()[0]).sort(), cpuTimes: Object.keys(os.cpus()[0].times).sort(),
  live: [os.uptime(), os.freemem(), os.totalmem(), os.loadavg(), interfaces].map(shape),
  loadavg: os.loadavg().length, totalmem: os.totalmem(),
  loopback: loopback && { ...loopback },
  // Every address's values, read key by key (scopeid is not enumerated in a page, as Oro has it
  // not), in address order.
  addresses: Object.fromEntries(Object.entries(interfaces).map(([name, entries]) => [name,
    entries.map((e) => ['address', 'netmask', 'internal', 'family', 'cidr', 'mac', 'scopeid']
      .map((key) => e[key] ?? null)).sort()])),
  user: { uid: user.uid, gid: user.gid, username: user.username, homedir: user.homedir,
          shell: user.shell },
  constants: [os.constants.signals.SIGINT, os.constants.signals.SIGTERM, os.constants.errno.ENOENT,
              os.constants.errno.EACCES, os.constants.priority.PRIORITY_HIGH],
  processPlatform: process.platform, processArch: process.arch, cwd: process.cwd(),
  execArgv: process.execArgv, argvShape: process.argv.map(shape).slice(0, 1),
  hrtime: [shape(hr), hr.length, Number.isInteger(hr[0]), Number.isInteger(hr[1]), hr[1] < 1e9,
           typeof process.hrtime.bigint(), process.hrtime(hr).length],
  memoryKeys: Object.keys(process.memoryUsage()).sort(), rss: typeof process.memoryUsage.rss(),
  uptime: typeof process.uptime(), pid: typeof process.pid, ppid: typeof process.ppid,
  order,
  chdirType: typeof process.chdir,
  isEmitter: typeof process.on === 'function' && typeof process.emit === 'function',
}
"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app(PLUGINS, config=CONFIG, environ=ENVIRON) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        page.evaluate(
            """async () => {
                globalThis.m = {
                    os: (await import('node:os')).default,
                    process: (await import('node:process')).default,
                    oroProcess: await import('oro:process'),
                    ipc: await import('oro:ipc'),
                    wellKnown: await import('oro:path/well-known'),
                    constants: await import('oro:os/constants'),
                }
            }"""
        )
        yield page


def ipc_requests(page: Page, action: Any) -> tuple[Any, list[str]]:
    """What ``action()`` answers, and the IPC URLs the page requested meanwhile."""
    seen: list[str] = []

    def record(request: Request) -> None:
        if "/ipc/" in request.url:
            seen.append(request.url)

    page.on("request", record)
    try:
        result = action()
    finally:
        page.remove_listener("request", record)
    return result, seen


def test_facts_answer_at_once_with_no_round_trip(page: Page, app: ServedApp) -> None:
    # One synchronous function: had any value been a promise or needed the host, it would show.
    facts, requests = ipc_requests(
        page,
        lambda: page.evaluate(
            """() => {
                const { os, process, ipc, wellKnown, constants } = globalThis.m
                const values = {
                    platform: os.platform(), arch: os.arch(), type: os.type(),
                    release: os.release(), hostname: os.hostname(), homedir: os.homedir(),
                    tmpdir: os.tmpdir(), EOL: os.EOL, cpus: os.cpus().length,
                    env: { ...process.env }, argv0: process.argv0, cwd: process.cwd(),
                    pid: process.pid, versions: process.versions, uptime: process.uptime(),
                    primordials: ipc.primordials, HOME: wellKnown.HOME, TMP: wellKnown.TMP,
                    CONFIG: wellKnown.CONFIG, LOG: wellKnown.LOG, RESOURCES: wellKnown.RESOURCES,
                    SIGINT: constants.signals.SIGINT,
                }
                values.promises = Object.entries(values)
                    .filter(([, value]) => value instanceof Promise).map(([name]) => name)
                return values
            }"""
        ),
    )
    assert requests == []
    assert facts["promises"] == []
    host = app.host
    assert facts["env"] == {"APP_MODE": "dev", "REGION": "eu"}
    assert facts["cwd"] == str(host.paths.resources)
    assert facts["pid"] == os.getpid()
    assert facts["tmpdir"] == str(host.paths.temp) == facts["TMP"]
    assert facts["HOME"] == str(Path.home())
    bundle = host.config["meta.bundle_identifier"]
    assert facts["CONFIG"] == platformdirs.user_config_dir(bundle, appauthor=False)
    assert facts["LOG"] == platformdirs.user_log_dir(bundle, appauthor=False)
    assert facts["RESOURCES"] == str(host.paths.resources)
    assert facts["versions"]["oro-framework"] == oro_framework.__version__
    assert facts["uptime"] > 0
    assert set(facts["primordials"]) == {
        "arch",
        "cwd",
        "platform",
        "version",
        "host-operating-system",
    }


def test_page_answers_as_node_does_on_this_machine(
    page: Page, app: ServedApp, tmp_path: Path
) -> None:
    expected = run_in_node(
        SCRIPT,
        imports="import os from 'node:os'\nimport process from 'node:process'",
        values={},
        directory=tmp_path,
    )
    actual = json.loads(
        json.dumps(
            page.evaluate(f"async () => {{ const {{ os, process }} = globalThis.m; {SCRIPT} }}")
        )
    )
    # The one documented difference: a page's cwd is Oro's, the app's resources (Node: the
    # process's working directory).
    assert actual.pop("cwd") == str(app.host.paths.resources)
    assert expected.pop("cwd") == os.getcwd()
    assert actual == expected
    # The comparison means something only if the script saw real values.
    assert expected["order"] == ["tick1", "tick2:arg", "nested", "promise", "microtask"]
    assert expected["live"] == ["number", "number", "number", "array", "object"]
    assert expected["loopback"]["internal"] is True
    assert any(entries for entries in expected["addresses"].values())


def test_network_interface_addresses_have_oros_keys_in_its_order(page: Page) -> None:
    # Oro's api/os.js:137-144, which its test/src/os.js:76 compares as Object.keys(...).toString();
    # an IPv6 address's Node scopeid stays readable.
    shapes = page.evaluate(
        """() => Object.values(globalThis.m.os.networkInterfaces()).flat().map((entry) => ({
            keys: Object.keys(entry).join(),
            json: Object.keys(JSON.parse(JSON.stringify(entry))).join(),
            scopeid: entry.family === 'IPv6' ? typeof entry.scopeid : 'none',
        }))"""
    )
    oros = "address,netmask,internal,family,cidr,mac"
    assert shapes
    assert {shape["keys"] for shape in shapes} == {shape["json"] for shape in shapes} == {oros}
    assert all(shape["scopeid"] in ("number", "none") for shape in shapes)


def test_send_sync_answers_data_errors_bytes_and_streams(page: Page) -> None:
    answers, requests = ipc_requests(
        page,
        lambda: page.evaluate(
            """() => {
                const { ipc } = globalThis.m
                const plain = (result) => ({
                    isResult: result instanceof ipc.Result, data: result.data,
                    err: result.err && { name: result.err.name, code: result.err.code },
                    source: result.source, type: result.headers['content-type'] ?? null,
                })
                const bytes = ipc.sendSync('diagnostics.stream.chunks', { chunks: 2, chunkSize: 3 })
                return {
                    ping: plain(ipc.sendSync('ping')),
                    mime: plain(ipc.sendSync('mime.lookup', 'a.html')),
                    missing: plain(ipc.sendSync('no.such.route', { foo: 'bar' })),
                    badArgs: plain(ipc.sendSync('mime.lookup')),
                    bytes: [bytes.data instanceof Uint8Array, Array.from(bytes.data)],
                    events: ipc.sendSync('diagnostics.stream.sse', { count: 3, interval: 1 })
                        .data.map((event) => event.index),
                    binding: typeof ipc.createBinding('os').uptime,
                }
            }"""
        ),
    )
    assert answers["ping"] == {
        "isResult": True,
        "data": "pong",
        "err": None,
        "source": "ping",
        "type": "application/json",
    }
    assert answers["mime"]["data"] == {"url": "a.html", "type": "text/html"}
    assert answers["missing"]["err"] == {"name": "NotFoundError", "code": "NOT_FOUND_ERR"}
    assert answers["missing"]["data"] is None
    assert answers["badArgs"]["err"] == {"name": "TypeError", "code": "ERR_MISSING_ARGS"}
    assert answers["bytes"] == [True, [0x5A] * 6]
    assert answers["events"] == [0, 1, 2]
    assert answers["binding"] == "function"
    # The same URL form as the fetch transport: params, then seq and the window index.
    [missing] = [url for url in requests if "/ipc/no.such.route?" in url]
    assert re.search(r"/ipc/no\.such\.route\?foo=bar&seq=R\d+&index=0$", missing)


def test_process_is_not_a_global_and_exit_is_emitted_once_on_applicationstop(page: Page) -> None:
    seen = page.evaluate(
        """() => {
            const { process } = globalThis.m
            const codes = []
            process.on('exit', (code) => codes.push(code))
            process.exitCode = 7
            globalThis.dispatchEvent(new CustomEvent('applicationstop'))
            globalThis.dispatchEvent(new CustomEvent('applicationstop'))
            let chdir = null
            try { process.chdir('/') } catch (e) { chdir = e.code }
            return { global: typeof globalThis.process, codes, exiting: process.exiting, chdir,
                     same: globalThis.m.oroProcess.default === process }
        }"""
    )
    assert seen == {
        "global": "undefined",
        "codes": [7],
        "exiting": True,
        "chdir": "ERR_WORKER_UNSUPPORTED_OPERATION",
        "same": True,
    }


def test_without_device_info_and_runtime_the_facts_are_documented_errors(
    chromium_browser: Browser,
) -> None:
    config = {**CONFIG, "permissions.allow_device_info": False, "permissions.allow_runtime": False}
    with (
        served_app(PLUGINS, config=config, environ=ENVIRON) as served,
        app_page(chromium_browser, served) as page,
    ):
        seen = page.evaluate(
            """async () => {
                const os = (await import('node:os')).default
                const process = (await import('node:process')).default
                const { HOME, DOCUMENTS } = await import('oro:path/well-known')
                const { primordials } = await import('oro:ipc')
                const fail = (f) => {
                    try { f(); return null } catch (e) { return [e.name, e.code] }
                }
                return {
                    platform: os.platform(), env: { ...process.env }, HOME, DOCUMENTS,
                    primordials: Object.keys(primordials).sort(),
                    hostname: fail(() => os.hostname()), uptime: fail(() => os.uptime()),
                    userInfo: fail(() => os.userInfo()), cwd: fail(() => process.cwd()),
                    rss: fail(() => process.memoryUsage.rss()),
                }
            }"""
        )
    assert seen == {
        "platform": sys.platform,
        "env": {"APP_MODE": "dev", "REGION": "eu"},
        "HOME": None,
        "DOCUMENTS": None,
        "primordials": ["arch", "platform"],
        "hostname": ["NotAllowedError", "ERR_ORO_OS_FACT_UNAVAILABLE"],
        "uptime": ["NotAllowedError", "NOT_ALLOWED_ERR"],
        "userInfo": ["NotAllowedError", "NOT_ALLOWED_ERR"],
        "cwd": ["NotAllowedError", "ERR_ORO_PROCESS_FACT_UNAVAILABLE"],
        "rss": ["NotAllowedError", "NOT_ALLOWED_ERR"],
    }
