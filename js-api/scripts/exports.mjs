#!/usr/bin/env node
// The value names a declaration file exports, as tests compare them with a module's real exports.
//
//   node scripts/exports.mjs a.d.ts b.d.ts     # {"a.d.ts": ["default", "x", ...], ...} on stdout
// Needs nothing but Node.

import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

/**
 * Value names a declaration text exports (types and interfaces left out), plus `default`.
 * @param {string} text
 * @returns {Set<string>}
 */
export function declaredValues (text) {
  const names = new Set()
  const body = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
  for (const match of body.matchAll(/^export (?:declare )?(?:const|let|var|function|class|abstract class) (\w+)/gm)) names.add(match[1])
  for (const match of body.matchAll(/^export (type )?\{([^}]*)\}/gm)) {
    if (match[1]) continue
    for (const part of match[2].split(',')) {
      const [local, exported] = part.trim().split(/\s+as\s+/)
      if (local && !local.startsWith('type ')) names.add(exported ?? local)
    }
  }
  if (/^export default /m.test(body)) names.add('default')
  return names
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  /** @type {Record<string, string[]>} */
  const result = {}
  for (const file of process.argv.slice(2)) result[file] = [...declaredValues(await readFile(file, 'utf8'))].sort()
  console.log(JSON.stringify(result))
}
