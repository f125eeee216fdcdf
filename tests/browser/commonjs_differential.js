// The differential script of test_commonjs.py: a function body run under `node` (Node's own
// `createRequire`) and in a page (oro:module's), over the same CommonJS fixture tree. `input.base`
// is the URL of the tree's entry.js, `input.root` the prefix its files' names start with (a path
// under Node, a URL in the page); names are compared without it. It returns JSON.
const require = createRequire(input.base)
const rel = (name) => (typeof name === 'string' && name.startsWith(input.root) ? name.slice(input.root.length) : name)
const failure = (fn) => {
  try {
    fn()
  } catch (error) {
    return {
      code: error.code ?? null,
      message: String(error.message).split('\n')[0].replaceAll(input.root, '<root>/'),
      stack: Array.isArray(error.requireStack) ? error.requireStack.map(rel) : null
    }
  }
  return 'no error'
}

const relative = {
  file: require('./lib/a'),
  withExtension: require('./lib/a.js') === require('./lib/a'),
  directory: require('./lib'),
  directorySlash: require('./lib/'),
  json: require('./data'),
  jsonExtension: require('./data.json') === require('./data'),
  climbing: require('../cjs/lib/a') === require('./lib/a'),
  dot: require('./sub/dot'),
  directoryMain: require('./dirmain'),
  // A directory named by a relative path: "exports" play no part.
  directoryExports: require('./direxports'),
  shebang: require('./shebang'),
  // A module may declare the names its scope has (Node's are globals there).
  redeclare: require('./redeclare'),
  unknownExtension: require('./lib/plain.cjs')
}

const counted = require('./counter')
const countedAgain = require('./counter')
const counterPath = require.resolve('./counter')
delete require.cache[counterPath]
const reloaded = require('./counter')
const caching = {
  same: counted === countedAgain,
  first: counted.n,
  reloadedIsNew: reloaded !== counted,
  reloaded: reloaded.n,
  cachedAgain: require.cache[counterPath].exports === reloaded
}

const cycle = require('./cycle-a')
const scope = require('./scope')

const packages = {
  plain: require('plain'),
  main: require('withmain'),
  deep: require('withmain/lib/other'),
  scoped: require('@scope/pkg'),
  nested: require('outer'),
  shadowed: require('inner'),
  jsonMain: require('jsonpkg'),
  exports: require('exp'),
  exportsSubpath: require('exp/feature'),
  exportsPattern: require('exp/sub/x'),
  exportsPatternTrailer: require('exp/feat/z.js'),
  exportsArray: require('exp/arr'),
  exportsManifest: require('exp/package.json').name,
  exportsSugar: require('expsugar'),
  imports: require('#internal'),
  importsBare: require('#dep'),
  importsPattern: require('#pattern/x'),
  importsConditions: require('#cond')
}

const errors = {
  missingFile: failure(() => require('./missing')),
  missingPackage: failure(() => require('no-such-package')),
  notExported: failure(() => require('exp/lib/feature.js')),
  excludedPattern: failure(() => require('exp/sub/hidden/y')),
  noRequireCondition: failure(() => require('esm-only')),
  missingImport: failure(() => require('#missing')),
  throws: failure(() => require('./throws')),
  throwsAgain: failure(() => require('./throws')),
  throwsNotCached: Object.keys(require.cache).some((key) => key.endsWith('throws.js')),
  nested: failure(() => require('./requires-missing')),
  emptyId: failure(() => require(''))
}

const resolved = {
  file: rel(require.resolve('./lib/a')),
  directory: rel(require.resolve('./lib')),
  json: rel(require.resolve('./data')),
  package: rel(require.resolve('withmain')),
  exported: rel(require.resolve('exp/feature')),
  nested: rel(require.resolve('inner', { paths: [input.root + 'node_modules/outer'] })),
  builtin: require.resolve('fs'),
  nodeBuiltin: require.resolve('node:fs'),
  builtinPaths: require.resolve.paths('fs'),
  firstPath: rel(require.resolve.paths('plain')[0])
}

const NAMES = ['assert', 'assert/strict', 'async_hooks', 'buffer', 'child_process', 'console',
  'constants', 'crypto', 'dgram', 'dns', 'dns/promises', 'events', 'fs', 'fs/promises', 'http',
  'https', 'module', 'net', 'os', 'path', 'path/posix', 'path/win32', 'perf_hooks', 'process',
  'querystring', 'stream', 'stream/promises', 'stream/web', 'string_decoder', 'sys', 'timers',
  'timers/promises', 'tls', 'url', 'util', 'util/types', 'vm', 'zlib']
const MEMBERS = {
  buffer: 'Buffer', events: 'EventEmitter', fs: 'readFile', 'fs/promises': 'readFile',
  path: 'join', stream: 'Readable', util: 'format', os: 'platform', url: 'URL', zlib: 'gzipSync',
  crypto: 'createHash', dns: 'lookup', timers: 'setImmediate', module: 'createRequire',
  'stream/promises': 'pipeline', 'util/types': 'isDate', 'assert/strict': 'deepEqual'
}
const Module = require('module')
const builtins = {
  types: Object.fromEntries(NAMES.map((name) => [name, typeof require(name)])),
  members: Object.fromEntries(Object.entries(MEMBERS).map(([name, member]) => [name, typeof require(name)[member]])),
  nodeScheme: NAMES.every((name) => require(`node:${name}`) === require(name)),
  subpaths: [require('fs/promises') === require('fs').promises, require('path/posix') === require('path').posix,
    require('util/types') === require('util').types, require('stream/promises') === require('stream').promises],
  isBuiltin: ['fs', 'node:fs', 'fs/promises', 'node:test', 'no-such-module', 'node:no-such-module', './fs']
    .map((name) => Module.isBuiltin(name)),
  listed: ['fs', 'path', 'events', 'zlib'].map((name) => Module.builtinModules.includes(name)),
  wrap: Module.wrap('body'),
  unknownNodeScheme: failure(() => require('node:no-such-module')),
  sameModule: Module === require('node:module') && typeof Module.createRequire === 'function'
}

return { relative, caching, cycle, scope, packages, errors, resolved, builtins }
