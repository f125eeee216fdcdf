/**
 * `oro:os` (also `node:os`) — Node's `os` module. What does not change while the app runs
 * (platform, arch, uname, host name, CPUs, paths, constants) the host hands the page at load,
 * so those functions answer at once, as Node's do; live values (`uptime`, `freemem`/
 * `availableMemory`, `totalmem`, `loadavg`, `networkInterfaces`, `userInfo`) ask the host with a
 * synchronous call (`sendSync`) and return values, as Node's do. `EOL` and `hrtime` are the
 * page's own; `getConstants` is the one promise left.
 *
 * ```js
 * import os from 'node:os'
 * import path from 'node:path'
 * const scratch = path.join(os.tmpdir(), 'scratch')   // a string, as in Node
 * console.log(os.platform(), os.arch(), os.cpus().length, os.uptime())
 * ```
 *
 * Facts come from `__args.os` (`platform` and `arch` always; the rest while permission
 * `device_info` is allowed, else reading them throws `NotAllowedError`). Routes:
 * `os.networkInterfaces`, `os.uptime`, `os.availableMemory`, `os.totalMemory`, `os.loadavg`,
 * `os.userInfo`, `os.rusage`, `os.constants` (permission `device_info`: refused, the live functions throw
 * `NotAllowedError`); `os.uname`, `os.cpus`, `os.paths` answer the same facts over IPC.
 * @module oro:os
 */

import { request, sendSync } from './ipc.js'
import { NotAllowedError } from './errors.js'
import { nodeArchitecture } from './internal/primordials.js'

/**
 * @typedef {object} CpuInfo
 * @property {string} model
 * @property {number} speed MHz
 * @property {{ user: number, nice: number, sys: number, idle: number, irq: number }} times ms
 */

/**
 * @typedef {object} NetworkInterfaceInfo
 * @property {string} address
 * @property {string | null} netmask
 * @property {boolean} internal
 * @property {'IPv4' | 'IPv6'} family
 * @property {string | null} cidr
 * @property {string} mac
 * @property {number} [scopeid] (not enumerated)
 */

/**
 * The platform as far as the page can tell without IPC (`__args.platform` if the preload gives
 * it, else the user agent): used for `EOL` only.
 * @returns {string}
 */
function guessPlatform () {
  const args = /** @type {any} */ (globalThis).__args
  if (typeof args?.os?.platform === 'string') return args.os.platform
  if (typeof args?.platform === 'string') return args.platform
  const navigator = /** @type {any} */ (globalThis).navigator
  const hint = String(navigator?.userAgentData?.platform ?? navigator?.platform ?? '')
  if (/^win/i.test(hint)) return 'win32'
  if (/mac/i.test(hint)) return 'darwin'
  return 'linux'
}

/** End-of-line marker of the host platform: `\r\n` on Windows, `\n` elsewhere. */
export const EOL = guessPlatform() === 'win32' ? '\r\n' : '\n'

/** @type {Map<string, Promise<any>>} */
const cache = new Map()

/**
 * A route's result, asked once and remembered (for facts that do not change while the app runs).
 * A failed call is not remembered.
 * @param {string} route
 */
function cached (route) {
  let pending = cache.get(route)
  if (!pending) {
    pending = request(route)
    cache.set(route, pending)
    pending.catch(() => cache.delete(route))
  }
  return pending
}

/**
 * The facts the host handed this page at load (`__args.os`): `platform` and `arch` always, the
 * rest while permission `device_info` is allowed.
 * @returns {Record<string, any>}
 */
function facts () {
  return /** @type {any} */ (globalThis).__args?.os ?? {}
}

/**
 * One of the facts of `facts()`.
 * @param {string} name
 */
function fact (name) {
  const value = facts()[name]
  if (value === undefined) {
    throw new NotAllowedError(`oro:os has no ${name}: the page was not served by the host, ` +
      'or permission device_info is off', { code: 'ERR_ORO_OS_FACT_UNAVAILABLE' })
  }
  return value
}

/**
 * `linux`, `darwin`, `win32`... (Node's `process.platform` values).
 * @returns {string}
 */
export function platform () {
  return facts().platform ?? guessPlatform()
}

/**
 * `x64`, `arm64`, `ia32`, `arm`... (Node's names).
 * @returns {string}
 */
export function arch () {
  return nodeArchitecture(String(fact('arch')))
}

/**
 * @typedef {object} Uname
 * @property {string} sysname
 * @property {string} nodename
 * @property {string} release
 * @property {string} version
 * @property {string} machine
 */

/**
 * The system's uname: `{sysname, nodename, release, version, machine}`.
 * @returns {Uname}
 */
export function uname () {
  return { ...fact('uname') }
}

/**
 * `Linux`, `Darwin`, `Windows_NT` (Node's `os.type()`).
 * @returns {string}
 */
export function type () {
  const sysname = uname().sysname
  return sysname === 'Windows' ? 'Windows_NT' : sysname
}

/** The OS release (`6.1.0-18-amd64`). @returns {string} */
export function release () {
  return uname().release
}

/** The OS version string. @returns {string} */
export function version () {
  return uname().version
}

/** The machine type (`x86_64`, `arm64`). @returns {string} */
export function machine () {
  return uname().machine
}

/** The host name. @returns {string} */
export function hostname () {
  return uname().nodename
}

/** True on Windows. @returns {boolean} */
export function isWindows () {
  return platform() === 'win32'
}

/**
 * Oro's name of the host operating system: `linux`, `macosx`, `win32`, `iphoneos`,
 * `android`, or `unix` for another Unix (FreeBSD, OpenBSD...).
 * @returns {'linux' | 'macosx' | 'win32' | 'iphoneos' | 'android' | 'unix' | 'unknown'}
 */
export function host () {
  const name = platform()
  if (name === 'linux' || name === 'win32' || name === 'android') return name
  if (name === 'darwin') return 'macosx'
  if (name === 'ios') return 'iphoneos'
  if (/bsd|sunos|aix|cygwin/.test(name)) return 'unix'
  return 'unknown'
}

/** `LE` or `BE`, the host CPU's byte order. @returns {string} */
export function endianness () {
  return fact('endianness')
}

/**
 * One entry per logical CPU, like Node's `os.cpus()` (the times as of the page's load).
 * @returns {CpuInfo[]}
 */
export function cpus () {
  return structuredClone(fact('cpus'))
}

/**
 * A live value, asked synchronously; the host's error is thrown as Node's functions throw.
 * @param {string} route
 * @returns {any}
 */
function live (route) {
  const { err, data } = sendSync(route)
  if (err) throw err
  return data
}

/**
 * Network interfaces that are up, by name, with Node's values (`os.networkInterfaces()`) under
 * Oro's keys, in its order: `address`, `netmask`, `internal`, `family`, `cidr`, `mac`
 * (api/os.js:137-144, which its test/src/os.js:76 checks). An IPv6 address's `scopeid`, which
 * Oro leaves out and Node gives, is there too but not enumerated.
 * @returns {Record<string, NetworkInterfaceInfo[]>}
 */
export function networkInterfaces () {
  /** @type {Record<string, NetworkInterfaceInfo[]>} */
  const interfaces = live('os.networkInterfaces')
  /** @type {Record<string, NetworkInterfaceInfo[]>} */
  const shaped = {}
  for (const [name, addresses] of Object.entries(interfaces)) {
    shaped[name] = addresses.map(({ address, netmask, internal, family, cidr, mac, scopeid }) => {
      const entry = { address, netmask, internal, family, cidr, mac }
      if (scopeid !== undefined) {
        Object.defineProperty(entry, 'scopeid', { value: scopeid, enumerable: false, writable: true, configurable: true })
      }
      return entry
    })
  }
  return shaped
}

/**
 * Seconds since the system booted.
 * @returns {number}
 */
export function uptime () {
  return live('os.uptime')
}

/**
 * Bytes of memory available without swapping, as a bigint as Oro answers it (Node 22's
 * `os.availableMemory()` answers a number: `freemem()` does).
 * @returns {bigint}
 */
export function availableMemory () {
  return BigInt(freemem())
}

/**
 * @typedef {object} ResourceUsage
 * @property {number} ru_maxrss peak resident set size, KiB
 * @property {number} ru_utime user CPU time, seconds
 * @property {number} ru_stime system CPU time, seconds
 * @property {number} ru_minflt page faults served without I/O
 * @property {number} ru_majflt page faults that needed I/O
 * @property {number} ru_inblock block input operations
 * @property {number} ru_oublock block output operations
 * @property {number} ru_nvcsw voluntary context switches
 * @property {number} ru_nivcsw involuntary context switches
 */

/**
 * The host process's resource usage (Oro's `os.rusage()`, `getrusage(2)`'s fields).
 * @returns {ResourceUsage}
 */
export function rusage () {
  return live('os.rusage')
}

/**
 * Bytes of memory available without swapping (Node's `os.freemem()`).
 * @returns {number}
 */
export function freemem () {
  return live('os.availableMemory')
}

/**
 * Bytes of memory in total.
 * @returns {number}
 */
export function totalmem () {
  return live('os.totalMemory')
}

/**
 * The 1, 5 and 15 minute load averages (`[0, 0, 0]` on Windows, as in Node).
 * @returns {number[]}
 */
export function loadavg () {
  return live('os.loadavg')
}

/**
 * @typedef {object} UserInfo
 * @property {number} uid -1 on Windows
 * @property {number} gid -1 on Windows
 * @property {string} username
 * @property {string} homedir
 * @property {string | null} shell null on Windows
 */

/**
 * The user the host runs as, like Node's `os.userInfo()` (`encoding: 'buffer'` is not supported).
 * @param {{ encoding?: string }} [options]
 * @returns {UserInfo}
 */
export function userInfo (options = undefined) {
  if (options?.encoding === 'buffer') {
    throw Object.assign(new TypeError("oro:os userInfo() does not support encoding 'buffer'"), { code: 'ERR_INVALID_ARG_VALUE' })
  }
  return live('os.userInfo')
}

/**
 * How many threads can run at once (Node's `os.availableParallelism()`): the CPU count.
 * @returns {number}
 */
export function availableParallelism () {
  const count = /** @type {any} */ (globalThis).__args?.os?.cpus?.length ??
    /** @type {any} */ (globalThis).navigator?.hardwareConcurrency
  return typeof count === 'number' && count > 0 ? count : 1
}

/** The null device: `\\.\nul` on Windows, `/dev/null` elsewhere. */
export const devNull = guessPlatform() === 'win32' ? '\\\\.\\nul' : '/dev/null'

/**
 * @typedef {object} Paths
 * @property {string} resources the app's resources (read-only)
 * @property {string} data the app's data directory
 * @property {string} cache the app's cache directory
 * @property {string} temp the app's temporary directory
 * @property {string} home
 * @property {string} documents
 * @property {string} downloads
 * @property {string} desktop
 * @property {string} pictures
 * @property {string} music
 * @property {string} videos
 * @property {string} config the app's config directory
 */

/**
 * Well-known directories of the app and the user.
 * @returns {Paths}
 */
export function paths () {
  return { ...fact('paths') }
}

/** The user's home directory. @returns {string} */
export function homedir () {
  return paths().home
}

/**
 * The temporary directory, as Oro finds it: the first of `TEMPDIR`, `TMPDIR`, `TEMP`, `TMP` the
 * app hands its pages in `process.env` (`build.env` forwarding it, or `[env]`), without a
 * trailing slash; oro-fs lets the page use that directory (its `tmpdir:` root). Else the app's
 * own temporary directory (Oro: `/tmp`), inside the FS sandbox.
 * @returns {string}
 */
export function tmpdir () {
  const env = /** @type {any} */ (globalThis).__args?.env ?? {}
  for (const name of ['TEMPDIR', 'TMPDIR', 'TEMP', 'TMP']) {
    const value = env[name]
    if (typeof value === 'string' && value.startsWith('/') && value.replace(/\/+$/, '')) {
      return value.replace(/\/+$/, '')
    }
  }
  return paths().temp
}

/**
 * Error and signal numbers by name for the host platform (Node's `os.constants`), as the host
 * reports them (a promise: `constants` is the same, at once).
 * @returns {Promise<{ errno: Record<string, number>, signals: Record<string, number> }>}
 */
export function getConstants () {
  return cached('os.constants')
}

/**
 * Node's `os.constants`: error and signal numbers by name (empty without `device_info`).
 * @type {Readonly<{ errno: Record<string, number>, signals: Record<string, number>, priority: Readonly<Record<string, number>> }>}
 */
export const constants = Object.freeze({
  errno: {},
  signals: {},
  ...(facts().constants ?? {}),
  priority: Object.freeze({
    PRIORITY_LOW: 19,
    PRIORITY_BELOW_NORMAL: 10,
    PRIORITY_NORMAL: 0,
    PRIORITY_ABOVE_NORMAL: -7,
    PRIORITY_HIGH: -14,
    PRIORITY_HIGHEST: -20
  })
})

/** @returns {bigint} */
function hrtimeBigint () {
  const performance = /** @type {any} */ (globalThis).performance
  const milliseconds = performance ? performance.timeOrigin + performance.now() : Date.now()
  const whole = Math.floor(milliseconds)
  return BigInt(whole) * 1000000n + BigInt(Math.round((milliseconds - whole) * 1e6))
}

/**
 * Oro's `os.hrtime()`: monotonic high-resolution time in nanoseconds, a bigint (Node's `os` has
 * none; `process.hrtime()` is Node's tuple form). `hrtime.bigint()` is the same. Read from the
 * page's `performance` clock (resolution as the browser allows), synchronously.
 */
export const hrtime = Object.assign(() => hrtimeBigint(), { bigint: hrtimeBigint })

export default {
  EOL,
  arch,
  availableMemory,
  availableParallelism,
  constants,
  cpus,
  devNull,
  endianness,
  freemem,
  getConstants,
  homedir,
  host,
  hostname,
  hrtime,
  isWindows,
  loadavg,
  machine,
  networkInterfaces,
  paths,
  platform,
  release,
  rusage,
  tmpdir,
  totalmem,
  type,
  uname,
  uptime,
  userInfo,
  version
}
