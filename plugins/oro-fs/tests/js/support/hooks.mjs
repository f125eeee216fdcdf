// Node module hooks for the oro-fs unit tests: resolve `oro:*` / `node:fs*` specifiers the way
// the page's import map does (core modules from js-api/, the fs modules from the plugin).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repository = join(here, '..', '..', '..', '..', '..')
const plugin = join(repository, 'plugins', 'oro-fs', 'src', 'oro_fs', 'js')
const core = join(repository, 'js-api')

const FS_MODULES = { 'oro:fs': 'index.js', 'oro:fs/promises': 'promises.js', 'oro:fs/constants': 'constants.js' }
for (const sub of ['dir', 'fds', 'flags', 'handle', 'stats', 'stream', 'watcher', 'web']) FS_MODULES[`oro:fs/${sub}`] = `fs/${sub}.js`

/** @param {string} specifier */
function locate (specifier) {
  if (specifier in FS_MODULES) return join(plugin, FS_MODULES[specifier])
  if (specifier.startsWith('oro:')) {
    const file = join(core, `${specifier.slice(4)}.js`)
    if (existsSync(file)) return file
  }
  return null
}

export async function resolve (specifier, context, nextResolve) {
  const file = locate(specifier)
  if (file) return { url: pathToFileURL(file).href, shortCircuit: true }
  return nextResolve(specifier, context)
}
