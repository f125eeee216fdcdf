/**
 * `oro:os` (also `node:os`) — Node's `os`: facts handed to the page at load answer at once,
 * live values (`uptime`, `freemem`, `totalmem`, `loadavg`, `networkInterfaces`, `userInfo`) are
 * asked with a synchronous call, so every function returns a value, as in Node.
 * @module oro:os
 * @alias node:os
 * @plugin os
 */

export interface CpuInfo {
  model: string
  /** MHz */
  speed: number
  /** ms */
  times: { user: number, nice: number, sys: number, idle: number, irq: number }
}

/** Node's values under Oro's keys, in its order; `scopeid` (IPv6) is there but not enumerated. */
export interface NetworkInterfaceInfo {
  address: string
  netmask: string | null
  internal: boolean
  family: 'IPv4' | 'IPv6'
  cidr: string | null
  mac: string
  scopeid?: number
}

export interface Uname {
  sysname: string
  nodename: string
  release: string
  version: string
  machine: string
}

export interface Paths {
  resources: string
  data: string
  cache: string
  temp: string
  home: string
  documents: string
  downloads: string
  desktop: string
  pictures: string
  music: string
  videos: string
  config: string
}

/** `\r\n` on Windows, `\n` elsewhere. */
export const EOL: string
/** `linux`, `darwin`, `win32`... (answered at once, from what the host handed the page at load) */
export function platform (): string
/** `x64`, `arm64`, `ia32`, `arm`... */
export function arch (): string
/** Throws `NotAllowedError` (as every fact below) while permission `device_info` is off. */
export function uname (): Uname
/** `Linux`, `Darwin`, `Windows_NT`. */
export function type (): string
export function release (): string
export function version (): string
export function machine (): string
export function hostname (): string
export function isWindows (): boolean
/** `LE` or `BE`. */
export function endianness (): string
/** Oro's name of the host OS: `linux`, `macosx`, `win32`, `iphoneos`, `android`, `unix` (another Unix). */
export function host (): 'linux' | 'macosx' | 'win32' | 'iphoneos' | 'android' | 'unix' | 'unknown'
/** The host process's `getrusage(2)` fields (Oro's `os.rusage()`); `ru_maxrss` in KiB, times in seconds. */
export interface ResourceUsage {
  ru_maxrss: number
  ru_utime: number
  ru_stime: number
  ru_minflt: number
  ru_majflt: number
  ru_inblock: number
  ru_oublock: number
  ru_nvcsw: number
  ru_nivcsw: number
}
export function rusage (): ResourceUsage
/** The CPUs, their times as of the page's load. */
export function cpus (): CpuInfo[]
export interface UserInfo {
  /** -1 on Windows */
  uid: number
  /** -1 on Windows */
  gid: number
  username: string
  homedir: string
  /** null on Windows */
  shell: string | null
}

/** Asked synchronously; throws `NotAllowedError` while `device_info` is off (as every live value). */
export function networkInterfaces (): Record<string, NetworkInterfaceInfo[]>
/** Seconds since boot. */
export function uptime (): number
/** Bytes available without swapping, a bigint as Oro answers it. */
export function availableMemory (): bigint
/** Bytes available without swapping (Node's `os.freemem()`). */
export function freemem (): number
/** Bytes of memory in total. */
export function totalmem (): number
/** 1, 5 and 15 minute load averages (`[0, 0, 0]` on Windows). */
export function loadavg (): number[]
/** The user the host runs as. */
export function userInfo (options?: { encoding?: string }): UserInfo
/** The CPU count. */
export function availableParallelism (): number
/** `/dev/null`, or `\\.\nul` on Windows. */
export const devNull: string
/** Well-known directories of the app and the user. */
export function paths (): Paths
export function homedir (): string
/** The temp directory the app hands its pages (`TEMPDIR`, `TMPDIR`, `TEMP`, `TMP` in `process.env`), else the app's own. */
export function tmpdir (): string
/** The host's error and signal numbers, asked over IPC. */
export function getConstants (): Promise<{ errno: Record<string, number>, signals: Record<string, number> }>
/** Node's `os.constants` (`errno` and `signals` empty while `device_info` is off). */
export const constants: Readonly<{ errno: Record<string, number>, signals: Record<string, number>, priority: Readonly<Record<string, number>> }>

export interface HRTime {
  /** Nanoseconds (Oro's `os.hrtime()`). */
  (): bigint
  /** Nanoseconds. */
  bigint (): bigint
}
/** Monotonic high-resolution time in nanoseconds (synchronous, from the page's `performance` clock). */
export const hrtime: HRTime

declare const os: {
  EOL: typeof EOL
  arch: typeof arch
  availableMemory: typeof availableMemory
  availableParallelism: typeof availableParallelism
  constants: typeof constants
  cpus: typeof cpus
  devNull: typeof devNull
  endianness: typeof endianness
  freemem: typeof freemem
  getConstants: typeof getConstants
  homedir: typeof homedir
  hostname: typeof hostname
  hrtime: typeof hrtime
  isWindows: typeof isWindows
  host: typeof host
  rusage: typeof rusage
  loadavg: typeof loadavg
  machine: typeof machine
  networkInterfaces: typeof networkInterfaces
  paths: typeof paths
  platform: typeof platform
  release: typeof release
  tmpdir: typeof tmpdir
  totalmem: typeof totalmem
  type: typeof type
  uname: typeof uname
  uptime: typeof uptime
  userInfo: typeof userInfo
  version: typeof version
}
export default os
