// Page code using oro:fs as an app author would; type-checked (strict) against js-api/index.d.ts.
import fs, { createReadStream, Stats } from 'node:fs'
import { readFile, writeFile, readdir, watch, open, mkdir } from 'oro:fs/promises'
import { O_RDONLY, constants } from 'oro:fs/constants'

export async function usage (): Promise<number> {
  await writeFile('notes/today.md', '# hi', { encoding: 'utf8' })
  await writeFile('notes/today.md', '# saved', { encoding: 'utf8', atomic: true, flush: true })
  fs.appendFile('log.txt', 'line\n', { flush: true, atomic: true }, (error) => { if (error) throw error })
  const text: string = await readFile('notes/today.md', 'utf8')
  const bytes: Uint8Array = await readFile('notes/today.md')
  const first: string | undefined = await mkdir('a/b', { recursive: true })
  const names: string[] = await readdir('notes')
  const entries = await readdir('notes', { withFileTypes: true })
  const dirs = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  const handle = await open('big.bin', 'r')
  let total = 0
  for await (const chunk of handle.readableWebStream()) total += chunk.byteLength
  await handle.writeFile('x', { flush: true })
  const stats: Stats = await handle.stat()
  const when: Date = stats.mtime
  await handle.close()
  for await (const event of watch('notes', { recursive: true })) {
    if (event.eventType === 'rename') break
  }
  fs.readFile('/etc/passwd', (error) => { if (error?.code === 'EPERM') console.log(error.name) })
  fs.stat('a', (error, value) => { if (!error) console.log(value.isFile()) })
  const watcher = fs.watch('notes', (eventType, filename) => console.log(eventType, filename))
  watcher.close()
  const stream = createReadStream('notes/today.md', { start: 0, end: 9, encoding: 'utf8' })
  stream.on('data', (chunk) => console.log(chunk))
  const out = fs.createWriteStream('out.txt')
  out.write('x')
  out.end()
  return text.length + bytes.length + names.length + dirs.length + total + when.getTime() +
    (first ? 1 : 0) + O_RDONLY + constants.O_CREAT + fs.constants.F_OK + fs.promises.constants.R_OK
}

// Oro's subpath modules, as an Oro app uses them.
import { DirectoryHandle, FileHandle } from 'oro:fs/handle'
import { Dir, Dirent, sortDirectoryEntries } from 'oro:fs/dir'
import { normalizeFlags } from 'oro:fs/flags'
import { FileReadStream, createWriteStream as createOut, DEFAULT_STREAM_HIGH_WATER_MARK } from 'oro:fs/stream'
import { Stats as SubStats } from 'oro:fs/stats'
import { Watcher } from 'oro:fs/watcher'
import fds from 'oro:fs/fds'
import { createFileSystemDirectoryHandle, createFile, FileSystemFileHandle } from 'oro:fs/web'
import mime, { MIMEType, lookup } from 'oro:mime'

export async function subpaths (): Promise<number> {
  const handle: FileHandle = await FileHandle.open('a.txt', normalizeFlags('a+'))
  await handle.close()
  const directory = await DirectoryHandle.open('notes', { bufferSize: 8 })
  const batch: Dirent[] = await directory.read({ entries: 4 })
  await directory.close()
  const names = batch.sort(sortDirectoryEntries).map((entry) => entry.name)
  const dir: Dir | null = null
  const reader: FileReadStream = new FileReadStream('a.txt', { highWaterMark: DEFAULT_STREAM_HIGH_WATER_MARK })
  reader.close()
  createOut('b.txt').end('x')
  const stats: SubStats = await handle.stat()
  const watcher = new Watcher('notes', { recursive: true })
  watcher.close()
  const open: number = fds.size + ([...fds.entries()][0]?.[0] ?? 0)
  const root = await createFileSystemDirectoryHandle('notes')
  const file: FileSystemFileHandle = await root.getFileHandle('x.md', { create: true })
  const writable = await file.createWritable({ keepExistingData: true })
  await writable.write({ type: 'write', position: 0, data: new Blob(['x']) })
  await writable.close()
  for await (const [name, entry] of root) console.log(name, entry.kind)
  const text: string = await (await file.getFile()).text()
  const made: File = await createFile('x.md')
  const [found] = await lookup('png')
  const type = new MIMEType('text/plain;charset=utf-8')
  return names.length + stats.size + open + text.length + made.size + (dir ? 1 : 0) +
    (found?.mime.length ?? 0) + (type.params.get('charset')?.length ?? 0) + mime.image.map.size
}
