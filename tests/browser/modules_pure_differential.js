// The differential script of test_modules_pure.py: a function body run under `node` with Node's
// modules and in a page with the host's node: modules (util, assert, url, querystring,
// string_decoder, path, crypto, stream, streamPromises, consoleModule, bufferModule in scope).
// It returns JSON; only behaviour both Node 20 and oro:'s modules share (docs/js-api.md lists
// the differences).
const { Buffer } = bufferModule
// withMessage false: the assert package words this message as an older Node did.
const failure = (fn, withMessage = true) => {
  try { fn() } catch (e) {
    return { name: e.name, code: e.code ?? null, operator: e.operator ?? null,
             generated: e.generatedMessage ?? null, message: withMessage ? e.message : null }
  }
  return 'no error'
}
const values = [1, -0, 12345678901234567890n, NaN, 'text', "it's", null, undefined, Symbol('s'),
  [1, [2, [3, [4]]]], { a: 1, b: { c: { d: { e: 1 } } } }, new Map([[1, { x: 2 }]]),
  new Set(['a']), new Date(0), /re/g, new Uint8Array([1, 2]), function named () {},
  class K {}, Object.create(null), { 'needs quote': 1 }, 'x'.repeat(150),
  Array.from({ length: 120 }, (_, i) => i), [undefined, , 3], new Error('boom').message,
  { get g () { return 1 } }, new WeakMap(), Promise.resolve, Math, new Float64Array([1.5, -0])]
const util_ = {
  inspect: values.map((v) => util.inspect(v)),
  inspectOptions: values.map((v) => util.inspect(v, { depth: 0, compact: false, breakLength: 30,
                                                      sorted: true, maxArrayLength: 5 })),
  colors: util.inspect({ a: [1, 'x', null] }, { colors: true }),
  format: [
    util.format('%s|%d|%i|%f|%j|%o|%O|%%', 'a', 42.5, 42.5, '1.5', { j: [1] }, { o: 1 }, { O: 2 }),
    util.format('%s', { toString () { return 'custom' } }, 'extra', 7),
    util.format(1, 'two', { three: 3 }), util.format('%c%s', 'css', 'x'), util.format('%d', 10n),
    util.formatWithOptions({ compact: false }, '%O', { a: { b: 1 } }),
  ],
  deep: [util.isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }),
         util.isDeepStrictEqual([1], ['1']), util.isDeepStrictEqual(new Set([1]), new Set([1]))],
  types: [util.types.isPromise(Promise.resolve()), util.types.isDate(new Date()),
          util.types.isRegExp(/x/), util.types.isUint8Array(new Uint8Array())],
  promisified: await util.promisify((a, cb) => cb(null, a * 2))(21),
  strip: util.stripVTControlCharacters('\u001b[31mred\u001b[39m'),
  parseArgs: JSON.parse(JSON.stringify(util.parseArgs({ args: ['-f', 'a', '--n', 'p'],
    options: { f: { type: 'string', short: 'f' }, n: { type: 'boolean' } }, allowPositionals: true }))),
}
const assert_ = [
  failure(() => assert.strictEqual(1, 2)),
  failure(() => assert.strictEqual('a\nb', 'a\nc'), false),
  failure(() => assert.deepStrictEqual({ a: [1, 2], b: 'x' }, { a: [1, 3], b: 'x' })),
  failure(() => assert.deepEqual({ a: 1 }, { a: 2 }), false),
  failure(() => assert.notStrictEqual(1, 1)),
  failure(() => assert.notDeepStrictEqual({ a: 1 }, { a: 1 })),
  failure(() => assert.equal(1, 2)),
  failure(() => assert.notEqual(1, '1')),
  failure(() => assert.ok(false, 'custom message')),
  failure(() => assert.match('abc', /x/)),
  failure(() => assert.doesNotMatch('abc', /b/)),
  failure(() => assert.fail('boom')),
  failure(() => assert.throws(() => {})),
  failure(() => assert.throws(() => { throw new TypeError('t') }, { message: 'x' })),
  failure(() => assert.doesNotThrow(() => { throw new Error('inner') })),
  failure(() => assert.strict.equal(1, '1')),
  failure(() => assert.ifError(new Error('if'))),
  await assert.rejects(Promise.resolve()).then(() => 'resolved', (e) => [e.name, e.code, e.message]),
  failure(() => assert.ok(true)),
]
const url_ = {
  parse: ['http://u:p@Host.test:8080/p/a/t/h?query=string&a[b]=1&a[b]=2#hash', '//x/y', '/a?b=1',
          'mailto:a@b.test', 'HTTP://EXAMPLE.com/a b', 'https://[::1]:80/x', '?q=1', 'a/b/../c']
    .map((u) => [url.parse(u), url.parse(u, true), url.parse(u, false, true)]),
  format: [url.format({ protocol: 'https', hostname: 'a.test', pathname: '/x', query: { y: [1, 2], z: 'é' } }),
           url.format(url.parse('http://a.test:81/b?c#d')), url.format('http://x.test/a'),
           url.format(new URL('https://u:p@a.test/x?y#z'), { auth: false, fragment: false, search: false })],
  resolve: [['http://a/b/c/d;p?q', '../g'], ['http://a/b/c', '//other/x'], ['/one/two', 'three'],
            ['http://a/b/', '?x'], ['mailto:a@b', 'c']].map(([a, b]) => url.resolve(a, b)),
  files: ['file:///tmp/a%20b/%C3%A9', 'file://localhost/etc/x', 'file:///a/b/'].map((u) => url.fileURLToPath(u)),
  fileErrors: ['file:///a%2Fb', 'https://x/y', 'file://host/x'].map((u) => failure(() => url.fileURLToPath(u))),
  paths: ['/tmp/a b', '/x/?#%\\/', '/é/ü'].map((p) => url.pathToFileURL(p).href),
  domains: [url.domainToASCII('español.com'), url.domainToUnicode('xn--espaol-zwa.com'),
            url.domainToASCII('xn--iñvalid.com')],
}
const query_ = {
  parse: ['a=1&a=2&b=x+y', 'a=1&&b=2', '%zz=%E0%A4%A', 'k', '=v', 'a=%F0%9F%98%80', '', 'a[b]=1']
    .map((q) => ({ ...querystring.parse(q) })),
  custom: { ...querystring.parse('a:1;b:2;a:3', ';', ':') },
  limited: { ...querystring.parse('a=1&b=2&c=3', null, null, { maxKeys: 2 }) },
  stringify: [querystring.stringify({ a: [1, 'b'], c: true, d: null, e: 10n, 'é &': 'ø=', f: NaN }),
              querystring.stringify({ x: 'y z' }, ';', ':'), querystring.stringify('scalar')],
  escape: [querystring.escape('a b/é?&'), querystring.unescape('a%20b%2F%C3%A9+'),
           querystring.unescape('a+b', true)],
}
const decoded = (encoding, bytes, step) => {
  const decoder = new string_decoder.StringDecoder(encoding)
  let out = []
  for (let i = 0; i < bytes.length; i += step) out.push(decoder.write(bytes.subarray(i, i + step)))
  out.push(decoder.end())
  return out
}
const text = 'a€😀é\u0800'
const decoder_ = {
  utf8: [1, 2, 3].map((step) => decoded('utf8', Buffer.from(text), step)),
  utf16le: [1, 3].map((step) => decoded('utf16le', Buffer.from(text, 'utf16le'), step)),
  base64: [1, 2, 4].map((step) => decoded('base64', Buffer.from(text), step)),
  hex: decoded('hex', Buffer.from(text), 1),
  truncated: decoded('utf8', Buffer.from([0xe2, 0x82]), 1),
}
const w = path.win32
const win32_ = {
  join: [['C:\\a', '..', 'b/c'], ['\\\\server\\share', 'x'], ['a', '', 'b\\..\\c']].map((a) => w.join(...a)),
  resolve: [['C:\\x', 'y', '..\\z'], ['C:\\a', 'D:\\b', 'c'], ['\\\\srv\\sh\\a', '..\\..\\b']].map((a) => w.resolve(...a)),
  parse: ['C:\\a\\b.txt', '\\\\server\\share\\f', 'rel\\x.y.z', 'C:'].map((p) => w.parse(p)),
  relative: [['C:\\a\\b', 'C:\\a\\c\\d'], ['C:\\a', 'D:\\a'], ['C:\\A\\b', 'c:\\a\\B\\c']].map((a) => w.relative(...a)),
  misc: [w.normalize('C:/a//b\\..\\c'), w.isAbsolute('C:'), w.isAbsolute('\\x'),
         w.toNamespacedPath('C:\\a'), w.basename('C:\\a\\b.txt', '.txt'), w.extname('x.tar.gz'),
         w.dirname('C:\\a\\b'), w.format({ root: 'C:\\', name: 'f', ext: '.e' }), w.sep, w.delimiter,
         path.win32.posix === path.posix],
}
const crypto_ = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'].map((algorithm) =>
  ['', 'abc', 'é'.repeat(100), Buffer.from([0, 255, 1])].map((data) => [
    crypto.createHash(algorithm).update(data).digest('hex'),
    crypto.createHash(algorithm).update(data).update('more').digest('base64'),
    crypto.createHmac(algorithm, 'key').update(data).digest('hex'),
    crypto.createHmac(algorithm, Buffer.from('k'.repeat(200))).update(data).digest('base64'),
  ]))
const chunks = []
await streamPromises.pipeline(
  stream.Readable.from(['a', 'b', 'c']),
  new stream.Transform({ transform (chunk, _e, cb) { cb(null, String(chunk).toUpperCase()) } }),
  new stream.Writable({ write (chunk, _e, cb) { chunks.push(String(chunk)); cb() } }))
const broken = await streamPromises.pipeline(
  stream.Readable.from(['a']),
  new stream.Transform({ transform (_c, _e, cb) { cb(new Error('bad chunk')) } }),
  new stream.Writable({ write (_c, _e, cb) { cb() } })).then(() => 'no error', (e) => e.message)
const lines = []
const sink = new stream.Writable({ write (chunk, _e, cb) { lines.push(String(chunk)); cb() } })
const out = new consoleModule.Console({ stdout: sink, stderr: sink })
out.log('%s=%d %o', 'x', 1, { a: [1] }); out.group('G'); out.info('in\nside'); out.count()
out.count(); out.groupEnd(); out.warn({ b: 'c' }); out.assert(false, 'nope %d', 3); out.assert(0)
out.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 }); out.error(new Map([[1, 2]]))
return { util_, assert_, url_, query_, decoder_, win32_, crypto_,
         streams: { chunks, broken }, console: lines }
