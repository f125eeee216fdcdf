// Writes the test bundle where esbuild's outdir would: build/esbuild/ (not $PREFIX);
// [build] copy takes it into the output from there.
import fs from 'node:fs'

fs.mkdirSync('build/esbuild', { recursive: true })
const banner = "globalThis.bundledBy = 'esbuild.js'\n"
fs.writeFileSync('build/esbuild/index.js', banner + fs.readFileSync('index.js', 'utf8'))
