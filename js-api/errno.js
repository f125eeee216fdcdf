/**
 * `oro:errno` — the operating system's error numbers by name, for the host's platform, as the
 * Oro Runtime's `errno` module gives them: `ENOENT`... as named exports, `constants`,
 * `getCode(number)` and `getMessage(number)`.
 *
 * Numbers come from the facts the host hands the page (`__args.os.constants.errno`, with
 * permission `device_info`); without them (no host, `device_info` off) the Linux numbers are used
 * on Linux and the names are `undefined` elsewhere. Messages are strerror's, from the host when it
 * hands them (`__args.os.errnoMessages`), else from a static table of the glibc messages.
 * @module oro:errno
 */

// Node's errno names with their Linux numbers and glibc's strerror messages.
const POSIX = /** @type {Record<string, [number, string]>} */ ({
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  ESRCH: [3, 'No such process'],
  EINTR: [4, 'Interrupted system call'],
  EIO: [5, 'Input/output error'],
  ENXIO: [6, 'No such device or address'],
  E2BIG: [7, 'Argument list too long'],
  ENOEXEC: [8, 'Exec format error'],
  EBADF: [9, 'Bad file descriptor'],
  ECHILD: [10, 'No child processes'],
  EAGAIN: [11, 'Resource temporarily unavailable'],
  EWOULDBLOCK: [11, 'Resource temporarily unavailable'],
  ENOMEM: [12, 'Cannot allocate memory'],
  EACCES: [13, 'Permission denied'],
  EFAULT: [14, 'Bad address'],
  EBUSY: [16, 'Device or resource busy'],
  EEXIST: [17, 'File exists'],
  EXDEV: [18, 'Invalid cross-device link'],
  ENODEV: [19, 'No such device'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  EINVAL: [22, 'Invalid argument'],
  ENFILE: [23, 'Too many open files in system'],
  EMFILE: [24, 'Too many open files'],
  ENOTTY: [25, 'Inappropriate ioctl for device'],
  ETXTBSY: [26, 'Text file busy'],
  EFBIG: [27, 'File too large'],
  ENOSPC: [28, 'No space left on device'],
  ESPIPE: [29, 'Illegal seek'],
  EROFS: [30, 'Read-only file system'],
  EMLINK: [31, 'Too many links'],
  EPIPE: [32, 'Broken pipe'],
  EDOM: [33, 'Numerical argument out of domain'],
  ERANGE: [34, 'Numerical result out of range'],
  EDEADLK: [35, 'Resource deadlock avoided'],
  ENAMETOOLONG: [36, 'File name too long'],
  ENOLCK: [37, 'No locks available'],
  ENOSYS: [38, 'Function not implemented'],
  ENOTEMPTY: [39, 'Directory not empty'],
  ELOOP: [40, 'Too many levels of symbolic links'],
  ENOMSG: [42, 'No message of desired type'],
  EIDRM: [43, 'Identifier removed'],
  ENOSTR: [60, 'Device not a stream'],
  ENODATA: [61, 'No data available'],
  ETIME: [62, 'Timer expired'],
  ENOSR: [63, 'Out of streams resources'],
  ENOLINK: [67, 'Link has been severed'],
  EPROTO: [71, 'Protocol error'],
  EMULTIHOP: [72, 'Multihop attempted'],
  EBADMSG: [74, 'Bad message'],
  EOVERFLOW: [75, 'Value too large for defined data type'],
  EILSEQ: [84, 'Invalid or incomplete multibyte or wide character'],
  ENOTSOCK: [88, 'Socket operation on non-socket'],
  EDESTADDRREQ: [89, 'Destination address required'],
  EMSGSIZE: [90, 'Message too long'],
  EPROTOTYPE: [91, 'Protocol wrong type for socket'],
  ENOPROTOOPT: [92, 'Protocol not available'],
  EPROTONOSUPPORT: [93, 'Protocol not supported'],
  ENOTSUP: [95, 'Operation not supported'],
  EOPNOTSUPP: [95, 'Operation not supported'],
  EAFNOSUPPORT: [97, 'Address family not supported by protocol'],
  EADDRINUSE: [98, 'Address already in use'],
  EADDRNOTAVAIL: [99, 'Cannot assign requested address'],
  ENETDOWN: [100, 'Network is down'],
  ENETUNREACH: [101, 'Network is unreachable'],
  ENETRESET: [102, 'Network dropped connection on reset'],
  ECONNABORTED: [103, 'Software caused connection abort'],
  ECONNRESET: [104, 'Connection reset by peer'],
  ENOBUFS: [105, 'No buffer space available'],
  EISCONN: [106, 'Transport endpoint is already connected'],
  ENOTCONN: [107, 'Transport endpoint is not connected'],
  ETIMEDOUT: [110, 'Connection timed out'],
  ECONNREFUSED: [111, 'Connection refused'],
  EHOSTUNREACH: [113, 'No route to host'],
  EALREADY: [114, 'Operation already in progress'],
  EINPROGRESS: [115, 'Operation now in progress'],
  ESTALE: [116, 'Stale file handle'],
  EDQUOT: [122, 'Disk quota exceeded'],
  ECANCELED: [125, 'Operation canceled']
})

const facts = /** @type {any} */ (globalThis).__args?.os
const platform = typeof facts?.platform === 'string' ? facts.platform : 'linux'

/**
 * Error numbers by name for this platform.
 * @type {Readonly<Record<string, number>>}
 */
export const constants = Object.freeze(
  facts?.constants?.errno && Object.keys(facts.constants.errno).length
    ? { ...facts.constants.errno }
    : platform === 'linux'
      ? Object.fromEntries(Object.entries(POSIX).map(([name, [value]]) => [name, value]))
      : {}
)

/** @type {Record<string, string>} */
const hostMessages = facts?.errnoMessages ?? {}

/**
 * @param {string} name
 * @returns {number}
 */
function number (name) {
  return /** @type {number} */ (constants[name])
}

export const EPERM = number('EPERM')
export const ENOENT = number('ENOENT')
export const ESRCH = number('ESRCH')
export const EINTR = number('EINTR')
export const EIO = number('EIO')
export const ENXIO = number('ENXIO')
export const E2BIG = number('E2BIG')
export const ENOEXEC = number('ENOEXEC')
export const EBADF = number('EBADF')
export const ECHILD = number('ECHILD')
export const EAGAIN = number('EAGAIN')
export const EWOULDBLOCK = number('EWOULDBLOCK')
export const ENOMEM = number('ENOMEM')
export const EACCES = number('EACCES')
export const EFAULT = number('EFAULT')
export const EBUSY = number('EBUSY')
export const EEXIST = number('EEXIST')
export const EXDEV = number('EXDEV')
export const ENODEV = number('ENODEV')
export const ENOTDIR = number('ENOTDIR')
export const EISDIR = number('EISDIR')
export const EINVAL = number('EINVAL')
export const ENFILE = number('ENFILE')
export const EMFILE = number('EMFILE')
export const ENOTTY = number('ENOTTY')
export const ETXTBSY = number('ETXTBSY')
export const EFBIG = number('EFBIG')
export const ENOSPC = number('ENOSPC')
export const ESPIPE = number('ESPIPE')
export const EROFS = number('EROFS')
export const EMLINK = number('EMLINK')
export const EPIPE = number('EPIPE')
export const EDOM = number('EDOM')
export const ERANGE = number('ERANGE')
export const EDEADLK = number('EDEADLK')
export const ENAMETOOLONG = number('ENAMETOOLONG')
export const ENOLCK = number('ENOLCK')
export const ENOSYS = number('ENOSYS')
export const ENOTEMPTY = number('ENOTEMPTY')
export const ELOOP = number('ELOOP')
export const ENOMSG = number('ENOMSG')
export const EIDRM = number('EIDRM')
export const ENOSTR = number('ENOSTR')
export const ENODATA = number('ENODATA')
export const ETIME = number('ETIME')
export const ENOSR = number('ENOSR')
export const ENOLINK = number('ENOLINK')
export const EPROTO = number('EPROTO')
export const EMULTIHOP = number('EMULTIHOP')
export const EBADMSG = number('EBADMSG')
export const EOVERFLOW = number('EOVERFLOW')
export const EILSEQ = number('EILSEQ')
export const ENOTSOCK = number('ENOTSOCK')
export const EDESTADDRREQ = number('EDESTADDRREQ')
export const EMSGSIZE = number('EMSGSIZE')
export const EPROTOTYPE = number('EPROTOTYPE')
export const ENOPROTOOPT = number('ENOPROTOOPT')
export const EPROTONOSUPPORT = number('EPROTONOSUPPORT')
export const ENOTSUP = number('ENOTSUP')
export const EOPNOTSUPP = number('EOPNOTSUPP')
export const EAFNOSUPPORT = number('EAFNOSUPPORT')
export const EADDRINUSE = number('EADDRINUSE')
export const EADDRNOTAVAIL = number('EADDRNOTAVAIL')
export const ENETDOWN = number('ENETDOWN')
export const ENETUNREACH = number('ENETUNREACH')
export const ENETRESET = number('ENETRESET')
export const ECONNABORTED = number('ECONNABORTED')
export const ECONNRESET = number('ECONNRESET')
export const ENOBUFS = number('ENOBUFS')
export const EISCONN = number('EISCONN')
export const ENOTCONN = number('ENOTCONN')
export const ETIMEDOUT = number('ETIMEDOUT')
export const ECONNREFUSED = number('ECONNREFUSED')
export const EHOSTUNREACH = number('EHOSTUNREACH')
export const EALREADY = number('EALREADY')
export const EINPROGRESS = number('EINPROGRESS')
export const ESTALE = number('ESTALE')
export const EDQUOT = number('EDQUOT')
export const ECANCELED = number('ECANCELED')

/**
 * The name of an error number (`2` or `-2` → `ENOENT`), or `''` when there is none.
 * @param {number} code
 * @returns {string}
 */
export function getCode (code) {
  const wanted = Math.abs(Number(code))
  for (const [name, value] of Object.entries(constants)) {
    if (value === wanted) return name
  }
  return ''
}

/**
 * strerror's message for an error number (`2` or `-2` → `No such file or directory`), or `''`.
 * @param {number} code
 * @returns {string}
 */
export function getMessage (code) {
  const name = getCode(code)
  if (!name) return ''
  return hostMessages[name] ?? POSIX[name]?.[1] ?? ''
}

/**
 * Messages by error number (`strings[2]` → `No such file or directory`), as Oro's `strings`:
 * an object without a prototype, the same messages `getMessage` gives.
 * @type {Readonly<Record<number, string>>}
 */
export const strings = Object.freeze(Object.assign(Object.create(null), Object.fromEntries(
  Object.entries(constants).map(([name, value]) => [value, hostMessages[name] ?? POSIX[name]?.[1] ?? ''])
)))

/**
 * The message of an error number, sign ignored (Oro's `toString`), or `''`.
 * @param {number} code
 * @returns {string}
 */
export function toString (code) {
  return strings[Math.abs(Number(code))] ?? ''
}

/**
 * The name of an error number or name (`2`, `-2` or `'enoent'` → `ENOENT`), or `''` when this
 * platform has no such error (Oro's `getName`).
 * @param {number | string} code
 * @returns {string}
 */
export function getName (code) {
  if (typeof code === 'string') {
    const name = code.toUpperCase()
    return Object.hasOwn(constants, name) ? name : ''
  }
  return getCode(code)
}

export default {
  constants,
  strings,
  toString,
  getCode,
  getName,
  getMessage
}
