// oro:commonjs and oro:module under Node, over a stand-in XMLHttpRequest that answers from an
// in-memory file tree the way the bridge does (404, a redirect for a directory, an HTML page
// for an unknown path): the loader's file test, Node's resolution algorithm in URL space
// (exports, imports, patterns, the browser field), the builtins table and the module scope.
// The same behaviour in a real page, and against Node's own require(), is
// tests/browser/test_commonjs.py.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Loader } from '../commonjs/loader.js'
import { Name, Package } from '../commonjs/package.js'
import { builtinModules, builtins, defineBuiltin, getBuiltin, isBuiltin, runtimeModules } from '../commonjs/builtins.js'
import { Module, createRequire } from '../module.js'
import * as commonjs from '../commonjs.js'
import { install } from '../commonjs/internal/globals.js'

const ORIGIN = 'http://app.test'

/** The files the stand-in serves, by path; a string is a file, `null` a directory. */
const files = new Map()
/** Every URL asked for, in order. */
const asked = []
/** Paths answered with the single-page-app fallback (an HTML page). */
let fallback = false

class FakeXMLHttpRequest {
  open (method, url, sync) {
    assert.equal(sync, false, 'the loader asks synchronously')
    this.method = method
    this.url = url
    this.headers = {}
  }

  setRequestHeader (key, value) {
    this.headers[key] = value
  }

  overrideMimeType (type) {
    this.mime = type
  }

  send () {
    asked.push(this.url)
    const url = new URL(this.url)
    if (url.hostname === 'offline.test') throw new Error('Failed to load')
    const path = url.pathname
    this.responseURL = this.url
    this.contentType = 'text/javascript'
    if (files.get(path) === null || files.get(`${path}/`) === null) {
      // The bridge redirects a directory without its slash; its index.html is missing.
      this.responseURL = path.endsWith('/') ? this.url : `${this.url}/`
      this.status = 404
      this.responseText = 'Not found'
    } else if (typeof files.get(path) === 'string') {
      this.status = 200
      this.responseText = files.get(path)
      if (path.endsWith('.json')) this.contentType = 'application/json'
      if (path.endsWith('.html')) this.contentType = 'text/html'
    } else if (fallback) {
      this.status = 200
      this.contentType = 'text/html; charset=utf-8'
      this.responseText = '<!doctype html>'
    } else {
      this.status = 404
      this.responseText = 'Not found'
    }
  }

  getResponseHeader (name) {
    return name.toLowerCase() === 'content-type' ? this.contentType : null
  }

  getAllResponseHeaders () {
    return `content-type: ${this.contentType}\r\n`
  }
}

globalThis.XMLHttpRequest = FakeXMLHttpRequest

/**
 * Serves `tree` (path → text) at ORIGIN; directories are made from the paths.
 * @param {Record<string, string>} tree
 */
function serve (tree) {
  for (const [path, text] of Object.entries(tree)) {
    files.set(path, text)
    const parts = path.split('/')
    for (let end = 2; end < parts.length; end++) files.set(`${parts.slice(0, end).join('/')}/`, null)
  }
}

serve({
  '/app/entry.js': 'module.exports = "entry"',
  '/app/lib/a.js': 'exports.name = "a"; exports.here = __filename; exports.dir = __dirname',
  '/app/lib/index.js': 'module.exports = "lib"',
  '/app/data.json': '\ufeff{ "value": 1 }',
  '/app/bad.json': '{ nope',
  '/app/esm.js': 'export default 1',
  '/app/syntax.js': 'module.exports = (',
  '/app/page.html': '<p>a page</p>',
  '/app/node_modules/pkg/package.json': JSON.stringify({
    name: 'pkg',
    exports: {
      '.': { default: './default.js', require: './require.js' },
      './features/*': './features/*.js',
      './features/private/*': null,
      './features/*.css': './styles/*.css',
      './bad': 'bad.js'
    }
  }),
  '/app/node_modules/pkg/default.js': 'module.exports = "default first"',
  '/app/node_modules/pkg/require.js': 'module.exports = "require"',
  '/app/node_modules/pkg/features/x.js': 'module.exports = "feature x"',
  '/app/node_modules/pkg/features/private/y.js': 'module.exports = "private"',
  '/app/node_modules/mixed/package.json': JSON.stringify({ exports: { '.': './a.js', b: './b.js' } }),
  '/app/node_modules/browser/package.json': JSON.stringify({
    main: 'main.js',
    browser: { './main.js': './web.js', fs: false, other: 'plain', './local': './replaced.js' }
  }),
  '/app/node_modules/browser/web.js': 'module.exports = [typeof require("fs"), require("other"), require("./local")]',
  '/app/node_modules/browser/replaced.js': 'module.exports = "replaced"',
  '/app/node_modules/plain/index.js': 'module.exports = "plain"',
  '/app/node_modules/@org/tool/package.json': JSON.stringify({ main: './lib' }),
  '/app/node_modules/@org/tool/lib/index.js': 'module.exports = "scoped tool"'
})

const base = `${ORIGIN}/app/entry.js`

test('Name parses package names with their organization, version and subpath', () => {
  assert.deepEqual(new Name('pkg').toJSON(), { name: 'pkg', version: null, organization: null, pathname: '.', isRelative: false })
  assert.deepEqual(new Name('@org/pkg@1.2.3/sub/path').toJSON(),
    { name: '@org/pkg', version: '1.2.3', organization: '@org', pathname: './sub/path', isRelative: false })
  assert.equal(Name.from('pkg@2/x').toString(), 'pkg@2')
  assert.equal(Name.parse('@org'), null)
  assert.equal(Name.canParse(''), false)
  assert.equal(new Name('./local/thing').isRelative, true)
})

test('a Package resolves "exports" as Node does: object order, patterns, null and bad targets', () => {
  const pkg = new Package(`${ORIGIN}/app/node_modules/pkg/`)
  // "default" comes first in the object, so it wins over "require".
  assert.equal(pkg.resolve('.'), `${ORIGIN}/app/node_modules/pkg/default.js`)
  assert.equal(pkg.resolve('./features/x'), `${ORIGIN}/app/node_modules/pkg/features/x.js`)
  // The longer pattern prefix decides: private/* is excluded.
  assert.throws(() => pkg.resolve('./features/private/y'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' })
  assert.throws(() => pkg.resolve('./bad'), { code: 'ERR_INVALID_PACKAGE_TARGET', name: 'TypeError' })
  assert.throws(() => pkg.resolve('./features/missing'), { code: 'MODULE_NOT_FOUND' })
  assert.equal(pkg.loaded, true)
  assert.equal(pkg.name, 'pkg')
  assert.throws(() => new Package(`${ORIGIN}/app/node_modules/mixed/`).resolve('.'), { code: 'ERR_INVALID_PACKAGE_CONFIG' })
  assert.equal(new Package(`${ORIGIN}/app/node_modules/absent/`).load(), false)
})

test('the loader calls a file only what answers 2xx at its own URL with no fallback page', () => {
  const loader = new Loader(`${ORIGIN}/app/`)
  assert.equal(loader.status('lib/a.js').ok, true)
  assert.equal(loader.status('lib').ok, false, 'a redirect is a directory')
  assert.equal(loader.status('page.html').ok, true, 'HTML is a file where HTML is asked for')
  fallback = true
  try {
    assert.equal(loader.status('lib/a').ok, false, 'a fallback page is no module')
  } finally {
    fallback = false
  }
  assert.equal(loader.load('lib/a.js').text.includes('exports.name'), true)
  const before = asked.length
  loader.status('lib/a.js')
  assert.equal(asked.length, before, 'a status is asked for once')
  assert.throws(() => new Loader('http://offline.test/').load('x.js'), { name: 'NetworkError', message: /connect-src/ })
})

test('require() finds files, directories, JSON, packages and scoped packages', () => {
  const require = createRequire(base)
  assert.deepEqual(require('./lib/a'), { name: 'a', here: `${ORIGIN}/app/lib/a.js`, dir: `${ORIGIN}/app/lib` })
  assert.equal(require('./lib'), 'lib')
  assert.deepEqual(require('./data'), { value: 1 }, 'a byte order mark is dropped')
  assert.equal(require('pkg'), 'default first')
  assert.equal(require('pkg/features/x'), 'feature x')
  assert.equal(require('@org/tool'), 'scoped tool')
  assert.equal(require('/app/lib/a.js'), require('./lib/a'))
  assert.equal(require.resolve('plain'), `${ORIGIN}/app/node_modules/plain/index.js`)
  assert.deepEqual(require.resolve.paths('plain').slice(0, 2), [`${ORIGIN}/app/node_modules`, `${ORIGIN}/node_modules`])
  assert.equal(require.resolve.paths('module'), null)
  assert.equal(require.meta.url, base)
})

test('a package\'s "browser" object replaces its files and the names it requires, builtins too', () => {
  defineBuiltin('fs', { readFile () {} })
  try {
    const require = createRequire(base)
    assert.deepEqual(require('browser'), ['object', 'plain', 'replaced'])
    assert.equal(Object.keys(require('browser')).length, 3)
  } finally {
    delete builtins.fs
  }
})

test('errors say what is wrong: missing module, bad JSON, an ES module, a CSP without eval', () => {
  const require = createRequire(base)
  assert.throws(() => require('./missing'), (error) => {
    assert.equal(error.code, 'MODULE_NOT_FOUND')
    assert.deepEqual(error.requireStack, [base])
    assert.match(error.message, /^Cannot find module '\.\/missing'\nRequire stack:\n- http:\/\/app\.test\/app\/entry\.js$/)
    return true
  })
  assert.throws(() => require('./bad.json'), { name: 'SyntaxError', message: /bad\.json/ })
  assert.throws(() => require('./esm'), { code: 'ERR_REQUIRE_ESM' })
  assert.throws(() => require('./syntax'), { name: 'SyntaxError', message: /syntax\.js/ })
  assert.equal(Object.keys(require.cache).some((key) => key.endsWith('syntax.js')), false)
  const original = globalThis.eval
  globalThis.eval = () => { throw new EvalError('Refused to evaluate a string as JavaScript') }
  try {
    assert.throws(() => Module.compile('1', { url: 'x.js' }), { name: 'EvalError', message: /'unsafe-eval'/ })
  } finally {
    globalThis.eval = original
  }
  assert.throws(() => require(''), { code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => require('node:nope'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' })
})

test('resolvers see every name first: map it on, or answer it', () => {
  const require = createRequire(base)
  const virtual = { virtual: true }
  const seen = []
  const resolver = (specifier, module, next) => {
    seen.push([specifier, module.id])
    if (specifier === 'alias') return next('./lib/a')
    if (specifier === 'virtual') return virtual
    return next(specifier)
  }
  Module.resolvers.push(resolver)
  try {
    assert.equal(require('alias').name, 'a')
    assert.equal(require('virtual'), virtual)
    assert.deepEqual(seen[0], ['alias', base])
  } finally {
    Module.resolvers.splice(Module.resolvers.indexOf(resolver), 1)
  }
  assert.equal(require('x', { resolvers: [() => 42] }), 42)
})

test('builtins: Node names bare, Oro\'s own with a scheme, defineBuiltin and options.builtins', () => {
  assert.equal(isBuiltin('module'), true)
  assert.equal(isBuiltin('node:module'), true)
  assert.equal(getBuiltin('module'), Module)
  assert.equal(isBuiltin('commonjs/module'), false, 'Oro\'s own need a scheme')
  assert.equal(isBuiltin('socket:commonjs/module'), true)
  assert.equal(runtimeModules.has('commonjs'), true)
  assert.equal(builtinModules.includes('module'), true)
  assert.equal(isBuiltin('extra', { builtins: { extra: 1 } }), true)
  defineBuiltin('virtual-builtin', { a: 1, default: 2 })
  defineBuiltin('alias-builtin', 'virtual-builtin')
  try {
    assert.deepEqual(getBuiltin('virtual-builtin'), { a: 1 })
    assert.equal(getBuiltin('alias-builtin'), getBuiltin('virtual-builtin'))
    assert.equal(createRequire(base)('virtual-builtin').a, 1)
  } finally {
    delete builtins['virtual-builtin']
    delete builtins['alias-builtin']
  }
  assert.throws(() => getBuiltin('nope'), { code: 'MODULE_NOT_FOUND' })
  assert.equal(commonjs.default.Module, Module)
})

test('the module scope is Node\'s, with process, global, Buffer and setImmediate around it', () => {
  const run = Module.compile('#!/usr/bin/env node\nconst process = 1\nmodule.exports = [this === exports, typeof global, process]', { url: 'x.js' })
  const module = { exports: {} }
  run.call(module.exports, module.exports, null, module, 'x.js', '.')
  assert.deepEqual(module.exports, [true, 'object', 1])
  assert.equal(Module.wrap('x'), '(function (exports, require, module, __filename, __dirname) { x\n});')
  assert.deepEqual(Module._nodeModulePaths('http://h/a/node_modules/b'), ['http://h/a/node_modules/b/node_modules', 'http://h/a/node_modules', 'http://h/node_modules'])
})

test('the page globals are for documents only', async () => {
  assert.equal(await install({}), false)
})
