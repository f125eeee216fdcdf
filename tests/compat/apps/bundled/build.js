// Bundles src/index.js with its relative imports into one module in $PREFIX (the output folder
// the runtime serves), copies the page, and bundles test/index.js when run with --test.
import fs from 'node:fs'
import path from 'node:path'

const target = path.resolve(process.env.PREFIX)

function bundle (entry) {
  const seen = new Set()
  const parts = []
  const visit = (file) => {
    if (seen.has(file)) return
    seen.add(file)
    let source = fs.readFileSync(file, 'utf8')
    source = source.replace(/^import\s+(?:[\w{}\s,*]+from\s+)?'(\.[^']+)'\s*\n/gm, (_, spec) => {
      visit(path.resolve(path.dirname(file), spec))
      return ''
    })
    parts.push(source.replace(/^export\s+(?=(function|const|class))/gm, ''))
  }
  visit(path.resolve(entry))
  return parts.join('\n')
}

fs.mkdirSync(path.join(target, 'test'), { recursive: true })
fs.writeFileSync(path.join(target, 'index.js'), bundle('src/index.js'))
for (const file of ['index.html', 'index.css']) {
  fs.copyFileSync(path.join('src', file), path.join(target, file))
}
if (process.argv.some((argument) => argument.includes('--test'))) {
  fs.writeFileSync(path.join(target, 'test', 'index.js'), bundle('test/index.js'))
}
fs.writeFileSync(path.join(target, 'package.json'), '{ "private": true }')
