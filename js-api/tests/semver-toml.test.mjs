// oro:semver and oro:toml under Node: the same files a page imports (they use only browser APIs).
// oro:semver against the npm semver package it bundles, oro:toml against Oro's own suite
// (oro-computer/runtime test/src/toml.js at afba937) where TOML 1.0 agrees with it, and the
// limits that keep a hostile document from hanging a page.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import npmSemver from 'semver'

import semver, * as semverModule from '../semver.js'
import toml, { parse, stringify, TomlLocalDate, TomlLocalTime, TomlLocalDateTime } from '../toml.js'

test('oro:semver has every export of the npm package, under the same names', () => {
  for (const name of Object.keys(npmSemver)) {
    assert.equal(typeof semverModule[name], typeof npmSemver[name], name)
    assert.equal(typeof semver[name], typeof npmSemver[name], `default.${name}`)
  }
})

test('oro:semver answers as the npm package on versions, ranges and bad input', () => {
  const versions = ['1.2.3', 'v1.2.3', '=1.2.3', ' 1.2.3 ', '1.2.3-alpha.1+build.5', '1.2', 'x', '', '01.2.3', '1.2.3-01']
  const ranges = ['^1.0.0', '~1.2', '1.x || >=3.0.0', '1.2.3 - 2.3.4', '*', '>1.2.3-alpha <2', 'junk']
  const answer = (module) => versions.map((version) => ({
    valid: module.valid(version),
    clean: module.clean(version),
    coerce: module.coerce(version)?.version ?? null,
    inc: module.inc(version, 'prerelease', 'beta'),
    satisfies: ranges.map((range) => module.satisfies(version, range)),
    major: (() => { try { return module.major(version) } catch (error) { return `${error.name}: ${error.message}` } })()
  }))
  assert.deepEqual(answer(semverModule), answer(npmSemver))
  assert.throws(() => semver.compare('x', '1.0.0'), { name: 'TypeError', message: 'Invalid Version: x' })
  assert.throws(() => new semver.Range('>=x.y'), TypeError)
  assert.equal(semver.validRange('^1.2.3'), '>=1.2.3 <2.0.0-0')
})

test('toml.parse reads scalars, strings and numbers as Oro\'s suite expects', () => {
  const cfg = parse('title = "Example"\nenabled = true\ncount = 42\nratio = 3.1415\n' +
    'basic = "Line 1\\nLine 2"\nliteral = \'C:\\\\Path\'\nmultiline = """\nRoses\\\n  Violets"""\n' +
    'hex = 0xDEADBEEF\noct = 0o755\nbin = 0b1111_0000\nnan = nan\ninf = +inf\n')
  assert.equal(Object.getPrototypeOf(cfg), Object.prototype)
  assert.deepEqual({ ...cfg, nan: 'nan' }, {
    title: 'Example', enabled: true, count: 42, ratio: 3.1415, basic: 'Line 1\nLine 2',
    literal: 'C:\\\\Path', multiline: 'RosesViolets', hex: 0xdeadbeef, oct: 0o755, bin: 0b11110000,
    nan: 'nan', inf: Infinity
  })
  assert.ok(Number.isNaN(cfg.nan))
})

test('toml.parse keeps every 64-bit integer exact and refuses the others', () => {
  assert.equal(parse('v = 9007199254740991').v, 9007199254740991)
  assert.equal(parse('v = 9223372036854775807').v, 9223372036854775807n)
  assert.equal(parse('v = -9223372036854775808').v, -9223372036854775808n)
  for (const text of ['v = 9223372036854775808', 'v = -9223372036854775809', 'v = 0x8000000000000000']) {
    assert.throws(() => parse(text), { name: 'SyntaxError', code: 'ERR_TOML_PARSE', message: /out of range/ })
  }
})

test('toml.parse answers Oro\'s date and time types, to the nanosecond', () => {
  const cfg = parse('offset = 1979-05-27T07:32:00Z\nshifted = 1979-05-27 00:32:00.5-07:00\n' +
    'local_dt = 1979-05-27T00:32:00\nlocal_date = 1979-05-27\nlocal_time = 07:32:00.123456789\n')
  assert.equal(cfg.offset.toISOString(), '1979-05-27T07:32:00.000Z')
  assert.equal(cfg.shifted.toISOString(), '1979-05-27T07:32:00.500Z')
  assert.ok(cfg.local_dt instanceof TomlLocalDateTime && cfg.local_dt.date instanceof TomlLocalDate)
  assert.equal(cfg.local_dt.toString(), '1979-05-27T00:32:00')
  assert.ok(cfg.local_date instanceof TomlLocalDate)
  assert.equal(cfg.local_time.nanosecond, 123456789)
  assert.equal(JSON.stringify(cfg.local_time), '"07:32:00.123456789"')
  for (const text of ['ts = 1979-02-31T07:32:00Z', 'ts = 1979-05-27T07:32:00+24:00', 'd = 2001-02-29']) {
    assert.throws(() => parse(text), { name: 'SyntaxError', code: 'ERR_TOML_PARSE' }, text)
  }
})

test('toml.parse follows TOML 1.0 on tables, and reports where a document is wrong', () => {
  const cfg = parse('[servers.alpha]\nip = "10.0.0.1"\n[[products]]\nname = "Hammer"\n[[products]]\nname = "Nail"\n' +
    '[user]\nname.first = "a"\nsettings = { theme = "dark", window = { width = 800 } }\nmixed = [1, "two", [3]]\n')
  assert.deepEqual(cfg, {
    servers: { alpha: { ip: '10.0.0.1' } },
    products: [{ name: 'Hammer' }, { name: 'Nail' }],
    user: { name: { first: 'a' }, settings: { theme: 'dark', window: { width: 800 } }, mixed: [1, 'two', [3]] }
  })
  assert.deepEqual(Object.keys(parse('"__proto__" = 1')), ['__proto__'])
  assert.equal(({}).polluted, undefined)
  for (const text of ['config = { key = 1 }\nconfig.other = 2', '[app]\nname = 1\n[app]\nname = 2',
    'app.window.width = 800\n[app.window]\nheight = 600', 'a = 1\na = 2', 'title = "abc']) {
    assert.throws(() => parse(text), (error) => error instanceof SyntaxError && error.code === 'ERR_TOML_PARSE' &&
      Number.isInteger(error.line) && Number.isInteger(error.column), text)
  }
})

test('toml.parse runs the reviver as Oro does', () => {
  const seen = []
  const cfg = parse('value = 2\n[t]\nx = 1', {
    reviver (key, value) {
      seen.push(key)
      return key === 'value' ? value * 10 : value
    }
  })
  assert.equal(cfg.value, 20)
  assert.deepEqual(seen, ['value', 'x', 't', ''])
})

test('toml.stringify round-trips tables, arrays of tables and Oro\'s temporal values', () => {
  const data = {
    title: 'Example',
    tags: ['alpha', 1],
    database: { server: '192.168.1.1', ports: [8000, 8001] },
    products: [{ name: 'Hammer', sku: 738594937 }, { name: 'Nail', sku: 284758393 }],
    offset: new Date('1979-05-27T07:32:00Z'),
    localDate: new TomlLocalDate(1979, 5, 27),
    localTime: new TomlLocalTime(7, 32, 0, 123000001),
    localDateTime: new TomlLocalDateTime(new TomlLocalDate(1979, 5, 27), new TomlLocalTime(0, 32, 0, 0)),
    big: 2n ** 62n
  }
  const doc = stringify(data)
  assert.match(doc, /\[\[products\]\]\nname = "Hammer"\n/)
  assert.deepEqual(parse(doc), data)
  assert.equal(stringify({ a: null, b: undefined, c: 1 }), 'c = 1\n')
  assert.equal(toml.stringify, stringify)
})

test('toml.stringify refuses what TOML cannot hold, with typed errors', () => {
  const cycle = { a: {} }
  cycle.a.b = cycle
  assert.throws(() => stringify(cycle), { name: 'RangeError', code: 'ERR_TOML_TOO_DEEP' })
  assert.throws(() => stringify({ a: 2n ** 64n }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => stringify([1]), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => stringify({ f () {} }), TypeError)
  assert.throws(() => new TomlLocalDate(2001, 2, 29), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => new TomlLocalTime(1.5, 0, 0, 0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
})

test('a TOML bomb is a RangeError naming the limit, before the work', () => {
  const keys = Array.from({ length: 1e6 }, (_, index) => `k${index} = 1`).join('\n')
  assert.throws(() => parse(keys), { name: 'RangeError', code: 'ERR_TOML_TOO_LARGE', message: /limit of 1048576 \(options\.maxLength\)/ })
  assert.throws(() => parse('[[a]]\n'.repeat(1e6)), { code: 'ERR_TOML_TOO_LARGE' })
  assert.throws(() => parse('a = ' + '['.repeat(1e5)), { name: 'RangeError', code: 'ERR_TOML_TOO_DEEP', message: /deeper than 1000/ })
  assert.throws(() => parse(`${Array(5000).fill('a').join('.')} = 1`), { code: 'ERR_TOML_TOO_DEEP' })
  assert.throws(() => parse(`[${Array(5000).fill('a').join('.')}]`), { code: 'ERR_TOML_TOO_DEEP' })
  assert.throws(() => parse('a = [[1]]', { maxDepth: 1 }), { code: 'ERR_TOML_TOO_DEEP', message: /deeper than 1 / })
  assert.equal(parse('[[a]]\n'.repeat(200000), { maxLength: Infinity }).a.length, 200000)
  assert.throws(() => parse(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => parse('a = 1', { maxDepth: 5000 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => parse('a = 1', { reviver: 1 }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
})
