/**
 * `oro:constants` (also `node:constants`) — Node's deprecated `constants` module: one flat
 * object of `os.constants.dlopen`, `errno`, `priority` and `signals`, then `fs.constants` when
 * the page has `oro:fs` (the oro-fs plugin's); oro has no `crypto.constants` (OpenSSL's).
 * Numbers are the host platform's (from `oro:errno` and `oro:os`); `dlopen` and `priority` are
 * Node's fixed values for the platform. Every name Node's module has is also a named export, and
 * so are the names Oro's `constants` adds: the open flags `O_ASYNC`, `O_CLOEXEC`, `O_LARGEFILE`,
 * `O_NDELAY`, `O_PATH`, `O_TMPFILE` and `SIGINFO` (the host's numbers; `undefined` where the
 * host platform has no such flag or signal, as `SIGINFO` on Linux), and Oro's window states
 * `WINDOW_ERROR` (-1) ... `WINDOW_KILLED` (61).
 * @module oro:constants
 */

import { constants as errno } from './errno.js'
import { sendSync } from './ipc.js'
import { constants as os, platform } from './os.js'

/** Node's `os.constants.dlopen` by platform (none on Windows). */
const DLOPEN = /** @type {Record<string, Record<string, number>>} */ ({
  linux: { RTLD_LAZY: 1, RTLD_NOW: 2, RTLD_GLOBAL: 256, RTLD_LOCAL: 0, RTLD_DEEPBIND: 8 },
  darwin: { RTLD_LAZY: 1, RTLD_NOW: 2, RTLD_GLOBAL: 8, RTLD_LOCAL: 4 }
})

/** Oro's window states (`oro:window/constants`), fixed numbers. */
const WINDOW = Object.freeze({
  WINDOW_ERROR: -1,
  WINDOW_NONE: 0,
  WINDOW_CREATING: 10,
  WINDOW_CREATED: 11,
  WINDOW_HIDING: 20,
  WINDOW_HIDDEN: 21,
  WINDOW_SHOWING: 30,
  WINDOW_SHOWN: 31,
  WINDOW_CLOSING: 40,
  WINDOW_CLOSED: 41,
  WINDOW_EXITING: 50,
  WINDOW_EXITED: 51,
  WINDOW_KILLING: 60,
  WINDOW_KILLED: 61
})

/**
 * `fs.constants` of the host (the oro-fs plugin's `fs.constants` route), or nothing when the
 * page has no oro-fs, the route is refused, or the page is not in the runtime (Node, the unit
 * tests). Asked synchronously, as `oro:fs/constants` asks it: a top-level `await` here made
 * WebKitGTK evaluate a module before its imports when two imports of the CommonJS builtins
 * (which import this module) ran at once ("Cannot access uninitialized variable").
 * @returns {Record<string, number>}
 */
function fsConstants () {
  /** @type {Record<string, number>} */
  const table = {}
  if (/** @type {any} */ (globalThis).isOroRuntime !== true) return table
  const { err, data } = sendSync('fs.constants')
  if (!err && data !== null && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) {
      if (typeof value === 'number' && Number.isFinite(value)) table[key] = value
    }
  }
  return table
}

/** @type {Readonly<Record<string, unknown>>} */
const constants = Object.freeze({
  ...(DLOPEN[platform()] ?? {}),
  ...errno,
  ...os.priority,
  ...os.signals,
  ...fsConstants(),
  ...WINDOW
})

// Node's names (as Node on Linux has them) as named exports too, so that
// `import { O_RDONLY } from 'node:constants'` links; a name the page lacks is `undefined`.
export const {
  RTLD_LAZY, RTLD_NOW, RTLD_GLOBAL, RTLD_LOCAL, RTLD_DEEPBIND, E2BIG, EACCES, EADDRINUSE,
  EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EALREADY, EBADF, EBADMSG, EBUSY, ECANCELED, ECHILD,
  ECONNABORTED, ECONNREFUSED, ECONNRESET, EDEADLK, EDESTADDRREQ, EDOM, EDQUOT, EEXIST, EFAULT,
  EFBIG, EHOSTUNREACH, EIDRM, EILSEQ, EINPROGRESS, EINTR, EINVAL, EIO, EISCONN, EISDIR, ELOOP,
  EMFILE, EMLINK, EMSGSIZE, EMULTIHOP, ENAMETOOLONG, ENETDOWN, ENETRESET, ENETUNREACH, ENFILE,
  ENOBUFS, ENODATA, ENODEV, ENOENT, ENOEXEC, ENOLCK, ENOLINK, ENOMEM, ENOMSG, ENOPROTOOPT,
  ENOSPC, ENOSR, ENOSTR, ENOSYS, ENOTCONN, ENOTDIR, ENOTEMPTY, ENOTSOCK, ENOTSUP, ENOTTY, ENXIO,
  EOPNOTSUPP, EOVERFLOW, EPERM, EPIPE, EPROTO, EPROTONOSUPPORT, EPROTOTYPE, ERANGE, EROFS,
  ESPIPE, ESRCH, ESTALE, ETIME, ETIMEDOUT, ETXTBSY, EWOULDBLOCK, EXDEV, PRIORITY_LOW,
  PRIORITY_BELOW_NORMAL, PRIORITY_NORMAL, PRIORITY_ABOVE_NORMAL, PRIORITY_HIGH,
  PRIORITY_HIGHEST, SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGIOT, SIGBUS, SIGFPE,
  SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD, SIGSTKFLT, SIGCONT,
  SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH,
  SIGIO, SIGPOLL, SIGPWR, SIGSYS, UV_FS_SYMLINK_DIR, UV_FS_SYMLINK_JUNCTION, O_RDONLY, O_WRONLY,
  O_RDWR, UV_DIRENT_UNKNOWN, UV_DIRENT_FILE, UV_DIRENT_DIR, UV_DIRENT_LINK, UV_DIRENT_FIFO,
  UV_DIRENT_SOCKET, UV_DIRENT_CHAR, UV_DIRENT_BLOCK, EXTENSIONLESS_FORMAT_JAVASCRIPT,
  EXTENSIONLESS_FORMAT_WASM, S_IFMT, S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFLNK,
  S_IFSOCK, O_CREAT, O_EXCL, UV_FS_O_FILEMAP, O_NOCTTY, O_TRUNC, O_APPEND, O_DIRECTORY,
  O_NOATIME, O_NOFOLLOW, O_SYNC, O_DSYNC, O_DIRECT, O_NONBLOCK, S_IRWXU, S_IRUSR, S_IWUSR,
  S_IXUSR, S_IRWXG, S_IRGRP, S_IWGRP, S_IXGRP, S_IRWXO, S_IROTH, S_IWOTH, S_IXOTH, F_OK, R_OK,
  W_OK, X_OK, UV_FS_COPYFILE_EXCL, COPYFILE_EXCL, UV_FS_COPYFILE_FICLONE, COPYFILE_FICLONE,
  UV_FS_COPYFILE_FICLONE_FORCE, COPYFILE_FICLONE_FORCE, OPENSSL_VERSION_NUMBER, SSL_OP_ALL,
  SSL_OP_ALLOW_NO_DHE_KEX, SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION,
  SSL_OP_CIPHER_SERVER_PREFERENCE, SSL_OP_CISCO_ANYCONNECT, SSL_OP_COOKIE_EXCHANGE,
  SSL_OP_CRYPTOPRO_TLSEXT_BUG, SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS, SSL_OP_LEGACY_SERVER_CONNECT,
  SSL_OP_NO_COMPRESSION, SSL_OP_NO_ENCRYPT_THEN_MAC, SSL_OP_NO_QUERY_MTU,
  SSL_OP_NO_RENEGOTIATION, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION, SSL_OP_NO_SSLv2,
  SSL_OP_NO_SSLv3, SSL_OP_NO_TICKET, SSL_OP_NO_TLSv1, SSL_OP_NO_TLSv1_1, SSL_OP_NO_TLSv1_2,
  SSL_OP_NO_TLSv1_3, SSL_OP_PRIORITIZE_CHACHA, SSL_OP_TLS_ROLLBACK_BUG, ENGINE_METHOD_RSA,
  ENGINE_METHOD_DSA, ENGINE_METHOD_DH, ENGINE_METHOD_RAND, ENGINE_METHOD_EC,
  ENGINE_METHOD_CIPHERS, ENGINE_METHOD_DIGESTS, ENGINE_METHOD_PKEY_METHS,
  ENGINE_METHOD_PKEY_ASN1_METHS, ENGINE_METHOD_ALL, ENGINE_METHOD_NONE,
  DH_CHECK_P_NOT_SAFE_PRIME, DH_CHECK_P_NOT_PRIME, DH_UNABLE_TO_CHECK_GENERATOR,
  DH_NOT_SUITABLE_GENERATOR, RSA_PKCS1_PADDING, RSA_NO_PADDING, RSA_PKCS1_OAEP_PADDING,
  RSA_X931_PADDING, RSA_PKCS1_PSS_PADDING, RSA_PSS_SALTLEN_DIGEST, RSA_PSS_SALTLEN_MAX_SIGN,
  RSA_PSS_SALTLEN_AUTO, defaultCoreCipherList, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
  TLS1_3_VERSION, POINT_CONVERSION_COMPRESSED, POINT_CONVERSION_UNCOMPRESSED,
  POINT_CONVERSION_HYBRID,
  // Oro's names beyond Node's.
  O_ASYNC, O_CLOEXEC, O_LARGEFILE, O_NDELAY, O_PATH, O_TMPFILE, SIGINFO, WINDOW_ERROR,
  WINDOW_NONE, WINDOW_CREATING, WINDOW_CREATED, WINDOW_HIDING, WINDOW_HIDDEN, WINDOW_SHOWING,
  WINDOW_SHOWN, WINDOW_CLOSING, WINDOW_CLOSED, WINDOW_EXITING, WINDOW_EXITED, WINDOW_KILLING,
  WINDOW_KILLED
} = /** @type {Record<string, any>} */ (constants)

export default constants
