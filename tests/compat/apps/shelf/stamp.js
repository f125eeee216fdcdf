// Stamps a finished build: run by [build.script] after, with the output folder as its argument.
import fs from 'node:fs'
import path from 'node:path'

const target = path.resolve(process.argv[2] || process.env.PREFIX)
fs.writeFileSync(path.join(target, 'stamp.txt'), 'stamped after the build\n')
