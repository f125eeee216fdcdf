/**
 * `oro:errno` — the host platform's error numbers by name, `getCode` and `getMessage`, as the
 * Oro Runtime's `errno` module gives them.
 * @module oro:errno
 */

/** Error numbers by name for this platform. */
export const constants: Readonly<Record<string, number>>
/** `2` or `-2` → `'ENOENT'`; `''` when unknown. */
export function getCode (code: number): string
/** strerror's message for an error number; `''` when unknown. */
export function getMessage (code: number): string
/** Messages by error number (no prototype), as Oro's `strings`. */
export const strings: Readonly<Record<number, string>>
/** The message of an error number, sign ignored; `''` when unknown (Oro's `toString`). */
export function toString (code: number): string
/** `2`, `-2` or `'enoent'` → `'ENOENT'`; `''` when unknown (Oro's `getName`). */
export function getName (code: number | string): string

export const EPERM: number
export const ENOENT: number
export const ESRCH: number
export const EINTR: number
export const EIO: number
export const ENXIO: number
export const E2BIG: number
export const ENOEXEC: number
export const EBADF: number
export const ECHILD: number
export const EAGAIN: number
export const EWOULDBLOCK: number
export const ENOMEM: number
export const EACCES: number
export const EFAULT: number
export const EBUSY: number
export const EEXIST: number
export const EXDEV: number
export const ENODEV: number
export const ENOTDIR: number
export const EISDIR: number
export const EINVAL: number
export const ENFILE: number
export const EMFILE: number
export const ENOTTY: number
export const ETXTBSY: number
export const EFBIG: number
export const ENOSPC: number
export const ESPIPE: number
export const EROFS: number
export const EMLINK: number
export const EPIPE: number
export const EDOM: number
export const ERANGE: number
export const EDEADLK: number
export const ENAMETOOLONG: number
export const ENOLCK: number
export const ENOSYS: number
export const ENOTEMPTY: number
export const ELOOP: number
export const ENOMSG: number
export const EIDRM: number
export const ENOSTR: number
export const ENODATA: number
export const ETIME: number
export const ENOSR: number
export const ENOLINK: number
export const EPROTO: number
export const EMULTIHOP: number
export const EBADMSG: number
export const EOVERFLOW: number
export const EILSEQ: number
export const ENOTSOCK: number
export const EDESTADDRREQ: number
export const EMSGSIZE: number
export const EPROTOTYPE: number
export const ENOPROTOOPT: number
export const EPROTONOSUPPORT: number
export const ENOTSUP: number
export const EOPNOTSUPP: number
export const EAFNOSUPPORT: number
export const EADDRINUSE: number
export const EADDRNOTAVAIL: number
export const ENETDOWN: number
export const ENETUNREACH: number
export const ENETRESET: number
export const ECONNABORTED: number
export const ECONNRESET: number
export const ENOBUFS: number
export const EISCONN: number
export const ENOTCONN: number
export const ETIMEDOUT: number
export const ECONNREFUSED: number
export const EHOSTUNREACH: number
export const EALREADY: number
export const EINPROGRESS: number
export const ESTALE: number
export const EDQUOT: number
export const ECANCELED: number

declare const errno: {
  constants: typeof constants
  getCode: typeof getCode
  getMessage: typeof getMessage
  getName: typeof getName
  strings: typeof strings
  toString: typeof toString
}
export default errno
