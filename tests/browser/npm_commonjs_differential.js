// The differential script of test_npm_commonjs.py: a function body run under `node` (where
// `packages` maps each package name to `import * as ns from '<name>'`, Node's own ES-CommonJS
// interop) and in a page (the same with `npm:<name>`, oro's npm loader). It describes each
// package's default export and named exports as JSON, and calls what they export.
const shape = (value, depth = 0) => {
  const type = value === null ? 'null' : typeof value
  if (type !== 'object' && type !== 'function') return { type, value: value ?? null }
  const described = { type }
  if (type === 'function') described.name = value.name
  if (depth < 2) {
    described.keys = Object.keys(value).sort()
      .map((key) => [key, shape(value[key], depth + 1)])
  }
  return described
}
const names = (ns) => Object.keys(ns).filter((key) => key !== 'module.exports').sort()
const result = {}
for (const [name, ns] of Object.entries(packages)) {
  result[name] = { default: shape(ns.default), names: names(ns) }
}
const Chart = packages['umd-chart'].default
const chart = new Chart('canvas', { type: 'bar' })
result.calls = {
  chart: [chart.type, Chart.version, Chart.helpers.clamp(12, 0, 10), chart.moment],
  thisRoot: packages['umd-this'].default.twice(21),
  selfRoot: packages['umd-self'].default.kind,
  greet: packages['cjs-fn'].default('node'),
  named: [packages['cjs-named'].a, packages['cjs-named'].helper(), packages['cjs-named'].data.n],
  emitter: packages['cjs-named'].default.emits(),
  nested: packages['cjs-named'].default.nested
}
return result
