/**
 * Internal to `oro:ipc` (which re-exports `primordials`): Oro's `ipc.primordials`, the facts
 * about the runtime a page gets at load without a round trip.
 */

/**
 * The facts Oro's `primordials` hold, handed to the page at load (no round trip): exactly
 * `arch`, `cwd`, `platform`, `version` (`{full, short, hash}`) and `host-operating-system`.
 * Without permission `runtime` only `arch` and `platform` are known.
 * @returns {Record<string, any>}
 */
/** @type {Record<string, string>} */
const NODE_ARCHITECTURES = { x86_64: 'x64', aarch64: 'arm64', i386: 'ia32', i686: 'ia32', armv7l: 'arm' }

function loadPrimordials () {
  const args = /** @type {any} */ (globalThis).__args
  const handed = args?.process?.primordials
  if (handed && typeof handed === 'object') return structuredClone(handed)
  /** @type {Record<string, any>} */
  const known = {}
  // Under Node's names, as the host's primordials give them (x64, not x86_64).
  if (typeof args?.os?.arch === 'string') known.arch = NODE_ARCHITECTURES[args.os.arch] ?? args.os.arch
  if (typeof args?.os?.platform === 'string') known.platform = args.os.platform
  return known
}

/**
 * Oro's `ipc.primordials`, frozen: `arch`, `cwd`, `platform`, `version` and
 * `host-operating-system`, as the host's route `platform.primordials` reports them.
 * @type {Readonly<Record<string, any>>}
 */
export const primordials = Object.freeze(loadPrimordials())
