/**
 * `oro:os` (also `node:os`) — Node's `os` module, answered by the host. Functions that need the
 * host return promises (Node's are synchronous); `EOL` and `hrtime` are synchronous.
 *
 * ```js
 * import * as os from 'oro:os'
 * console.log(await os.platform(), await os.arch(), (await os.cpus()).length)
 * ```
 *
 * Routes: `platform.primordials`, `os.uname`, `os.cpus`, `os.networkInterfaces`, `os.uptime`,
 * `os.availableMemory`, `os.paths`, `os.constants` (permission `device_info`, except
 * `platform.primordials`).
 * @module oro:os
 */

import { request } from './ipc.js'

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
 * @property {'IPv4' | 'IPv6'} family
 * @property {string} mac
 * @property {boolean} internal
 * @property {string | null} cidr
 * @property {number} [scopeid]
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
 * The platform as far as the page can tell without IPC (`__args.platform` if the preload gives
 * it, else the user agent): used for `EOL` only.
 * @returns {string}
 */
function guessPlatform () {
  const args = /** @type {any} */ (globalThis).__args
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
 * `linux`, `darwin`, `win32`... (Node's `process.platform` values).
 * @returns {Promise<string>}
 */
export async function platform () {
  return (await cached('platform.primordials')).platform
}

/**
 * `x64`, `arm64`, `ia32`, `arm`... (Node's names).
 * @returns {Promise<string>}
 */
export async function arch () {
  const reported = String((await cached('platform.primordials')).arch)
  return ARCHITECTURES[reported.toLowerCase()] ?? reported
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
 * @returns {Promise<Uname>}
 */
export function uname () {
  return cached('os.uname')
}

/**
 * `Linux`, `Darwin`, `Windows_NT` (Node's `os.type()`).
 * @returns {Promise<string>}
 */
export async function type () {
  const sysname = (await uname()).sysname
  return sysname === 'Windows' ? 'Windows_NT' : sysname
}

/** The OS release (`6.1.0-18-amd64`). @returns {Promise<string>} */
export async function release () {
  return (await uname()).release
}

/** The OS version string. @returns {Promise<string>} */
export async function version () {
  return (await uname()).version
}

/** The machine type (`x86_64`, `arm64`). @returns {Promise<string>} */
export async function machine () {
  return (await uname()).machine
}

/** The host name. @returns {Promise<string>} */
export async function hostname () {
  return (await uname()).nodename
}

/** True on Windows. @returns {Promise<boolean>} */
export async function isWindows () {
  return (await platform()) === 'win32'
}

/**
 * One entry per logical CPU, like Node's `os.cpus()`.
 * @returns {Promise<CpuInfo[]>}
 */
export function cpus () {
  return request('os.cpus')
}

/**
 * Network interfaces that are up, by name, like Node's `os.networkInterfaces()`.
 * @returns {Promise<Record<string, NetworkInterfaceInfo[]>>}
 */
export function networkInterfaces () {
  return request('os.networkInterfaces')
}

/**
 * Seconds since the system booted.
 * @returns {Promise<number>}
 */
export function uptime () {
  return request('os.uptime')
}

/**
 * Bytes of memory available without swapping (Node's `os.availableMemory()`).
 * @returns {Promise<number>}
 */
export function availableMemory () {
  return request('os.availableMemory')
}

/** Same as `availableMemory()`. */
export const freemem = availableMemory

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
 * @returns {Promise<Paths>}
 */
export function paths () {
  return cached('os.paths')
}

/** The user's home directory. @returns {Promise<string>} */
export async function homedir () {
  return (await paths()).home
}

/** The app's temporary directory (inside the FS sandbox). @returns {Promise<string>} */
export async function tmpdir () {
  return (await paths()).temp
}

/**
 * Error and signal numbers by name for the host platform (Node's `os.constants`).
 * @returns {Promise<{ errno: Record<string, number>, signals: Record<string, number> }>}
 */
export function getConstants () {
  return cached('os.constants')
}

/**
 * @param {[number, number]} [previous]
 * @returns {[number, number]}
 */
function hrtimeTuple (previous) {
  const now = hrtimeBigint()
  let seconds = Number(now / 1000000000n)
  let nanoseconds = Number(now % 1000000000n)
  if (previous) {
    seconds -= previous[0]
    nanoseconds -= previous[1]
    if (nanoseconds < 0) {
      seconds -= 1
      nanoseconds += 1e9
    }
  }
  return [seconds, nanoseconds]
}

/** @returns {bigint} */
function hrtimeBigint () {
  const performance = /** @type {any} */ (globalThis).performance
  const milliseconds = performance ? performance.timeOrigin + performance.now() : Date.now()
  const whole = Math.floor(milliseconds)
  return BigInt(whole) * 1000000n + BigInt(Math.round((milliseconds - whole) * 1e6))
}

/**
 * Monotonic high-resolution time like Node's `process.hrtime([previous])`: `[seconds,
 * nanoseconds]`, relative to `previous` when given. `hrtime.bigint()` gives nanoseconds. Read
 * from the page's `performance` clock (resolution as the browser allows), synchronously.
 */
export const hrtime = Object.assign(hrtimeTuple, { bigint: hrtimeBigint })

export default {
  EOL,
  arch,
  availableMemory,
  cpus,
  freemem,
  getConstants,
  homedir,
  hostname,
  hrtime,
  isWindows,
  machine,
  networkInterfaces,
  paths,
  platform,
  release,
  tmpdir,
  type,
  uname,
  uptime,
  version
}
