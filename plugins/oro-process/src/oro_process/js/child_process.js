/**
 * `oro:child_process` (also `node:child_process`) — Node's `child_process` for page JavaScript:
 * programs the app's `[process]` policy allows, run by the host.
 *
 * ```js
 * import { execFile, spawn } from 'node:child_process'
 * execFile('git', ['status'], (error, stdout, stderr) => console.log(stdout))
 * const cat = spawn('cat')
 * cat.stdout.on('data', (chunk) => console.log(chunk.toString()))
 * cat.stdin.end('hello')
 * ```
 *
 * Every operation is an `oro:ipc` request to a host route `child_process.*` (docs/process.md).
 * `stdout`/`stderr` are `oro:stream` Readables fed by the `child_process.output` byte stream,
 * pulled only while the Readable wants more (`push()` answering `false` stops the reading, so a
 * page that does not read holds the child back). `stdin` is a Writable whose writes go to
 * `child_process.write` one request at a time, in order (chunks buffered meanwhile travel
 * together), each answered once the child took the bytes. `exit` comes from `child_process.wait`.
 * Errors carry Node's classes, codes and fields; what the host's policy refuses is a
 * `SecurityError` (code `ERR_PROCESS_NOT_ALLOWED`) on the `error` event.
 * @module oro:child_process
 */

import { request, sendSync } from 'oro:ipc'
import { EventEmitter } from 'oro:events'
import { AsyncResource } from 'oro:async_hooks'
import { Buffer } from 'oro:buffer'

/** @typedef {import('oro:buffer').BufferEncoding} BufferEncoding */
import { Readable, Writable } from 'oro:stream'
import { NotSupportedError, invalidArgType, received, withCode } from 'oro:errors'

/** Node's default `maxBuffer` of `exec`/`execFile`. */
const MAX_BUFFER = 1024 * 1024
/** Largest body of one `child_process.write` (a bigger write is sent in pieces, in order). */
const MAX_WRITE_BYTES = 1024 * 1024
/** Times `child_process.wait` is asked again after the connection carrying it broke. */
const WAIT_RETRIES = 3

const kCustomPromisified = Symbol.for('nodejs.util.promisify.custom')
const dispose = /** @type {symbol} */ (/** @type {any} */ (Symbol).dispose ?? Symbol.for('nodejs.dispose'))

/** Linux's signal numbers (what Node's `os.constants.signals` has on Linux). */
const SIGNALS = Object.freeze(/** @type {Record<string, number>} */ ({
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGIOT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGSTKFLT: 16,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31
}))
const SIGNAL_NUMBERS = new Set(Object.values(SIGNALS))

/** errno names of the failures Node reports as system errors (Linux's numbers, negative). */
const ERRNO = Object.freeze(/** @type {Record<string, number>} */ ({
  EPERM: -1,
  ENOENT: -2,
  EIO: -5,
  E2BIG: -7,
  ENOEXEC: -8,
  EAGAIN: -11,
  ENOMEM: -12,
  EACCES: -13,
  ENOTDIR: -20,
  EISDIR: -21,
  EINVAL: -22,
  ENFILE: -23,
  EMFILE: -24,
  ETXTBSY: -26,
  EPIPE: -32,
  ENAMETOOLONG: -36,
  ELOOP: -40,
  ENOBUFS: -105,
  ETIMEDOUT: -110
}))

// --------------------------------------------------------------------------------------------
// Node's errors
// --------------------------------------------------------------------------------------------

/**
 * Node's `ErrnoException`: `<syscall> <CODE>`, with `errno`, `code`, `syscall` (in that order).
 * @param {number} errno
 * @param {string} code
 * @param {string} syscall
 * @returns {any}
 */
function errnoException (errno, code, syscall) {
  const error = /** @type {any} */ (new Error(`${syscall} ${code}`))
  error.errno = errno
  error.code = code
  error.syscall = syscall
  return error
}

/** Node's AbortError (`ABORT_ERR`). */
export class AbortError extends Error {
  /**
   * @param {string} [message]
   * @param {{ cause?: unknown }} [options]
   */
  constructor (message = 'The operation was aborted', options = undefined) {
    super(message, options)
    this.code = 'ABORT_ERR'
    this.name = 'AbortError'
  }
}

/**
 * Node's `ERR_INVALID_ARG_VALUE`: `The argument 'file' cannot be empty. Received ''`.
 * @param {string} name
 * @param {unknown} value
 * @param {string} reason
 */
function invalidArgValue (name, value, reason) {
  const kind = name.includes('.') ? 'property' : 'argument'
  let shown = typeof value === 'string' ? `'${value}'` : String(value)
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`
  return withCode(new TypeError(`The ${kind} '${name}' ${reason}. Received ${shown}`), 'ERR_INVALID_ARG_VALUE')
}

/**
 * Node's `ERR_OUT_OF_RANGE`.
 * @param {string} name
 * @param {string} range
 * @param {unknown} value
 */
function outOfRange (name, range, value) {
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`), 'ERR_OUT_OF_RANGE')
}

/** @param {unknown} signal */
function unknownSignal (signal) {
  return withCode(new TypeError(`Unknown signal: ${String(signal)}`), 'ERR_UNKNOWN_SIGNAL')
}

/** @param {'stdout' | 'stderr'} name */
function maxBufferError (name) {
  return withCode(new RangeError(`${name} maxBuffer length exceeded`), 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
}

/**
 * A system error the host answered for the child's pipes (EPIPE on stdin, ...), as Node reports
 * it for its sockets; anything else (policy, unknown child) as it came.
 * @param {any} error
 * @param {string} syscall
 * @returns {any}
 */
function pipeError (error, syscall) {
  if (error !== null && typeof error === 'object' && typeof error.code === 'string' &&
      /^E[A-Z0-9]+$/.test(error.code)) {
    const errno = typeof error.errno === 'number' ? error.errno : (ERRNO[error.code] ?? -5)
    return errnoException(errno, error.code, syscall)
  }
  return error
}

// --------------------------------------------------------------------------------------------
// Validation
// --------------------------------------------------------------------------------------------

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {asserts value is string}
 */
function validateString (value, name) {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value)
}

/**
 * Node refuses NUL bytes in a program, its arguments and its options.
 * @param {string} value
 * @param {string} name
 */
function validateNullCheck (value, name) {
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw withCode(new TypeError(`The ${name.includes('.') ? 'property' : 'argument'} '${name}' must be a string without null bytes. Received ${inspectString(value)}`), 'ERR_INVALID_ARG_VALUE')
  }
}

/** Node's escapes of control characters in `util.inspect` of a string. */
const ESCAPES = /** @type {Record<string, string>} */ ({ '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '\\': '\\\\' })

/**
 * A string as Node's `util.inspect` shows it: single-quoted (double when it holds a single
 * quote), control characters escaped (`'a\x00b'`).
 * @param {string} value
 */
function inspectString (value) {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
  const body = value.replace(/[\x00-\x1f\x7f\\'"]/g, (char) => {
    if (char === '"' || char === "'") return char === quote ? `\\${char}` : char
    return ESCAPES[char] ?? `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  })
  return `${quote}${body}${quote}`
}

/**
 * @param {unknown} value
 * @param {string} name
 */
function validateObject (value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value)
  }
}

/** @param {unknown} timeout */
function validateTimeout (timeout) {
  if (timeout !== null && timeout !== undefined && !(Number.isInteger(timeout) && /** @type {number} */ (timeout) >= 0)) {
    throw outOfRange('timeout', 'an unsigned integer', timeout)
  }
}

/** @param {unknown} maxBuffer */
function validateMaxBuffer (maxBuffer) {
  if (maxBuffer !== null && maxBuffer !== undefined && !(typeof maxBuffer === 'number' && maxBuffer >= 0)) {
    throw outOfRange('options.maxBuffer', 'a positive number', maxBuffer)
  }
}

/**
 * Node's `convertToValidSignal`: a signal name or number this system has.
 * @param {unknown} signal
 * @returns {string | number}
 */
function validSignal (signal) {
  if (typeof signal === 'number' && SIGNAL_NUMBERS.has(signal)) return signal
  if (typeof signal === 'string' && Object.prototype.hasOwnProperty.call(SIGNALS, signal.toUpperCase())) {
    return signal.toUpperCase()
  }
  throw unknownSignal(signal)
}

/**
 * Node's `sanitizeKillSignal`.
 * @param {unknown} killSignal
 * @returns {string | number | undefined}
 */
function sanitizeKillSignal (killSignal) {
  if (typeof killSignal === 'string' || typeof killSignal === 'number') return validSignal(killSignal)
  if (killSignal !== null && killSignal !== undefined) {
    throw invalidArgType('options.killSignal', 'one of type string or number', killSignal)
  }
  return undefined
}

/**
 * @param {unknown} signal
 * @param {string} name
 */
function validateAbortSignal (signal, name) {
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw invalidArgType(name, 'an instance of AbortSignal', signal)
  }
}

/**
 * The per-fd choice of `stdio`: `pipe` or `ignore` (the page has no descriptors of the host to
 * give, so `inherit`, numbers, streams and `ipc` are refused).
 * @param {unknown} stdio
 * @returns {[boolean, boolean, boolean]} which of stdin, stdout, stderr are pipes
 */
function pipesOf (stdio) {
  /** @type {unknown[]} */
  let list
  if (stdio === undefined || stdio === null) list = ['pipe', 'pipe', 'pipe']
  else if (typeof stdio === 'string') list = [stdio, stdio, stdio]
  else if (Array.isArray(stdio)) list = [stdio[0], stdio[1], stdio[2]]
  else throw invalidArgValue('stdio', stdio, 'is invalid')
  return /** @type {[boolean, boolean, boolean]} */ (list.map((item) => {
    if (item === undefined || item === null || item === 'pipe' || item === 'overlapped') return true
    if (item === 'ignore') return false
    if (item === 'inherit' || item === 'ipc' || typeof item === 'number' || typeof item === 'object') {
      throw withCode(new NotSupportedError(`stdio ${typeof item === 'string' ? `'${item}'` : received(item)} is not available to pages: the child's descriptors are the host's; use 'pipe' or 'ignore'`), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
    }
    throw invalidArgValue('stdio', item, 'is invalid')
  }))
}

/**
 * @typedef {object} SpawnOptions
 * @property {string | URL} [cwd]
 * @property {Record<string, string | undefined>} [env]
 * @property {boolean | string} [shell]
 * @property {number} [timeout] ms before the host sends `killSignal`
 * @property {string | number} [killSignal]
 * @property {'pipe' | 'overlapped' | 'ignore' | Array<'pipe' | 'overlapped' | 'ignore' | null | undefined>} [stdio]
 * @property {AbortSignal} [signal]
 * @property {string} [argv0] refused: the host runs the program under its own name
 * @property {number} [uid] refused: children run as the host's user
 * @property {number} [gid] refused
 * @property {boolean} [detached] ignored: every child runs in a process group of its own
 * @property {boolean} [windowsHide] ignored
 */

/**
 * @typedef {object} Normalized what `spawn` sends and remembers
 * @property {string} file the program the host runs
 * @property {string[]} args its arguments (without argv[0])
 * @property {string[]} spawnargs argv as Node reports it
 * @property {boolean} shell the host runs `/bin/sh -c file`
 * @property {string | undefined} cwd
 * @property {Record<string, string> | undefined} env
 * @property {[boolean, boolean, boolean]} pipes
 * @property {number} timeout
 * @property {string | number} killSignal
 * @property {AbortSignal | undefined} signal
 */

/**
 * Node's `normalizeSpawnArguments`, for what a page can ask.
 * @param {unknown} file
 * @param {unknown} args
 * @param {unknown} options
 * @returns {Normalized}
 */
function normalizeSpawnArguments (file, args, options) {
  validateString(file, 'file')
  validateNullCheck(file, 'file')
  if (file.length === 0) throw invalidArgValue('file', file, 'cannot be empty')
  /** @type {string[]} */
  let list
  if (Array.isArray(args)) {
    list = args.slice()
  } else if (args === null || args === undefined) {
    list = []
  } else if (typeof args !== 'object') {
    throw invalidArgType('args', 'of type object', args)
  } else {
    options = args
    list = []
  }
  // Node checks string arguments for NUL bytes and passes the others as their strings.
  for (const [index, arg] of list.entries()) validateNullCheck(arg, `args[${index}]`)
  list = list.map(String)
  if (options === undefined) options = {}
  else validateObject(options, 'options')
  const o = /** @type {SpawnOptions} */ (options)
  /** @type {string | undefined} */
  let cwd
  if (o.cwd !== null && o.cwd !== undefined) {
    if (typeof o.cwd === 'string') {
      cwd = o.cwd
    } else if (typeof URL === 'function' && o.cwd instanceof URL) {
      if (o.cwd.protocol !== 'file:') throw withCode(new TypeError('The URL must be of scheme file'), 'ERR_INVALID_URL_SCHEME')
      cwd = decodeURIComponent(o.cwd.pathname)
    } else {
      throw invalidArgType('options.cwd', 'of type string or an instance of Buffer or URL', o.cwd)
    }
    validateNullCheck(cwd, 'options.cwd')
  }
  if (o.shell !== null && o.shell !== undefined && typeof o.shell !== 'boolean' && typeof o.shell !== 'string') {
    throw invalidArgType('options.shell', 'one of type boolean or string', o.shell)
  }
  for (const name of /** @type {const} */ (['uid', 'gid'])) {
    if (o[name] !== null && o[name] !== undefined) {
      throw withCode(new NotSupportedError(`options.${name} is not available to pages: children run as the host's user`), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
    }
  }
  if (o.argv0 !== null && o.argv0 !== undefined) {
    validateString(o.argv0, 'options.argv0')
    throw withCode(new NotSupportedError('options.argv0 is not available to pages: the host runs the program under the name it allowed'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
  }
  /** @type {Record<string, string> | undefined} */
  let env
  if (o.env !== null && o.env !== undefined) {
    validateObject(o.env, 'options.env')
    env = {}
    for (const [key, value] of Object.entries(o.env)) {
      if (value === undefined) continue
      validateNullCheck(key, `options.env['${key}']`)
      validateNullCheck(String(value), `options.env['${key}']`)
      env[key] = String(value)
    }
  }
  validateTimeout(o.timeout)
  const killSignal = sanitizeKillSignal(o.killSignal) ?? 'SIGTERM'
  validateAbortSignal(o.signal, 'options.signal')
  const pipes = pipesOf(o.stdio)

  let program = file
  let spawnargs = [file, ...list]
  let shell = false
  if (o.shell) {
    const command = [file, ...list].join(' ')
    if (typeof o.shell === 'string') {
      validateNullCheck(o.shell, 'options.shell')
      program = o.shell
      list = ['-c', command]
      spawnargs = [program, ...list]
    } else {
      // The host runs `/bin/sh -c command` when `sh` is on its allow-list.
      program = command
      list = []
      spawnargs = ['/bin/sh', '-c', command]
      shell = true
    }
  }
  return {
    file: program,
    args: list,
    spawnargs,
    shell,
    cwd,
    env,
    pipes,
    timeout: o.timeout ?? 0,
    killSignal,
    signal: o.signal
  }
}

/**
 * The parameters of `child_process.spawn` and `child_process.exec` for normalized options.
 * Strings travel JSON-encoded: the host decodes each parameter as JSON where it parses, so a
 * program named `true` or a directory named `1e3` would otherwise arrive as a boolean or a
 * number.
 * @param {Normalized} options
 * @param {string} id
 * @returns {Record<string, unknown>}
 */
function routeParams (options, id) {
  const [inPipe, outPipe, errPipe] = options.pipes
  /** @type {Record<string, unknown>} */
  const params = {
    id,
    command: JSON.stringify(options.file),
    args: JSON.stringify(options.args)
  }
  if (options.shell) params.shell = true
  if (options.cwd !== undefined) params.cwd = JSON.stringify(options.cwd)
  if (options.env !== undefined) params.env = JSON.stringify(options.env)
  if (!inPipe) params.stdin = false
  if (!outPipe) params.stdout = false
  if (!errPipe) params.stderr = false
  if (options.timeout > 0) {
    params.timeout = options.timeout
    params.killSignal = JSON.stringify(options.killSignal)
  }
  return params
}

/** A fresh child id: `c` and 32 hex digits (never JSON, so it reaches the host as written). */
function randomId () {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  return `c${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

/**
 * Call `fn`; an exception it throws (a listener's) is reported as uncaught, as Node would,
 * without breaking the child's own bookkeeping.
 * @param {() => void} fn
 */
function guarded (fn) {
  try {
    fn()
  } catch (error) {
    queueMicrotask(() => { throw error })
  }
}

/**
 * The bytes of a reply chunk as a Buffer over the same memory.
 * @param {Uint8Array} chunk
 */
function asBuffer (chunk) {
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
}

// --------------------------------------------------------------------------------------------
// The pipes
// --------------------------------------------------------------------------------------------

/** The state a pipe shares with its child. */
const kSpawned = Symbol('oro.child_process.spawned')
const kId = Symbol('oro.child_process.id')

/**
 * A child's stdout or stderr: bytes of `child_process.output`, read only while the Readable
 * wants more.
 */
class ChildOutput extends Readable {
  /** @type {ChildProcess} */
  #child
  /** @type {1 | 2} */
  #fd
  /** @type {AsyncIterator<Uint8Array> | null} */
  #iterator = null
  #reading = false

  /**
   * @param {ChildProcess} child
   * @param {1 | 2} fd
   */
  constructor (child, fd) {
    super({ autoDestroy: true, emitClose: true })
    this.#child = child
    this.#fd = fd
  }

  _read () {
    if (!this.#reading) this.#pump()
  }

  /** Read chunks until the stream has enough (`push` says so), ends or is destroyed. */
  async #pump () {
    this.#reading = true
    try {
      if (!(await this.#child[kSpawned])) {
        if (!this.destroyed) this.push(null)
        return
      }
      if (this.#iterator === null) {
        /** @type {any} */
        const reply = await request('child_process.output', { id: this.#child[kId], fd: this.#fd }, { responseType: 'stream', timeout: 0 })
        if (this.destroyed) {
          reply?.return?.().catch(() => {})
          return
        }
        this.#iterator = reply !== null && typeof reply === 'object' && typeof reply[Symbol.asyncIterator] === 'function'
          ? reply[Symbol.asyncIterator]()
          : (async function * () { if (reply instanceof Uint8Array) yield reply })()
      }
      const iterator = /** @type {AsyncIterator<Uint8Array>} */ (this.#iterator)
      while (!this.destroyed) {
        const { done, value } = await iterator.next()
        if (this.destroyed) return
        if (done) {
          this.push(null)
          return
        }
        if (value.byteLength > 0 && !this.push(asBuffer(value))) return
      }
    } catch (error) {
      if (!this.destroyed) this.destroy(/** @type {Error} */ (pipeError(error, 'read')))
    } finally {
      this.#reading = false
    }
  }

  /**
   * @param {Error | null} error
   * @param {(error: Error | null) => void} callback
   */
  _destroy (error, callback) {
    // Closing the reply cancels the host's reading; later bytes stay in the pipe (the host lets
    // the child go once it exited and nobody reads).
    const iterator = this.#iterator
    this.#iterator = null
    iterator?.return?.().catch(() => {})
    callback(error)
  }
}

/** A child's stdin: writes become `child_process.write` requests, one at a time, in order. */
class ChildInput extends Writable {
  /** @type {ChildProcess} */
  #child

  /** @param {ChildProcess} child */
  constructor (child) {
    super({ decodeStrings: true, autoDestroy: true, emitClose: true })
    this.#child = child
  }

  /**
   * Send `bytes` (in pieces of at most MAX_WRITE_BYTES) and then, with `end`, close stdin.
   * @param {Uint8Array} bytes
   * @param {boolean} end
   */
  async #send (bytes, end) {
    if (!(await this.#child[kSpawned])) throw errnoException(ERRNO.EPIPE, 'EPIPE', 'write')
    const id = this.#child[kId]
    let offset = 0
    do {
      const piece = bytes.subarray(offset, offset + MAX_WRITE_BYTES)
      offset += piece.byteLength
      const last = offset >= bytes.byteLength
      /** @type {Record<string, unknown>} */
      const params = { id }
      if (end && last) params.end = true
      try {
        await request('child_process.write', params, { method: 'POST', body: piece, timeout: 0 })
      } catch (error) {
        throw pipeError(error, 'write')
      }
    } while (offset < bytes.byteLength)
  }

  /**
   * @param {Buffer} chunk
   * @param {string} _encoding
   * @param {(error?: Error | null) => void} callback
   */
  _write (chunk, _encoding, callback) {
    this.#send(chunk, false).then(() => callback(), (error) => callback(error))
  }

  /**
   * Chunks written while a request was in flight go together in the next one.
   * @param {Array<{ chunk: Buffer }>} chunks
   * @param {(error?: Error | null) => void} callback
   */
  _writev (chunks, callback) {
    const bytes = Buffer.concat(chunks.map((entry) => entry.chunk))
    this.#send(bytes, false).then(() => callback(), (error) => callback(error))
  }

  /** @param {(error?: Error | null) => void} callback */
  _final (callback) {
    this.#send(new Uint8Array(0), true).then(() => callback(), (error) => callback(error))
  }
}

// --------------------------------------------------------------------------------------------
// The child
// --------------------------------------------------------------------------------------------

/** A program the host runs for this page (Node's `ChildProcess`). */
export class ChildProcess extends EventEmitter {
  /** @type {number | undefined} the child's process id, once `spawn` was emitted */
  pid = undefined
  /** @type {ChildInput | null} */
  stdin = null
  /** @type {ChildOutput | null} */
  stdout = null
  /** @type {ChildOutput | null} */
  stderr = null
  /** @type {Array<ChildInput | ChildOutput | null>} */
  stdio = [null, null, null]
  /** @type {number | null} */
  exitCode = null
  /** @type {string | null} */
  signalCode = null
  /** `kill()` sent a signal (or the host's `timeout` did). */
  killed = false
  /** No IPC channel: pages cannot fork Node programs. */
  connected = false
  /** @type {string[]} */
  spawnargs = []
  /** @type {string | undefined} */
  spawnfile = undefined;

  /** @type {string} the child's id: every route's `id` */
  [kId] = randomId();
  /** @type {Promise<boolean>} whether the host started the program */
  [kSpawned] = Promise.resolve(false)

  /** The program ended (or never started): no more signals. */
  #done = false
  #closesNeeded = 1
  #closesGot = 0

  /**
   * Start the program (the page-side half of Node's `ChildProcess.prototype.spawn`).
   * @param {Normalized} options
   */
  #start (options) {
    this.spawnfile = options.shell ? '/bin/sh' : options.file
    this.spawnargs = options.spawnargs
    const [inPipe, outPipe, errPipe] = options.pipes
    if (inPipe) this.stdin = new ChildInput(this)
    if (outPipe) this.stdout = new ChildOutput(this, 1)
    if (errPipe) this.stderr = new ChildOutput(this, 2)
    this.stdio = [this.stdin, this.stdout, this.stderr]
    for (const stream of [this.stdout, this.stderr]) {
      if (stream === null) continue
      this.#closesNeeded += 1
      stream.on('close', () => this.#maybeClose())
    }
    const params = routeParams(options, this[kId])
    this[kSpawned] = request('child_process.spawn', params).then((reply) => {
      this.pid = Number(reply.pid)
      guarded(() => this.emit('spawn'))
      this.#wait()
      return true
    }, (error) => {
      this.#failed(error)
      return false
    })
    const signal = options.signal
    if (signal !== undefined) {
      const onAbort = () => {
        try {
          if (this.kill(options.killSignal)) {
            this.emit('error', new AbortError(undefined, { cause: signal.reason }))
          }
        } catch (error) {
          this.emit('error', error)
        }
      }
      if (signal.aborted) {
        queueMicrotask(onAbort)
      } else {
        signal.addEventListener('abort', onAbort, { once: true })
        this.once('close', () => signal.removeEventListener('abort', onAbort))
      }
    }
  }

  /**
   * The host did not start the program: Node's `error` event (a system error as Node builds it,
   * a policy refusal as the host sent it), then `close`.
   * @param {any} error
   */
  #failed (error) {
    this.#done = true
    let failure = error
    if (error !== null && typeof error === 'object' && typeof error.code === 'string' &&
        /^E[A-Z0-9]+$/.test(error.code) && error.name !== 'SecurityError') {
      const errno = typeof error.errno === 'number' ? error.errno : (ERRNO[error.code] ?? -5)
      failure = errnoException(errno, error.code, `spawn ${this.spawnfile}`)
      failure.path = this.spawnfile
      failure.spawnargs = this.spawnargs.slice(1)
      this.exitCode = errno
    }
    this.stdin?.destroy()
    guarded(() => this.emit('error', failure))
    // The pipes end without bytes: `close` follows once their `end` was read.
    for (const stream of [this.stdout, this.stderr]) stream?.resume()
    this.#maybeClose()
  }

  /** Wait for the exit, then `exit`; `close` once the pipes closed too. */
  async #wait () {
    /** @type {any} */
    let reply
    for (let attempt = 0; ; attempt++) {
      try {
        reply = await request('child_process.wait', { id: this[kId] }, { timeout: 0 })
        break
      } catch (error) {
        // The connection carrying the wait broke (Conduit reconnecting): the host still waits.
        if (/** @type {any} */ (error)?.name === 'NetworkError' && attempt < WAIT_RETRIES) continue
        this.#done = true
        this.stdin?.destroy()
        guarded(() => this.emit('error', error))
        for (const stream of [this.stdout, this.stderr]) stream?.destroy()
        this.#maybeClose()
        return
      }
    }
    this.#done = true
    if (reply.signal) this.signalCode = String(reply.signal)
    else this.exitCode = reply.code === null || reply.code === undefined ? null : Number(reply.code)
    if (reply.timedOut) this.killed = true
    this.stdin?.destroy()
    guarded(() => this.emit('exit', this.exitCode, this.signalCode))
    // As Node's flushStdio: pipes nobody touched are drained, so that `close` can come.
    queueMicrotask(() => {
      for (const stream of [this.stdout, this.stderr]) {
        if (stream !== null && !stream.destroyed && stream.readableFlowing === null) stream.resume()
      }
    })
    this.#maybeClose()
  }

  #maybeClose () {
    this.#closesGot += 1
    if (this.#closesGot === this.#closesNeeded) {
      guarded(() => this.emit('close', this.exitCode, this.signalCode))
    }
  }

  /**
   * Send `signal` to the child. Answers `true` while the page knows the child runs (the host
   * signals it once it started), `false` once it has exited or never started.
   * @param {string | number} [signal] default `SIGTERM`
   * @returns {boolean}
   */
  kill (signal = 'SIGTERM') {
    const sig = validSignal(signal === undefined || signal === null ? 'SIGTERM' : signal)
    if (this.#done) return false
    this.killed = true
    this[kSpawned].then((spawned) => {
      if (!spawned || this.#done) return
      request('child_process.kill', { id: this[kId], signal: JSON.stringify(sig) }).catch((error) => {
        if (!this.#done && error?.code !== 'ERR_UNKNOWN_CHILD') guarded(() => this.emit('error', error))
      })
    })
    return true
  }

  /** No effect in a page (nothing keeps a page alive); returns the child. */
  ref () {
    return this
  }

  /** No effect in a page. */
  unref () {
    return this
  }

  /** `kill()` (Node's `[Symbol.dispose]`). */
  [dispose] () {
    if (!this.killed) this.kill()
  }

  /**
   * @internal used by `spawn`
   * @param {Normalized} options
   */
  static start (options) {
    const child = new ChildProcess()
    child.#start(options)
    return child
  }
}

// --------------------------------------------------------------------------------------------
// spawn, execFile, exec
// --------------------------------------------------------------------------------------------

/**
 * Run `command` with `args`: `spawn(command[, args][, options])`.
 * @param {string} command
 * @param {readonly string[] | SpawnOptions} [args]
 * @param {SpawnOptions} [options]
 * @returns {ChildProcess}
 */
export function spawn (command, args, options) {
  return ChildProcess.start(normalizeSpawnArguments(command, args, options))
}

/**
 * @typedef {SpawnOptions & { encoding?: string | null, maxBuffer?: number }} ExecOptions
 */

/**
 * @typedef {(error: ExecError | null, stdout: string | Buffer, stderr: string | Buffer) => void} ExecCallback
 */

/**
 * @typedef {Error & { code?: number | string | null, killed?: boolean, signal?: string | null, cmd?: string, stdout?: string | Buffer, stderr?: string | Buffer }} ExecError
 */

/**
 * Node's `normalizeExecFileArgs`.
 * @param {unknown} args
 * @param {unknown} options
 * @param {unknown} callback
 * @returns {{ args: string[], options: ExecOptions, callback: ExecCallback | undefined }}
 */
function normalizeExecFileArgs (args, options, callback) {
  /** @type {any} */
  let list = args
  if (Array.isArray(args)) {
    list = args.slice()
  } else if (args !== null && args !== undefined && typeof args === 'object') {
    callback = options
    options = args
    list = null
  } else if (typeof args === 'function') {
    callback = args
    options = null
    list = null
  }
  if (list === null || list === undefined) list = []
  if (typeof options === 'function') callback = options
  else if (options !== null && options !== undefined) validateObject(options, 'options')
  if (options === null || options === undefined || typeof options === 'function') options = {}
  if (callback !== null && callback !== undefined && typeof callback !== 'function') {
    throw invalidArgType('callback', 'of type function', callback)
  }
  return {
    args: list,
    options: /** @type {ExecOptions} */ (options),
    callback: /** @type {ExecCallback | undefined} */ (callback ?? undefined)
  }
}

/**
 * Run `file` and collect its output: `execFile(file[, args][, options][, callback])`. The
 * callback gets `(error, stdout, stderr)`; strings (`encoding`, default utf8) or Buffers
 * (`encoding: 'buffer'`).
 * @param {string} file
 * @param {...any} rest `[args][, options][, callback]`
 * @returns {ChildProcess}
 */
export function execFile (file, ...rest) {
  const normalized = normalizeExecFileArgs(rest[0], rest[1], rest[2])
  const callback = normalized.callback
  const options = {
    encoding: /** @type {string | null | undefined} */ ('utf8'),
    timeout: 0,
    maxBuffer: MAX_BUFFER,
    killSignal: /** @type {string | number | undefined} */ ('SIGTERM'),
    shell: /** @type {boolean | string | undefined} */ (false),
    ...normalized.options
  }
  validateTimeout(options.timeout)
  validateMaxBuffer(options.maxBuffer)
  const killSignal = sanitizeKillSignal(options.killSignal)
  const child = spawn(file, normalized.args, {
    cwd: options.cwd,
    env: options.env,
    shell: options.shell,
    signal: options.signal
  })

  const encoding = options.encoding !== 'buffer' && typeof options.encoding === 'string' && Buffer.isEncoding(options.encoding)
    ? options.encoding
    : null
  const maxBuffer = options.maxBuffer ?? MAX_BUFFER
  /** @type {Array<string | Buffer>} */
  const stdoutChunks = []
  /** @type {Array<string | Buffer>} */
  const stderrChunks = []
  let stdoutLength = 0
  let stderrLength = 0
  let killed = false
  let exited = false
  /** @type {any} */
  let failure = null
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null

  /**
   * @param {number | null} [code]
   * @param {string | null} [signal]
   */
  const exithandler = (code, signal) => {
    if (exited) return
    exited = true
    if (timer !== null) {
      clearTimeout(timer)
      timer = null
    }
    if (!callback) return
    const join = (/** @type {Array<string | Buffer>} */ chunks) => encoding
      ? chunks.join('')
      : Buffer.concat(/** @type {Buffer[]} */ (chunks))
    const stdout = join(stdoutChunks)
    const stderr = join(stderrChunks)
    if (!failure && code === 0 && signal === null) {
      callback(null, stdout, stderr)
      return
    }
    let cmd = file
    if (normalized.args.length > 0) cmd += ` ${normalized.args.join(' ')}`
    if (!failure) {
      failure = Object.assign(new Error(`Command failed: ${cmd}\n${stderr}`), {
        code: typeof code === 'number' && code < 0 ? (Object.keys(ERRNO).find((name) => ERRNO[name] === code) ?? code) : code,
        killed: child.killed || killed,
        signal
      })
    }
    failure.cmd = cmd
    callback(failure, stdout, stderr)
  }

  const kill = () => {
    child.stdout?.destroy()
    child.stderr?.destroy()
    killed = true
    try {
      child.kill(killSignal)
    } catch (error) {
      failure = error
      exithandler()
    }
  }

  if (options.timeout > 0) {
    timer = setTimeout(() => {
      kill()
      timer = null
    }, options.timeout)
  }

  /**
   * @param {ChildOutput | null} stream
   * @param {Array<string | Buffer>} chunks
   * @param {'stdout' | 'stderr'} name
   */
  const collect = (stream, chunks, name) => {
    if (stream === null) return
    if (encoding) stream.setEncoding(/** @type {any} */ (encoding))
    stream.on('data', (/** @type {string | Buffer} */ chunk) => {
      const length = typeof chunk === 'string' ? Buffer.byteLength(chunk, /** @type {BufferEncoding} */ (encoding ?? 'utf8')) : chunk.length
      const total = name === 'stdout' ? (stdoutLength += length) : (stderrLength += length)
      if (maxBuffer === Infinity) {
        chunks.push(chunk)
        return
      }
      if (total > maxBuffer) {
        const truncated = maxBuffer - (total - length)
        chunks.push(chunk.slice(0, truncated))
        failure = maxBufferError(name)
        kill()
      } else {
        chunks.push(chunk)
      }
    })
  }
  collect(child.stdout, stdoutChunks, 'stdout')
  collect(child.stderr, stderrChunks, 'stderr')

  child.addListener('close', exithandler)
  child.addListener('error', (/** @type {any} */ error) => {
    failure = error
    child.stdout?.destroy()
    child.stderr?.destroy()
    exithandler()
  })
  return child
}

/**
 * Run `command` in `/bin/sh` and collect its output: `exec(command[, options][, callback])`.
 * The host runs a shell only when `sh` is on `[process] allow`.
 * @param {string} command
 * @param {ExecOptions | ExecCallback} [options]
 * @param {ExecCallback} [callback]
 * @returns {ChildProcess}
 */
export function exec (command, options, callback) {
  validateString(command, 'command')
  validateNullCheck(command, 'command')
  if (typeof options === 'function') {
    callback = options
    options = undefined
  }
  const copy = { ...(options ?? {}) }
  copy.shell = typeof copy.shell === 'string' ? copy.shell : true
  return execFile(command, copy, callback)
}

/**
 * Node's `[util.promisify.custom]` of exec/execFile: `{stdout, stderr}`, or the error with
 * `stdout` and `stderr`; the promise's `child` is the ChildProcess.
 * @param {(...args: any[]) => ChildProcess} original
 */
function promisified (original) {
  return (/** @type {any[]} */ ...args) => {
    /** @type {(value: { stdout: string | Buffer, stderr: string | Buffer }) => void} */
    let resolve = () => {}
    /** @type {(error: unknown) => void} */
    let reject = () => {}
    const promise = /** @type {Promise<{ stdout: string | Buffer, stderr: string | Buffer }> & { child: ChildProcess }} */ (
      new Promise((resolveWith, rejectWith) => { resolve = resolveWith; reject = rejectWith }))
    promise.child = original(...args, (/** @type {ExecError | null} */ error, /** @type {string | Buffer} */ stdout, /** @type {string | Buffer} */ stderr) => {
      if (error !== null) {
        error.stdout = stdout
        error.stderr = stderr
        reject(error)
      } else {
        resolve({ stdout, stderr })
      }
    })
    return promise
  }
}

Object.defineProperty(exec, kCustomPromisified, { value: promisified(exec), enumerable: false, writable: false, configurable: true })
Object.defineProperty(execFile, kCustomPromisified, { value: promisified(execFile), enumerable: false, writable: false, configurable: true })

// --------------------------------------------------------------------------------------------
/**
 * Oro's `Pipe`: runs a child's `stdout` and `stderr` events in the async context the pipe was
 * made in (an `AsyncResource`, so `AsyncLocalStorage` stores follow the output), and drops
 * their `data` once destroyed (`end` and `close` still arrive, so the child still closes). The
 * child's `close` destroys it: unlike Oro's, not its `exit`, which can come before the last
 * output.
 */
export class Pipe extends AsyncResource {
  #process
  #reading = true

  /** @param {ChildProcess} child */
  constructor (child) {
    super('Pipe')
    this.#process = child
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue
      const emit = stream.emit
      stream.emit = (/** @type {any[]} */ ...args) => {
        if (!this.#reading && args[0] === 'data') return false
        return this.runInAsyncScope(() => emit.apply(stream, /** @type {any} */ (args)))
      }
    }
    child.once('close', () => this.destroy())
  }

  /** `true` until the pipe is destroyed. */
  get reading () {
    return this.#reading
  }

  /** The child process whose output this pipe carries. */
  get process () {
    return this.#process
  }

  /** Stop passing the child's output events on. */
  destroy () {
    this.#reading = false
  }
}

// Synchronous forms: one blocking call to the host each
// --------------------------------------------------------------------------------------------

/**
 * @typedef {object} SpawnSyncResult
 * @property {number} pid
 * @property {Array<string | Buffer | null> | null} output `[null, stdout, stderr]`
 * @property {string | Buffer | null} stdout
 * @property {string | Buffer | null} stderr
 * @property {number | null} status the exit code, `null` when a signal ended it
 * @property {string | null} signal
 * @property {any} [error] the child could not start (a system error, or the host's refusal as
 *   it came), timed out (`ETIMEDOUT`) or exceeded `maxBuffer` (`ENOBUFS`)
 */

/**
 * @param {string} text
 * @returns {Buffer}
 */
function fromBase64 (text) {
  return Buffer.from(text ?? '', 'base64')
}

/**
 * Run a child to completion while the page waits (Node's `spawnSync`): one synchronous call to
 * the host's `child_process.exec`, which feeds `options.input` to stdin then closes it.
 * @param {string} file
 * @param {readonly string[] | object} [args]
 * @param {object} [options]
 * @returns {SpawnSyncResult}
 */
export function spawnSync (file, args, options) {
  const normalized = normalizeSpawnArguments(file, args, options)
  const o = /** @type {any} */ ((Array.isArray(args) ? options : args) ?? {})
  const maxBuffer = o.maxBuffer ?? MAX_BUFFER
  validateMaxBuffer(maxBuffer)
  const encoding = typeof o.encoding === 'string' && o.encoding !== 'buffer' && Buffer.isEncoding(o.encoding)
    ? o.encoding
    : null
  let input = o.input
  if (input !== undefined && input !== null) {
    if (typeof input === 'string') input = Buffer.from(input, encoding ?? 'utf8')
    else if (!ArrayBuffer.isView(input)) {
      throw invalidArgType('options.stdio[0]', 'an instance of Buffer, TypedArray, or DataView', input)
    }
  }
  const params = routeParams(normalized, randomId())
  params.maxBuffer = maxBuffer === Infinity ? 'Infinity' : maxBuffer
  const spawnfile = normalized.shell ? '/bin/sh' : normalized.file
  const body = input ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(0)
  const { err, data } = sendSync('child_process.exec', params, { body, method: 'POST' })
  const decode = (/** @type {Buffer} */ bytes) => encoding ? bytes.toString(encoding) : bytes
  const [, outPipe, errPipe] = normalized.pipes
  /**
   * Node's result, its keys in Node's order (an execSync error copies them in that order).
   * @param {any} error
   * @param {any} reply the host's outputs, `null` when the child never ran
   * @param {Partial<SpawnSyncResult>} exit
   * @returns {SpawnSyncResult}
   */
  const resultOf = (error, reply, exit) => {
    const stdout = reply && outPipe ? decode(fromBase64(reply.stdout)) : null
    const stderr = reply && errPipe ? decode(fromBase64(reply.stderr)) : null
    return {
      ...(error ? { error } : {}),
      status: exit.status ?? null,
      signal: exit.signal ?? null,
      output: reply ? [null, stdout, stderr] : null,
      pid: exit.pid ?? 0,
      stdout,
      stderr
    }
  }
  /** @param {string} code */
  const failure = (code) => {
    const error = errnoException(ERRNO[code] ?? -5, code, `spawnSync ${spawnfile}`)
    error.path = spawnfile
    error.spawnargs = normalized.spawnargs.slice(1)
    return error
  }
  if (err) {
    const error = /** @type {any} */ (err)
    if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
      const killSignal = normalized.killSignal
      const signal = typeof killSignal === 'number'
        ? Object.keys(SIGNALS).find((name) => SIGNALS[name] === killSignal)
        : killSignal
      return resultOf(failure('ENOBUFS'), error, { signal })
    }
    // A refusal of the host (a program [process] does not allow...) is the result's error as
    // it came, as a system error is: spawnSync reports the child's failures, it never throws them.
    const system = typeof error.code === 'string' && /^E[A-Z0-9]+$/.test(error.code) && error.name !== 'SecurityError'
    return resultOf(system ? failure(error.code) : error, null, {})
  }
  const exit = { status: data.code, signal: data.signal, pid: Number(data.pid) }
  return resultOf(data.timedOut ? failure('ETIMEDOUT') : null, data, exit)
}

/**
 * Node's `checkExecSyncError`: the result's error, or a `Command failed` error for a non-zero
 * exit, each carrying the result's fields.
 * @param {SpawnSyncResult} result
 * @param {string} command
 */
function execSyncError (result, command) {
  let error = null
  if (result.error) {
    error = result.error
    Object.assign(error, result)
  } else if (result.status !== 0) {
    let message = `Command failed: ${command}`
    if (result.stderr && result.stderr.length > 0) message += `\n${result.stderr.toString()}`
    error = Object.assign(new Error(message), result)
  }
  return error
}

/**
 * The child's stderr goes where Node's execSync sends it (the parent's stderr) unless `stdio`
 * was given: here, the page's console.
 * @param {SpawnSyncResult} result
 * @param {any} options
 */
function passStderrOn (result, options) {
  if (!options?.stdio && result.stderr && result.stderr.length > 0) console.error(result.stderr.toString())
}

/**
 * Run `file` while the page waits and answer its stdout (Node's `execFileSync`); throws, with
 * the result's fields, when it failed or exited with another code than 0.
 * @param {string} file
 * @param {readonly string[] | object} [args]
 * @param {object} [options]
 * @returns {string | Buffer}
 */
export function execFileSync (file, args, options) {
  const list = Array.isArray(args) ? args : []
  const opts = Array.isArray(args) ? options : args
  const result = spawnSync(file, list, opts)
  passStderrOn(result, opts)
  const error = execSyncError(result, [file, ...list].join(' '))
  if (error) throw error
  return /** @type {string | Buffer} */ (result.stdout)
}

/**
 * Run `command` in `/bin/sh` while the page waits and answer its stdout (Node's `execSync`);
 * throws as {@link execFileSync} does. The host runs a shell only when `sh` is on
 * `[process] allow`.
 * @param {string} command
 * @param {object} [options]
 * @returns {string | Buffer}
 */
export function execSync (command, options) {
  validateString(command, 'command')
  validateNullCheck(command, 'command')
  const opts = { ...(options ?? {}), shell: typeof (/** @type {any} */ (options))?.shell === 'string' ? /** @type {any} */ (options).shell : true }
  const result = spawnSync(command, [], opts)
  passStderrOn(result, options)
  const error = execSyncError(result, command)
  if (error) throw error
  return /** @type {string | Buffer} */ (result.stdout)
}

// What a page cannot have
// --------------------------------------------------------------------------------------------

/**
 * Refused: `NotSupportedError` (code `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`): there is no Node.js
 * program with an IPC channel to fork.
 * @param {...unknown} _args
 * @returns {never}
 */
export function fork (..._args) {
  throw new NotSupportedError('child_process.fork is not available to pages: there is no Node.js module to fork and no IPC channel; use spawn', { code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' })
}

export default { ChildProcess, Pipe, exec, execFile, execFileSync, execSync, fork, spawn, spawnSync }
