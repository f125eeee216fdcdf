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
/** Node's names for the architectures the host reports. */
const ARCHITECTURES = Object.freeze(/** @type {Record<string, string>} */ ({
  x86_64: 'x64',
  amd64: 'x64',
  x64: 'x64',
  aarch64: 'arm64',
  arm64: 'arm64',
  i386: 'ia32',
  i686: 'ia32',
  x86: 'ia32',
  armv7l: 'arm',
  armv6l: 'arm'
}))

/**
 * An architecture the host reports (`x86_64`) under Node's name (`x64`), as `os.arch()`,
 * `process.arch` and the primordials give it.
 * @param {string} reported
 * @returns {string}
 */
export function nodeArchitecture (reported) {
  return ARCHITECTURES[reported.toLowerCase()] ?? reported
}

function loadPrimordials () {
  const args = /** @type {any} */ (globalThis).__args
  const handed = args?.process?.primordials
  if (handed && typeof handed === 'object') return structuredClone(handed)
  /** @type {Record<string, any>} */
  const known = {}
  // Under Node's names, as the host's primordials give them (x64, not x86_64).
  if (typeof args?.os?.arch === 'string') known.arch = nodeArchitecture(args.os.arch)
  if (typeof args?.os?.platform === 'string') known.platform = args.os.platform
  return known
}

/**
 * Oro's `ipc.primordials`, frozen: `arch`, `cwd`, `platform`, `version` and
 * `host-operating-system`, as the host's route `platform.primordials` reports them.
 * @type {Readonly<Record<string, any>>}
 */
export const primordials = Object.freeze(loadPrimordials())
