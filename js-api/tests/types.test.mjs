// TypeScript declarations: index.d.ts is generated from the per-module files and up to date,
// every module's declared exports are its real exports, and the declarations plus the JSDoc of
// the modules type-check with tsc (from js-api/node_modules: `npm ci` in js-api installs it).
// Also: vendor/ is what scripts/vendor.mjs generates from the pinned packages.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { access, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { MODULES, generate } from '../scripts/types.mjs'
import { declaredValues } from '../scripts/exports.mjs'

const run = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

async function requireDevDependency (path) {
  try {
    await access(join(root, 'node_modules', path))
  } catch {
    assert.fail(`js-api/node_modules/${path} is missing: run \`npm ci\` in js-api/ (the pytest wrapper tests/test_js_unit.py does it)`)
  }
}

test('index.d.ts and node-aliases.d.ts are up to date (node js-api/scripts/types.mjs)', async () => {
  for (const [name, text] of Object.entries(await generate())) {
    assert.equal(await readFile(join(root, name), 'utf8'), text, `${name} is stale: run node js-api/scripts/types.mjs`)
  }
})

for (const name of MODULES) {
  test(`${name}.d.ts declares exactly the exports of ${name}.js`, async () => {
    const declared = declaredValues(await readFile(join(root, `${name}.d.ts`), 'utf8'))
    const actual = new Set(Object.keys(await import(pathToFileURL(join(root, `${name}.js`)).href)))
    assert.deepEqual([...declared].sort(), [...actual].sort())
  })
}

test('the declarations type-check against page code (tsc, strict)', { timeout: 120000 }, async () => {
  await requireDevDependency('typescript/bin/tsc')
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = await run(process.execPath, [tsc, '-p', join(root, 'tests', 'types', 'tsconfig.json')]).catch((error) => error)
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`)
})

test('the modules type-check as JavaScript with their JSDoc (tsc --checkJs, strict)', { timeout: 120000 }, async () => {
  await requireDevDependency('typescript/bin/tsc')
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = await run(process.execPath, [tsc, '-p', join(root, 'tests', 'types', 'tsconfig.js.json')]).catch((error) => error)
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`)
})

test('vendor/ is what scripts/vendor.mjs generates from the pinned packages', { timeout: 120000 }, async () => {
  await requireDevDependency('esbuild/package.json')
  const result = await run(process.execPath, [join(root, 'scripts', 'vendor.mjs'), '--check']).catch((error) => error)
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`)
})
