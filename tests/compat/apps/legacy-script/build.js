// A build script in the shape of Socket 0.2's templates: the target folder is argv[2].
import fs from 'node:fs'
import path from 'node:path'

const target = path.resolve(process.argv[2])
fs.mkdirSync(target, { recursive: true })
fs.copyFileSync('src/index.html', path.join(target, 'index.html'))
if (process.argv.find(s => s.includes('--test'))) {
  fs.mkdirSync(path.join(target, 'test'), { recursive: true })
  fs.writeFileSync(path.join(target, 'test', 'argv.json'), JSON.stringify(process.argv.slice(2)))
}
