// Type-checked (never run): importing the modules by relative path resolves to the per-module
// .d.ts files next to them.

import { request, stream } from '../../ipc.js'
import { NotFoundError } from '../../errors.js'
import { onApplicationPause } from '../../hooks.js'
import { getWindows } from '../../application.js'
import { Buffer } from '../../buffer.js'
import { join } from '../../path.js'
import { EventEmitter } from '../../events.js'

async function main (): Promise<void> {
  const pong: string = await request('ping')
  for await (const item of stream('diagnostics.stream.sse')) console.log(item)
  const off = onApplicationPause(() => {})
  off()
  const windows = await getWindows([0])
  console.log(pong, windows[0]?.title, new NotFoundError('x').code, Buffer.from('a').toString('base64'), join('a'), new EventEmitter().eventNames())
}

void main()
