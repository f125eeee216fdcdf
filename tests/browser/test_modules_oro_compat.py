"""The names Oro's core modules declare beyond ours until issue 30, in a real headless Chromium
against the real bridge: every export of Oro's ``api/<module>.d.ts`` (oro-computer/runtime at
afba937, listed in tests/browser/oro_exports.json) for assert, bootstrap, console, constants,
diagnostics, errno, errors, events, hooks, ip, protocol-handlers, stream, timers, url,
util/types and vm exists in a page (vm's runtime internals and streamx's state classes are the
listed exceptions), and each
behaves as Oro's declaration and source describe. Where Node has the name (the event classes,
assert, constants), the same script runs under ``node`` and in the page and the answers match.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import oro_fs.plugin
import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.diagnostics
import oro_framework.core.os
import oro_framework.core.platform
import oro_framework.core.process
import oro_framework.core.protocols
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

ORO_EXPORTS: Final = json.loads(
    (Path(__file__).with_name("oro_exports.json")).read_text(encoding="utf-8")
)["modules"]

MODULES: Final = (
    "assert",
    "bootstrap",
    "console",
    "constants",
    "diagnostics",
    "errno",
    "errors",
    "events",
    "hooks",
    "ip",
    "protocol-handlers",
    "stream",
    "timers",
    "url",
    "util/types",
    "vm",
)

# Oro's vm runs code in a worker or frame of its own runtime and ships references between them;
# these names are that machinery's, with no meaning for a page here (this runtime's contexts are
# same-origin frames run synchronously, as Node's).
VM_LEFT_OUT: Final = frozenset(
    {
        "ContextWorkerInterface",
        "ContextWorkerInterfaceProxy",
        "Reference",
        "applyContextDifferences",
        "applyInputContextReferences",
        "applyOutputContextReferences",
        "channel",
        "createGlobalObject",
        "createIntrinsics",
        "createReference",
        "detectFunctionSourceType",
        "filterNonTransferableValues",
        "getContextWindow",
        "getContextWorker",
        "getReference",
        "putReference",
        "removeReference",
        "terminateContextWindow",
        "terminateContextWorker",
        "wrapFunctionSource",
    }
)

# streamx's internal state and pipeline classes: Node's streams keep other state of their own.
STREAM_LEFT_OUT: Final = frozenset({"Pipeline", "ReadableState", "TransformState", "WritableState"})
LEFT_OUT: Final = {"vm": VM_LEFT_OUT, "stream": STREAM_LEFT_OUT}


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app(
        [
            oro_framework.core.os,
            oro_framework.core.diagnostics,
            oro_framework.core.protocols,
            oro_framework.core.process,
            oro_framework.core.platform,
            oro_fs.plugin,
        ]
    ) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def in_page(page: Page, body: str, arg: Any = None) -> Any:
    """``body`` (an async function body) in the page, its answer through JSON as Node's comes."""
    return page.evaluate(
        f"async (arg) => JSON.parse(JSON.stringify(await (async () => {{ {body} }})()) ?? null)",
        arg,
    )


def test_every_oro_export_of_these_modules_exists_in_a_page(page: Page) -> None:
    """Follows each module's ``api/<module>.d.ts`` (names in oro_exports.json)."""
    expected = {name: ORO_EXPORTS[f"oro:{name}"] for name in MODULES}
    present = in_page(
        page,
        """const found = {}
        for (const [name, wanted] of Object.entries(arg)) {
          const module = await import(`oro:${name}`)
          found[name] = wanted.filter((key) => key in module)
        }
        return found""",
        expected,
    )
    missing = {
        name: sorted(set(wanted) - set(present[name]) - LEFT_OUT.get(name, frozenset()))
        for name, wanted in expected.items()
    }
    assert missing == {name: [] for name in MODULES}


EVENT_CLASSES = """
const target = new events.EventTarget()
const seen = []
target.addEventListener('ping', (event) => {
  seen.push([event.type, event.detail, event.eventPhase, event instanceof events.Event,
             event instanceof events.CustomEvent, event.cancelable])
  event.preventDefault()
})
const notCancelled = target.dispatchEvent(new events.CustomEvent('ping', { detail: { n: 1 },
  cancelable: true }))
const message = new events.MessageEvent('message', { data: { a: [1, 2] }, origin: 'http://a.test',
  lastEventId: '7' })
const plain = new events.Event('plain', { bubbles: true })
return { seen, notCancelled, phases: [events.Event.NONE, events.Event.CAPTURING_PHASE,
         events.Event.AT_TARGET, events.Event.BUBBLING_PHASE],
         message: [message.type, message.data, message.origin, message.lastEventId,
           message instanceof events.Event],
         plain: [plain.type, plain.bubbles, plain.defaultPrevented, plain.isTrusted],
         emitter: typeof events.EventEmitter, once: typeof events.once }
"""


def test_event_classes_behave_as_nodes_globals(page: Page, tmp_path: Path) -> None:
    """Oro's api/events.d.ts re-exports Event, EventTarget, CustomEvent, MessageEvent and
    ErrorEvent; Node has the first four as globals, so the same script runs on both."""
    node = run_in_node(
        EVENT_CLASSES,
        imports="import * as nodeEvents from 'node:events'\n"
        "const events = { ...nodeEvents, Event, EventTarget, CustomEvent, MessageEvent }",
        values={},
        directory=tmp_path,
    )
    ours = in_page(page, "const events = await import('oro:events')\n" + EVENT_CLASSES)
    assert ours == node
    assert node["seen"] == [["ping", {"n": 1}, 2, True, True, True]]
    assert node["notCancelled"] is False
    same = in_page(
        page,
        """const events = await import('oro:events')
        const error = new events.ErrorEvent('error', { message: 'boom', error: new TypeError('t') })
        return [events.Event === Event, events.EventTarget === EventTarget,
                events.CustomEvent === CustomEvent, events.MessageEvent === MessageEvent,
                events.ErrorEvent === ErrorEvent, error.message, error.error.name,
                error instanceof events.Event]""",
    )
    assert same == [True, True, True, True, True, "boom", "TypeError", True]


ASSERT_FUNCTION = """
const results = []
assertFn(1)
assertFn(true, 'fine')
for (const [value, message] of [[0, 'zero is falsy'], ['', undefined], [null,
  new TypeError('own')]]) {
  try { assertFn(value, message) } catch (e) {
    results.push({ name: e.name, code: e.code ?? null,
      message: message === undefined ? null : e.message,
                   actual: e.actual ?? null, expected: e.expected ?? null,
                     operator: e.operator ?? null })
  }
}
return results
"""


def test_assert_is_the_assert_function_as_in_node(page: Page, tmp_path: Path) -> None:
    """Oro's api/assert.d.ts exports ``assert``: Node's module is that function itself."""
    node = run_in_node(
        ASSERT_FUNCTION,
        imports="import assertFn from 'node:assert'",
        values={},
        directory=tmp_path,
    )
    ours = in_page(
        page,
        "const module = await import('oro:assert'); const assertFn = module.assert\n"
        "if (assertFn !== module.default) return 'not the default export'\n" + ASSERT_FUNCTION,
    )
    assert ours == node
    assert node[0]["code"] == "ERR_ASSERTION"
    assert node[2]["name"] == "TypeError"


def test_constants_have_oros_window_states_and_the_hosts_open_flags(page: Page) -> None:
    """Oro's api/constants.d.ts re-exports api/window/constants.d.ts (WINDOW_* numbers) and
    api/fs/constants.d.ts (O_ASYNC...); the O_* numbers are the host's (``oro:fs/constants``),
    ``undefined`` where it has none, and SIGINFO does not exist on Linux."""
    answer = in_page(
        page,
        """const constants = await import('oro:constants')
        const fs = (await import('oro:fs/constants')).default
        const names = ['O_ASYNC', 'O_CLOEXEC', 'O_LARGEFILE', 'O_NDELAY', 'O_PATH', 'O_TMPFILE']
        const windows = Object.fromEntries(Object.keys(constants)
          .filter((name) => name.startsWith('WINDOW_')).map((name) => [name, constants[name]]))
        return { windows, sameAsFs: names.every((name) => constants[name] === fs[name]),
                 flags: Object.fromEntries(names.map((name) => [name,
                   constants[name] ?? 'undefined'])),
                 inDefault: constants.default.WINDOW_SHOWN, siginfo: String(constants.SIGINFO) }""",
    )
    assert answer["windows"] == {
        "WINDOW_ERROR": -1,
        "WINDOW_NONE": 0,
        "WINDOW_CREATING": 10,
        "WINDOW_CREATED": 11,
        "WINDOW_HIDING": 20,
        "WINDOW_HIDDEN": 21,
        "WINDOW_SHOWING": 30,
        "WINDOW_SHOWN": 31,
        "WINDOW_CLOSING": 40,
        "WINDOW_CLOSED": 41,
        "WINDOW_EXITING": 50,
        "WINDOW_EXITED": 51,
        "WINDOW_KILLING": 60,
        "WINDOW_KILLED": 61,
    }
    assert answer["sameAsFs"] is True
    assert answer["inDefault"] == 31
    for name, value in answer["flags"].items():
        assert value == "undefined" or value == getattr(os, name), name
    assert answer["siginfo"] == (str(signal.SIGINFO) if hasattr(signal, "SIGINFO") else "undefined")


def test_errno_names_strings_and_messages(page: Page) -> None:
    """Follows Oro's api/errno.d.ts: ``getName(code or name)``, ``strings[code]``,
    ``toString(code)``; the messages are the host's strerror."""
    answer = in_page(
        page,
        """const errno = await import('oro:errno')
        return { names: [errno.getName(errno.ENOENT), errno.getName(-errno.EACCES),
                         errno.getName('eexist'), errno.getName('NOPE'), errno.getName(999999)],
                 strings: [errno.strings[errno.ENOENT], Object.getPrototypeOf(errno.strings)],
                 toString: [errno.toString(-errno.EACCES), errno.toString(999999)],
                 sameAsMessage: Object.values(errno.constants)
                   .every((n) => errno.toString(n) === errno.getMessage(n)),
                 inDefault: [errno.default.getName === errno.getName,
                   errno.default.strings === errno.strings] }""",
    )
    assert answer == {
        "names": ["ENOENT", "EACCES", "EEXIST", "", ""],
        "strings": [os.strerror(errno.ENOENT), None],
        "toString": [os.strerror(errno.EACCES), ""],
        "sameAsMessage": True,
        "inDefault": [True, True],
    }


def test_errors_has_oros_remaining_classes(page: Page) -> None:
    """Follows Oro's api/errors.d.ts: IndexSizeError, IllegalConstructorError (a TypeError),
    FinalizationRegistryCallbackError, ModuleNotFoundError (a NotFoundError with requireStack),
    INDEX_SIZE_ERR and kInternalErrorCode; envelope errors of those types rehydrate into them."""
    answer = in_page(
        page,
        """const e = await import('oro:errors')
        const missing = new e.ModuleNotFoundError("Cannot find module 'x'", ['/app/a.js'])
        const internal = new e.InternalError('bad', { code: 'E_HOST' })
        const rehydrated = e.rehydrate({ type: 'IndexSizeError', message: 'too big' })
        return { codes: [e.INDEX_SIZE_ERR, e.IndexSizeError.code, new e.IndexSizeError('i').code],
                 illegal: [new e.IllegalConstructorError('no') instanceof TypeError,
                   new e.IllegalConstructorError('no').name],
                 finalization: new e.FinalizationRegistryCallbackError('f').name,
                 missing: [missing.name, missing.code, missing instanceof e.NotFoundError,
                   missing.requireStack, missing.message],
                 internal: [typeof e.kInternalErrorCode, internal[e.kInternalErrorCode]],
                 rehydrated: [rehydrated instanceof e.IndexSizeError, rehydrated.code,
                   rehydrated.message] }""",
    )
    assert answer == {
        "codes": ["INDEX_SIZE_ERR"] * 3,
        "illegal": [True, "IllegalConstructorError"],
        "finalization": "FinalizationRegistryCallbackError",
        "missing": [
            "ModuleNotFoundError",
            "MODULE_NOT_FOUND",
            True,
            ["/app/a.js"],
            "Cannot find module 'x'",
        ],
        "internal": ["symbol", "E_HOST"],
        "rehydrated": [True, "INDEX_SIZE_ERR", "too big"],
    }


def test_ip_normalizes_ipv4_as_oro(page: Page) -> None:
    """The examples of Oro's api/ip.js documentation for ``normalizeIPv4``."""
    answer = in_page(
        page,
        """const ip = await import('oro:ip')
        return [ip.normalizeIPv4('127'), ip.normalizeIPv4('1.128'), ip.normalizeIPv4([0, 128]),
                ip.normalizeIPv4(Uint8Array.from([127, 0, 0, 1])), ip.normalizeIPv4('10.0.0.300'),
                ip.normalizeIPv4(''), ip.isIPv4(ip.normalizeIPv4('1.x')),
                  ip.default.normalizeIPv4 === ip.normalizeIPv4]""",
    )
    assert answer == ["0.0.0.127", "0.0.1.128", "0.0.0.128", "127.0.0.1", "10.0.0", "", False, True]


def test_timers_sleep_and_platform(page: Page) -> None:
    """Follows Oro's api/timers/index.d.ts (``sleep``, ``sleep.sync``) and
    api/timers/platform.d.ts (the engine's own timer functions)."""
    answer = in_page(
        page,
        """const timers = await import('oro:timers')
        const order = []
        timers.setTimeout(() => order.push('timer 0'), 0)
        const slept = timers.sleep(1).then(() => order.push('slept'))
        await slept
        const before = performance.now()
        timers.sleep.sync(20)
        const blocked = performance.now() - before >= 20
        const viaPlatform = await new Promise((resolve) => timers.platform.setTimeout(resolve, 0,
          'ran'))
        const posted = await timers.platform.postTask(() => 'task')
        return { order, blocked, viaPlatform, posted, frozen: Object.isFrozen(timers.platform),
                 setImmediate: timers.platform.setImmediate.name,
                   inDefault: timers.default.sleep === timers.sleep }""",
    )
    assert answer == {
        "order": ["timer 0", "slept"],
        "blocked": True,
        "viaPlatform": "ran",
        "posted": "task",
        "frozen": True,
        "setImmediate": "bound setTimeout",
        "inDefault": True,
    }


def test_url_pattern_parse_url_and_protocols(page: Page) -> None:
    """Follows Oro's api/url/index.d.ts: ``URLPattern``, ``parseURL`` (whatwg-url's URL record)
    and ``protocols`` (a Set of schemes with ``handlers``)."""
    answer = in_page(
        page,
        """const url = await import('oro:url')
        const pattern = new url.URLPattern({ pathname: '/books/:id' })
        return { pattern: [url.URLPattern === globalThis.URLPattern,
                           pattern.exec('https://a.test/books/42').pathname.groups.id,
                           pattern.test('https://a.test/films/1')],
                 records: ['https://u:p@a.test:8080/x/y?q=1#h', 'mailto:a@b.test', 'file:///tmp/a',
                   'https://a.test/?', 'not a url']
                   .map((input) => url.parseURL(input)),
                 relative: url.parseURL('../c', { baseURL: 'https://a.test/a/b/' }).path,
                 protocols: [url.protocols instanceof Set, url.protocols.has('ipc:'),
                   url.protocols.has('https:'),
                             url.protocols.handlers instanceof Set] }""",
    )
    assert answer["pattern"] == [True, "42", False]
    assert answer["records"] == [
        {
            "scheme": "https",
            "username": "u",
            "password": "p",
            "host": "a.test",
            "port": 8080,
            "path": ["x", "y"],
            "query": "q=1",
            "fragment": "h",
        },
        {
            "scheme": "mailto",
            "username": "",
            "password": "",
            "host": None,
            "port": None,
            "path": "a@b.test",
            "query": None,
            "fragment": None,
        },
        {
            "scheme": "file",
            "username": "",
            "password": "",
            "host": "",
            "port": None,
            "path": ["tmp", "a"],
            "query": None,
            "fragment": None,
        },
        {
            "scheme": "https",
            "username": "",
            "password": "",
            "host": "a.test",
            "port": None,
            "path": [""],
            "query": "",
            "fragment": None,
        },
        None,
    ]
    assert answer["relative"] == ["a", "c"]
    assert answer["protocols"] == [True, True, True, True]


def test_console_global_console_and_patch(page: Page) -> None:
    """Follows Oro's api/console.d.ts: ``globalConsole`` is the page's console;
    ``patchGlobalConsole`` keeps each method working (the original as ``method.platform``) and
    sends each line to ``postMessage`` as ``ipc://stdout?value=...`` / ``ipc://stderr?...``."""
    answer = in_page(
        page,
        """const mod = await import('oro:console')
        const printed = []
        const target = { log: (...a) => printed.push(['log', ...a]),
          error: (...a) => printed.push(['error', ...a]),
                         debug: (...a) => printed.push(['debug', ...a]), assert: () => {} }
        const messages = []
        const patched = mod.patchGlobalConsole(target, { postMessage: (m) => messages.push(m) })
        const again = mod.patchGlobalConsole(target, { postMessage: () => messages.push('twice') })
        target.log('a %d', 1)
        target.error('bad', { x: 1 })
        target.debug('dbg')
        target.assert(true, 'fine')
        target.assert(false, 'wrong %s', 'here')
        return { same: [mod.globalConsole === console, mod.default.globalConsole === console,
                        patched === target, again === target, typeof target.log.platform],
                 printed, messages }""",
    )
    assert answer["same"] == [True, True, True, True, "function"]
    assert answer["printed"] == [["log", "a %d", 1], ["error", "bad", {"x": 1}], ["debug", "dbg"]]
    assert answer["messages"] == [
        "ipc://stdout?value=a%201&resolve=false",
        "ipc://stderr?value=bad%20%7B%20x%3A%201%20%7D&resolve=false",
        "ipc://stderr?value=dbg&debug=true&resolve=false",
        "ipc://stderr?value=Assertion%20failed%3A%20wrong%20here&resolve=false",
    ]


def test_util_types_has_oros_predicates(page: Page) -> None:
    """Follows Oro's api/util/types.d.ts: isArray, isPlainObject, isFunction, isFunctionObject,
    isAsyncFunctionObject, isAsyncGeneratorFunction, isIterator, isAsyncIterator."""
    answer = in_page(
        page,
        """const t = await import('oro:util/types')
        const values = { array: [], plain: {}, nullProto: Object.create(null), date: new Date(),
          fn: () => {}, asyncFn: async () => {}, asyncGen: async function * () {},
          gen: (function * () {})(), arrayIter: [][Symbol.iterator](),
            asyncIter: (async function * () {})(),
          fnObject: Object.create(Function.prototype),
            asyncFnObject: Object.create((async () => {}).constructor.prototype) }
        const names = ['isArray', 'isPlainObject', 'isFunction', 'isFunctionObject',
          'isAsyncFunctionObject',
                       'isAsyncGeneratorFunction', 'isIterator', 'isAsyncIterator']
        return { matches: Object.fromEntries(names.map((name) => [name,
                   Object.keys(values).filter((key) => t[name](values[key]))])),
                 inDefault: names.every((name) => t.default[name] === t[name]),
                 nodeOnes: t.isPromise === (await import('oro:util')).types.isPromise }""",
    )
    assert answer == {
        "matches": {
            "isArray": ["array"],
            "isPlainObject": ["plain"],
            "isFunction": ["fn", "asyncFn", "asyncGen"],
            "isFunctionObject": ["fnObject", "asyncFnObject"],
            "isAsyncFunctionObject": ["asyncFnObject"],
            "isAsyncGeneratorFunction": ["asyncGen"],
            "isIterator": ["gen", "arrayIter"],
            "isAsyncIterator": ["asyncIter"],
        },
        "inDefault": True,
        "nodeOnes": True,
    }


def test_stream_streamx_names(page: Page) -> None:
    """Follows Oro's api/stream.d.ts for the names that mean something for Node's streams:
    ``web``, ``pipelinePromise``, ``isStream``, ``isStreamx``, ``isReadStreamx``,
    ``getStreamError``, ``FIFO`` and ``FixedFIFO``."""
    answer = in_page(
        page,
        """const s = await import('oro:stream')
        const fifo = new s.FIFO(2)
        for (let i = 0; i < 9; i++) fifo.push(i)
        const drained = []
        const length = fifo.length
        while (!fifo.isEmpty()) drained.push(fifo.shift())
        const fixed = new s.FixedFIFO(2)
        const pushes = [fixed.push('a'), fixed.push('b'), fixed.push('c')]
        let badSize
        try { new s.FixedFIFO(3) } catch (e) { badSize = [e.name, e.code] }
        const chunks = []
        await s.pipelinePromise(s.Readable.from(['x', 'y']), new s.Writable({ objectMode: true,
          write (chunk, _encoding, callback) { chunks.push(chunk); callback() } }))
        const broken = new s.PassThrough()
        broken.on('error', () => {})
        broken.destroy(new Error('broken'))
        return { length, drained, pushes, peek: fixed.peek(), badSize, chunks,
                 kinds: [s.isStream(new s.PassThrough()), s.isStream({}),
                   s.isStreamx(new s.PassThrough()),
                         s.isReadStreamx(s.Readable.from([]))],
                 errors: [s.getStreamError(broken).message, s.getStreamError(new s.PassThrough())],
                 web: s.web.ReadableStream === ReadableStream }""",
    )
    assert answer == {
        "length": 9,
        "drained": list(range(9)),
        "pushes": [True, True, False],
        "peek": "a",
        "badSize": ["RangeError", "ERR_OUT_OF_RANGE"],
        "chunks": ["x", "y"],
        "kinds": [True, False, False, False],
        "errors": ["broken", None],
        "web": True,
    }


def test_diagnostics_channels_metrics_and_runtime(page: Page) -> None:
    """Follows Oro's api/diagnostics/index.d.ts (``channel``, ``channels``, ``runtime``,
    ``window``) and channels.d.ts / window.d.ts: names normalise, groups select by pattern,
    ``window.metrics.start(['fetch'])`` publishes each fetch and ``stop`` restores ``fetch``."""
    answer = in_page(
        page,
        """const d = await import('oro:diagnostics')
        const seen = []
        const group = d.channels.group('My App', ['save-file', 'load_file'])
        const onMessage = (message, name) => seen.push([name, message])
        group.subscribe('my.app.*', onMessage)
        const published = [await group.publish('save file', 1),
          await d.channel('my.app.load.file').publish(2),
                           await d.channel('nobody.listens').publish(3)]
        const unsubscribed = group.unsubscribe('*', onMessage)
        const afterwards = await d.channel('my app.save.file').publish(4)
        const pageFetch = globalThis.fetch
        const fetched = []
        d.window.metrics.subscribe('window.fetch', ({ resource,
          response }) => fetched.push([String(resource), response.status]))
        d.window.metrics.start(['fetch'])
        const wrapped = globalThis.fetch !== pageFetch
        await fetch('/oro/bootstrap.js')
        d.window.metrics.stop(['fetch'])
        await fetch('/oro/bootstrap.js')
        return { names: group.channels.map((channel) => channel.name), published, unsubscribed,
          afterwards, seen,
                 wrapped, restored: globalThis.fetch === pageFetch, fetched,
                 registry: [d.channels.has('MY_APP.SAVE_FILE'),
                   d.channels.get('my.app.save.file') === group.channels[0]],
                 runtime: d.runtime.query === d.query,
                   inDefault: d.default.channel === d.channel }""",
    )
    assert answer == {
        "names": ["my.app.save.file", "my.app.load.file"],
        "published": [True, True, False],
        "unsubscribed": True,
        "afterwards": False,
        "seen": [["my.app.save.file", 1], ["my.app.load.file", 2]],
        "wrapped": True,
        "restored": True,
        "fetched": [["/oro/bootstrap.js", 200]],
        "registry": [True, True],
        "runtime": True,
        "inDefault": True,
    }


def test_hooks_wait_hooks_class_and_new_hooks(page: Page) -> None:
    """Follows Oro's api/hooks.d.ts: ``wait`` resolves with a hook's next event, ``Hooks``
    re-dispatches global events and has the runtime's readiness, ``onData``/``onMessage``...
    listen to their global events, ``GLOBAL_EVENTS`` names them."""
    answer = in_page(
        page,
        """const h = await import('oro:hooks')
        const waited = h.wait('applicationpause')
        const byFunction = h.wait(h.onData)
        globalThis.dispatchEvent(new CustomEvent('applicationpause', { detail: { why: 'test' } }))
        globalThis.dispatchEvent(new CustomEvent('data', { detail: 'chunk' }))
        const pause = await waited
        const data = await byFunction
        const controller = new AbortController()
        const aborted = h.wait('notificationresponse', { signal: controller.signal })
        controller.abort('stop')
        const abortError = await aborted.then(() => null, (e) => [e.name, e.cause])
        const unknown = await h.wait('nope').then(() => null, (e) => [e.name, e.code])
        const hooks = h.getHooks()
        const relayed = new Promise((resolve) => hooks.addEventListener('message',
          (e) => resolve(e.data), { once: true }))
        globalThis.dispatchEvent(new MessageEvent('message', { data: { hello: 1 } }))
        const seen = []
        const stop = [h.onMessage((e) => seen.push(['message', e.data])),
          h.onLanguageChange((e) => seen.push(['language', e.type])),
                      h.onNotificationPresented((e) => seen.push(['presented', e.detail])),
                      h.onNotificationResponse((e) => seen.push(['response', e.detail]))]
        globalThis.dispatchEvent(new MessageEvent('message', { data: 2 }))
        globalThis.dispatchEvent(new Event('languagechange'))
        globalThis.dispatchEvent(new CustomEvent('notificationpresented', { detail: { id: 'n1' } }))
        globalThis.dispatchEvent(new CustomEvent('notificationresponse', { detail: { id: 'n1',
          action: 'ok' } }))
        stop.forEach((off) => off())
        globalThis.dispatchEvent(new MessageEvent('message', { data: 3 }))
        return { pause: [pause.type, pause.detail], data: data.detail, abortError, unknown,
                 relayed: await relayed, seen,
                 hooks: [hooks === h.getHooks(), hooks instanceof EventTarget,
                   hooks.isRuntimeReady, hooks.isWindowContext,
                         hooks.globalEvents === h.GLOBAL_EVENTS, h.Hooks.InitEvent === h.InitEvent],
                 events: [new h.InitEvent().type, new h.LoadEvent().type, new h.ReadyEvent().type,
                          new h.RuntimeInitEvent().type, h.RUNTIME_INIT_EVENT_NAME,
                            h.GLOBAL_EVENTS.includes('runtimeinit')] }""",
    )
    assert answer == {
        "pause": ["applicationpause", {"why": "test"}],
        "data": "chunk",
        "abortError": ["AbortError", "stop"],
        "unknown": ["TypeError", "ERR_INVALID_ARG_VALUE"],
        "relayed": {"hello": 1},
        "seen": [
            ["message", 2],
            ["language", "languagechange"],
            ["presented", {"id": "n1"}],
            ["response", {"id": "n1", "action": "ok"}],
        ],
        "hooks": [True, True, True, True, True, True],
        "events": ["init", "load", "ready", "runtimeinit", "runtimeinit", True],
    }


def test_vm_intrinsics_and_transferables(page: Page) -> None:
    """Follows Oro's api/vm.d.ts for its value helpers: ``isIntrinsic``, ``getIntrinsicType``,
    ``getIntrinsicTypeString`` (over ``RESERVED_GLOBAL_INTRINSICS``) and ``getTransferables``
    / ``findMessageTransfers``, whose list transfers the buffers and ports with ``postMessage``."""
    answer = in_page(
        page,
        """const vm = await import('oro:vm')
        const buffer = new ArrayBuffer(8)
        const bytes = new Uint8Array(16)
        const { port1, port2 } = new MessageChannel()
        const message = { list: [buffer, bytes, { again: bytes }], port: port1, n: 1 }
        const transfers = vm.getTransferables(message)
        const kinds = transfers.map((value) => value.constructor.name)
        structuredClone(message, { transfer: transfers })
        port2.close()
        class Own {}
        return { kinds, detached: [buffer.byteLength, bytes.byteLength],
                 extra: vm.findMessageTransfers(['x'], { b: new ArrayBuffer(1) }).length,
                 intrinsic: [vm.isIntrinsic([]), vm.isIntrinsic(Array), vm.isIntrinsic(undefined),
                             vm.isIntrinsic(new Own()), vm.isIntrinsic(Own)],
                 names: [[], new Map(), Promise, NaN, undefined, null, new Own()]
                   .map((value) => vm.getIntrinsicTypeString(value)),
                 types: [vm.getIntrinsicType([]) === Array, vm.getIntrinsicType(null),
                         String(vm.getIntrinsicType(new Own()))],
                 reserved: ['Array', 'JSON',
                   'window'].every((name) => vm.RESERVED_GLOBAL_INTRINSICS.includes(name)) }""",
    )
    assert answer == {
        "kinds": ["ArrayBuffer", "ArrayBuffer", "MessagePort"],
        "detached": [0, 0],
        "extra": 2,
        "intrinsic": [True, True, True, False, False],
        "names": ["Array", "Map", "Promise", "NaN", "undefined", None, None],
        "types": [True, None, "undefined"],
        "reserved": True,
    }


def test_vm_run_in_context_in_oros_form(page: Page) -> None:
    """Oro's ``vm.runInContext(source, { context }?)``: a promise of an expression's value (an
    object literal is an object), of a function or class that runs in the context, of an ES
    module's exports; the context's globals come back to the object; values cross as data.
    Node's form (a contextified object) still answers at once."""
    answer = in_page(
        page,
        """const vm = await import('oro:vm')
        const sum = vm.runInContext('1 + 2 + 3')
        const identity = await vm.runInContext(async (...args) => args)
        const Class = await vm.runInContext('class Class { method (...a) { return a } }')
        const context = { key: 'value', functions: {} }
        await vm.runInContext('key = "other value"', { context })
        await vm.runInContext('functions.hello = () => "hello " + key', { context })
        const module = await vm.runInContext(`
          const storage = {}
          export function set (key, value) { storage[key] = value }
          export const get = (key) => storage[key]
          let hidden = 1
          export { hidden as shown }
          export default 'main'`)
        await module.set('k', 'v')
        const node = vm.createContext({ a: 1 })
        return { promise: sum instanceof Promise, sum: await sum,
                 object: await vm.runInContext('{ number: 123 }'),
                 sameRealmArray: Array.isArray(await identity(1, 2)) &&
                   (await identity(1, 2)).constructor === Array,
                 method: new Class().method(1, 2, 3),
                 key: context.key, hello: context.functions.hello(),
                 module: [typeof module.set, module.get('k'), module.shown, module.default],
                 node: vm.runInContext('a + 1', node),
                 bad: (() => {
                   try { vm.runInContext('1', null) } catch (e) { return e.code }
                 })() }""",
    )
    assert answer == {
        "promise": True,
        "sum": 6,
        "object": {"number": 123},
        "sameRealmArray": True,
        "method": [1, 2, 3],
        "key": "other value",
        "hello": "hello other value",
        "module": ["function", "v", 1, "main"],
        "node": 2,
        "bad": "ERR_INVALID_ARG_TYPE",
    }


def test_path_os_and_process_answer_as_oro(page: Page) -> None:
    """Oro's ``path`` default export carries the well-known folders; its ``isAbsolute`` knows
    both flavours' roots and ``win32.relative`` relates two drive-less rooted paths as on
    Windows; ``os.hrtime()`` and ``os.availableMemory()`` are bigints (``freemem()`` Node's
    number); ``process.arch`` is ``primordials.arch``."""
    answer = in_page(
        page,
        """const { default: path } = await import('oro:path')
        const os = await import('oro:os')
        const { default: process } = await import('oro:process')
        const { primordials } = await import('oro:ipc')
        return { home: path.HOME === (await import('oro:path/well-known')).HOME && !!path.HOME,
                 absolute: ['/', '\\\\', '\\\\foo', 'C:\\\\', 'C:/x', 'foo\\\\bar', '.']
                   .map((p) => path.isAbsolute(p)),
                 relative: path.win32.relative('\\\\a\\\\b\\\\c', '\\\\d\\\\e'),
                 hrtime: typeof os.hrtime(), memory: typeof os.availableMemory(),
                 freemem: typeof os.freemem(), arch: [process.arch, primordials.arch] }""",
    )
    assert answer["home"] is True
    assert answer["absolute"] == [True, True, True, True, True, False, False]
    assert answer["relative"] == "..\\..\\..\\d\\e"
    assert (answer["hrtime"], answer["memory"], answer["freemem"]) == ("bigint", "bigint", "number")
    assert answer["arch"][0] == answer["arch"][1] in {"x64", "arm64", "ia32", "arm"}


def test_protocol_handlers_get_service_worker_of_an_unknown_scheme_is_null(page: Page) -> None:
    """Follows Oro's api/protocol-handlers.d.ts: ``getServiceWorker({scheme})`` resolves
    ``null`` when no handler serves the scheme (this app declares none)."""
    answer = in_page(
        page,
        """const p = await import('oro:protocol-handlers')
        return [await p.getServiceWorker({ scheme: 'web+nothing' }),
          p.default.getServiceWorker === p.getServiceWorker]""",
    )
    assert answer == [None, True]


def test_bootstrap_downloads_to_a_file_and_checks_its_hash(page: Page, app: ServedApp) -> None:
    """Follows Oro's api/bootstrap.d.ts and bootstrap.js: ``bootstrap({url, dest}).run()``
    downloads with ``download-progress``, writes with ``write-file``/``write-file-progress``
    (mode 0o755), publishes on the ``bootstrap.*`` diagnostic channels; ``checkHash`` compares
    the file's digest and answers false for a missing file."""
    data = Path(app.host.paths.data)
    data.mkdir(parents=True, exist_ok=True)
    dest = data / "backend.bin"
    payload = bytes(range(256)) * 1024
    answer = in_page(
        page,
        """const b = await import('oro:bootstrap')
        const d = await import('oro:diagnostics')
        const bytes = new Uint8Array(256 * 1024).map((_, i) => i % 256)
        const url = URL.createObjectURL(new Blob([bytes]))
        const events = []
        const channels = []
        d.channels.group('bootstrap', ['run.start', 'run.end']).subscribe((_,
          name) => channels.push(name))
        const job = b.bootstrap({ url, dest: arg.dest })
        job.on('download-progress', (p) => events.push(['download', p]))
        job.on('write-file', (s) => events.push(['write', s.status]))
        job.on('write-file-progress', (p) => events.push(['written', p]))
        await job.run()
        const published = [...channels]
        const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
          .map((n) => n.toString(16).padStart(2, '0')).join('')
        let badOptions
        try { b.bootstrap({ url }) } catch (e) { badOptions = [e.name, e.code] }
        const failed = b.bootstrap({ url: '/oro/no-such-file.bin', dest: arg.dest + '.missing' })
        const failure = await failed.run().then(() => null, (e) => [e.name, e.status])
        return { downloads: events.filter(([kind]) => kind === 'download').map(([, p]) => p).at(-1),
                 writes: events.filter(([kind]) => kind === 'write').map(([, s]) => s),
                 lastWritten: events.filter(([kind]) => kind === 'written').at(-1)[1],
                 listenersLeft: job.listenerCount('download-progress'), channels: published,
                 checks: [await b.checkHash(arg.dest, hash, 'sha256'), await b.checkHash(arg.dest,
                   hash, 'SHA-256'),
                          await b.checkHash(arg.dest, '00', 'sha256'),
                            await b.checkHash(arg.dest + '.nope', hash, 'sha256')],
                 hash, badOptions, failure }""",
        {"dest": str(dest)},
    )
    assert dest.read_bytes() == payload
    assert dest.stat().st_mode & 0o777 == 0o755 & ~_umask()
    assert answer["hash"] == hashlib.sha256(payload).hexdigest()
    assert answer["downloads"] == 100
    assert answer["writes"] == ["started", "finished"]
    assert answer["lastWritten"] == 1
    assert answer["listenersLeft"] == 0
    assert answer["channels"] == ["bootstrap.run.start", "bootstrap.run.end"]
    assert answer["checks"] == [True, True, False, False]
    assert answer["badOptions"] == ["TypeError", "ERR_INVALID_ARG_TYPE"]
    assert answer["failure"] == ["NetworkError", 404]
    assert not (data / "backend.bin.missing").exists()
    dest.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
