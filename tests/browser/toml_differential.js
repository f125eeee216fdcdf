// The differential script of test_modules_semver_toml.py: a function body run under `node` with
// the npm smol-toml package and in a page with oro:toml (`toml` in scope, `input` holding
// `documents` and `write`). Each document's value as JSON alike on both sides (smol-toml's
// TomlDate under Node, Oro's types in the page), tagged by keys no test key can be: integers
// exact ('toml:int' past 2^53), floats a JSON number cannot carry exactly ('toml:float': NaN,
// infinities, integral ones past 2^53, as text), dates and times to the millisecond (smol-toml's
// precision); with `write`, also what `stringify` makes of the value. A document that fails
// answers { error: true } (the words differ).
const ms = (text) => {
  const [hms, fraction = ''] = text.split('.')
  return `${hms}.${(fraction + '000').slice(0, 3)}`
}
const tagged = (v) => {
  if (typeof v === 'bigint') return { 'toml:int': String(v) }
  if (typeof v === 'number') {
    const exact = Number.isFinite(v) && (Number.isSafeInteger(v) || !Number.isInteger(v))
    return exact ? v : { 'toml:float': String(v) }
  }
  if (Array.isArray(v)) return v.map(tagged)
  if (v instanceof Date && typeof v.isLocal === 'function' && v.isLocal()) {
    const iso = v.toISOString()
    if (v.isDate()) return { 'toml:date': iso }
    return v.isTime() ? { 'toml:time': ms(iso) } : { 'toml:local': `${iso.slice(0, 10)}T${ms(iso.slice(11))}` }
  }
  if (v instanceof Date) return { 'toml:offset': Date.prototype.toISOString.call(v) }
  if (v === null || typeof v !== 'object') return v
  const kind = v.constructor?.name
  if (kind === 'TomlLocalDateTime') return { 'toml:local': `${v.date}T${ms(String(v.time))}` }
  if (kind === 'TomlLocalDate') return { 'toml:date': String(v) }
  if (kind === 'TomlLocalTime') return { 'toml:time': ms(String(v)) }
  return Object.fromEntries(Object.entries(v).map(([key, value]) => [key, tagged(value)]))
}
return input.documents.map((text) => {
  let value
  try { value = toml.parse(text) } catch (e) { return { error: e instanceof Error } }
  return { parsed: tagged(value), written: input.write ? toml.stringify(value) : null }
})
