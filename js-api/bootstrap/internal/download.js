/**
 * Oro's `bootstrap(options)` and `checkHash`: download a file (a backend binary, a data file)
 * to a path, with progress events, and check a file on disk against a known hash, so an app
 * downloads only what it lacks. Part of `oro:bootstrap` (not a module of its own). Writing and
 * reading files needs `oro:fs` (the oro-fs plugin), loaded on first use.
 */

import { EventEmitter } from '../../events.js'
import { NetworkError, NotSupportedError, invalidArgument } from '../../errors.js'
import registry from '../../diagnostics/internal/channels.js'

const dc = registry.group('bootstrap', [
  'handle', 'run.start', 'run.end', 'write.start', 'write.end', 'download.start', 'download.end'
])

/** Bytes handed to the file per write (one `write-file-progress` event each). */
const WRITE_CHUNK = 64 * 1024

/**
 * @param {string} specifier
 * @returns {Promise<any>}
 */
async function load (specifier) {
  try {
    return await import(specifier)
  } catch (cause) {
    throw new NotSupportedError(`${specifier} is not available in this page (is the oro-fs plugin loaded?)`, { cause })
  }
}

/**
 * The hex digest of `bytes`: Web Crypto's names (`SHA-256`) or Node's (`sha256`, `md5`...).
 * @param {Uint8Array} bytes
 * @param {string} algorithm
 * @returns {Promise<string>}
 */
async function hexDigest (bytes, algorithm) {
  const crypto = await import('../../crypto.js')
  if (/^sha-\d+$/i.test(algorithm)) return (await crypto.createDigest(algorithm.toUpperCase(), bytes)).toString('hex')
  return crypto.hash(algorithm.toLowerCase(), bytes, 'hex')
}

/**
 * Whether the file at `dest` has the hex digest `hash` under `hashAlgorithm` (`'sha256'`,
 * `'SHA-256'`...). False when the file cannot be read (missing, unreadable), as in Oro, so a
 * caller downloads it again.
 * @param {string} dest
 * @param {string} hash
 * @param {string} hashAlgorithm
 * @returns {Promise<boolean>}
 */
export async function checkHash (dest, hash, hashAlgorithm) {
  const fs = await load('oro:fs/promises')
  let bytes
  try {
    bytes = await fs.readFile(dest)
  } catch {
    return false
  }
  return String(hash).toLowerCase() === await hexDigest(new Uint8Array(bytes), hashAlgorithm)
}

/**
 * A download of `options.url` to `options.dest`. Events: `download-progress` (percent, when the
 * server sends `Content-Length`), `write-file` (`{status: 'started' | 'finished'}`),
 * `write-file-progress` (fraction written) and `error`.
 */
export class Bootstrap extends EventEmitter {
  /** @param {{ url: string, dest: string }} options */
  constructor (options) {
    if (!options || typeof options.url !== 'string' || !options.url || typeof options.dest !== 'string' || !options.dest) {
      throw invalidArgument('.url and .dest are required string properties on the object provided to the constructor at the first argument position')
    }
    super()
    this.options = options
    dc.channel('handle').publish({ bootstrap: this })
  }

  /**
   * Downloads and writes the file. A failure is emitted as `error` when someone listens for
   * it, else rejected. Every listener is removed at the end, as in Oro.
   */
  async run () {
    try {
      dc.channel('run.start').publish({ bootstrap: this })
      const fileBuffer = await this.download(this.options.url)
      await this.write({ fileBuffer, dest: this.options.dest })
      dc.channel('run.end').publish({ bootstrap: this })
    } catch (error) {
      if (this.listenerCount('error')) this.emit('error', error)
      else throw error
    } finally {
      this.cleanup()
    }
  }

  /**
   * Writes `fileBuffer` to `dest` (mode 0o755: a downloaded backend is run).
   * @param {{ fileBuffer: Uint8Array, dest: string }} options
   */
  async write ({ fileBuffer, dest }) {
    const fs = await load('oro:fs/promises')
    this.emit('write-file', { status: 'started' })
    dc.channel('write.start').publish({ bootstrap: this, dest })
    const handle = await fs.open(dest, 'w', 0o755)
    let bytesWritten = 0
    try {
      do {
        const chunk = fileBuffer.subarray(bytesWritten, bytesWritten + WRITE_CHUNK)
        if (chunk.byteLength) await handle.write(chunk)
        bytesWritten += chunk.byteLength
        this.emit('write-file-progress', fileBuffer.byteLength ? bytesWritten / fileBuffer.byteLength : 1)
      } while (bytesWritten < fileBuffer.byteLength)
    } finally {
      await handle.close()
    }
    this.emit('write-file', { status: 'finished' })
    dc.channel('write.end').publish({ bootstrap: this, dest, bytesWritten })
  }

  /**
   * The body of `url`. Rejects with `NetworkError` (its `status` set) on a status other than 2xx.
   * @param {string} url
   * @returns {Promise<Uint8Array>}
   */
  async download (url) {
    dc.channel('download.start').publish({ bootstrap: this, url })
    const response = await fetch(url, { mode: 'cors' })
    if (!response.ok) {
      throw Object.assign(new NetworkError(`Bootstrap request failed: ${response.status} ${response.statusText}`), { status: response.status })
    }
    const total = Number.parseInt(response.headers.get('Content-Length') ?? '', 10)
    /** @type {Uint8Array[]} */
    const chunks = []
    let bytesRead = 0
    let progress = 0
    if (response.body) {
      const reader = response.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        chunks.push(value)
        bytesRead += value.byteLength
        if (total > 0) {
          const percent = Math.min(100, Math.floor((bytesRead / total) * 100))
          if (percent !== progress) {
            progress = percent
            this.emit('download-progress', percent)
          }
        }
      }
    }
    const fileData = new Uint8Array(bytesRead)
    let offset = 0
    for (const chunk of chunks) {
      fileData.set(chunk, offset)
      offset += chunk.byteLength
    }
    dc.channel('download.end').publish({ bootstrap: this, url, bytesRead, bytesTotal: Number.isNaN(total) ? bytesRead : total })
    return fileData
  }

  /** Removes every listener. */
  cleanup () {
    this.removeAllListeners()
  }
}

/**
 * A `Bootstrap` for `options` (`{url, dest}`); call `run()` to download.
 * @param {{ url: string, dest: string }} options
 * @returns {Bootstrap}
 */
export function bootstrap (options) {
  return new Bootstrap(options)
}
