#!/usr/bin/env node
// How much of Oro's declared JS surface a tree of this project declares: for each module of
// tests/browser/oro_exports.json (Oro's value exports per specifier), the names this tree's
// declaration file for the same specifier exports too. The browser surface test proves a module's
// `.d.ts` names exist in a page, so a declared name here is a served one.
//
//   node scripts/oro-coverage.mjs [ROOT] [--json]   # ROOT: a checkout (default: this one)
// Prints a Markdown table (module | matched / total | not matched), or JSON with --json.
// The declaration of `oro:<x>` is the `.d.ts` whose header says `@module oro:<x>`, under js-api/
// or plugins/*/src/*/js/. Needs nothing but Node, so it also measures an older checkout.

import { readFile, readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { declaredValues } from './exports.mjs'

const here = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const SKIPPED = new Set(['node_modules', 'vendor', 'tests', 'scripts', '_template'])
const GENERATED = new Set(['index.d.ts', 'node-aliases.d.ts'])

/**
 * @param {string} dir
 * @returns {AsyncGenerator<string>}
 */
async function * declarationFiles (dir) {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && !SKIPPED.has(entry.name)) yield * declarationFiles(path)
    else if (entry.name.endsWith('.d.ts') && !GENERATED.has(entry.name)) yield path
  }
}

/**
 * Each specifier's exported names in the checkout at `root`.
 * @param {string} root
 * @returns {Promise<Map<string, Set<string>>>}
 */
export async function declaredModules (root) {
  const modules = new Map()
  const plugins = await readdir(join(root, 'plugins')).catch(() => [])
  const dirs = [join(root, 'js-api'), ...plugins.filter((name) => !SKIPPED.has(name)).map((name) => join(root, 'plugins', name, 'src'))]
  for (const dir of dirs) {
    for await (const file of declarationFiles(dir)) {
      const text = await readFile(file, 'utf8')
      const specifier = text.split('*/', 1)[0].match(/@module\s+(oro:[\w/-]+)/)?.[1]
      if (specifier) modules.set(specifier, declaredValues(text))
    }
  }
  return modules
}

/**
 * @param {string} root
 * @param {{ modules: Record<string, string[]> }} oro
 */
export async function coverage (root, oro) {
  const ours = await declaredModules(root)
  return Object.entries(oro.modules).map(([specifier, names]) => {
    const declared = ours.get(specifier) ?? new Set()
    const missing = names.filter((name) => !declared.has(name))
    return { specifier, matched: names.length - missing.length, total: names.length, missing }
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  const root = args.find((arg) => !arg.startsWith('--')) ?? here
  const oro = JSON.parse(await readFile(join(here, 'tests', 'browser', 'oro_exports.json'), 'utf8'))
  const rows = await coverage(root, oro)
  if (args.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2))
  } else {
    const sum = (/** @type {'matched' | 'total'} */ key) => rows.reduce((total, row) => total + row[key], 0)
    console.log('| module | matched / total | not matched |\n|---|---|---|')
    for (const row of rows) console.log(`| \`${row.specifier}\` | ${row.matched} / ${row.total} | ${row.missing.join(', ') || '—'} |`)
    console.log(`| all | ${sum('matched')} / ${sum('total')} | |`)
  }
}
