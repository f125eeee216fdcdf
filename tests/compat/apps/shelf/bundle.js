// Bundles src/index.js with the modules it imports into one index.js in the folder the runtime
// serves (the first argument with forward_arguments, else $PREFIX). src/ is copied after this
// runs: the bundle, newer than src/index.js, stays.
import fs from 'node:fs'
import path from 'node:path'

const target = path.resolve(process.argv[2] || process.env.PREFIX)

function bundle (entry) {
  const parts = []
  const visit = (file) => {
    let source = fs.readFileSync(file, 'utf8')
    source = source.replace(/^import\s+\{[^}]*\}\s+from\s+'(\.[^']+)'\s*\n/gm, (_, spec) => {
      visit(path.resolve(path.dirname(file), spec))
      return ''
    })
    parts.push(source.replace(/^export\s+(?=(function|const|class))/gm, ''))
  }
  visit(path.resolve(entry))
  return parts.join('\n').replace("build: 'source'", "build: 'bundled'")
}

fs.mkdirSync(target, { recursive: true })
fs.writeFileSync(path.join(target, 'index.js'), bundle('src/index.js'))
