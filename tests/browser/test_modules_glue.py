"""The glue modules (timers, timers/promises, perf_hooks, async_hooks, vm, errno, constants) in a
real headless Chromium against the real bridge, and the same scripts under ``node``.

Each differential test runs one script body twice: in a page, with the page's ``node:`` modules
bound to ``timers``, ``timersPromises``, ``asyncHooks``, ``perfHooks``, ``vm``, ``constants``
and ``os``, and under Node with Node's own modules bound to the same names; the answers must be
the same.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import oro_fs.plugin
import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.os
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

NODE_IMPORTS = """
import * as timers from 'node:timers'
import * as timersPromises from 'node:timers/promises'
import * as asyncHooks from 'node:async_hooks'
import * as perfHooks from 'node:perf_hooks'
import * as vm from 'node:vm'
import constants from 'node:constants'
import os from 'node:os'
"""

PAGE_IMPORTS = """
const [timers, timersPromises, asyncHooks, perfHooks, vm, constantsModule, osModule] =
  await Promise.all(['node:timers', 'node:timers/promises', 'node:async_hooks',
    'node:perf_hooks', 'node:vm', 'node:constants', 'node:os'].map((name) => import(name)))
const constants = constantsModule.default
const os = osModule.default
"""

# Node's documented order: microtasks after each callback, an immediate queued in a timer runs
# before a timer queued there, due timers run before the immediates they queue, a cleared
# timer (by its number) never runs.
ORDER = """
// Outside this module's timers (after the page's or Node's own timer): the immediate first.
const outside = await new Promise((resolve) => globalThis.setTimeout(() => {
  const seen = []
  timers.setTimeout(() => { seen.push('timeout'); resolve(seen) }, 0)
  timers.setImmediate(() => seen.push('immediate'))
}, 1))
return await new Promise((resolve) => {
  const order = []
  timers.setTimeout(() => {
    timers.setTimeout(() => order.push('timeout in timer'), 0)
    timers.setImmediate((arg) => {
      order.push(`immediate in timer ${arg}`)
      queueMicrotask(() => order.push('microtask in immediate'))
    }, 'a')
    queueMicrotask(() => order.push('microtask in timer'))
    Promise.resolve().then(() => order.push('promise in timer'))
    order.push('first timer')
  }, 0)
  timers.setTimeout((a, b) => order.push(`second timer ${a} ${b}`), 0, 'x', 'y')
  const cancelled = timers.setTimeout(() => order.push('cancelled'), 0)
  timers.clearTimeout(Number(cancelled))
  const timer = timers.setTimeout(() => {}, 1000)
  order.push(typeof Number(timer), timer.hasRef(), timer.unref().hasRef(),
             timer.refresh() === timer)
  timers.clearTimeout(timer)
  let ticks = 0
  timers.setInterval(function (step) {
    ticks += step
    if (ticks === 3) {
      timers.clearInterval(this)
      timers.setTimeout(() => resolve([...outside, ...order, `interval ticks ${ticks}`]), 2)
    }
  }, 1, 1)
})
"""

PROMISES = """
const settle = async (run) => {
  try { return { ok: await run() } } catch (e) {
    return { err: { name: e.name, code: e.code, message: e.message,
                    // A default reason's message is the engine's own wording: its name is compared.
                    cause: e.cause instanceof Error ? e.cause.name : e.cause } }
  }
}
const early = new AbortController()
early.abort('early reason')
const late = new AbortController()
const ticks = async (options) => {
  const seen = []
  for await (const value of timersPromises.setInterval(1, 'tick', options)) {
    seen.push(value)
    if (seen.length === 3) break
  }
  return seen
}
return {
  timeout: await settle(() => timersPromises.setTimeout(1, 'value')),
  immediate: await settle(() => timersPromises.setImmediate('now')),
  wait: await settle(() => timersPromises.scheduler.wait(1)),
  yielded: await settle(() => timersPromises.scheduler.yield()),
  interval: await settle(() => ticks()),
  abortedBefore: await settle(() => timersPromises.setTimeout(1, 'x', { signal: early.signal })),
  immediateAborted: await settle(() => timersPromises.setImmediate('x', { signal: early.signal })),
  abortedDuring: await settle(() => {
    const pending = timersPromises.setTimeout(100000, 'x', { signal: late.signal })
    late.abort()
    return pending
  }),
  intervalAborted: await settle(() => ticks({ signal: early.signal })),
  badDelay: await settle(() => timersPromises.setTimeout('1')),
  badSignal: await settle(() => timersPromises.setTimeout(1, 'x', { signal: 1 })),
}
"""

STORAGE = """
const storage = new asyncHooks.AsyncLocalStorage()
const seen = []
await new Promise((resolve) => {
  storage.run('outer', () => {
    seen.push(storage.getStore())
    storage.exit(() => seen.push(storage.getStore() ?? 'none'))
    storage.run('inner', () => seen.push(storage.getStore()))
    const bound = asyncHooks.AsyncLocalStorage.bind(() => storage.getStore())
    const snapshot = asyncHooks.AsyncLocalStorage.snapshot()
    const resource = new asyncHooks.AsyncResource('test')
    const resourceBound = asyncHooks.AsyncResource.bind(() => storage.getStore())
    storage.run('other', () => {
      seen.push(bound(), snapshot(() => storage.getStore()),
                resource.runInAsyncScope((x) => `${storage.getStore()} ${x}`, null, 'arg'),
                resourceBound(), storage.getStore())
    })
    const creator = asyncHooks.executionAsyncId()
    timers.setTimeout(() => {
      seen.push(`timeout ${storage.getStore()}`)
      // A timer is a resource of its own, triggered by the code that made it.
      seen.push(asyncHooks.executionAsyncId() !== creator, asyncHooks.triggerAsyncId() === creator)
      timers.setImmediate(() => {
        seen.push(`immediate ${storage.getStore()}`)
        resolve()
      })
    }, 1)
  })
  seen.push(storage.getStore() ?? 'none')
})
storage.enterWith('entered')
seen.push(storage.getStore())
storage.disable()
seen.push(storage.getStore() ?? 'none')
seen.push(typeof asyncHooks.executionAsyncId(), typeof asyncHooks.triggerAsyncId())
const hook = asyncHooks.createHook({ init () {} })
seen.push(hook.enable() === hook, hook.disable() === hook)
return seen
"""

HISTOGRAM = """
const histogram = perfHooks.createHistogram()
const empty = histogram.toJSON()
let seed = 11
for (let i = 0; i < 300; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648
  histogram.record(1 + (seed % 10 ** (1 + (i % 9))))
}
histogram.record(5n)
const stats = {
  json: histogram.toJSON(), min: histogram.min, max: histogram.max, mean: histogram.mean,
  stddev: histogram.stddev, count: histogram.count,
  percentile: [0.5, 10, 50, 90, 99.9, 100].map((p) => histogram.percentile(p)),
  percentiles: [...histogram.percentiles],
}
const other = perfHooks.createHistogram()
other.record(3)
other.add(histogram)
const errors = []
for (const run of [() => histogram.record(0), () => histogram.record(2.5),
                   () => histogram.record('7'), () => histogram.percentile(101)]) {
  try { run() } catch (e) { errors.push([e.name, e.code]) }
}
histogram.reset()
const delta = perfHooks.createHistogram()
delta.recordDelta()
delta.recordDelta()
const monitor = perfHooks.monitorEventLoopDelay({ resolution: 20 })
return { empty, stats, added: [other.count, other.min, other.max], errors,
         reset: histogram.toJSON(), deltaCount: delta.count,
         monitor: [monitor.enable(), monitor.enable(), monitor.disable(), monitor.disable()],
         now: typeof perfHooks.performance.now(), mark: perfHooks.performance.mark('m').name }
"""

VM = """
const results = []
const context = vm.createContext({ a: 1, list: [] })
results.push(vm.runInContext('var b = a + 1; c = b * 2; list.push(c); a + b + c', context))
results.push(context.b, context.c, context.list, vm.isContext(context), vm.isContext({}))
results.push(vm.runInContext('typeof b + " " + typeof c + " " + (this === globalThis)', context))
context.a = 10
results.push(vm.runInContext('a + b', context))
results.push(vm.runInNewContext('x * 2', { x: 21 }))
results.push(vm.runInNewContext('[1, 2]') instanceof Array,
             vm.runInThisContext('[1, 2]') instanceof Array)
const script = new vm.Script('n = (typeof n === "number" ? n : 0) + 1', { filename: 'count.js' })
const counter = vm.createContext({})
script.runInContext(counter)
script.runInContext(counter)
results.push(counter.n)
results.push(new vm.Script('var oroVmCheck = 3; oroVmCheck * 2').runInThisContext(),
             globalThis.oroVmCheck)
try { new vm.Script('1 +') } catch (e) { results.push(e.name) }
try { vm.runInNewContext('throw new TypeError("boom")') } catch (e) {
  results.push(e.name, e.message, e instanceof TypeError)
}
results.push(vm.compileFunction('return a * b', ['a', 'b'])(6, 7))
return results
"""

CONSTANTS = """
return { constants, errno: os.constants.errno, signals: os.constants.signals,
         priority: os.constants.priority, dlopen: os.constants.dlopen }
"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_framework.core.os, oro_fs.plugin]) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def in_page(page: Page, body: str) -> Any:
    # Through JSON in the page, as Node's answer comes (undefined keys dropped, NaN as null).
    return page.evaluate(
        f"async () => {{ {PAGE_IMPORTS}\n"
        f"return JSON.parse(JSON.stringify(await (async () => {{ {body} }})())) }}"
    )


def in_node(body: str, tmp_path: Path) -> Any:
    return run_in_node(body, imports=NODE_IMPORTS, values={}, directory=tmp_path)


def test_every_glue_module_imports_under_its_names(page: Page) -> None:
    names = page.evaluate(
        """async () => {
            const pairs = [['oro:timers', 'node:timers'],
                ['oro:timers/promises', 'node:timers/promises'],
                ['oro:perf_hooks', 'node:perf_hooks'], ['oro:async_hooks', 'node:async_hooks'],
                ['oro:vm', 'node:vm'], ['oro:constants', 'node:constants']]
            const same = []
            for (const [oro, node] of pairs) {
                same.push((await import(oro)).default === (await import(node)).default)
            }
            const timers = await import('oro:timers')
            const errno = await import('oro:errno')
            return { same, promises: timers.promises === (await import('oro:timers/promises')),
                     errno: [typeof errno.ENOENT, errno.getCode(-errno.ENOENT),
                             errno.getMessage(errno.ENOENT), errno.getCode(999999)],
                     hostMessage: [errno.getMessage(errno.EACCES), __args.os.errnoMessages.EACCES] }
        }"""
    )
    assert names == {
        "same": [True] * 6,
        "promises": True,
        "errno": ["number", "ENOENT", "No such file or directory", ""],
        "hostMessage": [os.strerror(errno.EACCES)] * 2,
    }


SAME_PASS: Final = ["first timer", "microtask in timer", "promise in timer", "second timer x y"]
"""ORDER's two timers made together with the same delay, run in one pass of Node's timers."""


def test_timers_run_callbacks_in_nodes_order(page: Page, tmp_path: Path) -> None:
    # Node reads a fresh clock for each setTimeout (its GetNow updates libuv's time), so now and
    # then ORDER's two timers straddle a millisecond and the second one waits for the next pass,
    # after the first one's immediate: the page's timers take one time for a synchronous run,
    # as libuv's cached loop time is meant to be. Node's order is the one of a run whose timers
    # did not straddle (the first of a few runs).
    runs = [in_node(ORDER, tmp_path)]
    while runs[-1][6:10] != SAME_PASS and len(runs) < 5:
        runs.append(in_node(ORDER, tmp_path))
    expected = runs[-1]
    assert expected[:2] == ["immediate", "timeout"]
    assert expected[6:10] == SAME_PASS, runs
    assert in_page(page, ORDER) == expected


def test_timers_promises_resolve_and_abort_as_in_node(page: Page, tmp_path: Path) -> None:
    expected = in_node(PROMISES, tmp_path)
    assert in_page(page, PROMISES) == expected
    assert expected["abortedBefore"]["err"] == {
        "name": "AbortError",
        "code": "ABORT_ERR",
        "message": "The operation was aborted",
        "cause": "early reason",
    }
    assert expected["abortedDuring"]["err"]["cause"] == "AbortError"


def test_async_local_storage_follows_run_bind_and_timers_as_in_node(
    page: Page, tmp_path: Path
) -> None:
    expected = in_node(STORAGE, tmp_path)
    assert in_page(page, STORAGE) == expected
    assert "timeout outer" in expected
    assert "immediate outer" in expected


def test_histogram_statistics_match_node(page: Page, tmp_path: Path) -> None:
    expected = in_node(HISTOGRAM, tmp_path)
    assert in_page(page, HISTOGRAM) == expected
    assert expected["stats"]["count"] == 301


def test_vm_contexts_behave_as_in_node(page: Page, tmp_path: Path) -> None:
    expected = in_node(VM, tmp_path)
    assert in_page(page, VM) == expected
    assert expected[:6] == [7, 2, 4, [4], True, False]


def test_constants_have_nodes_names_and_numbers(page: Page, tmp_path: Path) -> None:
    node = in_node(CONSTANTS, tmp_path)
    answer = in_page(
        page,
        "return { constants, exports: Object.keys(constantsModule),"
        " sameValues: Object.keys(constants).every((name) => name in constantsModule"
        " ? constantsModule[name] === constants[name] : true) }",
    )
    constants = answer["constants"]
    # Every name of Node's module links as a named import, with the default object's value.
    assert set(node["constants"]) <= set(answer["exports"])
    assert answer["sameValues"] is True
    node_constants = node["constants"]
    for group in ("errno", "priority", "dlopen"):
        for name, number in node[group].items():
            assert constants.get(name) == number, name
    # The host names the signals Python knows, Node a few aliases more (SIGIOT, SIGPOLL...).
    shared_signals = set(node["signals"]) & set(constants)
    assert {"SIGINT", "SIGTERM", "SIGKILL", "SIGHUP"} <= shared_signals
    assert all(constants[name] == node["signals"][name] for name in shared_signals)
    # fs constants join in when the page has oro:fs (the oro-fs plugin is loaded here).
    for name in ("O_RDONLY", "O_CREAT", "S_IFMT", "F_OK", "COPYFILE_EXCL"):
        assert constants[name] == node_constants[name], name


def test_vm_throws_evalerror_under_a_csp_without_unsafe_eval(chromium_browser: Browser) -> None:
    config = {"webview.csp": "default-src 'self'"}
    with (
        served_app([], config=config) as served,
        app_page(chromium_browser, served) as page,
    ):
        errors = page.evaluate(
            """async () => {
                const vm = await import('node:vm')
                const names = []
                for (const run of [() => vm.runInThisContext('1 + 1'),
                                   () => vm.runInNewContext('1 + 1', {})]) {
                    try { names.push(run()) } catch (e) { names.push(e.name) }
                }
                return names
            }"""
        )
    assert errors == ["EvalError", "EvalError"]
