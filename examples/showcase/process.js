// The process panel (oro-process): node:child_process in the page. Only what oro.toml's
// [process] allows runs: `uname` with flag arguments, and `sort` fed through its stdin. Anything
// else (the "curl" button) is refused with a SecurityError that names the rule.

const $ = (id) => document.getElementById(id)

function show (value) {
  $('process-result').textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function explain (error) {
  return `${error.name} ${error.code ?? ''}: ${error.message}`
}

async function main () {
  let childProcess
  try {
    childProcess = (await import('node:child_process')).default
  } catch {
    show('oro-process is not installed.')
    return
  }

  $('process-uname').addEventListener('click', () => {
    childProcess.execFile('uname', ['-srm'], (error, stdout) => {
      show(error ? explain(error) : { command: 'uname -srm', stdout: stdout.trim() })
    })
  })

  $('process-sort').addEventListener('click', () => {
    const child = childProcess.spawn('sort')
    const chunks = []
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk) => chunks.push(chunk))
    child.on('error', (error) => show(explain(error)))
    child.on('close', (code) => show({ command: 'sort', pid: child.pid, code, sorted: chunks.join('').split('\n').filter(Boolean) }))
    child.stdin.end($('process-lines').value + '\n')
  })

  $('process-refused').addEventListener('click', () => {
    const child = childProcess.spawn('curl', ['https://example.com'])
    child.on('error', (error) => show(explain(error)))
  })
  // The buttons work from here on (the module above loads asynchronously).
  $('process').dataset.ready = 'true'
}

if (globalThis.isOroRuntime) main()
