// One child_process script for test_process_differential.py: run under Node with node:child_process
// and in a page with oro:child_process, and the JSON each answers must be equal. `values` holds
// what differs between machines: `notExecutable` (a file without execute permission) and
// `missing` (a program name on no PATH). Every program it runs is on the page's [process] allow.
export default async function script ({ childProcess, Buffer, util, values }) {
  const { spawn, exec, execFile, spawnSync, execSync, execFileSync } = childProcess
  const info = (e) => e && ({
    name: e.name,
    message: e.message,
    code: e.code ?? null,
    errno: e.errno ?? null,
    syscall: e.syscall ?? null,
    path: e.path ?? null,
    spawnargs: e.spawnargs ?? null,
    killed: e.killed ?? null,
    signal: e.signal ?? null,
    cmd: e.cmd ?? null,
    keys: Object.keys(e).filter((key) => key !== 'stdout' && key !== 'stderr'),
    isError: e instanceof Error
  })
  const attempt = (f) => {
    try { f(); return null } catch (e) { return info(e) }
  }
  const text = (value) => Buffer.isBuffer(value) ? { buffer: value.toString('hex') } : value
  // A child's events in order, its pipes' bytes and its state once closed.
  const run = (child, during = () => {}) => new Promise((resolve) => {
    const events = []
    const out = []
    const err = []
    child.stdout?.on('data', (chunk) => out.push(chunk))
    child.stderr?.on('data', (chunk) => err.push(chunk))
    child.on('spawn', () => { events.push('spawn'); during(child, events) })
    child.on('exit', (code, signal) => events.push(['exit', code, signal]))
    child.on('error', (e) => events.push(['error', info(e)]))
    child.on('close', (code, signal) => {
      events.push(['close', code, signal])
      resolve({
        events,
        stdout: Buffer.concat(out).toString('hex'),
        stderr: Buffer.concat(err).toString('hex'),
        exitCode: child.exitCode,
        signalCode: child.signalCode,
        killed: child.killed,
        spawnfile: child.spawnfile,
        spawnargs: child.spawnargs,
        pid: typeof child.pid,
        connected: child.connected,
        pipes: child.stdio.map((stream) => stream === null ? null : typeof stream),
        killAfterClose: child.kill()
      })
    })
  })
  const called = (f, ...args) => new Promise((resolve) => {
    f(...args, (error, stdout, stderr) => resolve({ error: info(error), stdout: text(stdout), stderr: text(stderr) }))
  })
  // FNV-1a over bytes: compares a large output without carrying it.
  const digest = (chunks) => {
    let hash = 0x811c9dc5
    let length = 0
    for (const chunk of chunks) {
      for (const byte of chunk) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
      length += chunk.length
    }
    return [length, hash]
  }
  const out = {}

  out.exitCode = await run(spawn('sh', ['-c', 'printf out; printf err >&2; exit 7']))
  out.ignored = await run(spawn('sh', ['-c', 'echo lost; echo lost >&2'], { stdio: 'ignore' }))
  out.mixed = await run(spawn('sh', ['-c', 'echo kept; echo lost >&2'], { stdio: ['ignore', 'pipe', 'ignore'] }))
  out.shell = await run(spawn('echo "$#" \'a  b\'', { shell: true }))
  out.shellArgs = await run(spawn('printf', ['%s-', 'x', 'y'], { shell: true }))

  const cat = spawn('cat')
  const catChunks = []
  cat.stdout.on('data', (chunk) => catChunks.push(chunk))
  const catClosed = run(cat)
  cat.stdin.write('text, ')
  cat.stdin.write(Buffer.from([0, 1, 2, 255]))
  cat.stdin.write(new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251))
  cat.stdin.write('héllo', 'utf8')
  cat.stdin.write('6869', 'hex')
  cat.stdin.end('end')
  const catResult = await catClosed
  out.cat = { ...catResult, stdout: null, digest: digest(catChunks), head: Buffer.concat(catChunks).subarray(0, 10).toString('hex') }

  // A child that closed its stdin: the next write is EPIPE on stdin.
  const closer = spawn('sh', ['-c', 'exec <&-; echo closed; exec sleep 30'])
  await new Promise((resolve) => closer.stdout.once('data', resolve))
  const epipe = new Promise((resolve) => closer.stdin.once('error', resolve))
  const writeErrors = []
  closer.stdin.write('nobody reads this', (e) => writeErrors.push(info(e)))
  out.epipe = { error: info(await epipe), callbacks: writeErrors }
  closer.kill()
  await new Promise((resolve) => closer.on('close', resolve))

  out.enoent = await run(spawn(values.missing, ['an', 'arg']))
  out.eacces = await run(spawn(values.notExecutable))
  out.enoentExec = await called(execFile, values.missing, ['x'])
  out.eaccesExec = await called(execFile, values.notExecutable)

  out.kill = await run(spawn('sleep', ['30']), (child, events) => events.push(['kill', child.kill()]))
  out.killSignal = await run(spawn('sleep', ['30']), (child, events) => events.push(['kill', child.kill('SIGKILL')]))
  out.killNumber = await run(spawn('sleep', ['30']), (child, events) => events.push(['kill', child.kill(2)]))
  const sleeper = spawn('sleep', ['30'])
  out.badSignal = attempt(() => sleeper.kill('SIGNOPE'))
  sleeper.kill()
  await new Promise((resolve) => sleeper.on('close', resolve))
  out.spawnTimeout = await run(spawn('sleep', ['30'], { timeout: 200 }))
  out.spawnTimeoutSignal = await run(spawn('sleep', ['30'], { timeout: 200, killSignal: 'SIGINT' }))

  out.execFile = await called(execFile, 'sh', ['-c', 'printf "%s" "$1"; printf e >&2', 'sh', 'a b'])
  out.execFileOptions = await called(execFile, 'sh', ['-c', 'exit 4'], { encoding: 'utf8' })
  out.execFileBuffer = await called(execFile, 'sh', ['-c', 'printf "\\377\\000x"; printf "\\376" >&2'], { encoding: 'buffer' })
  out.execFileTimeout = await called(execFile, 'sleep', ['30'], { timeout: 200 })
  out.execFileKillSignal = await called(execFile, 'sleep', ['30'], { timeout: 200, killSignal: 'SIGKILL' })
  out.exec = await called(exec, 'echo hello; echo oops >&2; exit 3')
  out.execOk = await called(exec, 'printf "%s|" a "b c"; echo')
  out.execMaxBuffer = await called(exec, "printf '%02000d' 0", { maxBuffer: 1000 })
  out.execMaxBufferStderr = await called(exec, "printf '%0300d' 0 >&2", { maxBuffer: 100, encoding: 'buffer' })
  out.execTimeout = await called(exec, 'sleep 30', { timeout: 200 })
  const controller = new AbortController()
  out.abort = await run(spawn('sleep', ['30'], { signal: controller.signal }), () => controller.abort())
  out.abortExec = await called(execFile, 'sleep', ['30'], { signal: AbortSignal.abort() })

  const execFileAsync = util.promisify(execFile)
  const execAsync = util.promisify(exec)
  const resolved = execFileAsync('sh', ['-c', 'echo hi; echo there >&2'])
  out.promisified = { child: typeof resolved.child?.kill, value: await resolved }
  out.promisifiedError = await execAsync('echo partial; exit 9').then(() => null, (e) => ({ ...info(e), stdout: e.stdout, stderr: e.stderr }))

  out.invalid = {
    emptyFile: attempt(() => spawn('')),
    fileType: attempt(() => spawn(5)),
    argsType: attempt(() => spawn('sh', 'not an array')),
    argType: attempt(() => spawn('sh', [1])),
    nullByte: attempt(() => spawn('sh', ['a\u0000b'])),
    optionsType: attempt(() => spawn('sh', [], 'x')),
    timeout: attempt(() => spawn('sh', [], { timeout: -1 })),
    timeoutType: attempt(() => execFile('sh', [], { timeout: 1.5 })),
    maxBuffer: attempt(() => execFile('sh', [], { maxBuffer: -1 })),
    killSignal: attempt(() => spawn('sh', [], { killSignal: 'SIGNOPE' })),
    killSignalType: attempt(() => execFile('sh', [], { killSignal: {} })),
    shellType: attempt(() => spawn('sh', [], { shell: 5 })),
    callback: attempt(() => execFile('sh', [], {}, 'not a function')),
    command: attempt(() => exec(5))
  }

  // The synchronous forms. A result as Node answers it: key order, exit, outputs (text or hex)
  // and the error. Under maxBuffer, Node keeps the bytes of the last read, the page exactly
  // maxBuffer of them: the length is left out of that case.
  const synced = (result, { lengths = true } = {}) => ({
    keys: Object.keys(result),
    status: result.status,
    signal: result.signal,
    pid: typeof result.pid,
    error: info(result.error) ?? null,
    output: result.output && result.output.map((value) => value === null ? null : lengths ? text(value) : typeof value),
    stdout: lengths ? text(result.stdout) : typeof result.stdout
  })
  const thrown = (f) => {
    try { return { value: text(f()) } } catch (e) {
      return { error: { ...info(e), status: e.status ?? null, stdout: text(e.stdout ?? null), stderr: text(e.stderr ?? null) } }
    }
  }
  out.spawnSync = synced(spawnSync('sh', ['-c', 'cat; echo " done"; echo warn >&2; exit 4'], { input: 'piped', encoding: 'utf8' }))
  // The child reads its input: one that exits first gets Node an EPIPE or not, by a race.
  out.spawnSyncBytes = synced(spawnSync('sh', ['-c', 'cat; printf "\\001\\377"'], { input: Buffer.from([1, 2]) }))
  out.spawnSyncIgnore = synced(spawnSync('sh', ['-c', 'echo out'], { stdio: ['pipe', 'ignore', 'pipe'] }))
  out.spawnSyncEnoent = synced(spawnSync(values.missing, ['a']))
  out.spawnSyncTimeout = synced(spawnSync('sleep', ['30'], { timeout: 200 }))
  // The child outlives its output, so that Node's kill (and the host's) always finds it: one
  // that exits first leaves Node reporting status 0, by a race.
  out.spawnSyncMaxBuffer = synced(spawnSync('sh', ['-c', 'head -c 4000 /dev/zero; sleep 30'], { maxBuffer: 100 }), { lengths: false })
  out.execSync = thrown(() => execSync('echo hi', { encoding: 'utf8' }))
  out.execSyncFails = thrown(() => execSync('echo partial; echo why >&2; exit 3', { stdio: 'pipe' }))
  out.execSyncShellTimeout = thrown(() => execSync('sleep 30', { timeout: 200, stdio: 'pipe' }))
  out.execFileSync = thrown(() => execFileSync('cat', { input: 'in', stdio: 'pipe' }))
  out.execFileSyncEnoent = thrown(() => execFileSync(values.missing, ['x']))
  out.execFileSyncEacces = thrown(() => execFileSync(values.notExecutable))
  return out
}
